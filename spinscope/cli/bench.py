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


#: The row of the spaCy parse shared by the claims, entities and events layers.
PARSE_ROW = "(parse)"


def _row(layer: str, load_s: float, run_s: float, n: int, chars: int, peak: float) -> dict:
    return {"layer": layer, "load_s": round(load_s, 2), "run_s": round(run_s, 2),
            "ms_per_article": round(1000 * run_s / n, 1),
            "chars_per_s": round(chars / run_s) if run_s >= 0.01 else None,
            "peak_mb_after": round(peak)}  # fmt: skip


def measure(paths: list[str], settings: Any, limit: int | None, batch_size: int) -> dict:
    """Ingest ``paths``; time model loading (a warm-up document); run the layers batch by
    batch, timing each layer and the shared spaCy parse on its own; then run the whole
    pipeline again as ``analyze`` does (parse in a thread beside the encoders) and time it."""
    from spinscope.document import Document
    from spinscope.ingest.sources import load
    from spinscope.models.parse import clear_cache, parse_many
    from spinscope.pipeline import Pipeline, docs_to_parse, uses_shared_parse
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
    warm = Document(id="warm-up", source="warm-up", text="Warm-up sentence, said officials.\n")
    loads, peak = {}, {}
    for k, analyzer in enumerate(pipeline.analyzers):
        t = time.perf_counter()
        for earlier in pipeline.analyzers[: k + 1]:
            earlier.pipe([warm])  # loads this analyzer's models (earlier ones are warm)
        loads[analyzer.name] = time.perf_counter() - t
        peak[analyzer.name] = _peak_mb()  # after loading this layer's models
    # Layer by layer, batch by batch: the spaCy parse that several layers share is timed on
    # its own row, before the first layer that reads it.
    run = {a.name: 0.0 for a in pipeline.analyzers}
    parse_s, parsing = 0.0, [a for a in pipeline.analyzers if uses_shared_parse(a)]
    for i in range(0, len(docs), batch_size):
        batch = docs[i : i + batch_size]
        for analyzer in pipeline.analyzers:
            if parsing and analyzer is parsing[0]:
                wanted = {id(d): d for a in parsing for d in docs_to_parse(a, batch)}
                t = time.perf_counter()
                parse_many(list(wanted.values()), batch_size)
                parse_s += time.perf_counter() - t
            t = time.perf_counter()
            analyzer.pipe(batch, batch_size=batch_size)
            run[analyzer.name] += time.perf_counter() - t
    rows = []
    for analyzer in pipeline.analyzers:
        if parsing and analyzer is parsing[0]:
            rows.append(_row(PARSE_ROW, 0.0, parse_s, len(docs), chars, peak[analyzer.name]))
        rows.append(_row(analyzer.name, loads[analyzer.name], run[analyzer.name], len(docs),
                         chars, peak[analyzer.name]))  # fmt: skip
    total = sum(r["run_s"] for r in rows)
    for r in rows:
        r["share"] = round(r["run_s"] / total, 3) if total else 0.0
    # The same documents as `analyze` runs them: all layers per batch, the shared parse
    # started in a thread beside the techniques encoder (Pipeline.run_many).
    clear_cache()
    t = time.perf_counter()
    for i in range(0, len(docs), batch_size):
        pipeline.run_many(docs[i : i + batch_size])
    pipeline_s = time.perf_counter() - t
    return {
        "inputs": paths,
        "articles": len(docs),
        "characters": chars,
        "ingest_s": round(ingest_s, 2),
        "load_s": round(sum(r["load_s"] for r in rows), 2),
        "analyze_s": round(total, 2),
        "articles_per_s": round(len(docs) / total, 2) if total else None,
        "pipeline_s": round(pipeline_s, 2),
        "pipeline_articles_per_s": round(len(docs) / pipeline_s, 2) if pipeline_s else None,
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
    characters/s, share of the total, and the process's peak memory once the layer's models
    are loaded (the last line gives the peak of the whole run).

    Layers run one after another over each batch (in the pipeline's order), so
    each layer's time is its own; the spaCy parse that claims, entities and
    events share has its own row, "(parse)". Then the whole pipeline runs again
    as `analyze` runs it (the parse in a thread beside the techniques encoder):
    its time is the last line, the one to compare between releases. Loading is
    timed on a warm-up document. The machine's other work counts too: compare
    runs made side by side.

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
    typer.echo(f"all layers, one after another: {report['analyze_s']} s, "
               f"{report['articles_per_s']} articles/s "
               f"({report['articles_per_s_with_ingest']} with ingest); peak memory "
               f"{report['peak_mb']} MB")  # fmt: skip
    typer.echo(f"all layers as analyze runs them (parse beside the encoders): "
               f"{report['pipeline_s']} s, {report['pipeline_articles_per_s']} articles/s")
