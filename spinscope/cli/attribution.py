"""``spinscope attribution``: find who is cited for what (Source / Cue / Content), in brat."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from spinscope.cli.app import app, fail

attribution_app = typer.Typer(
    help="Attribution relations (Source / Cue / Content): predict to brat, evaluate, learn cues.",
    no_args_is_help=True,
)
app.add_typer(attribution_app, name="attribution")


def _inputs(text_dir: Path) -> list[Path]:
    """``NAME.txt`` and extension-less files of a folder, sorted."""
    if not text_dir.is_dir():
        raise fail(f"{text_dir}: not a folder (expected a folder of .txt files)")
    files = [
        p
        for p in sorted(text_dir.iterdir())
        if p.is_file() and (p.suffix == ".txt" or p.suffix == "") and not p.name.startswith(".")
    ]
    if not files:
        raise fail(f"{text_dir}: no NAME.txt or extension-less files in it")
    return files


@attribution_app.command("predict")
def predict(
    text_dir: Path = typer.Argument(..., help="Folder of NAME.txt (or extension-less) files."),
    out: Path = typer.Option(..., "--out", help="Folder to write NAME.ann files into."),
) -> None:
    """Write ANN_DIR/NAME.ann in brat standoff (PolNeAR conventions) for each text file.

    Each attribution is a Source, Cue and Content span, an Attribution (or
    Attribution-no-source) span over the cue, and an E line tying them together. A file
    that cannot be read is reported on stderr and skipped (exit code 1).

    Example:  spinscope attribution predict articles/ --out ann/
    """
    from spinscope.eval.attribution import predict_text
    from spinscope.eval.brat import write_ann

    files = _inputs(text_dir)
    out.mkdir(parents=True, exist_ok=True)
    texts, names, failed = [], [], 0
    for path in files:
        try:
            # newline="" keeps "\r\n" so that offsets count every character of the file.
            with path.open(encoding="utf-8", newline="") as fh:
                texts.append(fh.read())
            names.append(path.stem if path.suffix == ".txt" else path.name)
        except (UnicodeDecodeError, OSError) as err:
            typer.echo(f"error: {path}: cannot read as UTF-8 text ({err})", err=True)
            failed += 1
    for name, text, attrs in zip(names, texts, predict_text(texts), strict=True):
        (out / f"{name}.ann").write_text(write_ann(text, attrs), encoding="utf-8", newline="")
    typer.echo(f"wrote {len(names)} .ann files to {out}", err=True)
    if failed:
        raise typer.Exit(1)


@attribution_app.command("eval")
def evaluate(
    data_dir: Path = typer.Argument(
        ...,
        help="PolNeAR folder (with dev/), a split folder holding text/ and attributions/, or "
        "a docs.jsonl file (or its folder) whose spans are labelled Source, Cue and Content "
        'and grouped by an "attribution" value.',
    ),
    split: str = typer.Option("dev", help="Split sub-folder to score when DATA_DIR has splits."),
    limit: int = typer.Option(None, min=1, help="Score only the first N articles."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Print cue P/R/F1, the source and content token F1 for attributions whose cue was
    found, and how many predicted sources are bare cue words ("saying"; should be none).

    Examples:  spinscope attribution eval ../shared/data/polnear

               spinscope attribution eval my-news/docs.jsonl --json
    """
    from spinscope.errors import SpinscopeError
    from spinscope.eval.attribution import evaluate as run_eval
    from spinscope.eval.attribution import evaluate_docs, format_report

    if not data_dir.exists():
        raise fail(f"{data_dir}: no such file or folder")
    try:
        if data_dir.suffix == ".jsonl" or (data_dir / "docs.jsonl").is_file():
            report = evaluate_docs(data_dir, limit)
        else:
            folder = data_dir / split if (data_dir / split).is_dir() else data_dir
            report = run_eval(folder, limit)
    except SpinscopeError as err:
        raise fail(str(err)) from None
    typer.echo(json.dumps(report, indent=2) if as_json else format_report(report))


@attribution_app.command("learn")
def learn(
    data_dir: Path = typer.Argument(..., help="PolNeAR folder (with train/) or its train split."),
    out: Path = typer.Option(
        None, "--out", help="Where to write cues.tsv (default: the packaged lexicon)."
    ),
    min_count: int = typer.Option(5, min=1, help="Least times a lemma must be a gold cue."),
    min_share: float = typer.Option(0.2, help="Least share of its occurrences that are cues."),
) -> None:
    """Learn the cue lexicon (lemmas that head PolNeAR cues) from the training split.

    Example:  spinscope attribution learn ../shared/data/polnear --out runs/cues.tsv
    """
    from spinscope.errors import SpinscopeError
    from spinscope.models.attribution import CUES_PATH
    from spinscope.train.attribution import learn_cues, write_cues

    folder = data_dir / "train" if (data_dir / "train").is_dir() else data_dir
    try:
        rows = learn_cues(folder, min_count, min_share, log=lambda m: typer.echo(m, err=True))
    except SpinscopeError as err:
        raise fail(str(err)) from None
    write_cues(rows, out or CUES_PATH)
    typer.echo(f"{len(rows)} cue lemmas written to {out or CUES_PATH}", err=True)


@attribution_app.command("kinds")
def kinds(
    fixtures: Path = typer.Argument(..., help='JSONL of {"text", "kind", "source"} sentences.'),
) -> None:
    """Print the accuracy of the source kind (named / vague / self / none) on sentences.

    Example:  spinscope attribution kinds tests/data/claims/attribution_kinds_hard.jsonl
    """
    from spinscope.errors import SpinscopeError
    from spinscope.eval.attribution import kind_accuracy

    if not fixtures.is_file():
        raise fail(f"{fixtures}: no such file")
    try:
        report = kind_accuracy(fixtures)
    except SpinscopeError as err:
        raise fail(str(err)) from None
    typer.echo(json.dumps(report, indent=2, ensure_ascii=False))


@attribution_app.command("sources")
def sources(
    folder: Path = typer.Argument(..., help="Folder of .txt articles (no annotation needed)."),
    top: int = typer.Option(20, min=1, help="How many of the most cited sources to list."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Run the claims layer over articles and list the sources their claims are attributed
    to, counted as the dashboard counts them ("report" and "reports" together), with the
    kinds and every source that is a bare cue word ("saying", "was reported"), which
    should be none.

    Example:  spinscope attribution sources ../shared/data/ptc/unlabeled/articles
    """
    from spinscope.errors import SpinscopeError
    from spinscope.eval.attribution import survey_sources

    if not folder.is_dir():
        raise fail(f"{folder}: not a folder (expected a folder of .txt articles)")
    try:
        report = survey_sources(folder, top, log=lambda m: typer.echo(m, err=True))
    except SpinscopeError as err:
        raise fail(str(err)) from None
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{'source':40.40s}  {'kind':6s}  {'claims':>6s}  {'articles':>8s}")
    for row in report["top_sources"]:
        typer.echo(
            f"{row['source']:40.40s}  {row['kind']:6s}  {row['claims']:6d}  {row['articles']:8d}"
        )
    kinds = ", ".join(f"{k} {n}" for k, n in report["kinds"].items())
    typer.echo(
        f"\n{report['articles']} articles, {report['claims']} claims ({kinds}); "
        f"{report['claim_sources']} with a source, {report['bare_cue_sources']} of them bare "
        "cue words" + (f": {report['bare_cue_examples']}" if report["bare_cue_sources"] else "")
    )
