"""People and organisations come from the medium English model's NER, set on the shared
parse, so the claims, events and attribution rules read the same entities as the layer."""

from __future__ import annotations

import warnings

from spinscope.analyzers.entities import EntitiesAnalyzer
from spinscope.document import Document
from spinscope.models import spacy_ner
from spinscope.models.parse import parse

#: From one of the 24 PTC paragraphs of research/entities/ner-dev-ptc.jsonl: the small model
#: calls "Christine Blasey Ford" an ORG and "Trump" (in "Trump's biases") an ORG.
TEXT = (
    "Collins said that Judge Brett Kavanaugh was not guilty because she believed Christine "
    "Blasey Ford's unsubstantiated claims were not enough. Kavanaugh is a good fit for "
    "Trump's biases. Ford testified on Thursday."
)


def entities(text: str) -> tuple[Document, list[tuple[str, str, str]]]:
    doc = Document(id="t", source="t", text=text)
    doc.start_layer("boilerplate")
    EntitiesAnalyzer()(doc)
    found = [(doc.span_text(s), s.label, s.attrs.get("canonical") or "")
             for s in doc.layer("entities")]  # fmt: skip
    return doc, found


def test_people_the_small_model_calls_organisations_are_people() -> None:
    _, found = entities(TEXT)
    people = {text for text, label, _ in found if label == "PERSON"}
    orgs = {text for text, label, _ in found if label == "ORG"}
    assert {"Christine Blasey Ford", "Trump"} <= people
    assert not orgs & {"Christine Blasey Ford", "Trump"}


def test_a_surname_takes_the_full_name_with_the_medium_model_too() -> None:
    _, found = entities(TEXT)
    canon = {(text, c) for text, label, c in found if label == "PERSON"}
    assert ("Ford", "Christine Blasey Ford") in canon
    assert ("Kavanaugh", "Brett Kavanaugh") in canon


def test_the_shared_parse_carries_the_medium_models_entities() -> None:
    doc, _ = entities(TEXT)
    shared = {(e.text, e.label_) for e in parse(doc).ents}
    assert ("Trump", "PERSON") in shared  # what claims, events and attribution read
    assert ("Trump", "ORG") not in shared  # the small model's reading is not run
    assert [t.ent_type_ for t in parse(doc) if t.text == "Trump"] == ["PERSON"]  # token level too


def test_loading_the_medium_ner_warns_nothing() -> None:
    spacy_ner.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nlp = spacy_ner()
    assert nlp.pipe_names == ["ner"]  # the rest of the pipeline is neither loaded nor run
    assert [str(w.message)[:60] for w in caught] == []


def test_a_person_named_like_a_month_stays_one_person() -> None:
    # the medium model alone reads "Theresa" PERSON + "May's" DATE, and "Mrs May" a DATE
    _, found = entities("British Prime Minister Theresa May’s deal failed. Mrs May left in May.")
    assert ("Theresa May", "PERSON", "Theresa May") in found
    assert ("Mrs May", "PERSON", "Mrs May") in found
    assert ("May", "DATE", "") in found  # the month is still a date


def test_a_named_massacre_is_one_event_when_the_medium_model_calls_its_name_a_nationality() -> None:
    # the Belgorod example: en_core_web_md reads NORP "Yolka" and leaves "Massacre" out
    _, found = entities("Belgorod has been the target of intense Ukrainian bombardment, such as "
                        "the tragic Yolka Massacre on December 30, 2023.")  # fmt: skip
    assert ("Yolka Massacre", "EVENT", "Yolka Massacre") in found
    assert not [f for f in found if f[0] == "Yolka"]


def test_theresa_may_is_one_person_where_the_medium_model_stops_at_theresa() -> None:
    _, found = entities("Sputnik: Does Theresa May have any chance of getting the deal through?")
    assert ("Theresa May", "PERSON", "Theresa May") in found
    _, found = entities("The court heard John Smith May 5, 2019.")  # a date after a name
    assert not [f for f in found if f[0].endswith("Smith May")]
