"""Russian and Ukrainian sentences against the English EUvsDisinfo catalog: Recall@1/5.

    python research/narratives/crosslingual.py INDEX.npz

``crosslingual.tsv`` holds 40 sentences written for this check by the project (22 Russian,
18 Ukrainian): each restates, in the words a news article would use, the claim of one
EUvsDisinfo case drawn at random (seed 16; cases whose title the catalog cuts short with
"…" were skipped). They are paraphrases, not word-for-word translations. A query counts as
found at k when its case is among the first k entries ("strict"), and also ("same text")
when an entry with the same title as its case is (the catalog lists one claim under several
cases). The same numbers come from the command line:

    spinscope catalog search research/narratives/crosslingual.tsv --catalog INDEX.npz
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    from spinscope.narratives.index import load_index
    from spinscope.narratives.search import Searcher

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--queries", type=Path, default=HERE / "crosslingual.tsv")
    args = ap.parse_args()
    with args.queries.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    index = load_index(args.index)
    text_of = {e.id: e.text.lower() for e in index.entries}
    results = Searcher(index).search([r["text"] for r in rows], top=5)
    found: dict[tuple[str, str, int], int] = {}
    for row, matches in zip(rows, results, strict=True):
        ids = [index.entries[m.entry].id for m in matches]
        for k in (1, 5):
            strict = row["case"] in ids[:k]
            same = strict or any(text_of[i] == text_of[row["case"]] for i in ids[:k])
            for lang in (row["lang"], "all"):
                found[(lang, "strict", k)] = found.get((lang, "strict", k), 0) + strict
                found[(lang, "same text", k)] = found.get((lang, "same text", k), 0) + same
        if row["case"] not in ids:
            print(f"missed {row['id']} ({row['lang']}): {row['text']}")
            print(f"    case:  {text_of[row['case']]}")
            print(f"    found: {text_of[ids[0]]}")
    for lang in ("ru", "uk", "all"):
        n = sum(1 for r in rows if r["lang"] == lang or lang == "all")
        parts = [
            f"{how} R@{k} {found[(lang, how, k)] / n:.3f}"
            for how in ("strict", "same text")
            for k in (1, 5)
        ]
        print(f"{lang} ({n}): " + ", ".join(parts))


if __name__ == "__main__":
    main()
