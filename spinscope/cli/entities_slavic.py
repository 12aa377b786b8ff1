"""``spinscope entities-slavic``: score the Russian/Ukrainian entities pass on annotated news."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from spinscope.cli.app import app, fail

slavic_app = typer.Typer(
    help="Russian and Ukrainian people, organisations and places: measure on annotated news.",
    no_args_is_help=True,
)
app.add_typer(slavic_app, name="entities-slavic")


@slavic_app.command("eval")
def evaluate(
    data: Path = typer.Argument(
        ...,
        help="A docs.jsonl file (or a folder holding one): id, text, spans with start, "
        "end, label, optional coarse (PER/ORG/LOC) and lat/lon.",
    ),
    lang: str = typer.Option(
        None,
        "--lang",
        help="ru or uk for every document (default: each document's 'lang' "
        "field, else the language identifier's guess).",
    ),
    half: str = typer.Option(
        None,
        "--half",
        help="Score only half a or b of the documents (fixed split by id), "
        "to tune on one half and report the other.",
    ),
    limit: int = typer.Option(None, min=1, help="Score only the first N documents."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Print PER/ORG/LOC overlap P/R/F1, place P/R within 50 km (spans with lat/lon), and
    characters per second.

    Example:  spinscope entities-slavic eval ../shared/data/realnews/factrueval-dev --lang ru
    """
    from spinscope.errors import SpinscopeError
    from spinscope.eval.entities_slavic import evaluate as run
    from spinscope.eval.entities_slavic import table

    try:
        report = run(data, lang=lang, half=half, limit=limit)
    except SpinscopeError as err:
        raise fail(err) from None
    typer.echo(json.dumps(report, indent=2) if as_json else table(report))
