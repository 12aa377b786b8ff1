"""``spinscope catalog``: embed a catalog of known claims, search it, score a search run."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Annotated

import typer

from spinscope.cli.app import app, fail

catalog_app = typer.Typer(
    help="Catalogs of known (debunked) claims: build the index once, search it, score runs.",
    no_args_is_help=True,
)
app.add_typer(catalog_app, name="catalog")

IdColumn = Annotated[
    str, typer.Option("--id-column", help="The catalog column holding each entry's id.")
]
TextColumn = Annotated[
    str | None,
    typer.Option(
        "--text-column",
        help="Catalog column(s) holding the claim; several are joined: claim,title "
        "\\[default: those of claim, vclaim, title the header has].",
    ),
]


def _progress_bar(quiet: bool):  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.progress import TimeRemainingColumn as Remaining

    return Progress(
        TextColumn("embedding catalog"), BarColumn(), MofNCompleteColumn(), Remaining(),
        console=Console(stderr=True), transient=True, disable=quiet,
    )  # fmt: skip


def open_with_progress(
    source: Path, id_column: str, text_columns: str | None, out: Path | None, quiet: bool
):  # type: ignore[no-untyped-def]
    """The index of ``source`` (built with a progress bar when needed); exits 2 on a bad file."""
    from spinscope.errors import SpinscopeError
    from spinscope.narratives.catalog import split_columns
    from spinscope.narratives.index import open_index

    progress = _progress_bar(quiet)
    with progress:
        task = progress.add_task("build", total=None)

        def on_build(catalog) -> None:  # type: ignore[no-untyped-def]
            progress.update(task, total=len(catalog.entries))
            if not quiet:
                progress.console.print(
                    f"embedding {len(catalog.entries)} entries of {catalog.path} (once; "
                    "about 100 entries/s on 2 free cores)",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )

        try:
            return open_index(
                source, id_column, split_columns(text_columns), out,
                progress=lambda n: progress.advance(task, n), on_build=on_build,
            )  # fmt: skip
        except SpinscopeError as err:
            raise fail(err) from None


@catalog_app.command(
    epilog="Example:  spinscope catalog build ../shared/data/narratives/euvsdisinfo-cases.csv"
)
def build(
    catalog: Annotated[Path, typer.Argument(help="The catalog: a .csv or .tsv file.")],
    id_column: IdColumn = "id",
    text_column: TextColumn = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Index file \\[default: beside the catalog, named by the encoder]."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Rebuild even when the index is up to date.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Embed every catalog entry once (multilingual e5) into an index stored beside it.

    The index is rebuilt when the catalog, its columns or the encoder change; analyze,
    ingest and serve use it with --catalog CATALOG (or the setting 'catalog'). A bad
    catalog (missing column, no entries, duplicate ids, not UTF-8) is refused with one line.
    """
    from spinscope.errors import SpinscopeError
    from spinscope.narratives import index as ix

    if force:
        from spinscope.narratives.catalog import read_catalog, split_columns

        try:
            read_catalog(catalog, id_column, split_columns(text_column))
            for path in (out, ix.index_path(catalog), ix._cache_path(catalog)):
                if path is not None and path.is_file():
                    path.unlink()
        except (SpinscopeError, OSError) as err:
            raise fail(err) from None
    index = open_with_progress(catalog, id_column, text_column, out, quiet)
    how = f"built in {index.build_seconds:.0f} s" if index.new else "up to date"
    typer.echo(f"{index.path}: {len(index.entries)} entries, {index.encoder} ({how})")


@catalog_app.command(
    epilog="Example:  spinscope catalog search queries.tsv --catalog claims.tsv "
    "--text-column vclaim,title > run.tsv"
)
def search(
    queries: Annotated[
        Path, typer.Argument(help='TSV with a header line: id<TAB>text ("-": stdin).')
    ],
    catalog: Annotated[
        Path, typer.Option("--catalog", help="The catalog file (.csv/.tsv) or its index (.npz).")
    ],
    top: Annotated[int, typer.Option(min=1, help="Entries listed per query.")] = 5,
    id_column: IdColumn = "id",
    text_column: TextColumn = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Rank catalog entries for each query: prints query_id<TAB>catalog_id<TAB>rank<TAB>score.

    Best first, `top` lines per query. The catalog is indexed first if it has no
    up-to-date index. A query line without an id or text is reported on stderr with its
    line number; the others are still searched (exit 1).
    """
    from spinscope.narratives.search import Searcher

    items, errors = _read_queries(queries)
    index = open_with_progress(catalog, id_column, text_column, None, quiet)
    searcher = Searcher(index)
    out = sys.stdout
    for start in range(0, len(items), 256):
        batch = items[start : start + 256]
        for (qid, _), matches in zip(
            batch, searcher.search([t for _, t in batch], top), strict=True
        ):
            for m in matches:
                out.write(f"{qid}\t{index.entries[m.entry].id}\t{m.rank}\t{m.score:.6f}\n")
    out.flush()
    for message in errors:
        typer.echo(f"error: {message}", err=True)
    if errors:
        raise typer.Exit(1)


@catalog_app.command(
    epilog="Example:  spinscope catalog score run.tsv "
    "../shared/data/claim-retrieval/dev/tweet-vclaim-pairs.qrels"
)
def score(
    run: Annotated[Path, typer.Argument(help="Output of 'catalog search'.")],
    qrels: Annotated[Path, typer.Argument(help="Judgements: query_id 0 catalog_id 1 lines.")],
) -> None:
    """MAP@5 (as the CheckThat! 2020 scorer), MRR, Recall@1 and Recall@5 of a search run."""
    from spinscope.errors import SpinscopeError
    from spinscope.narratives.evaluate import read_qrels, read_run, score_run

    try:
        result = score_run(read_run(run), read_qrels(qrels))
    except SpinscopeError as err:
        raise fail(err) from None
    typer.echo("\t".join(f"{k} {v}" for k, v in result.items()))


def _read_queries(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(id, text) of the good lines of a queries TSV, and one message per bad line."""
    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise fail(f"{path}: no such file") from None
    except IsADirectoryError:
        raise fail(f"{path}: is a directory, expected a TSV file") from None
    except UnicodeDecodeError:
        raise fail(f"{path}: not UTF-8 text") from None
    csv.field_size_limit(1 << 26)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    header = next(reader, None)
    if header is None:
        raise fail(f"{path}: empty; expected a header line, then id<TAB>text lines")
    names = [h.strip().lower() for h in header]
    id_at = names.index("id") if "id" in names else 0
    text_at = names.index("text") if "text" in names else 1
    items: list[tuple[str, str]] = []
    errors: list[str] = []
    for row in reader:
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(id_at, text_at) or not row[id_at].strip() or not row[text_at].strip():
            errors.append(f"{path}:{reader.line_num}: expected id<TAB>text")
            continue
        items.append((row[id_at].strip(), row[text_at]))
    if not items and not errors:
        raise fail(f"{path}: no queries after the header line")
    return items, errors
