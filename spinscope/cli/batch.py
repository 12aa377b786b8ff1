"""``spinscope batch``: analyze many articles into a Parquet dataset, locally or on Ray.

Thin layer over :mod:`spinscope.scale.batch`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from spinscope.cli.analyze import EXIT_OK, EXIT_SOME_FAILED
from spinscope.cli.app import app, fail
from spinscope.cli.options import (
    AllowPrivate,
    AnyLanguage,
    CatalogOpt,
    Config,
    Layers,
    MaxBytes,
    MaxChars,
    MinScore,
    Taxonomy,
    Timeout,
    settings_from_flags,
)
from spinscope.errors import ConfigError, printable


@app.command(
    epilog=(
        "Examples:\n\n"
        "  spinscope batch ../shared/data/ptc/unlabeled/articles --out ptc-results\n\n"
        "  spinscope batch rows.jsonl more.parquet --out results --workers 8\n\n"
        "  spinscope batch feed-urls.txt --out results --engine ray --address auto\n\n"
        "Re-running the same command skips the shards already written, so a killed run "
        "resumes; a shard whose worker died is run again. Read the result with DuckDB "
        "(SELECT label, count(*) FROM read_parquet('results/techniques/*/*.parquet') GROUP BY "
        "label), or store it with 'spinscope ingest --from results'. "
        "Exit codes: 0 no input failed, 1 some inputs (or shards) failed, 2 usage error."
    )
)
def batch(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Inputs: everything 'ingest' accepts (files, folders, JSONL, URLs, feeds, "
            "sitemaps) plus Parquet files with a 'text' or 'html' column (and optionally "
            "id, url, title, published, outlet, author) and dataset folders. A JSONL line "
            "may be a spinscope/1 object: its document fields are the input.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Dataset folder to write: documents/, one folder per layer and failures/, "
            "each partitioned by shard (Parquet).",
        ),
    ],
    engine: Annotated[
        str,
        typer.Option(
            help="'local': worker processes on this machine; 'ray': Ray Data actors (needs "
            'pip install "spinscope\\[ray]").'
        ),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(
            help="Ray cluster to join ('auto', or host:port) with --engine ray \\[default: "
            "start Ray on this machine]. On a cluster --out must be a folder every node "
            "can write."
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=0,
            help="Worker processes (local) or actors (ray), each loading the models once "
            "(0 = auto: one per core, as many as memory allows).",
        ),
    ] = 0,
    shard_size: Annotated[
        int,
        typer.Option(
            min=1,
            help="Inputs per shard: the unit written at once, skipped on a re-run and run "
            "again when its worker dies. Changing it changes the shards, so resume with "
            "the same value.",
        ),
    ] = 64,
    layers_opt: Layers = None,
    max_bytes: MaxBytes = None,
    max_chars: MaxChars = None,
    taxonomy: Taxonomy = None,
    min_score: MinScore = None,
    timeout: Timeout = None,
    allow_private: AllowPrivate = False,
    any_language: AnyLanguage = False,
    catalog: CatalogOpt = None,
    config: Config = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar, only the summary line.")
    ] = False,
) -> None:
    """Analyze articles into a Parquet dataset (the spinscope/1 contract as tables), on every
    core of this machine or on a Ray cluster; a re-run skips finished shards."""
    from spinscope.scale import batch as B

    if engine not in ("local", "ray"):
        raise fail(f"--engine {engine!r}: choose 'local' or 'ray'")
    if address and engine != "ray":
        raise fail("--address needs --engine ray")
    if "-" in paths:
        raise fail("batch does not read stdin ('-'): give files, folders or URLs")
    if out.exists() and not out.is_dir():
        raise fail(f"--out {out} is a file; give a folder for the dataset")
    if out.is_dir() and any(out.iterdir()) and not (out / "_done").is_dir():
        raise fail(f"--out {out} is a folder with other files; give a new or dataset folder")
    try:
        settings = settings_from_flags(
            config, layers_opt, max_bytes, timeout, allow_private, any_language,
            max_chars=max_chars, taxonomy=taxonomy, min_score=min_score, catalog=catalog,
        )  # fmt: skip
        if engine == "ray":
            from spinscope.scale.ray_engine import _ray

            _ray()  # the one-line message before any work when Ray is missing
    except ConfigError as err:
        raise fail(str(err)) from None
    report = _run(B, paths, out, settings, engine, workers, shard_size, address, quiet)
    for shard, reason in report.errors:
        typer.echo(f"spinscope: error: shard {shard}: {printable(reason)}", err=True)
    typer.echo(_summary(report, out), err=True)
    failed = report.failed or report.failed_before or report.errors
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _run(B, paths, out, settings, engine, workers, shard_size, address, quiet):  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.progress import TimeRemainingColumn as Remaining

    stderr = Console(stderr=True)
    progress = Progress(
        TextColumn("analyzing"), BarColumn(), MofNCompleteColumn(), Remaining(),
        console=stderr, transient=True, disable=quiet,
    )  # fmt: skip
    with progress:
        task = progress.add_task("batch", total=None)

        def on_plan(inputs: int, to_run: int) -> None:
            progress.update(task, total=to_run)

        def on_shard(result: B.ShardResult) -> None:
            progress.advance(task, result.inputs)
            if result.error is None and result.failed and not quiet:
                progress.console.print(
                    f"shard {result.name}: {result.failed} failed input(s)", style="red",
                    markup=False, highlight=False, soft_wrap=True,
                )  # fmt: skip

        try:
            return B.run(
                paths, out, settings, engine, workers, shard_size, address,
                on_plan=on_plan, on_shard=on_shard,
            )  # fmt: skip
        except ConfigError as err:
            raise fail(str(err)) from None
        except OSError as err:  # the dataset folder: full disk, no permission
            raise fail(f"cannot write the dataset in {out}: {err.strerror or err}", 1) from None


def _summary(report, out: Path) -> str:  # type: ignore[no-untyped-def]
    """The one line a batch run ends with."""
    written = report.shards - report.skipped_shards - len(report.errors)
    rate = report.documents / report.seconds if report.seconds else 0.0
    peak = max(report.peak_mb.values(), default=0.0)
    parts = [
        f"{report.documents} documents, {report.failed} failed inputs of {report.inputs}"
        + (f" ({report.failed_before} failed in an earlier run)" if report.failed_before else ""),
        f"{written} shards written, {report.skipped_shards} done already"
        + (f", {len(report.errors)} not finished" if report.errors else ""),
        f"{report.seconds:.1f} s ({rate:.2f} documents/s)",
    ]
    if peak:
        parts.append(f"{report.workers} worker(s), peak memory per worker {peak:.0f} MB")
    if report.restarts:
        parts.append(f"{report.restarts} worker restart(s)")
    failed = report.failed or report.failed_before
    parts.append(f"dataset in {out}" + (f" (failed inputs in {out}/failures/)" if failed else ""))
    return "; ".join(parts)
