"""``spinscope entities``: score the entities layer on annotated news (docs.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from spinscope.cli.app import app, fail

entities_app = typer.Typer(
    help="People, organisations and places: score the layer on your own annotated news.",
    no_args_is_help=True,
)
app.add_typer(entities_app, name="entities")


@entities_app.command("eval")
def evaluate(
    docs: Path = typer.Argument(
        ..., help="A docs.jsonl file (or a folder holding one): id, text, spans per line."
    ),
    task: str = typer.Option(
        "places",
        help="places: detection P/R/F1 of PLACE entities, share within --km of the gold "
        "lat/lon, median error; ner: overlap P/R/F1 per CoNLL type (PER ORG LOC MISC).",
    ),
    part: str = typer.Option(
        "all", help="all lines, or a fixed half for tune/check work: a (odd lines) or b (even)."
    ),
    km: float = typer.Option(161.0, min=0.0, help="Distance (km) that counts as geocoded right."),
    errors: int = typer.Option(0, min=0, help="Also list up to this many mistakes of each kind."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Score the entities layer on annotated news and print a table (or --json).

    The scoring rules (overlap matching, nationality words left out of the gold places,
    CoNLL type mapping) are in README.md, "People, organisations and places".

    Example:  spinscope entities eval ../shared/data/realnews/geovirus --task places
    """
    from spinscope.errors import SpinscopeError
    from spinscope.eval.realnews import predict, read_docs, score_ner, score_places

    if task not in ("places", "ner"):
        raise fail(f"unknown --task {task!r}; use places or ner")
    try:
        gold = read_docs(docs, part)
        predicted = predict(gold)
        if task == "places":
            report = score_places(predicted, errors=errors, km=km)
        else:
            report = score_ner(predicted, errors=errors)
    except SpinscopeError as err:
        raise fail(str(err)) from None
    report = {"file": str(docs), "part": part, "documents": len(gold), **report}
    if as_json:
        typer.echo(json.dumps(report, indent=1, ensure_ascii=False))
        return
    typer.echo(_table(report, task))


def _table(report: dict[str, Any], task: str) -> str:
    lines = [f"{report['file']} (part {report['part']}, {report['documents']} documents)"]
    if task == "places":
        within = next(k for k in report if k.startswith("within_"))
        lines += [
            f"  gold places      {report['gold_places']:>6}"
            f"   (nationality words left out: {report['demonyms_left_out']})",
            f"  predicted        {report['predicted_places']:>6}",
            f"  precision        {report['precision']:>6.3f}",
            f"  recall           {report['recall']:>6.3f}",
            f"  F1               {report['f1']:>6.3f}",
            f"  {within.replace('_', ' '):<16} {report[within]:>6.3f}"
            f"   (of {report['geocoded_pairs']} matched places with gold coordinates)",
            f"  median error km  {report['median_error_km']!s:>6}",
        ]
    else:
        lines.append(f"  {'type':<22}{'gold':>6}{'pred':>6}{'P':>7}{'R':>7}{'F1':>7}")
        rows = {"PER+ORG+LOC": report["overall_PER_ORG_LOC"], **report["per_type"]}
        for name, r in rows.items():
            lines.append(
                f"  {name:<22}{r['gold']:>6}{r['predicted']:>6}"
                f"{r['precision']:>7.3f}{r['recall']:>7.3f}{r['f1']:>7.3f}"
            )
    for kind, items in report.get("errors", {}).items() if task == "places" else ():
        lines.append(f"  {kind}:")
        lines += [f"    {json.dumps(item, ensure_ascii=False)}" for item in items]
    for item in report.get("errors", []) if task == "ner" else ():
        lines.append(f"    {json.dumps(item, ensure_ascii=False)}")
    return "\n".join(lines)
