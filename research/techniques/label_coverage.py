"""How often annotators marked state-discourse labels ("Kiev regime", "киевский режим",
"terrorist", …): for each match of a pattern in a SemEval-2023 language's training
articles, is it inside a gold span, and of which techniques? Behind the model card's
diagnosis of what the model misses on the Belgorod example.

Usage: python research/techniques/label_coverage.py [../shared/data/semeval2023]
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from spinscope.eval import semeval

PATTERNS = {
    "ru": r"киевск\w* режим\w*|режим\w* Зеленского|укронацист\w*|бандеровц\w*|нацист\w*",
    "en": r"\b(?:Kiev|Kyiv|Zelensky|Assad|Maduro|Soros|Putin|Obama)(?:'s)? regime\b"
    r"|\bterrorist\w*|\bregime\b",
}


def main(root: Path) -> None:
    for lang, pattern in PATTERNS.items():
        d = root / lang
        arts = semeval.read_articles(d / "articles")
        by_art: dict[str, list[tuple[str, int, int]]] = {}
        for a, t, s, e in semeval.read_spans(d / "spans.tsv", arts, snap=True):
            by_art.setdefault(a, []).append((t, s, e))
        total = inside = 0
        labels: Counter = Counter()
        for a, text in arts.items():
            for m in re.finditer(pattern, text, re.IGNORECASE):
                total += 1
                hit = {t for t, s, e in by_art.get(a, []) if s <= m.start() and m.end() <= e}
                inside += bool(hit)
                labels.update(hit)
        print(f"{lang}: {total} matches, {inside} inside a gold span; {labels.most_common(5)}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/semeval2023"))
