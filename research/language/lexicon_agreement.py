"""How often annotators mark the wording lexicon's hits as the lexicon says.

``python research/language/lexicon_agreement.py [SEMEVAL2023_DIR]`` matches the lexicon
(``spinscope/language/wording.tsv``) in the SemEval-2023 Task 3 articles of the languages
it covers (en, ru) and prints, per entry: hits, the share inside a gold span of the
entry's technique (for entries that name one), and the share inside any gold span. The
techniques layer scores a lexicon span with the share measured for its entry's language
written to ``spinscope/language/wording_agreement.json`` with ``--write``.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from spinscope.eval.semeval import load
from spinscope.language.wording import AGREEMENT, find, version

ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "semeval2023"


def main(root: Path = ROOT, write: bool = False) -> None:
    data = load(root, ("en", "ru"))
    rows: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for lang, (texts, spans, _) in data.items():
        gold = defaultdict(list)
        for aid, tech, s, e in spans:
            gold[aid].append((tech, s, e))
        for aid, text in texts.items():
            for hit in find(text, lang):
                row = rows[(lang, hit.entry.id)]
                row[0] += 1
                over = [t for t, s, e in gold[aid] if s < hit.end and hit.start < e]
                same = hit.entry.technique in over
                row[1] += same
                row[2] += bool(over)
                if hit.entry.technique:
                    per_lang[lang][0] += 1
                    per_lang[lang][1] += same
    print(f"{'entry':28s} {'hits':>5s} {'same technique':>15s} {'any span':>9s}")
    for (_lang, entry), (n, same, anyspan) in sorted(rows.items()):
        print(f"{entry:28s} {n:5d} {same / n:15.2f} {anyspan / n:9.2f}")
    for lang, (n, same) in sorted(per_lang.items()):
        if n:
            print(f"{lang}: label entries {n} hits, {same / n:.3f} inside a gold span of the "
                  "same technique")  # fmt: skip
    if write:
        out = {
            "lexicon_version": version(),
            "set": "SemEval-2023 Task 3 train+val articles (en, ru), gold spans as given",
            "entries": {
                e: {"lang": lang, "hits": n, "same_technique": same, "any_span": a}
                for (lang, e), (n, same, a) in sorted(rows.items())
            },
            "label_hits": {
                lang: {"hits": n, "same_technique": same}
                for lang, (n, same) in sorted(per_lang.items())
            },
        }
        AGREEMENT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"written: {AGREEMENT}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--write"]
    main(Path(args[0]) if args else ROOT, write="--write" in sys.argv)
