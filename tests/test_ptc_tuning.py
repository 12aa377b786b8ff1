"""Tuning the techniques model without torch: cross-validation folds, the score calibration,
and decoding thresholds chosen on out-of-fold predictions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spinscope.analyzers.techniques import MODEL_DIR
from spinscope.errors import ConfigError
from spinscope.train.ptc import cv_folds, fit_platt, tune

ARTICLES = {
    "11": "The corrupt regime's thugs crushed the peaceful protest. Officials said the vote "
    "will happen in May.",
    "12": "These traitors and cowards will destroy our glorious nation unless patriots stand "
    "up now.",
    "13": "The committee met on Tuesday to discuss the budget. It adjourned at noon.",
    "14": "A disgusting, shameful betrayal: the radical extremists want to ruin everything "
    "we love.",
}
GOLD = [
    ("11", "Loaded_Language", 4, 25),
    ("12", "Name_Calling,Labeling", 6, 26),
    ("12", "Loaded_Language", 45, 53),
    ("14", "Loaded_Language", 2, 30),
    ("14", "Name_Calling,Labeling", 36, 54),
]


def test_cv_folds_partition_the_ids_the_same_way_every_time():
    ids = [f"a{i}" for i in range(23)]
    folds = cv_folds(ids, 4)
    assert sorted(a for f in folds for a in f) == sorted(ids)  # each id held out exactly once
    assert sorted(len(f) for f in folds) == [5, 6, 6, 6]
    assert cv_folds(list(reversed(ids)), 4) == folds  # order of the input does not matter
    assert cv_folds(ids, 3) != folds[:3]
    with pytest.raises(ConfigError):
        cv_folds(ids, 1)
    with pytest.raises(ConfigError, match="2 to 3 folds"):
        cv_folds(ids[:3], 4)


def test_fit_platt_recovers_the_generating_logistic_model():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20000, 2))
    y = (x @ np.array([1.5, -0.7]) + 0.3 + rng.logistic(size=len(x)) > 0).astype(float)
    w1, w2, b = fit_platt(x, y)
    assert abs(w1 - 1.5) < 0.1 and abs(w2 + 0.7) < 0.1 and abs(b - 0.3) < 0.1
    # a strong penalty shrinks the weights towards 0 but not the intercept
    s1, s2, _ = fit_platt(x[:200], y[:200], c=0.001)
    assert abs(s1) < 0.2 and abs(s2) < 0.2


def _corpus(root: Path) -> Path:
    (root / "articles").mkdir(parents=True)
    for aid, text in ARTICLES.items():
        (root / "articles" / f"article{aid}.txt").write_text(text, encoding="utf-8")
    (root / "train-task-TC.labels").write_text(
        "".join(f"{a}\t{t}\t{s}\t{e}\n" for a, t, s, e in GOLD), encoding="utf-8"
    )
    return root


def _model_copy(dst: Path) -> Path:
    """The committed model's files linked into a folder whose config.json tune may rewrite."""
    dst.mkdir()
    for f in MODEL_DIR.iterdir():
        if f.name == "config.json":
            (dst / f.name).write_text(f.read_text())
        elif f.suffix in {".onnx", ".json"}:
            (dst / f.name).symlink_to(f)
    return dst


def test_tuning_on_folds_equals_tuning_on_the_same_articles_as_one_dev_slice(tmp_path):
    data = _corpus(tmp_path / "ptc")
    committed = json.loads((MODEL_DIR / "config.json").read_text())
    dev = _model_copy(tmp_path / "dev")
    by_dev = tune(data, dev, sorted(ARTICLES), log=lambda m: None)
    fold_model = _model_copy(tmp_path / "fold")
    final = _model_copy(tmp_path / "final")
    parts = [(fold_model, ["11", "13"]), (fold_model, ["12", "14"])]
    by_folds = tune(data, final, [], log=lambda m: None, parts=parts)

    for key in ("threshold", "second_label", "sentence_widen", "dev_si_f1", "dev_e2e_f1"):
        assert by_folds[key] == by_dev[key], key
    assert by_folds["calibration"] == pytest.approx(by_dev["calibration"], abs=1e-3)
    cfg = json.loads((final / "config.json").read_text())
    cv = cfg["tuning"]["cross_validation"]
    assert cv["folds"] == 2 and cv["articles"] == 4
    assert cv["si"]["f1"] == pytest.approx(by_dev["dev_si_f1_widened"], abs=1e-4)
    lo, hi = cv["si"]["f1_95_interval"]
    assert lo <= cv["si"]["f1"] <= hi
    assert cfg["dev_articles"] == sorted(ARTICLES)
    assert cfg["threshold"] == by_folds["threshold"]
    # the fold models are only read: the committed model and the fold folder keep their config
    assert json.loads((fold_model / "config.json").read_text()) == committed
    assert json.loads((MODEL_DIR / "config.json").read_text()) == committed


