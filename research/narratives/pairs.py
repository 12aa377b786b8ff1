"""Candidate pairs (real article sentence, EUvsDisinfo entry) for labelling "same claim".

    python research/narratives/pairs.py INDEX.npz [--data ../shared/data] [--work runs/narratives]
        > candidates.tsv

Sentences come from real news: the Russian and English SemEval-2023 articles, the English PTC
training articles and the Ukrainian NER-UK news, those of 50-300 characters that name a
subject the EUvsDisinfo catalog covers (Ukraine, Russia, NATO, Crimea, MH17, Skripal …; the
list is ``KEYWORDS``): 700 Russian, 700 English and 400 Ukrainian drawn with a fixed seed.
Each is searched in the catalog index; the best entry becomes a candidate pair, written with
its source file, character offsets, entry id, both texts, the e5 and TF-IDF cosines and the
probability of the shipped calibration. The labelled set, ``pairs.tsv``, keeps the offsets and
ids only (the texts stay in the corpora); ``pairclf.py`` reads them back, and
``select_pairs2.py`` draws the second labelled set, ``pairs2.tsv``, from the same candidates.
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import re
import sys
from pathlib import Path

import numpy as np

KEYWORDS = re.compile(
    r"(Ukrain|Kyiv|Kiev|Crimea|Donbas|NATO|Russia|Putin|Kremlin|MH17|Skripal|Navalny|Soros|"
    r"Syria|Assad|White Helmets|Georgia|Baltic|Belarus|Lukashenko|Poland|Biolab|Nazi|fascis|"
    r"coup|Maidan|sanction|Zelensk|Poroshenko|Soviet|Novichok|"
    r"Украин|Киев|Київ|Крым|Крим|Донбас|НАТО|Росси|Росі|Путин|Кремл|Сорос|Сири|Грузи|Прибалт|"
    r"Белорус|Польш|Польщ|нацис|фашис|переворот|Майдан|санкц|Зеленск|Зеленськ|Порошенк|бандер|"
    r"биолаб|біолаб|Навальн|Скрипал)",
    re.I,
)
_SPLIT = re.compile(r"(?<=[.!?»\"])\s+|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of ``text`` that are 50-300 characters long."""
    out, pos = [], 0
    for piece in _SPLIT.split(text):
        at = text.find(piece, pos)
        pos = at + len(piece)
        a = at + len(piece) - len(piece.lstrip())
        b = at + len(piece.rstrip())
        if 50 <= b - a <= 300:
            out.append((a, b))
    return out


def documents(data: Path) -> list[tuple[str, str, str]]:
    """(lang, source, text) of the real-news documents the pairs are drawn from."""
    docs = []
    for lang, pattern in (
        ("ru", "semeval2023/ru/articles/*.txt"),
        ("en", "semeval2023/en/articles/*.txt"),
        ("en", "ptc/train/articles/*.txt"),
    ):
        for path in sorted(glob.glob(str(data / pattern))):
            text = Path(path).read_text(encoding="utf-8", errors="replace")
            docs.append((lang, str(Path(path).relative_to(data)), text))
    uk = data / "realnews" / "ner-uk-train" / "docs.jsonl"
    for line in uk.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        docs.append(("uk", f"realnews/ner-uk-train/docs.jsonl#{d['id']}", d["text"]))
    return docs


def sample(data: Path) -> list[tuple[str, str, int, int, str]]:
    """(lang, source, start, end, sentence) drawn with seed 7."""
    found: dict[str, list[tuple[str, str, int, int, str]]] = {}
    for lang, source, text in documents(data):
        for a, b in sentences(text):
            if KEYWORDS.search(text[a:b]):
                found.setdefault(lang, []).append((lang, source, a, b, text[a:b]))
    rng = random.Random(7)
    wanted = {"ru": 700, "en": 700, "uk": 400}
    return [x for lang, n in wanted.items() for x in rng.sample(found[lang], n)]


def main() -> None:
    from spinscope.narratives.index import encode_queries, load_index
    from spinscope.narratives.search import Searcher

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--work", type=Path, default=Path("runs/narratives"))
    args = ap.parse_args()
    pool = sample(args.data)
    cache = args.work / "pairs_pool.npy"
    if cache.is_file():
        vectors = np.load(cache)
    else:
        vectors = encode_queries([p[4] for p in pool])
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
    index = load_index(args.index)
    matches = Searcher(index).rank(vectors, [p[4] for p in pool], 1)
    out = sys.stdout
    out.write(
        "lang\tsource\tstart\tend\tentry\tsimilarity\tlexical\tz\tprobability\tsentence\tclaim\n"
    )
    for (lang, source, a, b, text), (m,) in zip(pool, matches, strict=True):
        e = index.entries[m.entry]
        out.write(
            f"{lang}\t{source}\t{a}\t{b}\t{e.id}\t{m.similarity:.4f}\t{m.lexical:.4f}\t{m.z:.3f}\t"
            f"{m.probability:.4f}\t{' '.join(text.split())}\t{e.text}\n"
        )


if __name__ == "__main__":
    main()
