"""The shared spaCy parse runs ahead in a background thread, beside the techniques encoder;
what the layers find must not depend on it, and no document is parsed twice."""

from __future__ import annotations

import threading

import pytest

from spinscope.config import Settings
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.models import parse as P
from spinscope.models import spacy_ner, spacy_nlp
from spinscope.pipeline import Pipeline
from spinscope.render import to_jsonl

TEXTS = [
    "Kyiv, 3 March\n\nRussian forces shelled Kharkiv on Monday, killing four civilians, the "
    "regional governor Oleh Syniehubov said. The Kiev regime denies everything.",
    "Theresa May met Jean-Claude Juncker in Brussels. Mrs May said the deal was good, "
    "although senior Conservatives said nothing has changed. The vote is in May.",
    "Protesters marched through Belgrade on Saturday. Police fired tear gas at the crowd, "
    "according to witnesses quoted by Reuters.",
]
LAYERS = ["boilerplate", "techniques", "claims", "entities", "events"]


def _analyze(tag: str) -> list[str]:
    docs = [Document(id=f"{tag}-{i}", source=f"{i}.txt", text=t) for i, t in enumerate(TEXTS)]
    Pipeline(Settings(layers=LAYERS)).run_many(docs)
    out = []
    for doc in docs:
        doc.id = str(TEXTS.index(doc.text))  # the id is the only thing that differs
        out.append(to_jsonl(doc.to_dict()))
    return out


def test_results_are_the_same_with_the_parse_ahead_or_without(monkeypatch) -> None:
    started = []
    real = P.parse_ahead
    monkeypatch.setattr(P, "parse_ahead", lambda *a, **k: started.append(1) or real(*a, **k))
    ahead = _analyze("ahead")
    assert started == [1]  # once per batch, before the techniques layer
    monkeypatch.setattr(Pipeline, "_parse_ahead_before", lambda self, i: False)
    assert _analyze("inline") == ahead


def test_a_document_being_parsed_ahead_is_waited_for_not_parsed_again(monkeypatch) -> None:
    calls: list[int] = []
    gate = threading.Event()
    real = P._parse_texts

    def slow(texts, batch_size):
        calls.append(len(texts))
        gate.wait(10)  # the background parse is still running when parse_many asks
        return real(texts, batch_size)

    monkeypatch.setattr(P, "_parse_texts", slow)
    docs = [Document(id=f"wait-{i}", source="x", text=t) for i, t in enumerate(TEXTS)]
    thread = P.parse_ahead(docs)
    assert thread is not None
    threading.Timer(0.2, gate.set).start()
    parsed = P.parse_many(docs)
    thread.join()
    assert calls == [3]  # one parse, in the background
    assert [p.text for p in parsed] == TEXTS


def test_a_text_too_long_to_parse_fails_in_the_callers_parse(monkeypatch) -> None:
    monkeypatch.setattr(P.spacy_nlp(), "max_length", 50)
    doc = Document(id="long", source="long.txt", text="word " * 20)
    assert P.parse_ahead([doc]) is None  # not started: the caller's parse names the file
    with pytest.raises(InputError, match="too long to parse"):
        P.parse_many([doc])


def test_every_layer_reads_the_medium_models_entities() -> None:
    # the small model reads "Christine Blasey Ford" and "Trump" as ORGs; claims, events and
    # attribution read the shared parse, so they get the medium model's people
    text = ("Collins said she believed Christine Blasey Ford's claims were not enough. "
            "Kavanaugh is a good fit for Trump's biases.")  # fmt: skip
    medium = [(e.start_char, e.end_char, e.label_) for e in spacy_ner()(text).ents]
    (parsed,) = P.parse_many([Document(id="ents", source="x", text=text)])
    assert [(e.start_char, e.end_char, e.label_) for e in parsed.ents] == medium
    assert ("Trump", "PERSON") in {(e.text, e.label_) for e in P.parse_text(text).ents}
    assert "ner" in spacy_nlp().pipe_names  # the small model keeps its NER for other users
