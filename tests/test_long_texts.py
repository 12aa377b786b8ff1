"""The analyzers' own work grows linearly with the length of a text.

Work is counted, not timed: the number of Python function calls (generator steps
included) a stage makes on a text and on the same text twice over. A linear stage makes
about twice as many; one that compares every mention or sentence with every other makes
about four times as many. The lookups that replaced such scans are checked against the
scans they replaced. ``research/length/scaling.py`` measures the time per layer.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import spinscope.analyzers.technique_spans as ts
import spinscope.analyzers.techniques as tech
from spinscope.config import Settings
from spinscope.document import Document
from spinscope.pipeline import load_pipeline

DATA = Path(__file__).parent / "data"


def base_text() -> str:
    """Every events and entities fixture sentence, a share prompt after each: many
    mentions, events and separate content ranges."""
    lines = [DATA.joinpath("events/border-article.txt").read_text(encoding="utf-8")]
    lines += [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("entities/*.txt"))]
    for name in ("sentences", "heldout", "blind"):
        for row in DATA.joinpath(f"events/{name}.jsonl").read_text(encoding="utf-8").splitlines():
            lines.append(json.loads(row)["text"])
    body = [ln.strip() for text in lines for ln in text.splitlines() if ln.strip()]
    return "".join(f"{ln}\nShare this article\n" for ln in body)


def calls(fn: Callable[..., Any], *args: Any) -> int:
    """Python function calls (and generator resumptions) made while ``fn(*args)`` runs."""
    count = 0

    def profile(_frame: Any, event: str, _arg: Any) -> None:
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        fn(*args)
    finally:
        sys.setprofile(None)
    return count


def ratio_when_doubled(stage: Callable[[Document], Any], text: str) -> float:
    """Calls of ``stage`` on ``text`` doubled over calls on ``text``."""
    pipe = load_pipeline(Settings(layers=["entities"]))
    counts = []
    for n, body in enumerate((text, text + text)):
        doc = Document(id=f"long-{n}", source="long.txt", text=body)
        pipe.run(doc)  # boilerplate, the parse (cached) and entities, for stages that read them
        counts.append(calls(stage, doc))
    return counts[1] / counts[0]


def test_entities_work_grows_linearly() -> None:
    from spinscope.analyzers.entities import annotate
    from spinscope.models.parse import parse

    def stage(doc: Document) -> None:
        parsed = parse(doc)
        doc.spans.pop("entities")
        annotate(doc, parsed)

    assert ratio_when_doubled(stage, base_text()) < 2.3


def test_events_work_grows_linearly() -> None:
    from spinscope.analyzers.events import extract
    from spinscope.models.parse import parse

    assert ratio_when_doubled(lambda doc: extract(doc, parse(doc)), base_text()) < 2.3


def test_claims_sentence_selection_grows_linearly() -> None:
    from spinscope.analyzers.claims import ClaimsAnalyzer
    from spinscope.models.parse import parse

    def stage(doc: Document) -> None:
        ClaimsAnalyzer._shared_sentences(doc, parse(doc))

    assert ratio_when_doubled(stage, base_text()) < 2.3


@pytest.fixture(scope="module")
def model() -> tech.TechniquesModel:
    return tech.TechniquesModel()


def fake_outputs(model: tech.TechniquesModel, segs: list[Any], every: int = 12) -> list[Any]:
    """Encoder outputs that mark a span at every ``every``-th word piece (no encoder run)."""
    import numpy as np

    out = []
    for seg in segs:
        probs = np.zeros((len(seg.ids), 3), np.float32)
        probs[:, ts.O] = 1.0
        probs[::every] = [0.0, 1.0, 0.0]  # B
        hidden = np.zeros((len(seg.ids), model.config["hidden_size"]), np.float32)
        per_technique = np.zeros((len(seg.ids), len(model.labels)), np.float32)
        per_technique[::every, 0] = 1.0  # the same pieces, as the first technique
        out.append((probs, hidden, per_technique))
    return out


def test_widening_spans_to_sentences_reads_a_long_line_once(
    model: tech.TechniquesModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = " ".join(base_text().split("\n")[::2])  # one line of many sentences
    seen = {"ends": 0}
    real = ts._ends

    def counting(text: str, m: Any) -> bool:
        seen["ends"] += 1
        return real(text, m)

    monkeypatch.setattr(ts, "_ends", counting)
    # Sentence widening belongs to the BIO decoder (one technique per span).
    monkeypatch.setitem(model.config, "decoder", "bio")
    monkeypatch.setitem(model.config, "second_label", 1.0)
    monkeypatch.setitem(model.config, "sentence_techniques", list(model.labels))
    monkeypatch.setitem(model.config, "sentence_widen", 0.0)  # widen every span
    segs = model.segments_of(line)
    found = model.candidates(line, segs, fake_outputs(model, segs))
    matches = sum(1 for _ in ts._SENTENCE_END.finditer(line))
    assert len(found) > 50
    assert seen["ends"] <= matches  # each sentence end judged once, not once per span


def test_span_features_never_normalise_the_whole_text_per_segment(
    model: tech.TechniquesModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = base_text()
    lengths: list[int] = []
    real = ts._norm
    monkeypatch.setattr(ts, "_norm", lambda s: lengths.append(len(s)) or real(s))
    doc = Document(id="d", source="d.txt", text=text)
    load_pipeline(Settings(layers=["boilerplate"])).run(doc)
    segs = model.segments_of(text, doc.content_ranges())
    assert len(segs) > 50
    model.candidates(text, segs, fake_outputs(model, segs))
    assert lengths and max(lengths) < len(text) // 10


def test_text_index_answers_what_the_line_scans_answered() -> None:
    rng = random.Random(7)
    text = base_text().replace("Share this article\n", "") + "Mr. Smith said so. U.S. Army. Yes."
    index = ts.TextIndex(text)
    assert index.normed == ts._norm(text)
    for _ in range(400):
        start = rng.randrange(len(text) - 1)
        end = min(len(text), start + rng.randint(1, 80))
        assert ts.sentence_bounds(text, start, end, index) == ts.sentence_bounds(
            text, start, end
        )
        phrase = ts._norm(text[start:end])
        if phrase:
            assert index.occurrences(phrase, start, end) == index.normed.count(phrase)


def test_repetitions_are_counted_within_a_window_on_very_long_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "The regime lies. " + "Filler words here. " * 40 + "The regime lies."
    monkeypatch.setattr(ts.TextIndex, "REPEAT_WINDOW", 100)
    index = ts.TextIndex(text)
    assert index.occurrences("the regime lies.", 0, 16) == 1  # the copy is out of reach
    assert index.occurrences("filler words here.", 400, 418) > 1


def test_span_index_answers_what_a_scan_answers() -> None:
    from spinscope.analyzers.base import SpanIndex

    rng = random.Random(3)
    for _ in range(200):
        items = []
        for _ in range(rng.randint(0, 12)):
            a = rng.randint(0, 50)
            items.append((a, a + rng.randint(1, 10)))
        index = SpanIndex(items, lambda x: x)
        for _ in range(30):
            p = rng.randint(-2, 62)
            q = p + rng.randint(1, 12)
            assert index.containing(p) == next((x for x in items if x[0] <= p < x[1]), None)
            assert index.covers(p, q) == any(a <= p and q <= b for a, b in items)
            assert index.overlapping(p, q) == [x for x in items if x[0] < q and p < x[1]]
            assert index.starting_in(p, q) == [x for x in items if p <= x[0] < q]
