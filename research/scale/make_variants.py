"""Generate N article variants (JSONL) from the PTC and SemEval corpora for scale runs.

Each variant is a real article from ``../shared/data`` (PTC train and unlabeled, SemEval-2023
de/fr/it/pl/ru) with its title varied, its paragraphs reordered and boilerplate lines
(subscription prompts, share buttons, contact lines, bylines) added at the top and bottom,
all drawn from a seeded generator: the same ``--seed`` gives the same file. Every variant has
a unique id and outlet, so none is a duplicate of another. Write it outside the repository
(the corpora may not be copied into it)::

    python research/scale/make_variants.py 10000 /work/cache/h-batch/variants-10k.jsonl
    spinscope batch /work/cache/h-batch/variants-10k.jsonl --out /work/cache/h-batch/v10k \\
        --engine ray --workers 2
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SOURCES = (
    "ptc/train/articles", "ptc/unlabeled/articles",
    *(f"semeval2023/{lang}/articles" for lang in ("de", "fr", "it", "pl", "ru")),
)  # fmt: skip
TOP = (
    "Subscribe to our newsletter", "Advertisement", "Listen to this article", "Breaking",
    "Share on Facebook | Share on X | Email", "Skip to main content", "Sign in to comment",
)  # fmt: skip
BOTTOM = (
    "Follow us on Telegram and X for more.", "Contact the newsroom: desk@outlet{n}.example",
    "All rights reserved © Outlet {n}", "Related: more stories from this section",
    "Comments are closed.", "Support independent journalism: donate today.",
    "Reporting by staff writer {n}; editing by the desk.",
)  # fmt: skip
TITLE_FORMS = (
    "{t}",
    "UPDATE: {t}",
    "{t} | Outlet {n}",
    "Opinion: {t}",
    "{t} (video)",
    "WATCH: {t}",
)


def articles(data: Path) -> list[str]:
    found = []
    for folder in SOURCES:
        for path in sorted((data / folder).glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
            if text.strip():
                found.append(text)
    if not found:
        raise SystemExit(f"no articles under {data}: pass --data")
    return found


def variant(text: str, n: int, rng: random.Random) -> dict[str, str]:
    title, _, body = text.partition("\n")
    paragraphs = [p for p in body.split("\n") if p.strip()]
    if len(paragraphs) > 2:
        head, rest = paragraphs[0], paragraphs[1:]
        rng.shuffle(rest)  # keep the lead paragraph; reorder the others
        paragraphs = [head, *rest]
    top = rng.sample(TOP, rng.randint(0, 2))
    bottom = [b.format(n=n % 97) for b in rng.sample(BOTTOM, rng.randint(1, 3))]
    new_title = rng.choice(TITLE_FORMS).format(t=title.strip(), n=n % 97)
    lines = [new_title, "", *top, *paragraphs, *bottom]
    return {"id": f"v{n:05d}", "title": new_title, "outlet": f"outlet{n % 97}",
            "text": "\n".join(lines) + "\n"}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    base = articles(args.data)
    rng = random.Random(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for n in range(args.count):
            fh.write(json.dumps(variant(base[n % len(base)], n, rng), ensure_ascii=False) + "\n")
    print(f"{args.count} variants of {len(base)} articles in {args.out}")


if __name__ == "__main__":
    main()
