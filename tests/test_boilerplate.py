from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.analyzers.boilerplate import BoilerplateAnalyzer, classify_line
from spinscope.document import Document
from spinscope.eval.boilerplate import evaluate, load_annotated

FIXTURES = Path(__file__).parent / "data" / "boilerplate"


def test_precision_and_recall_on_invented_fixtures() -> None:
    scores, errors = evaluate(FIXTURES)
    assert scores.tp >= 25, "the fixtures must hold enough boilerplate lines to mean something"
    assert scores.precision >= 0.95, errors
    assert scores.recall >= 0.9, errors
    assert scores.kind_accuracy >= 0.9, errors


@pytest.mark.parametrize(
    "line",
    [
        "Residents who want to contact us about the harbour can write to the council instead.",
        '"People here follow the news on the radio, not on Telegram," said Olena.',
        "Copyright rules for satellite images have also made monitoring more expensive.",
        "Support for the agreement among farmers has fallen, according to a survey.",
        "Share prices of the regional bus company fell after it cancelled the route.",
        "By the end of the year, only twelve families remained in the village.",
    ],
)
def test_article_sentences_that_mention_boilerplate_words_stay_content(line: str) -> None:
    assert classify_line(line) is None


def test_analyzer_spans_are_whole_lines_without_surrounding_space() -> None:
    text, gold = load_annotated(FIXTURES / "01-opinion.txt")
    doc = Document(id="x", source="x", text=text)
    BoilerplateAnalyzer()(doc)
    spans = {(s.start, s.end): s.label for s in doc.layer("boilerplate")}
    assert spans == gold
    assert doc.provenance[-1].analyzer == "boilerplate"


def test_survey_lists_flagged_lines_of_real_articles(tmp_path: Path) -> None:
    from spinscope.eval.boilerplate import survey

    (tmp_path / "a.txt").write_text("Title\nBody sentence about the bridge.\nRead more:\n")
    (tmp_path / "b.txt").write_text("Another body line.\n© 2024 Sample News\n")
    files, lines, kinds, flagged = survey([tmp_path])
    assert (files, lines) == (2, 5)
    assert dict(kinds) == {"read_more": 1, "copyright": 1}
    assert ("a.txt", "read_more", "Read more:") in flagged
