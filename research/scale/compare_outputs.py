"""Which documents' layers differ between two `analyze --format jsonl` runs, and how the
entities changed (label and text counted over all documents).

    python research/scale/compare_outputs.py OLD.jsonl NEW.jsonl

Used for issue 17 (d3b4c82 vs this release, the 90 unlabeled PTC articles): entities differ
in 26 documents (PERSON "May" +97, DATE "May" -93), claims in 8, other layers in none.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

LAYERS = ("techniques", "claims", "entities", "events", "wording", "summary")


def read(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def entities(data: dict) -> dict[tuple[int, int, str], str]:
    spans = data.get("entities") or []
    return {(s["start"], s["end"], s["label"]): str(s.get("text")) for s in spans}


def main(old_path: str, new_path: str) -> None:
    old, new = read(old_path), read(new_path)
    differ: Counter[str] = Counter()
    changes: Counter[tuple[str, str, str]] = Counter()
    for a, b in zip(old, new, strict=True):
        for layer in LAYERS:
            before, after = (json.dumps(x.get(layer), sort_keys=True) for x in (a, b))
            differ[layer] += before != after
        ents_a, ents_b = entities(a), entities(b)
        for key in ents_a.keys() - ents_b.keys():
            changes[("-", key[2], ents_a[key])] += 1
        for key in ents_b.keys() - ents_a.keys():
            changes[("+", key[2], ents_b[key])] += 1
    differing = {k: v for k, v in differ.items() if v}
    print(f"{len(old)} documents; differing per layer: {differing or 'none'}")
    for (sign, label, text), n in changes.most_common(15):
        print(f"  {sign}{n:5d}  {label:8s} {text}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