def test_fit_stages_reuses_a_trained_stage_and_retrains_a_changed_one(tmp_path, monkeypatch):
    from spinscope.train import ptc

    stage = {"epochs": 6.0, "lr": 2e-4}
    done = {
        **stage,
        "seed": ptc.RECIPE["seed"],
        "bf16": ptc.RECIPE.get("bf16", False),
        "distilled": False,
        "dev_articles": ["a", "b"],
        "steps": 10,
        "train_minutes": 1.0,
        "alpha": None,
    }
    (tmp_path / "stage1").mkdir()
    (tmp_path / "stage1" / "net.pt").write_bytes(b"weights")
    (tmp_path / "stage1" / "train_summary.json").write_text(json.dumps(done))
    calls = []

    def fake_fit(data_dir, out, val_ids, **kw):
        calls.append(kw["holdout"])
        return {**done, "dev_articles": sorted(kw["holdout"] or []), "steps": 99}

    monkeypatch.setattr(ptc, "fit", fake_fit)
    stage_dir, _, runs = ptc.fit_stages(
        tmp_path, tmp_path, [], [stage], log=lambda m: None, holdout=["b", "a"]
    )
    assert calls == [] and stage_dir == tmp_path / "stage1" and runs[0]["steps"] == 10
    _, _, runs = ptc.fit_stages(tmp_path, tmp_path, [], [stage], log=lambda m: None, holdout=["c"])
    assert calls == [["c"]] and runs[0]["steps"] == 99
    ptc.fit_stages(tmp_path, tmp_path, [], [{**stage, "lr": 1e-4}], log=lambda m: None)
    assert len(calls) == 2  # another learning rate is another stage


def test_cross_validate_trains_and_exports_each_fold_once(tmp_path, monkeypatch):
    from spinscope.train import ptc

    data = _corpus(tmp_path / "ptc")
    fits, exports = [], []

    def fake_fit(data_dir, out, val_ids, **kw):
        fits.append(sorted(kw["holdout"]))
        summary = {
            "epochs": kw["epochs"],
            "lr": kw["lr"],
            "seed": kw["seed"],
            "bf16": kw["bf16"],
            "distilled": False,
            "dev_articles": sorted(kw["holdout"]),
            "steps": 1,
            "train_minutes": 0.1,
        }
        (out / "net.pt").write_bytes(b"weights")
        (out / "train_summary.json").write_text(json.dumps(summary))
        return summary

    def fake_export(run, model_dir, quantize=True, log=print):
        exports.append(run)
        model_dir.mkdir(parents=True, exist_ok=True)
        (model_dir / "config.json").write_text("{}")

    monkeypatch.setattr(ptc, "fit", fake_fit)
    monkeypatch.setattr(ptc, "export", fake_export)
    stage = [{"epochs": 1.0, "lr": 1e-4}]
    parts = ptc.cross_validate(data, tmp_path / "work", ["13"], stage, 3, log=lambda m: None)
    held = [ids for _, ids in parts]
    assert sorted(a for ids in held for a in ids) == ["11", "12", "14"]  # val "13" never held
    assert fits == held and len(exports) == 3
    for model_dir, ids in parts:
        assert json.loads((model_dir / "config.json").read_text())["dev_articles"] == ids
    ptc.cross_validate(data, tmp_path / "work", ["13"], stage, 3, log=lambda m: None)
    assert len(fits) == 3 and len(exports) == 3  # resumed: nothing trained or exported again
    ptc.cross_validate(
        data, tmp_path / "work", ["13"], [{"epochs": 1.0, "lr": 2e-4}], 3, log=lambda m: None
    )
    assert len(fits) == 6 and len(exports) == 6  # another recipe: every fold again


def test_ptc_train_with_one_fold_is_a_usage_error_before_any_training(invoke, tmp_path):
    data = _corpus(tmp_path / "ptc")
    result = invoke("ptc", "train", str(data), "--folds", "1", "--out", str(tmp_path / "m"))
    assert result.exit_code == 2
    assert "folds" in result.output and "not 1" in result.output
    assert not (tmp_path / "m" / "work" / "fold1").exists()
