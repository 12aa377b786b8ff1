"""Draw the second real-article pair set (``pairs2.tsv``) from the candidates of ``pairs.py``.

    python research/narratives/pairs.py INDEX.npz > candidates.tsv
    python research/narratives/select_pairs2.py candidates.tsv > sheet.tsv

The rule, fixed before any pair was read or any classifier score was seen:

- the candidates are the 1,800 sentences of ``pairs.py`` (700 ru, 700 en, 400 uk real-news
  sentences naming a subject EUvsDisinfo covers), each with its best EUvsDisinfo entry;
- the 165 pairs of the first set (``pairs.tsv``) are left out;
- per language, the 100 pairs with the highest e5 cosine (where repeats are likeliest) and 50
  drawn at random (seed 1616) from the rest: 450 pairs;
- then (batch 2, labelled after batch 1 gave only 6 same-claim pairs) all the other
  candidates, shuffled (seed 1616 continued): with batch 1, every one of the 1,635 candidates
  not in ``pairs.tsv``;
- split by article: ``dev`` when the SHA-1 of the source path is even in its last hex digit,
  else ``heldout`` (no article in both); the threshold is chosen on dev only;
- the sheet lists pair id, sentence and entry text only, in a shuffled order (no score), for
  labelling by the rule in ``LABELLING.md``.
"""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from pathlib import Path

HERE = Path(__file__).parent


def split_of(source: str) -> str:
    return "dev" if int(hashlib.sha1(source.encode()).hexdigest()[-1], 16) % 2 == 0 else "heldout"


def main() -> None:
    with open(sys.argv[1], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    with (HERE / "pairs.tsv").open(encoding="utf-8", newline="") as fh:
        done = {(r["source"], r["start"]) for r in csv.DictReader(fh, delimiter="\t")}
    rng = random.Random(1616)
    chosen = []
    for lang in ("ru", "en", "uk"):
        pool = [r for r in rows if r["lang"] == lang and (r["source"], r["start"]) not in done]
        pool.sort(key=lambda r: -float(r["similarity"]))
        chosen += pool[:100] + rng.sample(pool[100:], 50)
    rng.shuffle(chosen)
    taken = {(r["source"], r["start"]) for r in chosen}
    rest = [r for r in rows if (r["source"], r["start"]) not in done | taken]
    rng.shuffle(rest)
    chosen += rest
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(["pair", "lang", "source", "start", "end", "entry", "split", "sentence", "claim"])
    for n, r in enumerate(chosen):
        out.writerow([f"q{n:03d}", r["lang"], r["source"], r["start"], r["end"], r["entry"],
                      split_of(r["source"]), r["sentence"], r["claim"]])  # fmt: skip


if __name__ == "__main__":
    main()
