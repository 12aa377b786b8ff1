"""The PTC scorer (SemEval-2020 Task 11 rules) against cases computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.cli import main
from spinscope.errors import InputError
from spinscope.eval import ptc

DATA = Path(__file__).parent / "data" / "ptc"


def test_si_partial_overlap_gives_fractional_credit():
    # pred 5..15 overlaps gold 0..10 on 5 chars: P = 5/10, R = 5/10
    r = ptc.score_si([("a", "", 0, 10)], [("a", "", 5, 15)])
    assert r.precision == pytest.approx(0.5)
    assert r.recall == pytest.approx(0.5)
    assert r.f1 == pytest.approx(0.5)


def test_si_merges_overlapping_spans_on_both_sides():
    # gold 0..10 + 5..20 merge to 0..20; the two identical predictions merge to one 0..10
    gold = [("a", "X", 0, 10), ("a", "Y", 5, 20)]
    pred = [("a", "", 0, 10), ("a", "", 0, 10)]
    r = ptc.score_si(gold, pred)
    assert (r.n_gold, r.n_pred) == (1, 1)
    assert r.precision == pytest.approx(1.0)
    assert r.recall == pytest.approx(0.5)
    assert r.f1 == pytest.approx(2 / 3)


def test_si_keeps_touching_spans_apart_and_sums_over_articles():
    assert ptc.merge_spans([(0, 5), (5, 10)]) == [(0, 5), (5, 10)]
    gold = [("a", "", 0, 5), ("a", "", 5, 10), ("b", "", 0, 4)]
    pred = [("a", "", 0, 10), ("b", "", 2, 6)]
    r = ptc.score_si(gold, pred)
    # a: pred 0..10 gets 5/10 + 5/10 = 1; b: 2/4 -> P = 1.5 / 2
    assert r.precision == pytest.approx(0.75)
    # a: 5/5 + 5/5; b: 2/4 -> R = 2.5 / 3
    assert r.recall == pytest.approx(2.5 / 3)


def test_si_spans_of_another_article_earn_nothing():
    r = ptc.score_si([("a", "", 0, 10)], [("b", "", 0, 10)])
    assert r.f1 == 0.0


def test_tc_duplicate_span_with_two_labels_uses_best_matching():
    gold = [("a", "X", 0, 5), ("a", "Y", 0, 5), ("a", "X", 10, 20)]
    # same labels as gold on 0..5 but in the other order: both count
    pred = [("a", "Y", 0, 5), ("a", "X", 0, 5), ("a", "Y", 10, 20)]
    r = ptc.score_tc(gold, pred)
    assert r.f1 == pytest.approx(2 / 3)
    assert r.per_label["X"].precision == pytest.approx(1.0)
    assert r.per_label["X"].recall == pytest.approx(0.5)
    assert r.per_label["Y"].precision == pytest.approx(0.5)
    assert r.per_label["Y"].recall == pytest.approx(1.0)


def test_tc_the_same_label_twice_matches_once():
    gold = [("a", "X", 0, 5), ("a", "Y", 0, 5)]
    pred = [("a", "X", 0, 5), ("a", "X", 0, 5)]
    assert ptc.score_tc(gold, pred).f1 == pytest.approx(0.5)


def test_e2e_only_credits_spans_of_the_same_technique():
    gold = [("a", "X", 0, 10), ("a", "Y", 0, 10)]
    pred = [("a", "X", 0, 10), ("a", "Z", 20, 30), ("a", "Y", 5, 10)]
    r = ptc.score_e2e(gold, pred)
    # X: 1/1 both ways; Y: pred 5..10 in gold 0..10 -> P credit 1, R credit 0.5; Z: nothing
    assert r.precision == pytest.approx(2 / 3)
    assert r.recall == pytest.approx(1.5 / 2)
    assert r.per_label["Z"].precision == 0.0
    assert r.per_label["Y"].recall == pytest.approx(0.5)


def test_e2e_merges_overlaps_per_technique_only():
    gold = [("a", "X", 0, 10)]
    pred = [("a", "X", 0, 6), ("a", "X", 4, 10), ("a", "Y", 0, 10)]
    r = ptc.score_e2e(gold, pred)
    assert r.n_pred == 2  # the two X spans merge; Y stays
    assert r.precision == pytest.approx(0.5)
    assert r.recall == pytest.approx(1.0)


def test_reading_the_fixture_corpus_keeps_offsets_exact():
    texts = ptc.read_articles(DATA)
    gold = ptc.read_labels(ptc.find_labels(DATA, "TC"))
    assert set(texts) == {"1001", "1002"}
    spans = {texts[a][s:e] for a, _, s, e in gold}
    assert "“brutal” regime" in spans
    assert "corrupt, treasonous thugs" in spans
    assert "pure evil" in spans


def test_bad_label_line_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("1001\tLoaded_Language\tten\t20\n")
    with pytest.raises(InputError, match=r"bad\.tsv:1"):
        ptc.read_labels(bad)


def test_score_command_prints_scores_and_rejects_bad_task(tmp_path, capsys):
    gold = DATA / "train-task-TC.labels"
    assert main(["ptc", "score", str(gold), str(gold), "--task", "si"]) == 0
    assert "F1 1.0000" in capsys.readouterr().out
    assert main(["ptc", "score", str(gold), str(gold), "--task", "nope"]) == 2
    assert main(["ptc", "score", str(gold), str(tmp_path / "missing.tsv")]) == 2


def _articles(n: int, hit: int) -> tuple[list, list]:
    """n articles with one gold span each; the prediction finds it in the first ``hit``."""
    gold = [(f"{k}", "Doubt", 0, 10) for k in range(n)]
    pred = [(f"{k}", "Doubt", 0, 10) for k in range(hit)]
    pred += [(f"{k}", "Doubt", 20, 30) for k in range(hit, n)]
    return gold, pred


def test_bootstrap_interval_brackets_the_score_and_narrows_with_more_articles():
    gold, pred = _articles(20, 10)
    f1 = ptc.score_si(gold, pred).f1
    lo, hi = ptc.bootstrap_f1("si", gold, pred, n=300, seed=1)
    assert lo < f1 < hi
    assert (lo, hi) == ptc.bootstrap_f1("si", gold, pred, n=300, seed=1)  # reproducible
    gold, pred = _articles(200, 100)
    lo2, hi2 = ptc.bootstrap_f1("si", gold, pred, n=300, seed=1)
    assert hi2 - lo2 < hi - lo
    # a perfect system always scores 1
    assert ptc.bootstrap_f1("e2e", gold, gold, n=50) == (1.0, 1.0)


def test_paired_bootstrap_tells_a_better_system_apart_and_a_copy_not():
    gold, pred = _articles(30, 15)
    _, worse = _articles(30, 5)
    lo, _ = ptc.bootstrap_f1("si", gold, pred, n=300, versus=worse)
    assert lo > 0
    assert ptc.bootstrap_f1("si", gold, pred, n=100, versus=pred) == (0.0, 0.0)
    with pytest.raises(ValueError):
        ptc.bootstrap_f1("si", gold, pred, n=0)
    with pytest.raises(InputError, match="nothing to resample"):
        ptc.bootstrap_f1("si", [], [], n=10)


def test_score_command_bootstrap_options(tmp_path, capsys):
    gold = DATA / "train-task-TC.labels"
    assert main(["ptc", "score", str(gold), str(gold), "--task", "si", "--bootstrap", "50"]) == 0
    assert "95% interval" in capsys.readouterr().out
    args = ["ptc", "score", str(gold), str(gold), "--versus", str(gold)]
    assert main(args) == 2  # --versus needs --bootstrap
    assert "--bootstrap" in capsys.readouterr().err
    assert main([*args, "--bootstrap", "20", "--json"]) == 0
    assert '"f1_difference_95_interval": [\n  0.0,\n  0.0\n ]' in capsys.readouterr().out


def test_eval_command_reports_every_task_with_intervals(tmp_path, capsys):
    import json

    split = tmp_path / "split.txt"
    split.write_text("1001\n1002\n")
    args = ["ptc", "eval", str(DATA), "--split", str(split), "--bootstrap", "30"]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["articles"] == 2
    for task in ("si", "tc", "e2e"):
        lo, hi = result[task]["f1_95_interval"]
        assert 0.0 <= lo <= hi <= 1.0
    assert result["tc"]["n_gold"] == 5  # every gold line is named
    split.write_text("1001\n9999\n")  # an id that is not in the folder: a message, no traceback
    assert main(args) == 2
    assert "9999" in capsys.readouterr().err
