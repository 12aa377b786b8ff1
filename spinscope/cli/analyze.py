"""``spinscope analyze`` and ``spinscope layers``: thin commands over :mod:`spinscope.service`."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer

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
)
from spinscope.errors import ConfigError, SpinscopeError, printable

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _layer_help() -> str:
    from spinscope.analyzers.base import available_layers

    return ", ".join(available_layers())


@app.command()
def layers() -> None:
    """List the analysis layers this installation can compute, with what each finds.

    Example:  spinscope layers
    """
    from spinscope.analyzers.base import available_layers

    for name, description in available_layers().items():
        typer.echo(f"{name:12s} {description}")


@app.command(
    epilog=(
        "Examples:\n\n"
        "  spinscope analyze article.txt\n\n"
        "  spinscope analyze page.html --format html --out report.html\n\n"
        "  spinscope analyze corpus/ --format jsonl --out results.jsonl\n\n"
        "  spinscope analyze corpus/ --format csv --out findings.csv\n\n"
        "  cat article.txt | spinscope analyze - --format json\n\n"
        "  spinscope analyze https://example.org/story --layers boilerplate\n\n"
        "Exit codes: 0 every input analyzed, 1 some inputs failed (each named on stderr), "
        "2 usage error."
    )
)
def analyze(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Inputs: .txt or .html/.htm files, folders (searched recursively), JSONL files "
            "(one article per line with 'text' or 'html' and optional id, url, title, published, "
            "outlet, author), '-' for stdin, or http(s) URLs.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output format: terminal (readable summary), json (the spinscope/1 contract), "
            "jsonl (one JSON object per line), html (self-contained report with highlights), "
            "md (Markdown), csv (one row per finding: doc_id, source, layer, index, start, end, "
            "text, label, score, attrs as JSON; one header line for all inputs).",
        ),
    ] = "terminal",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write here instead of stdout: a file for one input (or for jsonl and csv, "
            "whatever the number of inputs), a folder (created if needed) for several inputs, "
            "one file per input named by its id.",
        ),
    ] = None,
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
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")
    ] = False,
    workers: Workers = 0,
) -> None:
    """Analyze articles: persuasion techniques, claims and sources, entities, events, boilerplate.

    Every finding is a span with exact character offsets into the article text; for a plain
    text file that text is the file itself.
    """
    from spinscope.pipeline import load_pipeline
    from spinscope.render import FORMATS
    from spinscope.service import plan

    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
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
            catalog=catalog,
        )
        pipeline = load_pipeline(settings)
    except ConfigError as err:
        raise fail(str(err)) from None
    except SpinscopeError as err:
        typer.echo(f"spinscope: error: {printable(str(err))}", err=True)
        raise typer.Exit(EXIT_SOME_FAILED) from None

    if paths.count("-") > 1:
        raise fail("'-' (stdin) can be given only once")
    items = plan(paths, settings)
    many = len(items) > 1 or any(Path(p).is_dir() for p in paths if p != "-")
    sink = _Sink(fmt, out, many, settings.display_min_score)
    try:
        sink.check()
    except ConfigError as err:
        raise fail(str(err)) from None
    from spinscope.scale.workers import auto_workers

    workers = workers or auto_workers(len(items))
    failed = _run(items, settings, pipeline, sink, show_progress=many and not quiet,
                  workers=workers)  # fmt: skip
    sink.close()
    done = len(items) - failed
    if many and not quiet:
        typer.echo(
            f"{done} analyzed, {failed} failed, {len(items)} inputs"
            + (f"; output in {out}" if out else ""),
            err=True,
        )
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _run(items, settings, pipeline, sink: _Sink, show_progress: bool, workers: int = 1) -> int:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from spinscope.service import run

    stderr = Console(stderr=True)
    failed = 0
    progress = Progress(
        TextColumn("analyzing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
        disable=not show_progress,
    )
    with progress:
        task = progress.add_task("analyze", total=len(items))
        if workers > 1:
            from spinscope.scale.workers import run_parallel

            outcomes = run_parallel(items, settings, workers)
        else:
            outcomes = run(items, settings, pipeline)
        for outcome in outcomes:
            progress.advance(task)
            if outcome.error is not None:
                failed += 1
                # One line per failed input; the message already names the input.
                progress.console.print(
                    f"error: {printable(str(outcome.error))}",
                    style="red",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
                continue
            assert outcome.document is not None
            sink.write(outcome.document.to_dict())
    return failed


class _Sink:
    """Where rendered documents go: stdout, one file, or one file per document in a folder."""

    def __init__(
        self, fmt: str, out: Path | None, many: bool, display_min_score: float | None = None
    ) -> None:
        self.fmt, self.out, self.many = fmt, out, many
        self.display_min_score = display_min_score
        self.handle = None
        self.json_items: list[dict] = []
        self.used_names: set[str] = set()
        self.header_written = False  # csv: one header line for all inputs

    def check(self) -> None:
        if self.out is None:
            if self.fmt == "html" and self.many:
                raise ConfigError("--format html with several inputs needs --out FOLDER")
            return
        to_dir = self._to_dir()
        if to_dir and self.out.exists() and not self.out.is_dir():
            raise ConfigError(f"--out {self.out} is a file, but several inputs need a folder")
        if not to_dir and self.out.is_dir():
            raise ConfigError(f"--out {self.out} is a folder; give a file name for this output")
        if not to_dir and not self.out.parent.exists():
            raise ConfigError(f"--out {self.out}: folder {self.out.parent} does not exist")

    def _to_dir(self) -> bool:
        from spinscope.render import STREAMED

        return self.many and self.fmt not in STREAMED

    def _render(self, data: dict) -> str:
        from spinscope.render import render

        if self.fmt == "csv":
            from spinscope.render.table import render_csv

            text = render_csv(data, header=not self.header_written)
            self.header_written = True
            return text
        return render(data, self.fmt, self.display_min_score)

    def _stream(self, text: str) -> None:
        """Append to the single output: stdout, or the --out file (opened on first use)."""
        if self.out is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        if self.handle is None:
            # newline="": the csv module writes its own line ends, also inside quoted fields.
            self.handle = self.out.open("w", encoding="utf-8", newline="")
        self.handle.write(text)

    def write(self, data: dict) -> None:
        from spinscope.render import EXTENSIONS

        if self.out is None:
            if self.fmt == "terminal":
                from rich.console import Console

                from spinscope.render.terminal import print_document

                print_document(data, Console())
            elif self.fmt == "json" and self.many:
                self.json_items.append(data)
            else:
                self._stream(self._render(data))
            return
        if self._to_dir():
            self.out.mkdir(parents=True, exist_ok=True)
            path = self.out / (self._name(data["document"]["id"]) + EXTENSIONS[self.fmt])
            path.write_text(self._render(data), encoding="utf-8")
            return
        self._stream(self._render(data))

    def _name(self, doc_id: str) -> str:
        base = re.sub(r"[^\w.-]+", "_", doc_id).strip("._") or "document"
        name, n = base, 1
        while name in self.used_names:
            n += 1
            name = f"{base}-{n}"
        self.used_names.add(name)
        return name

    def close(self) -> None:
        if self.fmt == "csv" and not self.header_written:
            # Every input failed or found nothing: still a table, with its columns.
            from spinscope.render.table import header_line

            self._stream(header_line())
            self.header_written = True
        if self.fmt == "json" and self.many and self.out is None:
            from spinscope.render import to_json

            sys.stdout.write(to_json(self.json_items) + "\n")  # type: ignore[arg-type]
        if self.handle is not None:
            self.handle.close()
