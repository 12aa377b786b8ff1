from __future__ import annotations

import pytest

from spinscope.document import SCHEMA, Document
from spinscope.errors import OffsetError


def make() -> Document:
    return Document(id="d1", source="d1.txt", text="Kiev said “no”.\nFollow us on X.\nEnd.")


def test_add_span_rejects_offsets_outside_the_text() -> None:
    doc = make()
    with pytest.raises(OffsetError):
        doc.add_span("techniques", 5, 500, "Loaded_Language")
    with pytest.raises(OffsetError):
        doc.add_span("techniques", 4, 4, "Loaded_Language")


def test_contract_round_trip_keeps_offsets_and_layer_keys() -> None:
    doc = make()
    doc.add_span("techniques", 10, 14, "Loaded_Language", 0.91234)
    doc.add_span("claims", 0, 15, "claim", 0.8, attribution={"kind": "none", "source": None})
    doc.add_span("entities", 0, 4, "PLACE", canonical="Kyiv", variant="Kiev", lat=50.45, lon=30.52)
    data = doc.to_dict()
    assert data["schema"] == SCHEMA
    tech = data["techniques"][0]
    assert tech == {"start": 10, "end": 14, "text": "“no”", "technique": "Loaded_Language",
                    "score": 0.9123}  # fmt: skip
    assert data["claims"][0]["checkworthiness"] == 0.8 and "label" not in data["claims"][0]
    assert data["entities"][0]["canonical"] == "Kyiv"
    back = Document.from_dict(data)
    assert back.to_dict() == data


def test_layers_not_computed_are_absent_and_empty_layers_present() -> None:
    doc = make()
    doc.start_layer("boilerplate")
    data = doc.to_dict()
    assert data["boilerplate"] == []
    assert "techniques" not in data and "events" not in data


def test_from_dict_rejects_text_that_does_not_match_offsets() -> None:
    data = make().to_dict()
    data["techniques"] = [{"start": 0, "end": 4, "text": "Kyiv", "technique": "x", "score": 1}]
    with pytest.raises(OffsetError):
        Document.from_dict(data)


def test_content_ranges_exclude_boilerplate() -> None:
    doc = make()
    start = doc.text.index("Follow")
    doc.add_span("boilerplate", start, start + len("Follow us on X."), "follow")
    ranges = doc.content_ranges()
    assert all(not doc.is_boilerplate(a, b) for a, b in ranges)
    assert "".join(doc.text[a:b] for a, b in ranges).replace("\n", "") == "Kiev said “no”.End."
