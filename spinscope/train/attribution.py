"""Learn the attribution cue lexicon from PolNeAR's training split.

For every gold cue we take its syntactic head (the token of the cue whose head lies outside
it) and count its lemma; dividing by how often that lemma occurs at all gives the share of
its occurrences that are attribution cues. Lemmas seen as cues at least ``min_count`` times
with a share of at least ``min_share`` are written to ``cues.tsv``, which
:mod:`spinscope.analyzers.attribution` reads. Needs spaCy only (no torch).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from spinscope.errors import InputError
from spinscope.eval.brat import read_ann


def polnear_pairs(split_dir: Path) -> list[tuple[Path, Path]]:
    """(text file, .ann file) for each article of a PolNeAR split. Articles annotated by
    several annotators keep the annotator whose suffix sorts first, consistently."""
    text_dir, ann_dir = split_dir / "text", split_dir / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(str(split_dir), "expected PolNeAR folders text/ and attributions/")
    chosen: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(stem, ann)
    return [(text_dir / f"{stem}.txt", ann) for stem, ann in sorted(chosen.items())
            if (text_dir / f"{stem}.txt").exists()]


def _head(tokens: list[Any]) -> Any:
    """The token of a span whose syntactic head lies outside the span (verbs preferred)."""
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    verbs = [t for t in heads if t.pos_ in {"VERB", "AUX"}]
    return (verbs or heads or tokens)[0]


def learn_cues(
    split_dir: Path, min_count: int = 5, min_share: float = 0.2, log: Any = print
) -> list[tuple[str, str, int, float]]:
    """(lemma, coarse POS, cue count, share) for lemmas that are usually attribution cues."""
    from spinscope.models import spacy_nlp

    nlp = spacy_nlp(("ner",))
    cue_counts: Counter[tuple[str, str]] = Counter()
    all_counts: Counter[tuple[str, str]] = Counter()
    pairs = polnear_pairs(split_dir)
    t0 = time.time()
    texts = (p.read_text(encoding="utf-8") for p, _ in pairs)
    for (_, ann), doc in zip(pairs, nlp.pipe(texts, batch_size=16), strict=True):
        for tok in doc:
            all_counts[(tok.lemma_.lower(), tok.pos_)] += 1
        for attr in read_ann(ann):
            a, b = attr.cue[0]
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is None or not len(span):
                continue
            head = _head(list(span))
            cue_counts[(head.lemma_.lower(), head.pos_)] += 1
    log(f"parsed {len(pairs)} articles in {time.time() - t0:.0f}s")
    rows = []
    for key, n in cue_counts.items():
        share = n / max(all_counts[key], 1)
        if n >= min_count and share >= min_share:
            rows.append((key[0], key[1], n, round(share, 3)))
    return sorted(rows, key=lambda r: -r[2])


def write_cues(rows: list[tuple[str, str, int, float]], path: Path) -> None:
    """Write the lexicon as TSV: lemma, POS, count in PolNeAR train, share of occurrences."""
    lines = ["lemma\tpos\tcount\tshare"] + [f"{a}\t{b}\t{c}\t{d}" for a, b, c, d in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
