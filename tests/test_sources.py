"""Sources of claims: an entity or a description of one, never the cue verb; variants of one
source counted together on the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.analyzers.attribution import attribute, is_bare_cue
from spinscope.eval.attribution import Scores
from spinscope.eval.brat import BratAttribution
from spinscope.store import Store
from spinscope.store import stats as S

#: Participles that showed up as "sources" on the 90 unlabeled PTC articles, and others.
CUE_WORDS = ["saying", "claiming", "suggesting", "stating", "insisting", "arguing", "noting",
             "warning", "acknowledging", "adding", "reporting", "declaring"]  # fmt: skip
#: (sentence with a participle cue, the source it must get)
FRAMES = [
    ("Labour leader Jeremy Corbyn reacted to the news by {cue} that the party would split.",
     "Labour leader Jeremy Corbyn"),
    ("Several MPs issued statements {cue} that the party had become hostile.", "statements"),
    ("The minister left the meeting early, {cue} that the talks had failed.", "The minister"),
]  # fmt: skip


@pytest.mark.parametrize("cue", CUE_WORDS)
@pytest.mark.parametrize(("frame", "source"), FRAMES, ids=["by-gerund", "noun-participle", "advcl"])
def test_a_participle_cue_is_never_the_source(cue: str, frame: str, source: str) -> None:
    found = attribute(frame.format(cue=cue))
    assert not is_bare_cue(found["source"])
    assert found["source"] == source


@pytest.mark.parametrize(
    "text",
    [
        "It was reported that the airport had been closed since March.",
        "It has been revealed that the march was one third the size organisers claimed.",
        "It is widely believed that the depot stored artillery shells.",
        "As British MPs are told that their February break is cancelled, the chaos goes on.",
    ],
)
def test_an_agentless_cue_is_a_vague_source_without_source_text(text: str) -> None:
    found = attribute(text)
    assert found == {"kind": "vague", "source": None, "start": None, "end": None}


def test_all_told_attributes_nothing() -> None:
    found = attribute("All told, Mueller charged 34 people, including three Russian companies.")
    assert found["kind"] == "none" and found["source"] is None


def test_a_relative_pronoun_source_is_shown_as_what_it_stands_for() -> None:
    text = "He was named by his former lawyer, Michael Cohen, who says Trump asked for it."
    found = attribute(text)
    assert (found["kind"], found["source"]) == ("named", "his former lawyer, Michael Cohen")
    assert text[found["start"] : found["end"]] == found["source"]
    found = attribute("The inquiry heard two women who say they were paid to keep quiet.")
    assert (found["kind"], found["source"]) == ("vague", "two women")


def test_a_name_read_as_the_modal_may_is_the_source() -> None:
    found = attribute('"We are going to be in uncharted territory," May said.')
    assert (found["kind"], found["source"]) == ("named", "May")


def test_a_report_that_is_only_a_topic_attributes_nothing() -> None:
    found = attribute("Mueller sent his final report to Attorney General William Barr on Friday.")
    assert found["kind"] == "none"
    found = attribute("There have even been reports of soldiers who were punished for desertion.")
    assert (found["kind"], found["source"]) == ("vague", "reports")


def test_no_evidence_is_nobody_s_report() -> None:
    found = attribute("There is no evidence of collusion between the campaign and Moscow.")
    assert found["kind"] == "none" and found["source"] is None


def test_an_imperative_is_no_cue() -> None:
    assert attribute("Read more about the vote that Parliament held on Tuesday.")["kind"] == "none"


@pytest.mark.parametrize(
    "source",
    ["saying", "claiming", "SAYS", "was reported", "is widely believed", "has been revealed",
     "are even calling", "to say", "All", "joked", "stated", "told"],
)  # fmt: skip
def test_bare_cue_words_are_recognised(source: str) -> None:
    assert is_bare_cue(source)


@pytest.mark.parametrize(
    "source",
    ["reports", "Reports", "claims", "a new report", "Sources", "May", "Mrs May", "He",
     "Evidence", "polls", "Witnesses", "the ministry", "a senior official", "statements"],
)  # fmt: skip
def test_descriptions_and_names_are_not_bare_cues(source: str) -> None:
    assert not is_bare_cue(source)


def test_the_scorer_counts_bare_cue_sources() -> None:
    text = "He left, saying that it rained."
    saying = (text.index("saying"), text.index("saying") + 6)
    pred = [BratAttribution(cue=(saying,), source=(saying,)),
            BratAttribution(cue=((3, 7),), source=((0, 2),))]  # fmt: skip
    scores = Scores()
    scores.add(text, [], pred)
    report = scores.report()
    assert (report["predicted_sources"], report["bare_cue_sources"]) == (2, 1)
    assert report["bare_cue_examples"] == ["saying"]


def test_top_sources_count_inflection_case_and_article_variants_together(tmp_path: Path) -> None:
    from tests.e2e.corpus import hand_doc

    doc = hand_doc(1)
    start = doc.text.index("Governor")
    variants = [("report", "vague"), ("reports", "vague"), ("Reports", "vague"),
                ("the report", "vague"), ("Mueller", "named"), ("Mueller's", "named"),
                ("Williams", "named"), ("William", "named")]  # fmt: skip
    for source, kind in variants:
        attribution = {"kind": kind, "source": source, "start": None, "end": None}
        doc.add_span("claims", start, start + 8, "claim", 0.5, attribution=attribution)
    with Store(tmp_path / "s.duckdb") as store:
        store.save(doc)
        rows = {row[0]: row[2] for row in S.top_sources(store)[1]}
    # hand_doc brings one "Sources" and one "Anna Petrenko" claim of its own; each group
    # is shown in its most frequent spelling, the shortest on a tie.
    assert rows == {"Anna Petrenko": 1, "report": 4, "Mueller": 2, "Sources": 1,
                    "Williams": 1, "William": 1}  # fmt: skip


@pytest.mark.parametrize("analyzer", ["claims", "boilerplate"])
def test_provenance_names_the_real_text_set_first_and_own_sets_as_gates(analyzer: str) -> None:
    from spinscope.analyzers.boilerplate import BoilerplateAnalyzer
    from spinscope.analyzers.claims import ClaimsAnalyzer

    metrics = {"claims": ClaimsAnalyzer, "boilerplate": BoilerplateAnalyzer}[analyzer].metrics
    keys = list(metrics)
    assert not keys[0].startswith("regression gate")
    assert any(k.startswith("regression gate: own") for k in keys)
    for values in metrics.values():
        assert values and all(isinstance(v, int | float) for v in values.values())
    # Our own sentence or text sets appear only under a "regression gate" key.
    for key in keys:
        if "tests/data" in key or "own " in key:
            assert key.startswith("regression gate")


def test_the_recorded_regression_gate_is_what_the_sentences_give() -> None:
    from spinscope.analyzers.attribution import METRICS
    from spinscope.eval.attribution import kind_accuracy

    data = Path(__file__).parent / "data" / "claims"
    gate = METRICS["regression gate: own sentences (tests/data/claims/attribution_kinds*.jsonl)"]
    plain = [kind_accuracy(data / f) for f in ("attribution_kinds.jsonl",
                                               "attribution_kinds_heldout.jsonl")]  # fmt: skip
    assert sum(r["sentences"] for r in plain) == gate["plain_sentences"]
    assert all(r["kind_accuracy"] == gate["kind_accuracy_plain"] for r in plain)
    hard = kind_accuracy(data / "attribution_kinds_hard.jsonl")
    assert (hard["sentences"], hard["kind_accuracy"]) == (
        gate["hard_sentences"], gate["kind_accuracy_hard"]
    )  # fmt: skip


def _docs_line(text: str, parts: list[tuple[str, str, int]]) -> str:
    import json

    spans = [{"start": text.index(s), "end": text.index(s) + len(s), "label": label,
              "attribution": group} for s, label, group in parts]  # fmt: skip
    return json.dumps({"id": "d", "text": text, "spans": spans})


def test_eval_scores_a_docs_jsonl_file(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    text = "The ministry said that the bridge was closed. Rain fell all day."
    line = _docs_line(text, [("The ministry", "Source", 1), ("said", "Cue", 1),
                             ("that the bridge was closed", "Content", 1),
                             ("Rain", "PER", 2)])  # fmt: skip
    (tmp_path / "docs.jsonl").write_text(line + "\n", encoding="utf-8")
    result = invoke("attribution", "eval", str(tmp_path), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["gold_attributions"] == 1 and report["cue"]["recall"] == 1.0
    assert report["source_tokens_found_cues"]["f1"] == 1.0
    assert report["bare_cue_sources"] == 0
    table = invoke("attribution", "eval", str(tmp_path / "docs.jsonl")).stdout
    assert "source tokens (found cues)" in table and "1 gold attributions" in table


@pytest.mark.parametrize(
    ("content", "message"),
    [("{oops\n", "docs.jsonl:2"), ('{"id": "x"}\n', "docs.jsonl:2"),
     (_docs_line("He said so.", [("He", "Source", 1)]) + "\n", "has no Cue")],
)  # fmt: skip
def test_eval_names_the_bad_line_of_a_docs_jsonl_file(
    invoke, tmp_path: Path, content: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    good = _docs_line("He said so.", [("He", "Source", 1), ("said", "Cue", 1)])
    path = tmp_path / "docs.jsonl"
    path.write_text(good + "\n" + content, encoding="utf-8")
    result = invoke("attribution", "eval", str(path))
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_eval_of_a_missing_file_is_a_one_line_error(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("attribution", "eval", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_sources_survey_lists_merged_sources_and_no_bare_cues(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    (tmp_path / "a.txt").write_text(
        "Reports say the bridge at Elsby was closed for six hours on Monday.\n"
        "Labour leader Jeremy Corbyn reacted by saying that 40 MPs had resigned on Monday.\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text(
        "A report said the dam at Elsby lost 30 percent of its water in 2030.\n"
        "It was reported that 12 people were injured in the blast on Tuesday.\n",
        encoding="utf-8",
    )
    result = invoke("attribution", "sources", str(tmp_path), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == 2 and report["bare_cue_sources"] == 0
    rows = {r["source"].lower(): r for r in report["top_sources"]}
    assert rows["reports"]["claims"] == 2 and rows["reports"]["articles"] == 2
    assert "labour leader jeremy corbyn" in rows and "saying" not in rows
    assert invoke("attribution", "sources", str(tmp_path / "none")).exit_code == 2
