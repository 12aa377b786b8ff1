"""``spinscope events``: measure the events layer on annotated news, retrain its gate."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from spinscope.cli.app import app, fail
from spinscope.errors import SpinscopeError

events_app = typer.Typer(
    help=(
        "The events layer: measure it on annotated news in the realnews docs.jsonl format, "
        "retrain its literal-event gate.\n\n"
        "Example:  spinscope events eval ../shared/data/realnews/vua-conflict-train"
    ),
    no_args_is_help=True,
)
app.add_typer(events_app, name="events")


@events_app.command("eval")
def eval_cmd(
    paths: list[Path] = typer.Argument(
        ..., help="docs.jsonl files, or folders holding one (the realnews format)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
    no_gate: bool = typer.Option(
        False, "--no-gate", help="Score the rules alone, without the literal-event gate."
    ),
) -> None:
    """Document-level rates of the events layer: did it fire?

    Each document is grouped by its "kind" field (conflict, metaphor, literal, nonconflict)
    or else by its spans: spans labelled with an event type (ours or ACLED's sub-event type,
    e.g. "Peaceful protest") make a conflict report, which should be found; only "metaphor"
    spans (VUA layout) or no spans at all make a document on which any event is a false
    alarm. Prints the three rates and the type accuracy of the reports found. A missing
    file or a malformed line stops with its name and line number (exit 2).

    Example:  spinscope events eval reports.jsonl ../shared/data/realnews/vua-conflict-train
    """
    from spinscope.eval.events import evaluate_docs, format_table, read_docs

    try:
        for path in paths:
            read_docs(path)  # every file checked before the slow part starts
        report = evaluate_docs(paths, gated=not no_gate)
    except SpinscopeError as err:
        raise fail(err) from None
    if as_json:
        typer.echo(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        typer.echo(format_table(report))


@events_app.command("train")
def train_cmd(
    data: Path = typer.Option(
        Path("../shared/data"),
        "--data",
        help="Folder holding ptc/, polnear/, claimbuster/ "
        "and realnews/vua-conflict-train (the labels refer into it).",
    ),
    out: Path = typer.Option(
        None,
        "--out",
        help="Where to write gate.npz and meta.json (default: the committed "
        "model folder, spinscope/models/events).",
    ),
    l2: float = typer.Option(0.1, "--l2", min=0.0, help="L2 penalty of the regression."),
    threshold: float = typer.Option(
        0.6,
        "--threshold",
        min=0.0,
        max=1.0,
        help="Probability at or above which a trigger counts as a literal event.",
    ),
) -> None:
    """Retrain the literal-event gate from research/events/labels.jsonl, VUA and our own
    sentences; prints the cross-validated and held-out scores.

    Example:  spinscope events train --data ../shared/data --out /tmp/gate
    """
    from spinscope.models.events import HERE
    from spinscope.train.events import train

    for sub in ("ptc", "polnear", "claimbuster", "realnews/vua-conflict-train"):
        if not (data / sub).is_dir():
            raise fail(f"{data / sub}: not found; --data must hold the shared corpora")
    try:
        meta = train(data, out or HERE, l2=l2, threshold=threshold)
    except (OSError, ValueError, KeyError) as err:
        raise fail(f"training failed: {err}", 1) from None
    typer.echo(json.dumps({k: meta[k] for k in ("examples", "cv_train", "heldout")}, indent=1))
