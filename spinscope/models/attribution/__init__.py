"""The attribution cue lexicon learned from PolNeAR train (see ``spinscope.train.attribution``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from spinscope.errors import ModelError

CUES_PATH = Path(__file__).parent / "cues.tsv"


@lru_cache(maxsize=2)
def cue_lexicon(path: str = str(CUES_PATH)) -> dict[tuple[str, str], float]:
    """(lemma, coarse POS) -> share of its PolNeAR occurrences that are attribution cues."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ModelError(
            f"cue lexicon {path} is missing; rebuild it with: spinscope attribution learn DATA"
        ) from None
    out: dict[tuple[str, str], float] = {}
    for line in lines[1:]:
        lemma, pos, _count, share = line.split("\t")
        out[(lemma, pos)] = float(share)
    return out
