"""Ranking catalog entries for query texts, and the probability that a match is the same claim.

score = w_e5 x (e5 cosine) + w_tfidf x (TF-IDF cosine), the weights tuned on CheckThat!
2020 train (``research/narratives/checkthat.py``). The probability that a query and an entry
state the same claim (not merely the same topic) is a logistic function of the two cosines
fitted on labelled pairs (see ``spinscope/narratives/MODEL_CARD.md``). Both live in
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
    probability: float


def probability(similarity: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """Calibrated probability that the pair states the same claim."""
    c = params()["calibration"]
    z = c["intercept"] + c["e5"] * similarity + c["tfidf"] * lexical
    return 1.0 / (1.0 + np.exp(-z))


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
        sim, lex = dense[rows, best], lexical[rows, best]
        prob = probability(sim, lex)
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
