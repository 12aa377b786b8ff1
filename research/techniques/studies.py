"""Studies behind the techniques model card's "measured and not kept" notes.

Not part of the product: each study re-measures one idea that was tried for span
identification (SI) and did not earn a place in the shipped decoding. They read the fold
models that ``spinscope ptc train DATA --val-split VAL --out DIR`` leaves in ``DIR/work``
(``fold1/model`` ... ``foldK/model``, each with the ids it never saw as ``dev_articles``),
so every training article is scored by a model that was not trained on it.

    python research/techniques/studies.py rescoring DIR/work ../shared/data/ptc
    python research/techniques/studies.py windows   DIR/work ../shared/data/ptc
    python research/techniques/studies.py ensemble  DIR/work ../shared/data/ptc
    python research/techniques/studies.py oof       DIR/work ../shared/data/ptc

``oof`` writes DIR/work/oof-pred.tsv and DIR/work/oof-gold.tsv: end-to-end predictions for
every training article from the fold model that never saw it (decoding tuned on them, as
``ptc train`` does), to compare two recipes with
``spinscope ptc score oof-gold.tsv a/oof-pred.tsv --versus b/oof-pred.tsv --bootstrap 1000``.

``rescoring`` needs scikit-learn (the ``[train]`` extra). Decoding settings (threshold, low,
second label, sentence widening) are the shipped model's unless a study varies them.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import spinscope.analyzers.techniques as tech
from spinscope.analyzers.techniques import _FUNCTION_WORDS as STOP
from spinscope.analyzers.techniques import B, I, TechniquesModel
from spinscope.eval import ptc as corpus
from spinscope.eval.techniques import predict_e2e

DECODING = ("threshold", "low", "merge_gap", "second_label", "calibration")
DECODING += ("sentence_widen", "sentence_techniques")


def fold_models(work: Path) -> list[tuple[TechniquesModel, list[str]]]:
    """(fold model with the shipped decoding, the article ids it never saw) per fold."""
    shipped = json.loads((tech.MODEL_DIR / "config.json").read_text())
    out = []
    for folder in sorted(work.glob("fold*/model")):
        model = TechniquesModel(folder)
        model.config.update({k: shipped[k] for k in DECODING})
        out.append((model, list(model.config["dev_articles"])))
    if not out:
        raise SystemExit(f"{work}: no fold*/model folders (see `spinscope ptc train --help`)")
    return out


def out_of_fold(work: Path, data: Path) -> tuple[dict, list, list[str], list[corpus.Line]]:
    """Training texts, fold models, the ids they never saw and those ids' gold lines."""
    texts = corpus.read_articles(data / "train")
    parts = fold_models(work)
    ids = [a for _, held in parts for a in held]
    gold = corpus.restrict(corpus.read_labels(corpus.find_labels(data / "train", "TC")), ids)
    return texts, parts, ids, gold


def si_f1(gold: list[corpus.Line], spans: list[tuple[str, int, int]]) -> float:
    return corpus.score_si(gold, [(a, "", s, e) for a, s, e in spans]).f1


# -- rescoring: can a span-level classifier beat the decoder's own threshold? ----------------
def span_rows(model: TechniquesModel, aid: str, text: str, outs: Any, segs: Any) -> list[dict]:
    """Every span decoded at a permissive threshold (0.25), with features for a re-scorer."""
    first_nl = text.find("\n")
    pieces = np.concatenate([p[:, B] + p[:, I] for p, _ in outs])
    art_hi = float((pieces >= 0.5).mean())
    rows = []
    for seg, (probs, hidden) in zip(segs, outs, strict=True):
        decoded = model.decode_spans(text, seg, probs, 0.25)
        if not decoded:
            continue
        label_p = model.classify(model.span_features(text, seg, hidden, [x[:2] for x in decoded]))
        starts = np.array([a for a, _ in seg.offsets])
        ends = np.array([b for _, b in seg.offsets])
        p_in = probs[:, B] + probs[:, I]
        for (s, e, conf), row in zip(decoded, label_p, strict=True):
            p = p_in[(starts < e) & (ends > s)]
            words = re.findall(r"\w+", text[s:e].lower())
            line_start = text.rfind("\n", 0, s) + 1
            line_end = text.find("\n", e)
            line_end = len(text) if line_end == -1 else line_end
            feats = [
                float(p.max()), float(p.min()), conf, float(np.sort(row)[-1]),
                float(np.sort(row)[-2]), float(-(row * np.log(row + 1e-9)).sum()),
                math.log1p(len(p)), math.log1p(len(words)), float(len(words) <= 1),
                sum(w in STOP for w in words) / max(1, len(words)),
                float(first_nl == -1 or s < first_nl), (e - s) / max(1, line_end - line_start),
                s / max(1, len(text)), art_hi, *row.tolist(),
            ]  # fmt: skip
            rows.append(
                {"aid": aid, "s": s, "e": e, "pmax": float(p.max()), "art_hi": art_hi, "x": feats}
            )
    return rows


