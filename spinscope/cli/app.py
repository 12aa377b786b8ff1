"""The root Typer application that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="spinscope",
    help=(
        "Show, with evidence, how news and opinion articles persuade and what they assert.\n\n"
        "Every finding points at the exact characters of the article that support it.\n\n"
        "Example:  spinscope analyze article.txt --format html --out report.html"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def fail(message: object, code: int = 2) -> typer.Exit:
    """Print a one-line error (never a traceback) and return the Exit to raise.

    Usage: ``raise fail("…")``. Code 2 is a usage error, 1 a failed input or run.
    """
    from spinscope.errors import printable

    typer.echo(f"spinscope: error: {printable(str(message))}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        from spinscope import __version__

        typer.echo(f"spinscope {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Show, with evidence, how news and opinion articles persuade and what they assert."""
