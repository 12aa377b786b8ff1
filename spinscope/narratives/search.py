"""Ranking catalog entries for query texts, and the probability that a match is the same claim.

Two stages. First, every entry gets score = w_e5 x (e5 cosine) + w_tfidf x (TF-IDF cosine),
the weights tuned on CheckThat! 2020 train. Second, the best ``rerank.k`` entries (20) of
each query are described by the twelve features of :data:`FEATURES` and put in the order of a
logistic re-ranker fitted on CheckThat! 2020 train pairs (relevant fact-check vs the other
high-ranked ones, which are nearly always the same topic); its logit becomes the ``score``.

The features: the e5 cosine; that cosine *standardised over the whole catalog for the query*
(z = (cosine - mean) / std: e5 cosines are compressed, unrelated pairs score 0.80-0.89 across
languages too, and a sentence of generic words is close to every entry); the TF-IDF cosine;
the gap between the pair's first-stage score and the best score of any other entry (a match
that stands out); and the eight features of :mod:`spinscope.narratives.pairs` that read both
texts (shared content words both ways, names, numbers, negation, script, truncated entry,
query length).

The probability that the query and the entry state the same claim (not merely the same
topic) is a second logistic model on the same features, fitted on CheckThat! train pairs, the
cross-lingual paraphrases and the dev half of the real-article pairs
(``research/narratives/pairclf.py``; the model card says how well it does). Weights,
both models and the threshold live in ``params.json`` beside this module.
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
from spinscope.narratives.pairs import PAIR_FEATURES

PARAMS = Path(__file__).with_name("params.json")
#: The features of the first stage, then those of the pair (:mod:`spinscope.narratives.pairs`).
BASE_FEATURES = ("e5", "z", "tfidf", "gap")
FEATURES = BASE_FEATURES + PAIR_FEATURES


@lru_cache(maxsize=1)
def params() -> dict[str, Any]:
    return json.loads(PARAMS.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Match:
    """One catalog entry found for a query."""

    entry: int
    rank: int
    #: The re-ranker's logit (the first-stage score where there is no re-ranker).
    score: float
    similarity: float
    lexical: float
    #: The e5 cosine standardised over the catalog for this query.
    z: float
    #: This entry's first-stage score minus the best score of any other entry.
    gap: float
    probability: float


def features(
    dense: np.ndarray, lexical: np.ndarray, cols: np.ndarray, w_e5: float, w_tfidf: float
) -> np.ndarray:
    """(queries, len(cols[0]), 4) first-stage features of the pairs (query i, entry cols[i, k])
    from the full (queries, entries) e5 and TF-IDF cosine matrices, in the order of
    :data:`BASE_FEATURES`."""
    score = w_e5 * dense + w_tfidf * lexical
    rows = np.arange(len(dense))[:, None]
    spread = dense.std(axis=1, keepdims=True)
    z = (dense[rows, cols] - dense.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1)
    two = min(2, score.shape[1])
    firsts = -np.sort(-np.partition(score, score.shape[1] - two, axis=1)[:, -two:], axis=1)
    mine = score[rows, cols]
    other = np.where(mine >= firsts[:, :1], firsts[:, -1:], firsts[:, :1])
    return np.stack([dense[rows, cols], z, lexical[rows, cols], mine - other], axis=-1)


def linear(feats: np.ndarray, model: dict[str, Any]) -> np.ndarray:
    """The logit of a logistic model stored as ``{intercept, mean, scale, coef}`` over the
    standardised :data:`FEATURES`."""
    x = (feats - np.asarray(model["mean"])) / np.asarray(model["scale"])
    return float(model["intercept"]) + x @ np.asarray(model["coef"])


def probability(feats: np.ndarray) -> np.ndarray:
    """Calibrated probability that a pair states the same claim, from the :data:`FEATURES`."""
    return 1.0 / (1.0 + np.exp(-linear(feats, params()["calibration"])))


class Searcher:
    """Vectorised search over one index: all queries of a batch in a few matrix products.

    ``weights`` and ``rerank`` override those of ``params.json`` (the tuning scripts use it;
    ``rerank=False`` ranks by the first stage alone)."""

    def __init__(
        self,
        index: Index,
        weights: dict[str, float] | None = None,
        rerank: dict[str, Any] | bool | None = None,
    ) -> None:
        self.index = index
        weights = weights or params()["weights"]
        self.w_e5 = float(weights["e5"])
        self.w_tfidf = float(weights["tfidf"])
        if rerank is None or rerank is True:
            rerank = params().get("rerank")
        self.rerank: dict[str, Any] | None = rerank or None
        self.index.lexical  # noqa: B018 - build the TF-IDF matrix now, not on the first query
        self.index.pairs  # noqa: B018 - and the entries' words, names and numbers

    def candidates(
        self, query_vectors: np.ndarray, query_texts: Sequence[str], k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` entries of each query with the best first-stage score, best first, and
        their (queries, k, len(FEATURES)) features."""
        n = len(self.index.entries)
        k = max(1, min(k, n))
        dense = query_vectors.astype(np.float32) @ self.index.vectors.T
        lexical = self.index.lexical.scores(query_texts)
        score = self.w_e5 * dense + self.w_tfidf * lexical
        if k < n:
            best = np.argpartition(-score, k - 1, axis=1)[:, :k]
        else:
            best = np.tile(np.arange(n), (len(score), 1))
        rows = np.arange(len(score))[:, None]
        best = best[rows, np.argsort(-score[rows, best], axis=1, kind="stable")]
        return best, self._features(dense, lexical, best, query_texts)

    def features_of(
        self, query_vectors: np.ndarray, query_texts: Sequence[str], cols: np.ndarray
    ) -> np.ndarray:
        """The (queries, len(cols[0]), len(FEATURES)) features of given pairs."""
        dense = query_vectors.astype(np.float32) @ self.index.vectors.T
        return self._features(dense, self.index.lexical.scores(query_texts), cols, query_texts)

    def _features(
        self, dense: np.ndarray, lexical: np.ndarray, cols: np.ndarray, texts: Sequence[str]
    ) -> np.ndarray:
        base = features(dense, lexical, cols, self.w_e5, self.w_tfidf)
        pair = np.asarray(self.index.pairs.features(texts, cols.tolist()), dtype=np.float64)
        return np.concatenate([base, pair.reshape(*cols.shape, -1)], axis=-1)

    def rank(
        self, query_vectors: np.ndarray, query_texts: Sequence[str], top: int
    ) -> list[list[Match]]:
        """The ``top`` entries for each query, best first, from ready query vectors."""
        if len(query_texts) == 0:
            return []
        k = max(top, int(self.rerank["k"])) if self.rerank else top
        best, feats = self.candidates(query_vectors, query_texts, k)
        if self.rerank:
            score = linear(feats, self.rerank)
        else:
            score = self.w_e5 * feats[..., 0] + self.w_tfidf * feats[..., 2]
        order = np.argsort(-score, axis=1, kind="stable")[:, :top]
        prob = probability(feats)
        out = []
        for i in range(len(best)):
            out.append(
                [
                    Match(
                        int(best[i, j]),
                        r + 1,
                        float(score[i, j]),
                        float(feats[i, j, 0]),
                        float(feats[i, j, 2]),
                        float(feats[i, j, 1]),
                        float(feats[i, j, 3]),
                        float(prob[i, j]),
                    )
                    for r, j in enumerate(order[i])
                ]
            )
        return out

    def search(self, texts: Sequence[str], top: int = 5) -> list[list[Match]]:
        """Encode ``texts`` and rank the catalog for each."""
        texts = list(texts)
        return self.rank(encode_queries(texts), texts, top)
