"""How well the techniques score is calibrated: for every span the shipped model predicts in
the val articles of each SemEval-2023 language, is it at least half covered by a gold span of
the same technique? Prints the share per score band and at display thresholds.

Usage: python research/techniques/calibration.py [../shared/data/semeval2023]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from spinscope.analyzers.techniques import TechniquesModel
from spinscope.eval import semeval


def main(root: Path) -> None:
    model = TechniquesModel()
    rows = []
    for lang in semeval.LANGS:
        d = root / lang
        arts = semeval.read_articles(d / "articles")
        gold: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for a, t, s, e in semeval.read_spans(d / "spans.tsv", arts, snap=True):
            gold.setdefault((a, t), []).append((s, e))
        for a in semeval.read_ids(d / "val.txt"):
            for s, e, lab, score in model.predict(arts[a]):
                cov = sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in gold.get((a, lab), []))
                rows.append((score, cov >= 0.5 * (e - s)))
    sc = np.array([r[0] for r in rows])
    hit = np.array([r[1] for r in rows])
    print(f"{len(rows)} spans, {hit.mean():.3f} matching")
    for lo, hi in [(0, 0.1), (0.1, 0.15), (0.15, 0.2), (0.2, 0.25), (0.25, 0.3), (0.3, 0.4),
                   (0.4, 0.5), (0.5, 1.01)]:  # fmt: skip
        k = (sc >= lo) & (sc < hi)
        print(f"[{lo}, {hi}) spans {k.sum()} matching {hit[k].mean() if k.any() else 0:.3f}")
    for t in (0.1, 0.15, 0.2, 0.25, 0.3):
        k = sc >= t
        print(f">= {t}: {k.sum()} spans ({k.mean():.2f}), matching {hit[k].mean():.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/semeval2023"))
