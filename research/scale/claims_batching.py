"""Claims scoring: per-article padded batches (before issue 17) against sentences grouped by
exact length across a batch of 8 articles (now), on the sentences of the 90 unlabeled PTC
articles: time, and whether a score depends on what it is batched with.

    python research/scale/claims_batching.py [ARTICLES_DIR]

Measured 2026-11-28, idle 2-core machine, two runs: per article 12.0-12.5 s, grouped per 8
articles 7.6-8.5 s, per 45 articles 6.5-6.8 s; grouped scores identical to the bit whether 8 or 45
articles are batched (0 of 2,647 differ), and within 2.3e-7 of the padded ones.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np

from spinscope.analyzers.claims import ClaimScorer

ARTICLES = Path("../shared/data/ptc/unlabeled/articles")


def padded(scorer: ClaimScorer, texts: list[str], size: int = 32) -> np.ndarray:
    """The scorer before issue 17: sorted by length, batches of 32 padded to their longest."""
    encs = scorer._tok.encode_batch(texts)
    order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
    out = np.zeros(len(texts))
    for b in range(0, len(order), size):
        rows = order[b : b + size]
        width = max(len(encs[i].ids) for i in rows)
        ids = np.zeros((len(rows), width), np.int64)
        mask = np.zeros_like(ids)
        for r, i in enumerate(rows):
            ids[r, : len(encs[i].ids)], mask[r, : len(encs[i].ids)] = encs[i].ids, 1
        (logits,) = scorer._session.run(["logits"], {"input_ids": ids, "attention_mask": mask})
        out[rows] = 1 / (1 + np.exp(-logits.astype(np.float64)))
    return out


def main(folder: Path) -> None:
    docs = []
    for path in sorted(folder.iterdir())[:90]:
        text = path.read_text(encoding="utf-8")
        docs.append([s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 20])
    scorer = ClaimScorer()
    scorer.score(["Warm up."])
    start = time.perf_counter()
    before = np.concatenate([padded(scorer, d) for d in docs])
    print(f"per article, padded: {time.perf_counter() - start:.1f} s")
    grouped = {}
    for per in (8, 45):
        start = time.perf_counter()
        grouped[per] = np.concatenate([scorer.score([s for d in docs[i : i + per] for s in d])
                                       for i in range(0, len(docs), per)])  # fmt: skip
        print(f"grouped by length, {per} articles a batch: {time.perf_counter() - start:.1f} s")
    print(f"{len(before)} sentences; 8 vs 45 articles: {int((grouped[8] != grouped[45]).sum())} "
          f"differ; padded vs grouped: max difference {np.abs(before - grouped[8]).max():.1e}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ARTICLES)
