"""Accuracy of :func:`spinscope.language.identify.identify` on Russian vs Ukrainian texts.

``python research/language/evaluate.py [POSTS.jsonl]`` builds the posts with
``ru_uk_posts.py`` (seed 13) when no file is given, and prints accuracy per kind and the
confusions. The numbers are written in ``spinscope.language.identify.MEASURED``.
"""

from __future__ import annotations

import collections
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ru_uk_posts import main as make_posts

from spinscope.language.identify import identify


def main(path: Path | None = None) -> None:
    if path is None:
        path = Path(tempfile.mkdtemp()) / "posts.jsonl"
        make_posts(path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    right, seen, wrong = collections.Counter(), collections.Counter(), collections.Counter()
    for r in rows:
        got = identify(r["text"]).code
        seen[r["kind"]] += 1
        right[r["kind"]] += got == r["lang"]
        if got != r["lang"]:
            wrong[f"{r['lang']}->{got}"] += 1
    for kind in sorted(seen):
        print(f"{kind:10s} {right[kind] / seen[kind]:.4f}  ({seen[kind]} texts)")
    print(f"{'all':10s} {sum(right.values()) / sum(seen.values()):.4f}")
    print("confusions:", dict(wrong.most_common()))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
