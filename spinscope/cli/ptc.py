"""``spinscope ptc``: train, run, score and benchmark the techniques model on PTC-style data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from spinscope.cli.app import app, fail
from spinscope.errors import SpinscopeError

ptc_app = typer.Typer(
    help=(
        "The persuasion-techniques model in PTC's 14 classes and the PTC / SemEval-2020 Task 11 "
        "corpus: predict spans, score predictions, evaluate, measure throughput (the model is "
        "trained with 'spinscope techniques train').\n\n"
        "Example:  spinscope ptc predict ../shared/data/ptc/unlabeled/articles > pred.tsv"
    ),
    no_args_is_help=True,
)
app.add_typer(ptc_app, name="ptc")


def _model(model_dir: Path | None):  # lazy import keeps --help fast
    from spinscope.analyzers.techniques import MODEL_DIR, TechniquesModel

    model = TechniquesModel(model_dir or MODEL_DIR)
    model.set_taxonomy("ptc")  # a SemEval-2023 model answers in PTC's 14 classes here
    return model


@ptc_app.command("predict")
def predict_cmd(
    articles_dir: Path = typer.Argument(..., help="Folder of articleID.txt files."),
    spans: Path | None = typer.Option(
        None,
        "--spans",
        help="TSV template ID<TAB>anything<TAB>start<TAB>end: name the technique of each line.",
    ),
    ids: Path | None = typer.Option(
        None, "--ids", help="File of article ids (one a line): predict only these articles."
    ),
    model_dir: Path | None = typer.Option(
        None, "--model", help="Model folder (default: the committed model)."
    ),
) -> None:
    """Print ID<TAB>technique<TAB>start<TAB>end lines for the articles.

    Without --spans: every span found (end to end). With --spans: the given lines, same
    order, with the technique filled in.

    Example:  spinscope ptc predict articles/ --spans template.tsv > pred.tsv
    """
    from spinscope.eval import ptc as corpus
    from spinscope.eval.techniques import predict_e2e, predict_tc

    try:
        texts = corpus.read_articles(articles_dir)
        if ids is not None:
            texts = corpus.select(texts, corpus.read_split(ids), articles_dir)
        model = _model(model_dir)
        if spans is not None:
            lines = predict_tc(model, texts, corpus.read_labels(spans))
        else:
            lines = predict_e2e(model, texts)
    except SpinscopeError as err:
        raise fail(err) from None
    sys.stdout.write(corpus.format_lines(lines))


@ptc_app.command("score")
def score_cmd(
    gold: Path = typer.Argument(..., help="Gold labels: ID<TAB>technique<TAB>start<TAB>end."),
    pred: Path = typer.Argument(..., help="Predictions in the same format."),
    task: str = typer.Option(
        "e2e", "--task", help="si (spans only), tc (technique on gold spans) or e2e (both)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print all numbers as JSON."),
    bootstrap: int = typer.Option(
        0,
        "--bootstrap",
        min=0,
        help="Also print a 95% interval of F1 from N resamplings of the articles (e.g. 1000).",
    ),
    versus: Path | None = typer.Option(
        None,
        "--versus",
        help="Another system's predictions: with --bootstrap, the interval of the F1 difference.",
    ),
) -> None:
    """Score predictions with the SemEval-2020 Task 11 rules (see the corpus README).

    With --bootstrap N the F1 comes with a 95% interval over articles: how far the score
    could move on another sample of articles like these. Add --versus OTHER.tsv to get the
    interval of F1(PRED) - F1(OTHER) on the same resampled articles (paired): when it holds
    0, the gold data do not tell the two systems apart.

    Example:  spinscope ptc score gold.tsv pred.tsv --task si --bootstrap 1000
    """
    from spinscope.eval import ptc as corpus

    if task not in corpus.SCORERS:
        raise fail(f"--task must be one of si, tc, e2e (got {task!r})")
    try:
        if versus is not None and not bootstrap:
            raise fail("--versus compares two systems by resampling; add --bootstrap 1000")
        gold_lines, pred_lines = corpus.read_labels(gold), corpus.read_labels(pred)
        result = corpus.SCORERS[task](gold_lines, pred_lines)
        other = corpus.read_labels(versus) if versus is not None else None
        interval = (
            corpus.bootstrap_f1(task, gold_lines, pred_lines, bootstrap, versus=other)
            if bootstrap
            else None
        )
    except SpinscopeError as err:
        raise fail(err) from None
    if as_json:
        out = result.as_dict()
        if interval:
            key = "f1_difference_95_interval" if other is not None else "f1_95_interval"
            out[key] = [round(v, 4) for v in interval]
            out["bootstrap_samples"] = bootstrap
        typer.echo(json.dumps(out, indent=1))
        return
    typer.echo(
        f"{task.upper()}  P {result.precision:.4f}  R {result.recall:.4f}  F1 {result.f1:.4f}"
        f"  (pred {result.n_pred}, gold {result.n_gold})"
    )
    if interval:
        what, fmt = (f"F1 minus {versus.name}'s F1", "+.4f") if other is not None else ("F1", ".4f")
        typer.echo(
            f"  {what}, 95% interval over articles ({bootstrap} resamplings): "
            f"{interval[0]:{fmt}} to {interval[1]:{fmt}}"
        )
    for label, r in sorted(result.per_label.items()):
        typer.echo(
            f"  {label:38s} P {r.precision:.4f}  R {r.recall:.4f}  F1 {r.f1:.4f}"
            f"  (pred {r.n_pred}, gold {r.n_gold})"
        )


@ptc_app.command("eval")
def eval_cmd(
    data_dir: Path = typer.Argument(..., help="Corpus folder with articles/ and *-task-TC.labels."),
    split: Path = typer.Option(..., "--split", help="File of article ids to evaluate on."),
    model_dir: Path | None = typer.Option(
        None, "--model", help="Model folder (default: the committed model)."
    ),
    bootstrap: int = typer.Option(
        0, "--bootstrap", min=0, help="Add a 95% interval of each F1 from N article resamplings."
    ),
) -> None:
    """SI, TC and end-to-end scores (with per-technique P/R/F1) on a split, as JSON.

    Example:  spinscope ptc eval ../shared/data/ptc/train --split ../shared/data/ptc/splits/val.txt
    """
    from spinscope.eval import ptc as corpus
    from spinscope.eval.techniques import evaluate

    try:
        result = evaluate(_model(model_dir), data_dir, corpus.read_split(split), bootstrap)
    except SpinscopeError as err:
        raise fail(err) from None
    typer.echo(json.dumps(result, indent=1))


@ptc_app.command("bench")
def bench_cmd(
    articles_dir: Path = typer.Argument(..., help="Folder of .txt articles to run the layer on."),
    model_dir: Path | None = typer.Option(
        None, "--model", help="Model folder (default: the committed model)."
    ),
    batch_size: int = typer.Option(16, "--batch-size", help="Windows per encoder call."),
) -> None:
    """Throughput of the techniques layer (articles/s, tokens/s, load time, vs bare forward).

    Example:  spinscope ptc bench ../shared/data/ptc/unlabeled/articles
    """
    from spinscope.eval.techniques import bench

    try:
        result = bench(model_dir, articles_dir, batch_size)
    except SpinscopeError as err:
        raise fail(err) from None
    typer.echo(json.dumps(result, indent=1))
