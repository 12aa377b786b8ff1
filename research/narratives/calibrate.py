"""Fit the "same claim" probability and measure the precision of its default threshold.

    python research/narratives/calibrate.py EUVSDISINFO_INDEX.npz [--data ../shared/data]
        [--work runs/narratives] [--write]

p = sigmoid(a + w . features), the features of ``spinscope.narratives.search.features``
(e5 cosine, its z-score over the catalog, TF-IDF cosine, gap to the best other entry). Three
sets of pairs, each "same claim" (1) against "same topic or another claim" (0):

- CheckThat! 2020 train / dev: each tweet with its 10 best-ranked claims plus its relevant
  ones; 1 = judged relevant by the CheckThat! annotators, 0 = ranked high but not relevant
  (nearly always the same topic). Vectors cached by ``checkthat.py`` in --work.
- ``crosslingual.tsv``: the 40 Russian/Ukrainian paraphrases with their 5 best EUvsDisinfo
  entries; 1 = the case (or an entry with the same title). Fit only (there are 40).
- ``pairs.tsv``: 165 sentences of real articles (SemEval-2023 ru/en, PTC en, NER-UK uk news)
  with their best EUvsDisinfo entry, labelled by the project (see ``pairs.py`` and the
  model card); alternate pairs are ``fit`` and ``test``.

The logistic regression is fitted on the fit parts together, each real-article pair
weighing 20 (the CheckThat! pairs are 8,000, all from queries that do have a match, where a
clear first place almost always is the claim; the real sentences mostly have none, and
without the weight the fit never learns that). The threshold is the lowest probability (in
steps of 0.05) at which the real-article fit pairs shown are at least 80% same claim (or none
is shown) and the CheckThat! train pairs shown are too. Printed: precision and
recall at that threshold on each held-out part. --write stores calibration,
threshold and the held-out figures in ``spinscope/narratives/params.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def _text(data: Path, source: str) -> str:
    if "#" in source:
        path, doc_id = source.split("#", 1)
        for line in (data / path).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if str(d["id"]) == doc_id:
                return d["text"]
        raise KeyError(source)
    return (data / source).read_text(encoding="utf-8", errors="replace")


REAL_WEIGHT = 20.0


def fit_logistic(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None, l2: float = 1e-2
) -> np.ndarray:
    """Newton's method for weighted L2-regularised logistic regression; [intercept, *coefs]."""
    s = np.ones(len(y)) if weight is None else weight
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    reg = np.eye(len(w)) * l2
    reg[0, 0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        grad = xb.T @ (s * (p - y)) + reg @ w
        hess = (xb * (s * p * (1 - p))[:, None]).T @ xb + reg
        w -= np.linalg.solve(hess, grad)
    return w


def checkthat_pairs(args: argparse.Namespace, split: str) -> tuple[np.ndarray, np.ndarray]:
    """(features, labels) of each tweet's 10 best claims plus its relevant ones."""
    sys.path.insert(0, str(HERE))  # checkthat.py beside this script
    from checkthat import _tsv

    from spinscope.narratives.evaluate import read_qrels
    from spinscope.narratives.lexical import TfidfIndex
    from spinscope.narratives.search import features, params

    root = args.data / "claim-retrieval"
    catalog = _tsv(root / "verified_claims.docs.tsv")
    cids = [row[0] for row in catalog]
    texts = [" ".join(" ".join(row[1:3]).split()) for row in catalog]
    queries = _tsv(root / split / "tweets.queries.tsv")
    gold = read_qrels(root / split / "tweet-vclaim-pairs.qrels")
    dense = (
        np.load(args.work / f"checkthat_{split}.npy")
        @ np.load(args.work / "checkthat_catalog.npy").T
    )
    lex = TfidfIndex(texts).scores([q[1] for q in queries])
    score = dense + params()["weights"]["tfidf"] * lex
    x, y = [], []
    for i, q in enumerate(queries):
        relevant = {cids.index(c) for c in gold.get(q[0], set())}
        cols = np.array(sorted(set(np.argsort(-score[i])[:10]) | relevant))
        x.append(features(dense[i : i + 1], lex[i : i + 1], cols[None, :])[0])
        y += [int(j in relevant) for j in cols]
    return np.vstack(x), np.array(y)


def crosslingual_pairs(index) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    from spinscope.narratives.search import Searcher

    with (HERE / "crosslingual.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    text_of = {e.id: e.text.lower() for e in index.entries}
    found = Searcher(index).search([r["text"] for r in rows], top=5)
    x, y = [], []
    for row, matches in zip(rows, found, strict=True):
        for m in matches:
            x.append((m.similarity, m.z, m.lexical, m.gap))
            y.append(int(text_of[index.entries[m.entry].id] == text_of[row["case"]]))
    return np.array(x), np.array(y)


def real_pairs(index, data: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:  # type: ignore[no-untyped-def]
    from spinscope.narratives.index import encode_queries
    from spinscope.narratives.search import features

    with (HERE / "pairs.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    texts = [_text(data, r["source"])[int(r["start"]) : int(r["end"])] for r in rows]
    dense = encode_queries(texts) @ index.vectors.T
    lex = index.lexical.scores(texts)
    row_of = {e.id: i for i, e in enumerate(index.entries)}
    cols = np.array([[row_of[r["entry"]]] for r in rows])
    x = features(dense, lex, cols)[:, 0, :]
    y = np.array([int(r["label"]) for r in rows])
    return x, y, np.array([r["split"] for r in rows]), [r["lang"] for r in rows]


def _pr(p: np.ndarray, y: np.ndarray, t: float) -> dict:
    chosen = p >= t
    tp = int((chosen & (y == 1)).sum())
    return {
        "pairs": len(y),
        "same_claim": int(y.sum()),
        "shown": int(chosen.sum()),
        "precision": round(float(tp / chosen.sum()), 3) if chosen.sum() else None,
        "recall": round(tp / max(int(y.sum()), 1), 3),
    }


def main() -> None:
    from spinscope.narratives.index import load_index
    from spinscope.narratives.search import FEATURES, PARAMS

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--work", type=Path, default=Path("runs/narratives"))
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--threshold", type=float, help="use this instead of the rule above")
    args = ap.parse_args()

    index = load_index(args.index)
    ct_x, ct_y = checkthat_pairs(args, "train")
    dv_x, dv_y = checkthat_pairs(args, "dev")
    xl_x, xl_y = crosslingual_pairs(index)
    re_x, re_y, re_split, re_lang = real_pairs(index, args.data)
    fit = re_split == "fit"
    x = np.vstack([ct_x, xl_x, re_x[fit]])
    y = np.concatenate([ct_y, xl_y, re_y[fit]])
    weight = np.concatenate([np.ones(len(ct_y) + len(xl_y)), np.full(fit.sum(), REAL_WEIGHT)])
    w = fit_logistic(x, y, weight)

    def prob(features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(w[0] + features @ w[1:])))

    # The lowest threshold at which the real-article fit pairs shown are at least 80% right
    # and CheckThat! train pairs too (none of the real ones shown also counts: no false flag).
    grid = np.round(np.arange(0.3, 0.96, 0.05), 2)
    re_fit = prob(re_x[fit])

    def good(t: float) -> bool:
        real = _pr(re_fit, re_y[fit], t)["precision"]
        return (real is None or real >= 0.8) and (_pr(prob(ct_x), ct_y, t)["precision"] or 0) >= 0.8

    threshold = args.threshold or next((float(t) for t in grid if good(t)), 0.95)
    for t in (0.5, 0.7, 0.8, 0.9):
        print(f"at {t}: CheckThat dev {_pr(prob(dv_x), dv_y, t)}, cross-lingual "
              f"{_pr(prob(xl_x), xl_y, t)}, real {_pr(prob(re_x), re_y, t)}")  # fmt: skip
    print(f"calibration: {np.round(w, 3).tolist()} (intercept, {', '.join(FEATURES)}); "
          f"threshold {threshold}")  # fmt: skip
    report = {
        "fit pairs (all three sets)": _pr(prob(x), y, threshold),
        "CheckThat! dev pairs (held out)": _pr(prob(dv_x), dv_y, threshold),
        "cross-lingual paraphrase pairs (fitted on)": _pr(prob(xl_x), xl_y, threshold),
        "real-article pairs, test half (held out)": _pr(prob(re_x[~fit]), re_y[~fit], threshold),
        "real-article pairs, all 165": _pr(prob(re_x), re_y, threshold),
    }
    for name, result in report.items():
        print(f"{name}: {result}")
    p_real = prob(re_x)
    order = np.argsort(-p_real)[:10]
    print("real pairs with the highest probability (label, lang, p):")
    print("  " + ", ".join(f"{re_y[i]}/{re_lang[i]}/{p_real[i]:.2f}" for i in order))
    if args.write:
        params = json.loads(PARAMS.read_text(encoding="utf-8"))
        params["calibration"] = {"intercept": round(float(w[0]), 4)} | {
            name: round(float(v), 4) for name, v in zip(FEATURES, w[1:], strict=True)
        }
        params["threshold"] = threshold
        params.setdefault("metrics", {}).update(
            {
                f"same-claim decision at {threshold}: {k}": v
                for k, v in report.items()
                if "fit" not in k
            }
        )
        PARAMS.write_text(json.dumps(params, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {PARAMS}")


if __name__ == "__main__":
    main()
