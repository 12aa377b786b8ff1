"""The lexicon of word choices that show whose conventions a text follows.

``wording.tsv`` (next to this module, versioned in its first line) lists, per language
(en, ru, uk), variants that name the same thing the way Russian state bodies and media
do (``russian_official``) or the way Ukrainian law and state bodies do
(``ukrainian_official``): place names (Kiev/Kyiv, Артёмовск/Бахмут), "на Украине" vs
"в Украине", "special military operation" vs "full-scale invasion", labels such as
"Kiev regime" or "рашисты". Each entry cites where the convention is documented.

A pattern is a regular expression matched at word boundaries, case-insensitively unless
it has no lower-case letter (abbreviations such as "СВО"); ``\\w*`` stems cover Russian
and Ukrainian inflection ("киевского режима"). Entries whose ``technique`` is set are
labels that annotators of SemEval-2023 mark as that technique when used in the author's
voice; the techniques layer adds them, scored with :func:`label_score`: the share of the
entry's hits that SemEval-2023 annotators marked with that technique
(``wording_agreement.json``, made by ``research/language/lexicon_agreement.py --write``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

LEXICON = Path(__file__).with_name("wording.tsv")
AGREEMENT = Path(__file__).with_name("wording_agreement.json")
#: An entry needs this many hits in the annotated data for its own share to be used.
MIN_HITS = 10
CONVENTIONS = ("russian_official", "ukrainian_official")
LANGUAGES = frozenset({"en", "ru", "uk"})


@dataclass(frozen=True)
class Entry:
    id: str
    lang: str
    concept: str
    convention: str
    pattern: re.Pattern[str]
    technique: str | None
    source: str


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    entry: Entry


class LexiconError(ValueError):
    """The lexicon file is malformed (a line is named)."""


def version(path: Path = LEXICON) -> str:
    """The lexicon version written in its first line ("version 1")."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.search(r"version (\S+)", first)
    return m.group(1) if m else "unknown"


@lru_cache(maxsize=4)
def entries(path: Path = LEXICON) -> tuple[Entry, ...]:
    out: list[Entry] = []
    header: list[str] | None = None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        if len(cells) != len(header):
            raise LexiconError(f"{path}:{n}: {len(cells)} cells, the header has {len(header)}")
        row = dict(zip(header, cells, strict=True))
        if row["convention"] not in CONVENTIONS or row["lang"] not in LANGUAGES:
            raise LexiconError(f"{path}:{n}: unknown convention or language")
        flags = re.IGNORECASE if any(c.islower() for c in row["pattern"]) else 0
        try:
            pattern = re.compile(rf"(?<!\w)(?:{row['pattern']})(?!\w)", flags)
        except re.error as err:
            raise LexiconError(f"{path}:{n}: bad pattern: {err}") from err
        technique = None if row["technique"] in ("", "-") else row["technique"]
        out.append(Entry(row["id"], row["lang"], row["concept"], row["convention"], pattern,
                         technique, row["source"]))  # fmt: skip
    return tuple(out)


def find(text: str, lang: str, start: int = 0, end: int | None = None) -> list[Hit]:
    """Lexicon hits of language ``lang`` in ``text[start:end]``, in text order."""
    end = len(text) if end is None else end
    hits = [Hit(m.start(), m.end(), e) for e in entries() if e.lang == lang
            for m in e.pattern.finditer(text, start, end)]  # fmt: skip
    return sorted(hits, key=lambda h: (h.start, -h.end, h.entry.id))


def convention(hits: list[tuple[str, Hit]]) -> dict[str, Any]:
    """Which convention the text follows: ``russian_official`` or ``ukrainian_official`` when
    at least 80% of the (written, hit) pairs follow it, ``mixed`` otherwise,
    ``undetermined`` without any hit; with counts and the evidence."""
    counts = Counter(h.entry.convention for _, h in hits)
    total = sum(counts.values())
    verdict = "undetermined" if not total else "mixed"
    for side in CONVENTIONS:
        if total and counts[side] / total >= 0.8:
            verdict = side
    evidence = Counter((w, h.entry.id, h.entry.concept, h.entry.convention) for w, h in hits)
    return {
        "convention": verdict,
        **{side: counts[side] for side in CONVENTIONS},
        "lexicon_version": version(),
        "evidence": [
            {"written": w, "entry": i, "concept": c, "convention": v, "count": n}
            for (w, i, c, v), n in sorted(evidence.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


@lru_cache(maxsize=1)
def _agreement() -> dict[str, Any]:
    return json.loads(AGREEMENT.read_text(encoding="utf-8")) if AGREEMENT.is_file() else {}


def label_score(entry: Entry) -> float:
    """How often annotators marked hits of ``entry`` with its technique: the entry's own
    share with at least :data:`MIN_HITS` hits, else that of all label entries of its
    language, else of all languages measured (Ukrainian has no annotated data)."""
    data = _agreement()
    own = data.get("entries", {}).get(entry.id)
    if own and own["hits"] >= MIN_HITS:
        return own["same_technique"] / own["hits"]
    langs = data.get("label_hits", {})
    pool = [langs[entry.lang]] if langs.get(entry.lang, {}).get("hits") else list(langs.values())
    hits = sum(p["hits"] for p in pool)
    return sum(p["same_technique"] for p in pool) / hits if hits else 0.0


LabelSpan = tuple[int, int, str, float, str]


def label_spans(text: str, ranges: list[tuple[int, int]], lang: str) -> list[LabelSpan]:
    """(start, end, technique, score, entry id) of the label entries found in ``ranges``."""
    out = []
    for a, b in ranges:
        for hit in find(text, lang, a, b):
            if hit.entry.technique:
                out.append((hit.start, hit.end, hit.entry.technique, label_score(hit.entry),
                            hit.entry.id))  # fmt: skip
    return out


def add_labels(
    found: list[tuple[int, int, str, float]],
    text: str,
    ranges: list[tuple[int, int]],
    lang: str,
    taxonomy: str,
) -> list[tuple[int, int, str, float, str | None]]:
    """The techniques ``found`` by the model (entry ``None``) plus the lexicon's labels
    that no found span of the same technique overlaps, named in ``taxonomy``."""
    from spinscope.taxonomy import TO_PTC

    out: list[tuple[int, int, str, float, str | None]] = [(*f, None) for f in found]
    if lang not in LANGUAGES:
        return out
    for s, e, technique, score, entry in label_spans(text, ranges, lang):
        label = TO_PTC.get(technique) if taxonomy == "ptc" else technique
        if label and not any(x == label and a < e and s < b for a, b, x, _ in found):
            out.append((s, e, label, score, entry))
    return out
