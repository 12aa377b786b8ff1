"""Evaluate the check-worthiness model: k-fold CV report, or the committed model on a set."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def cross_validation_report(
    data: Path,
    folds: int = 5,
    c: float = 0.005,
    work_dir: Path = Path("runs/claims/work"),
    log: Any = print,
) -> dict[str, Any]:
    """Stratified k-fold CV of the recipe in :mod:`spinscope.train.claims` (needs [train])."""
    from spinscope.train.claims import (
        TrainConfig,
        cross_validate,
        extract_features,
        load_claimbuster,
    )

    texts, labels = load_claimbuster(data)
    cfg = TrainConfig(c=c)
    feats = extract_features(texts, work_dir, cfg.threads, log)
    return cross_validate(feats, labels, cfg, folds, log)


def score_committed(data: Path) -> dict[str, Any]:
    """Precision / recall / F1 of the shipped model (its CV threshold) on labelled ``data``.

    Only the model is scored here (no question/opinion rules), as ClaimBuster labels are
    about the sentence model's task."""
    import numpy as np

    from spinscope.analyzers.claims import ClaimScorer
    from spinscope.train.claims import load_claimbuster

    texts, labels = load_claimbuster(data)
    scorer = ClaimScorer()
    probs = scorer.score(texts)
    pred = probs >= scorer.threshold
    tp = float(np.sum(pred & (labels == 1)))
    p = tp / max(float(pred.sum()), 1.0)
    r = tp / max(float(labels.sum()), 1.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "n": len(texts),
        "threshold": scorer.threshold,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
    }
