"""``spinscope claims``: score sentences for check-worthiness, train and evaluate the model."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from spinscope.cli.app import app, fail

claims_app = typer.Typer(
    help="Check-worthy factual claims: score sentences, train and evaluate the model.",
    no_args_is_help=True,
)
app.add_typer(claims_app, name="claims")


def _read_jsonl(path: Path) -> tuple[list[tuple[Any, str]], list[str]]:
    """(id, text) of good lines and one error message per bad line."""
    if str(path) == "-":
        lines = sys.stdin.read().splitlines()
    else:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise fail(f"{path}: no such file") from None
        except IsADirectoryError:
            raise fail(f"{path}: is a directory, expected a JSONL file") from None
        except UnicodeDecodeError:
            raise fail(f"{path}: not UTF-8 text") from None
    good: list[tuple[Any, str]] = []
    errors: list[str] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            errors.append(f"{path}:{n}: not JSON ({err.msg})")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            errors.append(f'{path}:{n}: expected an object with a string "text"')
            continue
        good.append((item.get("id", n), item["text"]))
    return good, errors


@claims_app.command("classify")
def classify(
    sentences: Path = typer.Argument(
        ..., help='JSONL file of {"id", "text"} lines ("-" reads standard input).'
    ),
    threshold: float = typer.Option(
        None, help="Score at or above which label is 1 (default: the model's CV threshold)."
    ),
    batch_size: int = typer.Option(32, min=1, help="Sentences per model batch."),
    rules: bool = typer.Option(
        False,
        help="Also label questions, predictions and first-person opinions 0, as the claims "
        "layer does for articles (lowers F1 on ClaimBuster's debate sentences, 0.807 -> 0.784).",
    ),
) -> None:
    """Score each sentence: prints {"id", "checkworthiness", "label"} JSON lines.

    Label 1 marks a check-worthy factual claim (the model's score at or above its threshold).
    A bad input line is reported on stderr with its line number; the other lines are still
    scored and the exit code is 1.

    Example:  spinscope claims classify sentences.jsonl > scores.jsonl
    """
    from spinscope.analyzers.claims import ClaimScorer, non_claim_reason
    from spinscope.errors import SpinscopeError

    items, errors = _read_jsonl(sentences)
    for message in errors:
        typer.echo(f"error: {message}", err=True)
    try:
        scorer = ClaimScorer(batch_size=batch_size)
        scores = scorer.score([text for _, text in items])
    except SpinscopeError as err:
        raise fail(str(err), 1) from None
    cut = scorer.threshold if threshold is None else threshold
    for (id_, text), score in zip(items, scores, strict=True):
        label = int(score >= cut and not (rules and non_claim_reason(text)))
        typer.echo(
            json.dumps({"id": id_, "checkworthiness": round(float(score), 4), "label": label})
        )
    if errors:
        raise typer.Exit(1)


@claims_app.command("train")
def train(
    data: Path = typer.Argument(..., help="ClaimBuster train.json (or the folder holding it)."),
    out: Path = typer.Option(..., "--out", help="Folder to write model.onnx, meta.json into."),
    folds: int = typer.Option(5, min=2, help="Cross-validation folds reported in meta.json."),
    c: float = typer.Option(0.005, help="Inverse L2 strength of the logistic-regression head."),
    work: Path = typer.Option(
        Path("runs/claims/work"), help="Scratch folder for the exported feature extractor."
    ),
) -> None:
    """Train the check-worthiness model (needs the \\[train] extra) and report k-fold CV.

    Example:  spinscope claims train ../shared/data/claimbuster/train.json --out runs/claims/model
    """
    from spinscope.errors import SpinscopeError

    try:
        from spinscope.train.claims import TrainConfig
        from spinscope.train.claims import train as run_train
    except ImportError as err:
        raise fail(
            f"training needs the [train] extra: pip install 'spinscope[train]' ({err})"
        ) from None
    try:
        meta = run_train(data, out, TrainConfig(c=c), work, folds, log=_log)
    except SpinscopeError as err:
        raise fail(str(err)) from None
    typer.echo(json.dumps(meta["cv"], indent=2))


@claims_app.command("eval")
def evaluate(
    data: Path = typer.Argument(..., help="ClaimBuster-format JSON list of {text, label}."),
    folds: int = typer.Option(5, min=2, help="Number of cross-validation folds."),
    c: float = typer.Option(0.005, help="Inverse L2 strength of the logistic-regression head."),
    committed: bool = typer.Option(
        False, help="Score the committed model on DATA instead of cross-validating."
    ),
    work: Path = typer.Option(
        Path("runs/claims/work"), help="Scratch folder for the exported feature extractor."
    ),
) -> None:
    """Print the k-fold CV report (needs \\[train]), or with --committed the shipped model's
    precision / recall / F1 on a labelled set such as a held-out test file.

    Example:  spinscope claims eval ../shared/data/claimbuster/train.json
    """
    from spinscope.errors import SpinscopeError

    try:
        if committed:
            from spinscope.eval.claims import score_committed

            report = score_committed(data)
        else:
            from spinscope.eval.claims import cross_validation_report

            report = cross_validation_report(data, folds, c, work, log=_log)
    except ImportError as err:
        raise fail(
            f"cross-validation needs the [train] extra: pip install 'spinscope[train]' ({err})"
        ) from None
    except SpinscopeError as err:
        raise fail(str(err)) from None
    typer.echo(json.dumps(report, indent=2))


def _log(message: str) -> None:
    typer.echo(message, err=True)
