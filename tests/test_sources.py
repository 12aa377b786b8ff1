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
