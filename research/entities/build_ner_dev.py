"""Build ``ner-dev-ptc.jsonl``: 24 English news paragraphs annotated for NER by hand.

The paragraphs are the first 200-420-character paragraph of 24 PTC training articles
(``../shared/data/ptc/train/articles``, picked with ``random.seed(14)``; ids name the
article). The annotations below were written by the spinscope developer (issue 14) with
CoNLL-2003 conventions: PER people (titles left out: "Pope Francis" -> Francis), ORG
organisations, LOC places of every kind (countries, cities, states, streets; capitals
used for governments too: "Damascus declared"), MISC nationalities, events, ideologies,
named documents. Every occurrence of a listed surface is annotated, longer surfaces
first. It is a small development set written by us: read its scores as a comparison
of models on the same text, not as accuracy on news in general.

Run: ``python research/entities/build_ner_dev.py`` (needs ../shared/data/ptc).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

PTC = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ptc" / "train" / "articles"
OUT = Path(__file__).with_name("ner-dev-ptc.jsonl")

GOLD: dict[str, list[tuple[str, str]]] = {
    "article761546223": [("Marxism", "MISC")],
    "article728680557": [("ROME", "LOC"), ("LifeSiteNews", "ORG"), ("Elmar Fischer", "PER"),
                         ("Feldkirch", "LOC"), ("Austria", "LOC"),
                         ("Profession of Immutable Truths about Sacramental Marriage", "MISC")],
    "article711566593": [("Gonzalez", "PER"), ("United States", "LOC")],
    "article723537899": [("U.S.", "LOC"), ("BSF", "ORG"), ("Syria", "LOC"), ("Damascus", "LOC")],
    "article761564397": [("Navy", "ORG"), ("Donald Trump", "PER"), ("Obama", "PER")],
    "article999000894": [("United States", "LOC"), ("US", "LOC"), ("Mexico", "LOC")],
    "article703698295": [("Weinandy", "PER"), ("U.S. Bishops’ Committee on Doctrine", "ORG"),
                         ("Vatican", "LOC"), ("International Theological Commission", "ORG"),
                         ("Francis", "PER")],
    "article999000147": [("Kamala Harris", "PER"), ("Brett Kavanaugh", "PER"),
                         ("Christine Blasey Ford", "PER"), ("Elizabeth Warren", "PER"),
                         ("Fauxahontas", "PER"), ("Senate", "ORG")],
    "article725498022": [("South American", "MISC"), ("Chilean", "MISC"), ("Barros", "PER")],
    "article111111113": [("Jose Ines Garcia Zarate", "PER"), ("San Francisco", "LOC"),
                         ("Kate Steinle", "PER"), ("Steinle", "PER")],
    "article795691173": [("WASHINGTON", "LOC"), ("Treasury", "ORG"),
                         ("Steven T. Mnuchin", "PER"), ("Davos in the Desert", "MISC"),
                         ("Saudi", "MISC"), ("White House", "ORG"), ("Virginia", "LOC")],
    "article708071969": [("Madagascar", "LOC"), ("The Sun", "ORG")],
    "article771655795": [("Austin", "LOC"), ("Defcad.com", "ORG")],
    "article724791253": [("Home Office", "ORG"), ("Britain", "LOC")],
    "article111111122": [("Trump", "PER"), ("Kavanaugh", "PER"), ("Ivy League", "MISC")],
    "article772947654": [("Helsinki", "LOC"), ("Putin", "PER"), ("Trump", "PER"),
                         ("America", "LOC"), ("Russia", "LOC")],
    "article737194975": [("Trump", "PER")],
    "article111111137": [("Florida", "LOC"), ("National Rifle Association", "ORG"),
                         ("Second Amendment", "MISC"), ("US", "LOC")],
    "article758385628": [("BEIJING", "LOC"), ("US", "LOC"), ("China", "LOC"), ("Cuba", "LOC")],
    "article774007496": [("Jewish", "MISC"), ("rue Pelleport", "LOC"), ("Paris", "LOC"),
                         ("North African", "MISC"), ("Allah Akbar", "MISC")],
    "article790720480": [("Christine Ford", "PER"), ("Ford", "PER")],
    "article758477392": [("US", "LOC"), ("Cuba", "LOC")],
    "article999001226": [("Broward", "LOC"), ("Brenda Snipes", "PER")],
    "article729670169": [("U.S. Congress", "ORG"), ("U.S.", "LOC"), ("Hurricane Maria", "MISC"),
                         ("Ricardo Rossello", "PER"), ("Jenniffer Gonzalez", "PER"),
                         ("Puerto Rico", "LOC")],
}  # fmt: skip


def paragraphs() -> list[tuple[str, str]]:
    """(article id, paragraph) of the 24 sampled articles, in sampling order."""
    files = sorted(PTC.glob("*.txt"))
    random.seed(14)
    random.shuffle(files)
    out = []
    for f in files:
        paras = [p.strip() for p in f.read_text(encoding="utf-8").split("\n")]
        paras = [p for p in paras if 200 < len(p) < 420]
        if paras:
            out.append((f.stem, paras[0]))
        if len(out) == 24:
            break
    return out


def spans(text: str, gold: list[tuple[str, str]]) -> list[dict]:
    """Every non-overlapping occurrence of each surface, longer surfaces first."""
    taken: list[tuple[int, int]] = []
    out = []
    for surface, label in sorted(gold, key=lambda g: -len(g[0])):
        start = text.find(surface)
        found = False
        while start >= 0:
            end = start + len(surface)
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            whole = not before.isalnum() and not after.isalnum()
            if whole and all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
                out.append({"start": start, "end": end, "label": label, "coarse": label})
                found = True
            start = text.find(surface, start + 1)
        if not found:
            raise SystemExit(f"{surface!r} not found in {text[:60]!r}")
    return sorted(out, key=lambda s: s["start"])


def main() -> None:
    lines = []
    for art, text in paragraphs():
        lines.append(json.dumps({"id": art, "lang": "en", "text": text,
                                 "spans": spans(text, GOLD[art])}, ensure_ascii=False))  # fmt: skip
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} paragraphs")


if __name__ == "__main__":
    main()
