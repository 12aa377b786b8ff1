"""How each layer's cost grows with the length of one text (the per-document cost check).

Not part of the product and not a test: it builds texts of increasing length from real
articles (PTC training articles joined with blank lines), times ingest (field inference
and language detection; decoding is not what scales), the shared spaCy parse, each
analyzer and the JSON + HTML rendering on one document, and prints CPU seconds per stage
(all threads of this process, so that other work on the machine barely moves the numbers)
with the ratio to the previous size. A stage whose cost is linear in the text roughly
doubles when the text doubles; a ratio near 4 means quadratic.

    python research/length/scaling.py ../shared/data/ptc/train/articles
    python research/length/scaling.py DIR --sizes 20000,40000,80000,160000 --shape one-line

Shapes lay the same articles out differently, to reach code paths that only long texts of
one kind exercise: ``lines`` (as written, one paragraph per line), ``one-line`` (no line
breaks at all), ``boilerplate`` (a share prompt after every paragraph: many boilerplate
lines, so many separate content ranges) and ``no-stops`` (one line without sentence
punctuation: the longest sentences the parser makes). The README's "Bad input" section
cites these tables for the ``max_chars`` default.
"""

from __future__ import annotations

import argparse
import re
import resource
import time
from pathlib import Path

SHAPES = ("lines", "one-line", "boilerplate", "no-stops")


def build_text(folder: Path, size: int, shape: str = "lines") -> str:
    """Whole articles from ``folder`` (sorted by name), laid out as ``shape``, joined until
    ``size`` characters and cut there."""
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise SystemExit(f"{folder}: no .txt articles")
    parts: list[str] = []
    total = 0
    i = 0
    while total < size:
        text = files[i % len(files)].read_text(encoding="utf-8").strip() + "\n\n"
        if shape in ("one-line", "no-stops"):
            text = " ".join(text.split()) + " "
        if shape == "no-stops":
            text = re.sub(r"[.!?;:]", "", text)
        elif shape == "boilerplate":
            text = "".join(ln + "\nShare this article\n" for ln in text.splitlines() if ln)
        parts.append(text)
        total += len(text)
        i += 1
    return "".join(parts)[:size]


def time_one(text: str, layers: list[str] | None) -> dict[str, float]:
    """CPU seconds per stage for one document of ``text``."""
    from spinscope.config import Settings
    from spinscope.ingest.sources import _build
    from spinscope.models import parse as P
    from spinscope.pipeline import load_pipeline
    from spinscope.render import render

    settings = Settings(layers=layers)
    if "max_chars" in Settings.model_fields:  # measure past the cap on purpose
        settings = settings.merged(max_chars=len(text) + 1)
    pipeline = load_pipeline(settings)
    out: dict[str, float] = {}
    t = time.process_time()
    doc = _build(text, [], "bench.txt", settings, as_html=False)
    out["ingest"] = time.process_time() - t
    spacy_layers = {"claims", "entities", "events"}
    for analyzer in pipeline.analyzers:
        if set(analyzer.provides) & spacy_layers and "parse" not in out:
            P._cache.clear()
            t = time.process_time()
            P.parse_many([doc])
            out["parse"] = time.process_time() - t
        t = time.process_time()
        analyzer.pipe([doc])
        out[analyzer.name] = time.process_time() - t
    doc.sort_layers()
    t = time.process_time()
    data = doc.to_dict()
    render(data, "json")
    render(data, "html")
    out["render"] = time.process_time() - t
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("articles", type=Path, help="folder of .txt articles")
    ap.add_argument("--sizes", default="20000,40000,80000,160000")
    ap.add_argument("--layers", default=None, help="comma-separated layers (default: all)")
    ap.add_argument("--shape", choices=SHAPES, default="lines", help="layout of the text")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    layers = args.layers.split(",") if args.layers else None
    # Warm-up: model loading is a one-off cost, not a per-character one.
    time_one(build_text(args.articles, 3000, args.shape), layers)
    rows = {size: time_one(build_text(args.articles, size, args.shape), layers) for size in sizes}
    stages = list(rows[sizes[0]])
    print(f"shape {args.shape}; CPU seconds (ratio to the previous size)")
    print("| stage | " + " | ".join(f"{s:,} chars" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for stage in [*stages, "total"]:
        cells = []
        prev = None
        for size in sizes:
            value = sum(rows[size].values()) if stage == "total" else rows[size][stage]
            ratio = f" (×{value / prev:.1f})" if prev else ""
            cells.append(f"{value:.2f}{ratio}")
            prev = value if value >= 0.02 else None
        print(f"| {stage} | " + " | ".join(cells) + " |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the run: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