def rescoring(work: Path, data: Path) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    texts, parts, ids, gold = out_of_fold(work, data)
    merged: dict[str, list[tuple[int, int]]] = {}
    for a, _, s, e in gold:
        merged.setdefault(a, []).append((s, e))
    merged = {a: corpus.merge_spans(v) for a, v in merged.items()}
    rows, group = [], []
    for k, (model, held) in enumerate(parts):
        for aid in held:
            segs = model.segments_of(texts[aid])
            new = span_rows(model, aid, texts[aid], model.forward(segs), segs)
            rows += new
            group += [k] * len(new)
    x = np.array([r["x"] for r in rows])
    # Target: does the span overlap any annotated span at all?
    y = np.array(
        [
            any(min(r["e"], ge) > max(r["s"], gs) for gs, ge in merged.get(r["aid"], []))
            for r in rows
        ]
    )
    group_a = np.array(group)
    print(f"{len(rows)} candidate spans from {len(ids)} out-of-fold articles")
    for thr in (0.4, 0.45, 0.5, 0.55, 0.6):
        kept = [(r["aid"], r["s"], r["e"]) for r in rows if r["pmax"] >= thr]
        print(f"decoder threshold {thr:.2f}: SI F1 {si_f1(gold, kept):.4f}")
    # A threshold per article, shifted by how much of the article the encoder finds confident.
    mid = float(np.median([r["art_hi"] for r in rows]))
    for k in (-1.0, -0.5, 0.5, 1.0):
        shifted = [(r["aid"], r["s"], r["e"], r["pmax"] - k * (r["art_hi"] - mid)) for r in rows]
        best = max(
            (si_f1(gold, [t[:3] for t in shifted if t[3] >= t0]), t0)
            for t0 in (0.4, 0.45, 0.5, 0.55, 0.6)
        )
        print(
            f"threshold + {k} x (article's share of pieces >= 0.5 - median): "
            f"best SI F1 {best[0]:.4f} at {best[1]:.2f}"
        )
    makers: dict[str, Callable[[], Any]] = {
        "logistic": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "boosted trees": lambda: HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, random_state=0
        ),
    }
    for name, make in makers.items():
        p = np.zeros(len(rows))
        for k in range(len(parts)):  # each fold's spans scored by a re-scorer fit on the others
            p[group_a == k] = (
                make().fit(x[group_a != k], y[group_a != k]).predict_proba(x[group_a == k])[:, 1]
            )
        res = []
        for c in np.arange(0.2, 0.55, 0.05):
            kept = [(r["aid"], r["s"], r["e"]) for r, q in zip(rows, p, strict=True) if q >= c]
            res.append(f"{c:.2f}:{si_f1(gold, kept):.4f}")
        print(f"{name} re-scorer, SI F1 by cut-off: " + " ".join(res))


