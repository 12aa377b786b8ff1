"""Attribution: source kinds on hand-written sentences, the brat writer/reader, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.analyzers.attribution import attribute
from spinscope.eval.attribution import Scores
from spinscope.eval.brat import BratAttribution, read_ann, write_ann

DATA = Path(__file__).parent / "data" / "claims"
CASES = [json.loads(x) for x in (DATA / "attribution_kinds.jsonl").read_text().splitlines()]


def test_fixtures_cover_every_kind() -> None:
    assert len(CASES) >= 20
    assert {c["kind"] for c in CASES} == {"named", "vague", "self", "none"}


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_attribution_kind_and_source_offsets(case: dict) -> None:
    found = attribute(case["text"])
    assert found["kind"] == case["kind"]
    if case["source"] is None:
        assert found["source"] is None and found["start"] is None and found["end"] is None
    else:
        assert found["source"] == case["source"]
        assert case["text"][found["start"] : found["end"]] == case["source"]


TEXT = "The Pentagon said on Monday that two missiles hit the depot.\nIt was raining.\n"


def test_brat_writer_round_trips_through_the_reader(tmp_path: Path) -> None:
    attrs = [
        BratAttribution(cue=((13, 17),), source=((0, 12),), content=((28, 59),)),
        BratAttribution(cue=((61, 63),), content=((64, 76),)),
    ]
    ann = tmp_path / "a.ann"
    ann.write_text(write_ann(TEXT, attrs), encoding="utf-8")
    lines = ann.read_text().splitlines()
    assert "T1\tSource 0 12\tThe Pentagon" in lines
    assert "T4\tAttribution 13 17\tsaid" in lines
    assert lines[4] == "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1"
    assert any(x.startswith("E2\tAttribution-no-source:") for x in lines)
    back = read_ann(ann)
    assert [(a.cue, a.source, a.content) for a in back] == [
        (a.cue, a.source, a.content) for a in attrs
    ]


def test_reader_accepts_discontinuous_spans_and_text_with_line_breaks(tmp_path: Path) -> None:
    ann = tmp_path / "b.ann"
    ann.write_text(
        "T1\tSource 0 12\tThe Pentagon\nT2\tCue 13 17\tsaid\n"
        "T3\tContent 28 40;41 59\tthat two\nmissiles hit the depot\n"
        "T4\tAttribution 13 17\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n",
        encoding="utf-8",
    )
    (attr,) = read_ann(ann)
    assert attr.content == ((28, 40), (41, 59))


def test_source_score_counts_only_attributions_whose_cue_was_found() -> None:
    gold = [
        BratAttribution(cue=((13, 17),), source=((0, 12),)),
        BratAttribution(cue=((61, 63),), source=()),
    ]
    pred = [BratAttribution(cue=((13, 17),), source=((4, 12),))]
    s = Scores()
    s.add(TEXT, gold, pred)
    report = s.report()
    assert report["cue"]["recall"] == 0.5
    assert report["source_tokens_found_cues"]["precision"] == 1.0
    assert report["source_tokens_found_cues"]["recall"] == 0.5


def test_predict_cli_writes_one_ann_per_text_file(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    (src / "b").write_text("Sources say the convoy carried ammunition.\n", encoding="utf-8")
    (src / "skip.json").write_text("{}", encoding="utf-8")
    out = tmp_path / "ann"
    result = invoke("attribution", "predict", str(src), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.ann", "b.ann"]
    (attr,) = read_ann(out / "a.ann")
    assert TEXT[slice(*attr.source[0])] == "The Pentagon"
    assert TEXT[slice(*attr.cue[0])] == "said"


def test_predict_cli_on_a_missing_folder_is_a_one_line_error(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("attribution", "predict", str(tmp_path / "nope"), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "not a folder" in result.stderr


def test_kind_accuracy_on_sentences_written_without_looking_at_the_output(invoke) -> None:  # type: ignore[no-untyped-def]
    # Written before the rules were run on them; 9/14 then, 11/14 after two fixes.
    result = invoke("attribution", "kinds", str(DATA / "attribution_kinds_hard.jsonl"))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["sentences"] == 14
    assert report["kind_accuracy"] >= 0.75
    held_out = invoke("attribution", "kinds", str(DATA / "attribution_kinds_heldout.jsonl"))
    assert json.loads(held_out.stdout)["kind_and_source_accuracy"] >= 0.9
