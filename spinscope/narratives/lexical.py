"""TF-IDF cosine between queries and catalog entries (numpy and scipy.sparse only).

Words are lower-cased letter/digit runs with a light English suffix stripping (plural -s,
-es, -ies), English stop words left out; term weights are sublinear
(1 + log tf) times a smoothed idf, rows L2-normalised. A query word the catalog never uses
still counts in the query's norm (with the largest idf), so a query that shares one common
word with an entry does not score as if it were that word alone. Over a Cyrillic query and an
English catalog the score is near 0 everywhere, which leaves the ranking to the multilingual
encoder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+")
_TAG = re.compile(r"[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-zа-яё])(?=[A-ZА-ЯЁ])|(?<=[^\W\d_])(?=\d)")
STOP = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves rt amp via""".split()  # noqa: SIM905 - a word list reads better as text
)


def _split_tag(match: re.Match[str]) -> str:
    return " " + _CAMEL.sub(" ", match.group(1)) + " "


def clean(text: str) -> str:
    """Text without links (``https://…``, ``pic.twitter.com/…``: they name no claim), with
    hashtags and handles split into their words (``#FakeNews`` -> ``Fake News``,
    ``@realDonaldTrump`` -> ``real Donald Trump``). On CheckThat! 2020 train this cleaning
    of the lexical side raised MAP@5 from 0.897 to 0.904 (dev 0.871 to 0.878); the encoder
    reads the raw text (cleaning it too did not help: train 0.889)."""
    return _TAG.sub(_split_tag, _URL.sub(" ", text))


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The content words of ``text`` (bigrams were tried: CheckThat! dev MAP@5 0.678 with
    them, 0.722 without)."""
    return [_stem(w) for w in _WORD.findall(clean(text).lower()) if w not in STOP]


class TfidfIndex:
    """A TF-IDF matrix of the catalog; :meth:`scores` gives cosines for a batch of queries."""

    def __init__(self, texts: Sequence[str]) -> None:
        from scipy import sparse

        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, text in enumerate(texts):
            counts: dict[int, int] = {}
            for t in terms(text):
                j = vocab.setdefault(t, len(vocab))
                counts[j] = counts.get(j, 0) + 1
            rows += [r] * len(counts)
            cols += list(counts)
            vals += [1.0 + np.log(c) for c in counts.values()]
        n = len(texts)
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocab))
        self.idf = np.log((1 + n) / (1 + df)) + 1.0
        self.max_idf = float(np.log(1 + n) + 1.0)
        self.vocab = vocab
        m = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(n, len(vocab))
        )
        m = m.multiply(self.idf.astype(np.float32)[None, :]).tocsr()
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        #: (V, n_entries): a query batch times this gives the cosines.
        self.matrix_t = (sparse.diags((1.0 / norms).astype(np.float32)) @ m).T.tocsr()

    def _queries(self, texts: Sequence[str]) -> Any:
        from scipy import sparse

        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, text in enumerate(texts):
            counts: dict[str, int] = {}
            for t in terms(text):
                counts[t] = counts.get(t, 0) + 1
            weights = {t: (1.0 + np.log(c)) for t, c in counts.items()}
            norm2 = 0.0
            row_terms = []
            for t, w in weights.items():
                j = self.vocab.get(t)
                wi = w * (self.idf[j] if j is not None else self.max_idf)
                norm2 += wi * wi
                if j is not None:
                    row_terms.append((j, wi))
            norm = np.sqrt(norm2) or 1.0
            for j, wi in row_terms:
                rows.append(r)
                cols.append(j)
                vals.append(wi / norm)
        return sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)),
            shape=(len(texts), len(self.vocab)),
        )

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), n_entries) cosine similarities, float32."""
        return np.asarray((self._queries(texts) @ self.matrix_t).todense(), dtype=np.float32)
