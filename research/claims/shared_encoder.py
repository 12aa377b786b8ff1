"""Could claims read the techniques encoder instead of running its own MiniLM? (issue 17:
the one change that would take the claims model's ~8 s of 38 off the pipeline.)

Encodes each ClaimBuster sentence with the shipped techniques encoder (multilingual-e5
small, fine-tuned on SemEval-2023), pools its last hidden states (mean and max over the
sentence's pieces, 768 numbers) and scores a logistic-regression head with the same
protocol as the shipped claims model (stratified 5-fold CV, seed 0, class-balanced L2;
F1 of the positive class at the best threshold on a 0.05 grid of the pooled out-of-fold
scores, and at 0.5). The shipped model's figures: 0.807 / 0.800 (its MODEL_CARD).

    python research/claims/shared_encoder.py ../shared/data/claimbuster/train.json

Sentences are encoded alone here; in articles the encoder reads whole paragraphs, so a
head for the pipeline would be trained on sentences pooled from paragraph encodings.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from spinscope.analyzers.techniques import TechniquesModel
from spinscope.train.claims import load_claimbuster


def features(texts: list[str]) -> np.ndarray:
    model = TechniquesModel()
    segments = [model.encode(t) for t in texts]
    out = np.zeros((len(texts), 2 * model.config["hidden_size"]), np.float32)
    step = 512
    for i in range(0, len(texts), step):
        for k, (_, hidden, *_rest) in enumerate(model.forward(segments[i : i + step])):
            if len(hidden):
                out[i + k] = np.concatenate([hidden.mean(0), hidden.max(0)])
    return out


def main(path: str) -> None:
    texts, labels = load_claimbuster(Path(path))
    start = time.perf_counter()
    feats = features(texts)
    print(f"encoded {len(texts)} sentences in {time.perf_counter() - start:.0f} s")
    for c in (0.002, 0.005, 0.02, 0.1):
        scores = np.zeros(len(texts))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(feats, labels):
            mean, scale = feats[train].mean(0), feats[train].std(0) + 1e-6
            clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
            clf.fit((feats[train] - mean) / scale, labels[train])
            scores[test] = clf.predict_proba((feats[test] - mean) / scale)[:, 1]
        grid = {t: f1_score(labels, scores >= t) for t in np.arange(0.05, 1.0, 0.05)}
        best = max(grid, key=grid.get)
        print(f"C={c}: F1 {grid[best]:.3f} at threshold {best:.2f}, "
              f"{f1_score(labels, scores >= 0.5):.3f} at 0.5")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/claimbuster/train.json")
