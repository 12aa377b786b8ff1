"""``spinscope export``: any result set of the store as CSV, JSONL or a Parquet dataset.

A thin layer over :mod:`spinscope.dataset.export`; the explorer's export endpoints use the
same functions, so a file from the web UI and one from here hold the same rows.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from spinscope.cli.app import app, fail
from spinscope.cli.options import Config
from spinscope.errors import ConfigError, ParameterError

_FILTER = "Only articles {}, as the articles page's filter of that name."


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


@app.command(
    epilog=(
        "Examples:\n\n"
        "  spinscope export --db corpus.duckdb --format csv --out articles.csv\n\n"
        '  spinscope export --query "Belgorod shelling" --what techniques --format jsonl\n\n'
        "  spinscope export --outlet rt.com --date-from 2024-05 --what claims --format csv "
        "--out rt-claims.csv\n\n"
        "  spinscope export --format parquet --out dataset/   (then: spinscope ingest --from "
        "dataset/, or DuckDB: SELECT * FROM read_parquet('dataset/techniques/*/*.parquet'))\n\n"
        "Exit codes: 0 exported (also when nothing matched), 2 usage error (a missing "
        "database, a bad filter value, an --out that exists without --force)."
    )
)
def export(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Corpus database file (DuckDB) to read \\[default: ./spinscope.duckdb, or 'db' "
            "in settings]. Opened read-only; while 'spinscope serve' has it open, export from "
            "the web UI or GET /api/v1/export instead.",
        ),
    ] = None,
    query: Annotated[
        str,
        typer.Option(
            "--query",
            help='Search words (all must occur) and "quoted phrases", as on the articles page '
            "\\[default: every article].",
        ),
    ] = "",
    outlet: Annotated[str | None, typer.Option(help=_FILTER.format("of this outlet"))] = None,
    language: Annotated[
        str | None, typer.Option(help=_FILTER.format("in this language (ISO 639 code: en, ru)"))
    ] = None,
    technique: Annotated[
        str | None,
        typer.Option(help=_FILTER.format("with this technique (e.g. Loaded_Language)")),
    ] = None,
    source_kind: Annotated[
        str | None,
        typer.Option(help=_FILTER.format("with a claim whose source is named|vague|self|none")),
    ] = None,
    date_from: Annotated[
        str | None,
        typer.Option(
            help=_FILTER.format("published on or after this date (2024-05-31, 2024-05, 2024)")
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option(
            help=_FILTER.format("published on or before this date (2024-05-31, 2024-05, 2024)")
        ),
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option(
            help="Order of the articles: published, title, outlet, words, techniques, claims, "
            "ingested or relevance \\[default: relevance with --query, else published]."
        ),
    ] = None,
    order: Annotated[str, typer.Option(help="asc or desc.")] = "desc",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="csv (one header line; a cell that starts like a spreadsheet formula gets a "
            "leading '), jsonl (one object per row) or parquet (a dataset folder in the "
            "layout of 'spinscope batch': DIR/<table>/shard=<name>/part.parquet).",
        ),
    ] = "csv",
    what: Annotated[
        str | None,
        typer.Option(
            help="Which table: documents (one row per article: key, doc_id, fields, text, "
            "layers, summary, relations, provenance) or a layer (techniques, claims, entities, "
            "events, narratives, boilerplate, wording: one row per finding with key, doc_id, "
            "index, start, end, text, label, score, attrs) \\[default: documents; for parquet "
            "every table].",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write here (a file; for parquet a folder) instead of stdout. Written beside "
            "it first and moved into place when complete. Required for parquet.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace --out when it exists (for parquet only an earlier dataset or an empty "
            "folder is replaced).",
        ),
    ] = False,
    config: Config = None,
) -> None:
    """Export the articles matching a search, or their findings, without a cap.

    Rows are the columns of a 'spinscope batch' dataset, so an export and a batch run are
    interchangeable. Streams: memory stays flat whatever the number of articles.
    """
    from spinscope.config import load_settings
    from spinscope.dataset import export as E
    from spinscope.store import Query, Store

    try:
        fmt = E.check_format(fmt)
        table = E.check_what(what) if what is not None else None
        settings = load_settings(config, db=db)
    except (ParameterError, ConfigError) as err:
        raise fail(str(err)) from None
    path = Path(settings.db)
    if not path.is_file():
        raise fail(
            f"database {path} does not exist; give --db FILE, or create it with "
            f"'spinscope ingest PATHS --db {path}'"
        )
    if fmt == "parquet" and out is None:
        raise fail("--format parquet writes a folder of files: give it with --out DIR")
    if out is not None:
        _check_out(out, fmt, force)
    q = query.strip()
    wanted = Query(
        q=q, outlet=_text(outlet), language=_text(language), technique=_text(technique),
        source_kind=_text(source_kind), date_from=_text(date_from), date_to=_text(date_to),
        sort=_text(sort) or ("relevance" if q else "published"), order=order.strip() or "desc",
    )  # fmt: skip
    try:
        store = Store(path, read_only=True)
    except ConfigError as err:
        raise fail(str(err)) from None
    with store:
        try:
            E.checked(store, wanted)
        except ParameterError as err:
            raise fail(str(err)) from None
        docs = E.matching(store, wanted)
        if fmt == "parquet":
            assert out is not None
            tmp = _part(out)
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                written = E.write_parquet(tmp, docs, table)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)  # never half a dataset left behind
                raise
            _replace(tmp, out)
            rows = ", ".join(f"{n} {layer}" for layer, n in sorted(written.rows.items()))
            typer.echo(
                f"exported {written.documents} articles ({rows or 'no findings'}) in "
                f"{written.shards} shard{'s' if written.shards != 1 else ''} to {out}",
                err=True,
            )
            raise typer.Exit(0)
        table = table or "documents"
        tally = E.Tally()
        if out is None:
            _to_stdout(E.chunks(fmt, table, docs, tally))
            raise typer.Exit(0)
        tmp = _part(out)
        try:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                for chunk in E.chunks(fmt, table, docs, tally):
                    fh.write(chunk)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
    rows = "" if table == "documents" else f"{tally.rows} {table} rows of "
    typer.echo(f"exported {rows}{tally.documents} articles to {out}", err=True)
    raise typer.Exit(0)


def _to_stdout(chunks: Any) -> None:
    try:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (``| head``): not an error of the export. Point stdout
        # at nothing so that the interpreter's last flush does not fail again.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _part(out: Path) -> Path:
    return out.with_name(out.name + ".part")


def _is_dataset(path: Path) -> bool:
    return (path / "documents").is_dir() or (path / "_done").is_dir()


def _check_out(out: Path, fmt: str, force: bool) -> None:
    if not out.parent.is_dir():
        raise fail(f"--out {out}: folder {out.parent} does not exist")
    if not out.exists():
        return
    if not force:
        raise fail(f"--out {out} exists; give --force to replace it, or another --out")
    if fmt == "parquet":
        if not out.is_dir():
            raise fail(f"--out {out} is a file; a parquet export is a folder: give another --out")
        if any(out.iterdir()) and not _is_dataset(out):
            raise fail(
                f"--out {out} is a folder that is not a spinscope dataset; --force replaces "
                "only a dataset or an empty folder: give another --out"
            )
    elif out.is_dir():
        raise fail(f"--out {out} is a folder; give a file name")


def _replace(tmp: Path, out: Path) -> None:
    """Move the finished dataset ``tmp`` to ``out`` (replacing an earlier one)."""
    if out.exists():
        old = out.with_name(out.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)
