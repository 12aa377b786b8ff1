"""``spinscope bench``: where the time goes, layer by layer, and how much memory it takes."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import typer

from spinscope.cli.app import app, fail
from spinscope.cli.options import Config, Layers
from spinscope.errors import SpinscopeError

DEFAULT_INPUT = "../shared/data/ptc/unlabeled/articles"


def _peak_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(paths: list[str], settings: Any, limit: int | None, batch_size: int) -> dict:
    """Ingest ``paths``, then run each analyzer of the pipeline over all documents in order,
    timing model loading (a warm-up document), each layer, and the peak memory after it."""
    from spinscope.document import Document
    from spinscope.ingest.sources import load
    from spinscope.pipeline import Pipeline
    from spinscope.service import plan

    t0 = time.perf_counter()
    items = [i for i in plan(paths, settings) if not isinstance(i, SpinscopeError)]
    docs = []
    for item in items[: limit or None]:
        try:
            docs.append(load(item, settings))
        except SpinscopeError as err:
            typer.echo(f"spinscope: skipped {err}", err=True)
    if not docs:
        raise fail(f"no readable article in {', '.join(paths)}")
    ingest_s = time.perf_counter() - t0
    chars = sum(len(d.text) for d in docs)

    pipeline = Pipeline(settings)
    rows = []
    for analyzer in pipeline.analyzers:
        warm = Document(id="warm-up", source="warm-up", text="Warm-up sentence, said officials.\n")
        t = time.perf_counter()
        for earlier in pipeline.analyzers[: pipeline.analyzers.index(analyzer) + 1]:
            earlier.pipe([warm])  # loads this analyzer's models (earlier ones are warm)
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        for i in range(0, len(docs), batch_size):
            analyzer.pipe(docs[i : i + batch_size], batch_size=batch_size)
        run_s = time.perf_counter() - t
        rows.append({"layer": analyzer.name, "load_s": round(load_s, 2), "run_s": round(run_s, 2),
                     "ms_per_article": round(1000 * run_s / len(docs), 1),
                     "chars_per_s": round(chars / run_s) if run_s >= 0.01 else None,
                     "peak_mb_after": round(_peak_mb())})  # fmt: skip
    total = sum(r["run_s"] for r in rows)
    for r in rows:
        r["share"] = round(r["run_s"] / total, 3) if total else 0.0
    return {
        "inputs": paths,
        "articles": len(docs),
        "characters": chars,
        "ingest_s": round(ingest_s, 2),
        "load_s": round(sum(r["load_s"] for r in rows), 2),
        "analyze_s": round(total, 2),
        "articles_per_s": round(len(docs) / total, 2) if total else None,
        "articles_per_s_with_ingest": round(len(docs) / (total + ingest_s), 2),
        "peak_mb": round(_peak_mb()),
        "layers": rows,
    }


@app.command("bench")
def bench_cmd(
    inputs: list[str] = typer.Argument(
        None, help=f"Files or folders of articles (default: {DEFAULT_INPUT})."
    ),
    layers: Layers = None,
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Use only the first N articles found."
    ),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Documents per batch."),
    as_json: bool = typer.Option(False, "--json", help="Print the measurements as JSON."),
    config: Config = None,
) -> None:
    """Time each layer over a set of articles: model loading, run time, ms per article,
    characters/s, share of the total, and the process's peak memory after each layer.

    Layers run one after another over all articles (in the pipeline's order), so each
    layer's time is its own. Loading is timed on a warm-up document. The machine's other
    work counts too: compare runs made side by side.

    Example:  spinscope bench ../shared/data/ptc/unlabeled/articles --limit 30
    """
    from spinscope.cli.options import settings_from_flags

    paths = inputs or [DEFAULT_INPUT]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}")
    try:
        settings = settings_from_flags(config, layers, None, None, False, False)
        report = measure(paths, settings, limit, batch_size)
    except SpinscopeError as err:
        raise fail(err) from None
    if as_json:
        typer.echo(json.dumps(report, indent=1))
        return
    typer.echo(f"{report['articles']} articles, {report['characters']:,} characters; "
               f"ingest {report['ingest_s']} s, model loading {report['load_s']} s")  # fmt: skip
    typer.echo(f"{'layer':12s} {'load s':>7s} {'run s':>7s} {'ms/art':>8s} {'chars/s':>9s} "
               f"{'share':>6s} {'peak MB':>8s}")  # fmt: skip
    for r in report["layers"]:
        typer.echo(f"{r['layer']:12s} {r['load_s']:7.2f} {r['run_s']:7.2f} "
                   f"{r['ms_per_article']:8.1f} "
                   f"{format(r['chars_per_s'], ',d') if r['chars_per_s'] else '-':>9s} "
                   f"{100 * r['share']:5.1f}% {r['peak_mb_after']:8d}")  # fmt: skip
    typer.echo(f"all layers: {report['analyze_s']} s, {report['articles_per_s']} articles/s "
               f"({report['articles_per_s_with_ingest']} with ingest); peak memory "
               f"{report['peak_mb']} MB")  # fmt: skip
