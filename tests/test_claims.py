"""The claims layer: the committed check-worthiness model, the rules, the analyzer and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.analyzers.claims import ClaimsAnalyzer, ClaimScorer, non_claim_reason
from spinscope.document import Document

DATA = Path(__file__).parent / "data" / "claims"

FACTS = [
    "Unemployment fell to 3.5 percent last year, the lowest rate in fifty years.",
    "The bill cut taxes for 40 million families by $2,000 each.",
    "A Ukrainian missile killed more than twenty civilians in Belgorod on December 30, 2023.",
    "Our government spent $1.5 trillion on defence in the last decade.",
]
NOT_CLAIMS = [
    "Thank you very much, it is great to be here tonight.",
    "I think we need to do better as a country.",
    "We have to believe in the future of our children.",
    "Good evening, everyone.",
]


@pytest.fixture(scope="module")
def scorer() -> ClaimScorer:
    return ClaimScorer()


def test_committed_model_separates_facts_from_opinions(scorer: ClaimScorer) -> None:
    facts = scorer.score(FACTS)
    others = scorer.score(NOT_CLAIMS)
    assert min(facts) > scorer.threshold > max(others)


def test_score_of_a_sentence_does_not_depend_on_its_batch(scorer: ClaimScorer) -> None:
    alone = scorer.score(FACTS[:1])[0]
    together = scorer.score(FACTS + NOT_CLAIMS * 5)[0]
    assert abs(alone - together) < 1e-4


def test_threshold_comes_from_cross_validation(scorer: ClaimScorer) -> None:
    meta = json.loads((Path(scorer.model_dir) / "meta.json").read_text())
    assert scorer.threshold == meta["threshold"] == meta["cv"]["calibration"]["threshold"]
    assert meta["cv"]["pooled_at_threshold"]["f1"] >= 0.80


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Isn't it obvious that the regime has failed?", "question"),
        ("The new offensive is doomed to fail.", "prediction"),
        ("They will certainly be encircled at the border.", "prediction"),
        ("I think the strategy has become an obsession.", "opinion"),
        ("It is safe to say that the troops are on a suicide mission.", "opinion"),
        ("The strike killed eleven people on Monday.", None),
    ],
)
def test_questions_predictions_and_opinions_are_not_claims(sentence: str, reason: str) -> None:
    assert non_claim_reason(sentence) == reason


def _doc(text: str, boilerplate: list[tuple[int, int]] = ()) -> Document:  # type: ignore[assignment]
    doc = Document(id="t", source="t", text=text)
    doc.start_layer("boilerplate")
    for a, b in boilerplate:
        doc.add_span("boilerplate", a, b, "contact")
    return doc


def test_analyzer_finds_claims_with_exact_offsets_and_skips_boilerplate() -> None:
    contact = "Contact us: desk@example.org\n"
    body = (
        "Reports also indicate that a F-16 fighter jet was shot down over Sumy on Monday. "
        "Is this not a disgrace? "
        "The missile killed 21 civilians in Belgorod on December 30, 2023.\n"
    )
    doc = _doc(contact + body, [(0, len(contact) - 1)])
    ClaimsAnalyzer()(doc)
    out = doc.to_dict()
    claims = out["claims"]
    texts = [c["text"] for c in claims]
    assert any("F-16" in t for t in texts)
    assert any("Belgorod" in t for t in texts)
    assert not any(t.endswith("?") for t in texts)
    for c in claims:
        assert doc.text[c["start"] : c["end"]] == c["text"]
        assert c["start"] >= len(contact)
        assert c["checkworthiness"] >= 0.0
        attr = c["attribution"]
        assert attr["kind"] in {"named", "vague", "self", "none"}
        if attr["kind"] != "none":
            assert doc.text[attr["start"] : attr["end"]] == attr["source"]
    f16 = next(c for c in claims if "F-16" in c["text"])
    assert f16["attribution"]["kind"] == "vague"
    assert f16["attribution"]["source"] == "Reports"
    assert any(p["analyzer"] == "claims" for p in out["provenance"])


def test_analyzer_marks_the_layer_computed_even_when_empty() -> None:
    doc = _doc("Good evening, everyone. Thank you.\n")
    ClaimsAnalyzer()(doc)
    assert doc.to_dict()["claims"] == []


def test_classify_cli_scores_lines_and_reports_a_bad_one(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "s.jsonl"
    lines = [json.dumps({"id": i, "text": t}) for i, t in enumerate(FACTS[:2] + NOT_CLAIMS[:1])]
    src.write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n", encoding="utf-8")
    result = invoke("claims", "classify", str(src))
    assert result.exit_code == 1
    assert f"{src}:2" in result.stderr
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [0, 1, 2]
    assert [r["label"] for r in rows] == [1, 1, 0]
    assert all(set(r) == {"id", "checkworthiness", "label"} for r in rows)


def test_classify_cli_missing_file_is_a_one_line_error(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("claims", "classify", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.output


def test_classify_cli_rules_option_drops_questions(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "q.jsonl"
    question = "Did unemployment really fall to 3.5 percent last year?"
    src.write_text(json.dumps({"id": "q", "text": question}) + "\n", encoding="utf-8")
    result = invoke("claims", "classify", str(src), "--rules")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["label"] == 0


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("This pattern suggests that Kiev has no intention of abandoning its strategy.",
         "interpretation"),
        ("Kiev aims to create a narrative that demonstrates resilience.", "intention"),
        ("Evidence suggests that the unit lost most of its tanks in May.", None),
        ("Reports also indicate that a fighter jet was shot down over Sumy.", None),
        ("The missile killed 21 civilians in Belgorod.", None),
    ],
)
def test_interpretations_and_intentions_are_not_claims(sentence: str, reason: str) -> None:
    from spinscope.analyzers.claims import interpretation_reason
    from spinscope.models import spacy_nlp

    (sent,) = list(spacy_nlp()(sentence).sents)
    assert interpretation_reason(sent) == reason


def test_eval_committed_scores_the_shipped_model_on_a_labelled_file(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("claims", "eval", str(DATA / "labelled.json"), "--committed")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 10
    assert report["f1"] >= 0.8


def test_eval_on_a_file_that_is_not_claimbuster_json_is_a_one_line_error(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = invoke("claims", "eval", str(bad), "--committed")
    assert result.exit_code == 2
    assert "not JSON" in result.stderr


def test_hard_wrapped_text_keeps_sentences_whole_across_line_breaks() -> None:
    text = (
        "The Pentagon said on Monday that two missiles hit the\n"
        "ammunition depot near the border, killing three soldiers and\n"
        "wounding eleven others. The governor said the fire was put out\n"
        "by the evening and that 40 families were evacuated.\n"
    )
    doc = _doc(text)
    ClaimsAnalyzer()(doc)
    claims = doc.to_dict()["claims"]
    first = next(c for c in claims if c["text"].startswith("The Pentagon"))
    assert first["text"].endswith("wounding eleven others.")
    assert first["attribution"]["kind"] == "named"
    assert first["attribution"]["source"] == "The Pentagon"


def test_unwrapped_lines_without_full_stops_are_separate_sentences() -> None:
    from spinscope.analyzers.claims import is_hard_wrapped

    text = "Strike on the depot\nThe strike killed 20 people.\nIt was bad.\nNo more.\n"
    assert not is_hard_wrapped(text)


def test_first_person_testimony_is_a_claim_even_with_a_low_model_score() -> None:
    heard = "I heard explosions near the railway station every night that week."
    text = f"{heard} I have seen many beautiful sunsets.\n"
    assert ClaimScorer().score([heard])[0] < ClaimScorer().threshold
    doc = _doc(text)
    ClaimsAnalyzer()(doc)
    (claim,) = doc.to_dict()["claims"]
    assert claim["text"] == heard
    assert claim["attribution"]["kind"] == "self"
    assert claim["attribution"]["source"] == "I"


def test_running_twice_replaces_the_layer_and_other_languages_get_a_note() -> None:
    doc = _doc("The missile killed 21 civilians in Belgorod on December 30, 2023.\n")
    analyzer = ClaimsAnalyzer()
    analyzer(doc)
    analyzer(doc)
    assert len(doc.to_dict()["claims"]) == 1
    bg = _doc("Ракетата уби 21 цивилни в Белгород на 30 декември 2023 година, съобщиха властите.\n")
    analyzer(bg)  # Bulgarian: the layer reads en, ru and uk only
    assert "claims" not in bg.to_dict()  # not computed: absent, never []
    assert any(w.startswith("claims: not computed") for w in bg.meta.warnings)
    ru = _doc("Ракета убила 21 мирного жителя в Белгороде 30 декабря 2023 года.\n")
    analyzer(ru)
    assert [c["text"] for c in ru.to_dict()["claims"]] == [ru.text.strip()]


def test_sentences_the_rules_drop_are_not_scored_and_the_others_score_the_same(
    scorer: ClaimScorer,
) -> None:
    import numpy as np

    texts = [
        "The army shelled the town on Monday, killing five people, officials said.",
        "Will the government finally admit its mistakes?",
        "Prices rose by 5 percent in March.",
        "I think the minister should resign.",
        "Russia invaded Ukraine in February 2022.",
    ]
    needed = [non_claim_reason(t) is None for t in texts]
    assert needed == [True, False, True, False, True]
    fed: list[tuple[int, ...]] = []
    session = scorer._session

    class Counting:
        def run(self, names, feed):  # type: ignore[no-untyped-def]
            fed.extend(tuple(r) for r in feed["input_ids"])
            return session.run(names, feed)

    all_scores = scorer.score(texts)
    scorer.__dict__["_session"] = Counting()
    try:
        some = scorer.score(texts, needed)
    finally:
        scorer.__dict__["_session"] = session
    dropped = {tuple(scorer._tok.encode(texts[i]).ids) for i in (1, 3)}
    assert fed and not dropped & set(fed)  # the dropped sentences never reach the model
    assert np.isnan(some[1]) and np.isnan(some[3])
    kept = [i for i, n in enumerate(needed) if n]
    assert np.array_equal(some[kept], all_scores[kept])
    one = scorer.score(texts, [i == 2 for i in range(len(texts))])
    assert one[2] == all_scores[2]


def test_a_sentence_scores_the_same_to_the_last_bit_whatever_is_scored_with_it(
    scorer: ClaimScorer,
) -> None:
    sentence = "Prices rose by 5 percent in March."
    others = [f"Prices rose by {n} percent in {m}." for n in range(2, 9) for m in ("May", "June")]
    alone = scorer.score([sentence])[0]
    assert scorer.score([*others, sentence])[-1] == alone  # same length: one batch
    assert scorer.score(["A much longer sentence about budgets, taxes and spending.", sentence,
                         "Short."])[1] == alone  # fmt: skip
