"""``spinscope ingest``, ``spinscope reprints`` and ``spinscope serve``: the corpus commands.

Thin layers over :mod:`spinscope.ingest_run` and :mod:`spinscope.web`.
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
    Workers,
    settings_from_flags,
    split_layers,
)
from spinscope.errors import ConfigError, SpinscopeError, printable

_DB_HELP = "Corpus database file (DuckDB) \\[default: ./spinscope.duckdb, or 'db' in settings]."


def _open_store(db: Path | None, config: Path | None, **overrides):  # type: ignore[no-untyped-def]
    from spinscope.config import load_settings
    from spinscope.store import Store

    settings = load_settings(config, db=db, **overrides)
    return settings, Store(settings.db)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  spinscope ingest ../shared/data/ptc/unlabeled/articles\n\n"
        "  spinscope ingest https://example.org/feed.xml --db outlets.duckdb\n\n"
        "  spinscope ingest sitemap.xml export.jsonl --layers boilerplate\n\n"
        "  spinscope ingest ../shared/data/ptc/unlabeled/articles --workers 2\n\n"
        "  spinscope ingest --from results/   (a 'spinscope batch' dataset, not analyzed again)\n\n"
        "Re-running the same command updates changed articles and skips the ones already "
        "stored by the same analyzer versions, so an interrupted ingest resumes. "
        "Exit codes: 0 no input failed, 1 some inputs failed (listed in the failure report), "
        "2 usage error."
    )
)
def ingest(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Inputs: everything 'analyze' accepts (files, folders, JSONL, '-', URLs) plus "
            "RSS/Atom feeds and XML sitemaps (URLs, or local .xml/.rss/.atom files) whose "
            "article links are fetched and ingested.",
            show_default=False,
        ),
    ] = None,
    from_dataset: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Store the documents of a dataset written by 'spinscope batch' (or "
            "'spinscope export --format parquet') as they are, without analyzing them again; "
            "instead of INPUTS. Only finished shards are read.",
        ),
    ] = None,
    workers: Workers = 0,
    db: Annotated[Path | None, typer.Option("--db", help=_DB_HELP)] = None,
    layers_opt: Layers = None,
    commit_every: Annotated[
        int,
        typer.Option(
            min=1,
            help="Articles per transaction. A crash loses at most this many analyses; "
            "re-running resumes after the last committed batch.",
        ),
    ] = 32,
    failures: Annotated[
        Path | None,
        typer.Option(
            help="Where to list failed inputs with their reasons (TSV) "
            "\\[default: <db>.failures.tsv, written only when something failed]."
        ),
    ] = None,
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
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print a line after each committed batch.")
    ] = False,
) -> None:
    """Analyze articles and store them in the corpus database (DuckDB) for 'serve' and 'reprints'.

    Each article is stored as its spinscope/1 JSON with the analyzer versions that made it;
    re-ingesting the same article (same URL, or same text from the same outlet) updates it.
    Reprint clusters are recomputed at the end.
    """
    from spinscope import ingest_run as corpus
    from spinscope.pipeline import load_pipeline
    from spinscope.store import Store

    paths = paths or []
    if from_dataset is not None and paths:
        raise fail("give either INPUTS or --from DATASET, not both")
    if from_dataset is None and not paths:
        raise fail("nothing to ingest: give INPUTS (files, folders, URLs) or --from DATASET")
    if paths.count("-") > 1:
        raise fail("'-' (stdin) can be given only once")
    try:
        settings = settings_from_flags(
            config,
            layers_opt,
            max_bytes,
            timeout,
            allow_private,
            any_language,
            max_chars=max_chars,
            taxonomy=taxonomy,
            min_score=min_score,
            db=db,
            catalog=catalog,
        )
        store = Store(settings.db)
    except ConfigError as err:
        raise fail(str(err)) from None
    if from_dataset is not None:
        from spinscope.dataset.parquet import DatasetError

        with store:
            try:
                report = corpus.load_dataset(from_dataset, store, commit_every)
            except DatasetError as err:
                raise fail(str(err)) from None
            stored = store.count()
        typer.echo(
            f"{report.analyzed} stored, {report.skipped} skipped (stored already), "
            f"{report.failed} failed of {report.total} documents in {from_dataset}; {stored} "
            f"articles and {report.clusters} reprint clusters in {settings.db}",
            err=True,
        )
        raise typer.Exit(EXIT_SOME_FAILED if report.failed else EXIT_OK)
    with store:
        try:
            pipeline = load_pipeline(settings)
        except ConfigError as err:
            raise fail(str(err)) from None
        except SpinscopeError as err:
            typer.echo(f"spinscope: error: {printable(str(err))}", err=True)
            raise typer.Exit(EXIT_SOME_FAILED) from None
        items = corpus.plan(paths, settings)
        from spinscope.scale.workers import auto_workers

        workers = workers or auto_workers(len(items))
        report = _run(items, settings, store, pipeline, commit_every, quiet, verbose, workers)
        stored = store.count()
    report_path = failures or settings.db.with_name(settings.db.name + ".failures.tsv")
    if report.failures:
        corpus.write_failures(report_path, report.failures)
    elif failures is None and report_path.exists():
        report_path.unlink()  # the default report of an earlier run would mislead
    revised = (
        f"; {report.revised} changed since stored (earlier versions kept)" if report.revised else ""
    )
    typer.echo(
        f"{report.analyzed} analyzed, {report.skipped} skipped, {report.failed} failed "
        f"of {report.total} inputs{revised}; {stored} articles and {report.clusters} reprint "
        f"clusters in {settings.db}"
        + (f"; failures listed in {report_path}" if report.failures else ""),
        err=True,
    )
    raise typer.Exit(EXIT_SOME_FAILED if report.failed else EXIT_OK)


def _run(items, settings, store, pipeline, commit_every, quiet, verbose, workers=1):  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.progress import TimeRemainingColumn as Remaining

    from spinscope import ingest_run as corpus

    stderr = Console(stderr=True)
    # A single URL may be a feed that expands into many articles: show the bar for it too.
    single = len(items) < 2 and not any(isinstance(i, corpus.Probe) for i in items)
    progress = Progress(
        TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), Remaining(),
        console=stderr, transient=True, disable=quiet or single,
    )  # fmt: skip
    with progress:
        task = progress.add_task("ingest", total=len(items))

        def on_item(where: str, status: str, reason: str | None) -> None:
            progress.advance(task)
            if status == "failed" and not quiet:
                # One line per failed input, never wrapped: scripts count them.
                progress.console.print(
                    f"error: {printable(reason or where)}", style="red", markup=False,
                    highlight=False, soft_wrap=True,
                )  # fmt: skip

        def on_commit(batch: int, stored: int) -> None:
            if verbose:
                progress.console.print(f"committed batch {batch} ({stored} articles stored)")

        def on_total(total: int) -> None:
            progress.update(task, total=total)

        return corpus.ingest(
            items, settings, store, pipeline, commit_every,
            on_item=on_item, on_commit=on_commit, on_total=on_total, workers=workers,
        )  # fmt: skip


@app.command(
    epilog="Examples:\n\n  spinscope reprints\n\n  spinscope reprints --db x.duckdb --json"
)
def reprints(
    db: Annotated[Path | None, typer.Option("--db", help=_DB_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print clusters as JSON.")] = False,
    config: Config = None,
) -> None:
    """List reprint clusters: articles whose bodies are near-duplicates (MinHash Jaccard >= 0.8).

    The earliest published member of each cluster is the presumed origin (marked *), when
    every member is dated and no other shares its date; otherwise the origin is "unknown"
    and the reason is printed. Similarity is to the origin, or to the closest other
    member when the origin is unknown.
    """
    import json

    try:
        settings, store = _open_store(db, config)
    except ConfigError as err:
        raise fail(str(err)) from None
    with store:
        store.recluster()
        clusters = store.clusters()
    if as_json:
        typer.echo(json.dumps(clusters, default=str, ensure_ascii=False, indent=2))
        raise typer.Exit(EXIT_OK)
    if not clusters:
        typer.echo(f"no reprint clusters in {settings.db}")
    for n, cluster in enumerate(clusters, start=1):
        members = cluster["members"]
        origin = (
            f"origin unknown: {cluster['origin_unknown']}"
            if cluster["origin_unknown"]
            else "* presumed origin"
        )
        typer.echo(f"cluster {n} ({len(members)} articles; {origin})")
        for m in members:
            mark = "*" if m["is_origin"] else " "
            where = m["url"] or m["source"]
            typer.echo(
                f" {mark} {m['published'] or '(undated)':10.10s}  {m['outlet'] or '-':24.24s}  "
                f"{m['similarity']:.2f}  {m['title'] or m['doc_id']}  [{where}]"
            )
    raise typer.Exit(EXIT_OK)


@app.command(
    epilog=(
        "Examples:\n\n  spinscope serve\n\n  spinscope serve --db outlets.duckdb --port 8080\n\n"
        "  SPINSCOPE_TOKEN=secret spinscope serve --host 0.0.0.0\n\n"
        "The API is under /api/v1 (documentation at /api/docs)."
    )
)
def serve(
    db: Annotated[Path | None, typer.Option("--db", help=_DB_HELP)] = None,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. API writes always need the token ($SPINSCOPE_TOKEN, or "
            "one generated at first start, kept in the database and printed at each start); "
            "anything other than loopback makes the web form need it too."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    layers_opt: Layers = None,
    catalog: CatalogOpt = None,
    config: Config = None,
) -> None:
    """Explore the corpus in a web UI (articles, reprints, dashboard) and a REST API."""
    import uvicorn

    from spinscope.web import create_app, is_loopback, resolve_token

    wanted = split_layers(layers_opt)
    try:
        settings, store = _open_store(db, config, layers=wanted, catalog=catalog)
    except ConfigError as err:
        raise fail(str(err)) from None
    from spinscope.web.guard import loopback_hosts

    local = is_loopback(host)
    token, generated = resolve_token(store)
    typer.echo(
        f"API writes need the token {token} (header 'Authorization: Bearer …')"
        + (" — generated now and kept in the database" if generated else "")
        + ("; the web form needs none on loopback" if local else "; so does the web form"),
        err=True,
    )
    # On loopback only local names are answered (a DNS-rebinding page gets 421); elsewhere
    # the token guards writes and any Host is fine.
    application = create_app(
        settings, store, token=token, isolate=True,
        allowed_hosts=loopback_hosts(host) if local else None, forms_need_token=not local,
    )  # fmt: skip
    count = store.count()
    typer.echo(
        f"spinscope serving {count} articles from {settings.db} on http://{host}:{port}/"
        + ("" if count else " (the store is empty: add articles with 'spinscope ingest')"),
        err=True,
    )
    try:
        uvicorn.run(application, host=host, port=port, log_level="warning")
    finally:
        store.close()
