"""Ranking catalog entries for query texts, and the probability that a match is the same claim.

score = w_e5 x (e5 cosine) + w_tfidf x (TF-IDF cosine), the weights tuned on CheckThat!
2020 train (``research/narratives/checkthat.py``).

The probability that a query and an entry state the same claim (not merely the same topic) is
a logistic function of four features (:func:`features`): the e5 cosine, the same cosine
*standardised over the whole catalog for that query* (z = (cosine - mean) / std: e5 cosines
are compressed, unrelated pairs score 0.80-0.89 across languages too, and a sentence of
generic words is close to every entry), the TF-IDF cosine, and the gap between the pair's
score and the best score of any other entry (a match that stands out from the rest of the
catalog). Fitted on labelled pairs (``research/narratives/calibrate.py``; the model card
says which and how well it does). Weights, calibration and threshold live in
``params.json`` beside this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.narratives.index import Index, encode_queries

PARAMS = Path(__file__).with_name("params.json")


@lru_cache(maxsize=1)
def params() -> dict[str, Any]:
    return json.loads(PARAMS.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Match:
    """One catalog entry found for a query."""

    entry: int
    rank: int
    score: float
    similarity: float
    lexical: float
    #: The e5 cosine standardised over the catalog for this query.
    z: float
    #: This entry's score minus the best score of any other entry (> 0 for a clear first).
    gap: float
    probability: float


FEATURES = ("e5", "z", "tfidf", "gap")


def features(dense: np.ndarray, lexical: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(queries, len(cols[0]), 4) features of the pairs (query i, entry cols[i, k]) from the
    full (queries, entries) e5 and TF-IDF cosine matrices, in the order of :data:`FEATURES`."""
    weights = params()["weights"]
    score = weights["e5"] * dense + weights["tfidf"] * lexical
    rows = np.arange(len(dense))[:, None]
    spread = dense.std(axis=1, keepdims=True)
    z = (dense[rows, cols] - dense.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1)
    two = min(2, score.shape[1])
    firsts = -np.sort(-np.partition(score, score.shape[1] - two, axis=1)[:, -two:], axis=1)
    mine = score[rows, cols]
    other = np.where(mine >= firsts[:, :1], firsts[:, -1:], firsts[:, :1])
    return np.stack([dense[rows, cols], z, lexical[rows, cols], mine - other], axis=-1)


def probability(feats: np.ndarray) -> np.ndarray:
    """Calibrated probability that a pair states the same claim, from :func:`features`."""
    c = params()["calibration"]
    logit = c["intercept"] + sum(c[name] * feats[..., k] for k, name in enumerate(FEATURES))
    return 1.0 / (1.0 + np.exp(-logit))


class Searcher:
    """Vectorised search over one index: all queries of a batch in a few matrix products."""

    def __init__(self, index: Index) -> None:
        self.index = index
        weights = params()["weights"]
        self.w_e5 = float(weights["e5"])
        self.w_tfidf = float(weights["tfidf"])
        self.index.lexical  # noqa: B018 - build the TF-IDF matrix now, not on the first query

    def rank(
        self, query_vectors: np.ndarray, query_texts: Sequence[str], top: int
    ) -> list[list[Match]]:
        """The ``top`` entries for each query, best first, from ready query vectors."""
        n = len(self.index.entries)
        top = max(1, min(top, n))
        if len(query_texts) == 0:
            return []
        dense = query_vectors.astype(np.float32) @ self.index.vectors.T
        lexical = self.index.lexical.scores(query_texts)
        score = self.w_e5 * dense + self.w_tfidf * lexical
        if top < n:
            best = np.argpartition(-score, top - 1, axis=1)[:, :top]
        else:
            best = np.tile(np.arange(n), (len(score), 1))
        rows = np.arange(len(score))[:, None]
        order = np.argsort(-score[rows, best], axis=1, kind="stable")
        best = best[rows, order]
        feats = features(dense, lexical, best)
        sim, z, lex, gap = (feats[..., k] for k in range(4))
        prob = probability(feats)
        out = []
        for i in range(len(score)):
            out.append(
                [
                    Match(
                        int(j),
                        r + 1,
                        float(score[i, j]),
                        float(sim[i, r]),
                        float(lex[i, r]),
                        float(z[i, r]),
                        float(gap[i, r]),
                        float(prob[i, r]),
                    )
                    for r, j in enumerate(best[i])
                ]
            )
        return out

    def search(self, texts: Sequence[str], top: int = 5) -> list[list[Match]]:
        """Encode ``texts`` and rank the catalog for each."""
        texts = list(texts)
        return self.rank(encode_queries(texts), texts, top)
