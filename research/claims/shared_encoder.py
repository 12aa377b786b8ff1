"""Could claims read the techniques encoder instead of running its own MiniLM? (issue 17:
the one change that would take the claims model's ~8 s of 38 off the pipeline.)

Encodes each ClaimBuster sentence with the shipped techniques encoder (multilingual-e5
small, fine-tuned on SemEval-2023), pools its last hidden states (mean and max over the
sentence's pieces, 768 numbers) and scores a logistic-regression head with the same
protocol as the shipped claims model (stratified 5-fold CV, seed 0, class-balanced L2;
F1 of the positive class at the best threshold on a 0.05 grid of the pooled out-of-fold
scores, and at 0.5). The shipped model's figures: 0.807 / 0.800 (its MODEL_CARD).

    python research/claims/shared_encoder.py ../shared/data/claimbuster/train.json [--layers]

``--layers`` also pools the outputs of layers 2, 4, 6, 8 and 10 (added as graph outputs in
memory; needs the [train] extra's onnx), as the shipped claims model pools all of MiniLM's.

Measured 2026-11-28 (2-core machine): last layer F1 0.778 at 0.65 (0.763 at 0.5), C=0.002,
37 s to encode; with ``--layers`` 0.812 at 0.70 (0.804 at 0.5), C=0.002, 32 s.

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


def layer_features(texts: list[str], layers: tuple[int, ...] = (1, 3, 5, 7, 9)) -> np.ndarray:
    """Masked means of the given layers' outputs plus the last layer's mean and max."""
    import onnx
    import onnxruntime as ort

    model = TechniquesModel()
    graph = onnx.load(str(model.dir / model.config["encoder"]))
    names = [f"/enc/encoder/layer.{i}/output/LayerNorm/LayerNormalization_output_0"
             for i in layers]  # fmt: skip
    for name in names:
        graph.graph.output.append(onnx.helper.make_tensor_value_info(name, 1, None))
    session = ort.InferenceSession(graph.SerializeToString(), providers=["CPUExecutionProvider"])
    d = model.config["hidden_size"]
    out = np.zeros((len(texts), d * (len(layers) + 2)), np.float32)
    ids = [[model.cls_id, *model.encode(t).ids[:254], model.sep_id] for t in texts]
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    for b in range(0, len(order), 64):
        rows = order[b : b + 64]
        width = max(len(ids[i]) for i in rows)
        batch = np.full((len(rows), width), model.pad_id, np.int64)
        mask = np.zeros((len(rows), width), np.int64)
        for r, i in enumerate(rows):
            batch[r, : len(ids[i])], mask[r, : len(ids[i])] = ids[i], 1
        feed = {"inputs_embeds": model.embeddings.lookup(batch), "attention_mask": mask}
        _, last, _, *middle = session.run(["bio_logits", "hidden", "technique_probs", *names],
                                          feed)  # fmt: skip
        m = mask[..., None].astype(np.float32)
        pooled = [(h * m).sum(1) / m.sum(1) for h in middle]
        pooled += [(last * m).sum(1) / m.sum(1), np.where(m > 0, last, -1e9).max(1)]
        out[rows] = np.concatenate(pooled, axis=1)
    return out


def main(path: str, mode: str = "") -> None:
    texts, labels = load_claimbuster(Path(path))
    start = time.perf_counter()
    feats = layer_features(texts) if mode == "--layers" else features(texts)
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
    main(*(sys.argv[1:] or ["../shared/data/claimbuster/train.json"]))