# -- windows: does a longer inference window help models trained on 254-piece windows? -------
def windows(work: Path, data: Path) -> None:
    texts, parts, _, gold = out_of_fold(work, data)
    default = tech.windows
    try:
        for size, stride in [(254, 192), (510, 384)]:
            tech.windows = lambda n, size=size, stride=stride: default(n, size, stride)
            caches: list[dict] = [{} for _ in parts]
            res = []
            for thr in (0.4, 0.45, 0.5, 0.55, 0.6):
                lines = [
                    line
                    for (model, held), cache in zip(parts, caches, strict=True)
                    for line in predict_e2e(model, {a: texts[a] for a in held}, thr, None, cache)
                ]
                si = si_f1(gold, [(a, s, e) for a, _, s, e in lines])
                res.append(f"{thr:.2f}:{si:.4f}/{corpus.score_e2e(gold, lines).f1:.4f}")
            print(f"window {size}, stride {stride}: SI/E2E F1 by threshold " + " ".join(res))
    finally:
        tech.windows = default


# -- ensemble: how much would averaging several L6 networks give on val? ---------------------
def ensemble(work: Path, data: Path) -> None:
    val = corpus.read_split(data / "splits" / "val.txt")
    texts = {a: t for a, t in corpus.read_articles(data / "train").items() if a in set(val)}
    gold = corpus.restrict(corpus.read_labels(corpus.find_labels(data / "train", "TC")), val)
    shipped = TechniquesModel()
    folds = [m for m, _ in fold_models(work)]
    segs = {a: shipped.segments_of(t) for a, t in texts.items()}
    outs = {id(m): {a: m.forward(segs[a]) for a in texts} for m in [shipped, *folds]}

    def run(members: list[TechniquesModel], thr: float) -> list[corpus.Line]:
        lines = []
        for a, text in texts.items():
            avg = [
                (np.mean([outs[id(m)][a][k][0] for m in members], 0), outs[id(shipped)][a][k][1])
                for k in range(len(segs[a]))
            ]  # averaged BIO probabilities; the shipped model's hidden vectors name the spans
            found = shipped.predict_segments(text, segs[a], avg, thr)
            lines += [(a, lab, s, e) for s, e, lab, _ in found]
        return lines

    for name, members in [("shipped", [shipped]), ("folds", folds), ("all", [shipped, *folds])]:
        res = []
        for thr in (0.4, 0.45, 0.5, 0.55):
            lines = run(members, thr)
            si = si_f1(gold, [(a, s, e) for a, _, s, e in lines])
            res.append(f"{thr:.2f}:{si:.4f}/{corpus.score_e2e(gold, lines).f1:.4f}")
        print(f"{name} ({len(members)} networks): val SI/E2E F1 by threshold " + " ".join(res))


# -- oof: out-of-fold predictions of a recipe, for paired comparisons --------------------------
def oof(work: Path, data: Path) -> None:
    import shutil
    import tempfile

    from spinscope.train import ptc

    texts, models, ids, gold = out_of_fold(work, data)
    val = corpus.read_split(data / "splits" / "val.txt")
    with tempfile.TemporaryDirectory() as tmp:
        tuned = Path(tmp) / "model"
        shutil.copytree(models[0][0].dir, tuned)  # tune() writes its choices into a config
        parts = [(m.dir, held) for m, held in models]
        ptc.tune(data, tuned, [], log=lambda _: None, val_ids=val, parts=parts)
        cfg = json.loads((tuned / "config.json").read_text())
    lines = []
    for model, held in models:
        model.config.update({k: cfg[k] for k in DECODING})
        lines += predict_e2e(model, {a: texts[a] for a in held})
    (work / "oof-pred.tsv").write_text(corpus.format_lines(lines))
    (work / "oof-gold.tsv").write_text(corpus.format_lines(gold))
    cv = cfg["tuning"]["cross_validation"]
    print(
        f"{len(ids)} articles: SI F1 {cv['si']['f1']}, E2E F1 {cv['e2e']['f1']} -> {work}/oof-*.tsv"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("study", choices=["rescoring", "windows", "ensemble", "oof"])
    parser.add_argument("work", type=Path, help="DIR/work of a `spinscope ptc train --out DIR` run")
    parser.add_argument("data", type=Path, help="folder laid out like ../shared/data/ptc")
    args = parser.parse_args()
    studies = {"rescoring": rescoring, "windows": windows, "ensemble": ensemble, "oof": oof}
    study = studies[args.study]
    study(args.work, args.data)


if __name__ == "__main__":
    main()
