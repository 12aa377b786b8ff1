"""Features of a (query, catalog entry) pair that read both texts: "same claim" or "same topic".

The e5 cosine says two texts are about the same thing; it does not say they assert the same
thing (on real news sentences the best EUvsDisinfo entry is nearly always another claim on
the same subject). These features look at what the two texts share besides their topic, cheaply
enough to run on every (query, top-k entry) pair at search time:

- ``cover``: the share of the entry's content words (TF-IDF weighted, matched on their first
  five letters so that inflected Russian/Ukrainian forms and English plurals meet) that the
  query also has; ``qcover`` the same the other way round;
- ``names``: the share of the entry's names (capitalised words not at its start) that the
  query has, anywhere;
- ``numbers``: 1 when the entry states a number the query states too, -1 when both state
  numbers and none is shared, else 0;
- ``negation``: 1 when exactly one of the two is negated (not/no/never, не/нет/ні/ни …);
- ``script``: 1 when the query is mostly Cyrillic and the entry mostly Latin or the reverse
  (the lexical features are then 0 by construction, the model learns to lean on e5);
- ``truncated``: the entry ends with "…" (17% of EUvsDisinfo titles: half a claim);
- ``qlen``: log of the number of the query's content words (short headlines match anything).

:func:`pair_features` returns them in the order of :data:`PAIR_FEATURES`; the model that
weighs them (with the e5 and TF-IDF features of :mod:`spinscope.narratives.search`) is a
logistic regression fitted by ``research/narratives/pairclf.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from spinscope.narratives.lexical import STOP, clean

PAIR_FEATURES = ("cover", "qcover", "names", "numbers", "negation", "script", "truncated", "qlen")

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZА-ЯЁІЇЄҐ][\w'’-]{2,})", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
NEGATION = frozenset(
    """not no never nor none nothing nobody neither without cannot n't isn't wasn't don't
    doesn't didn't won't aren't weren't hasn't haven't hadn't couldn't wouldn't shouldn't
    не нет ни никогда никто ничего без ні немає ніколи ніхто нічого""".split()  # noqa: SIM905
)
_STOP_RU_UK = frozenset(
    """и в во на с со по за из к у о об от до для что как это так но а или же ли бы то его
    ее её их они он она оно мы вы я ты был была были быть есть при также уже еще ещё все всё
    который которая которые которых этот эта эти этого том тем чем где когда если чтобы
    і й та на з із зі по за до для що як це так але або же чи б би його її їх вони він вона
    воно ми ви я ти був була були бути є при також вже ще всі який яка які яких цей ця ці
    цього тому де коли якщо щоб""".split()  # noqa: SIM905
)


def _stems(text: str) -> list[str]:
    words = _WORD.findall(clean(text).lower())
    return [w[:5] for w in words if len(w) > 2 and w not in STOP and w not in _STOP_RU_UK]


def _script(text: str) -> int:
    """1 Cyrillic, 0 Latin (by the majority of letters)."""
    return int(len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text)))


@dataclass(frozen=True)
class Side:
    """What the pair features need of one text, computed once."""

    stems: frozenset[str]
    names: frozenset[str]
    numbers: frozenset[str]
    negated: bool
    script: int
    truncated: bool
    length: int


def side(text: str) -> Side:
    """The pieces of ``text`` the features compare."""
    stems = _stems(text)
    words = {w.lower().strip("'’") for w in re.findall(r"[\w'’]+", text)}
    return Side(
        stems=frozenset(stems),
        names=frozenset(m.lower()[:5] for m in _NAME.findall(text)),
        numbers=frozenset(n.replace(",", ".") for n in _NUMBER.findall(clean(text))),
        negated=bool(words & NEGATION) or "n't" in text.lower(),
        script=_script(text),
        truncated=text.rstrip().endswith(("…", "...")),
        length=len(stems),
    )


def _cover(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    """Share of a's (idf-weighted) stems that b has."""
    if not a:
        return 0.0
    total = sum(idf.get(s, 1.0) for s in a)
    return sum(idf.get(s, 1.0) for s in a & b) / total


def pair_features(query: Side, entry: Side, idf: dict[str, float]) -> list[float]:
    """The features of :data:`PAIR_FEATURES` for one pair."""
    cross = query.script != entry.script
    if entry.numbers and query.numbers:
        numbers = 1.0 if entry.numbers & query.numbers else -1.0
    else:
        numbers = 0.0
    return [
        0.0 if cross else _cover(entry.stems, query.stems, idf),
        0.0 if cross else _cover(query.stems, entry.stems, idf),
        0.0 if cross or not entry.names else len(entry.names & query.stems) / len(entry.names),
        numbers,
        float(query.negated != entry.negated),
        float(cross),
        float(entry.truncated),
        math.log1p(query.length),
    ]


class PairFeaturizer:
    """Entry sides and stem idf of one catalog, computed once; features of pairs on demand."""

    def __init__(self, entry_texts: Sequence[str]) -> None:
        self.entries = [side(t) for t in entry_texts]
        df: dict[str, int] = {}
        for e in self.entries:
            for s in e.stems:
                df[s] = df.get(s, 0) + 1
        n = len(self.entries)
        self.idf = {s: math.log((1 + n) / (1 + c)) + 1.0 for s, c in df.items()}

    def features(self, query_texts: Sequence[str], cols: Sequence[Sequence[int]]) -> list:
        """(queries, len(cols[i]), len(PAIR_FEATURES)) nested lists."""
        out = []
        for text, row in zip(query_texts, cols, strict=True):
            q = side(text)
            out.append([pair_features(q, self.entries[int(j)], self.idf) for j in row])
        return out
