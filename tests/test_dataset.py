"""The contract as table rows and Parquet shards: lossless, and a shard is all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from spinscope.dataset import parquet as P
from spinscope.dataset.rows import SPAN_COLUMNS, flatten, unflatten
from spinscope.document import Document, DocumentMeta, Relation

TEXT = "Kiev regime «шелling» Belgorod again, officials said.\nContact: x@y.z"


def _contract(doc_id: str = "a1", text: str = TEXT) -> dict:
    doc = Document(
        id=doc_id,
        source=f"/in/{doc_id}.txt",
        text=text,
        meta=DocumentMeta(title="T", outlet="o", language="en", language_confidence=0.98,
                          warnings=["replaced 1 undecodable byte"],
                          summary={"toponyms": {"convention": "russian"}}),
    )  # fmt: skip
    doc.add_span("boilerplate", text.index("Contact"), len(text), "contact")
    doc.add_span("techniques", 0, 11, "Name_Calling-Labeling", 0.36363, taxonomy="semeval2023")
    source = {"kind": "vague", "source": "officials", "start": 38, "end": 47}
    doc.add_span("claims", 0, 36, "claim", 0.77, attribution=source)
    doc.add_span("entities", 0, 4, "PLACE", canonical="Kyiv", lat=50.45, lon=30.52)
    doc.start_layer("events")  # computed, nothing found
    doc.add_span("thirdparty", 12, 21, "odd", 0.5, note=None)
    doc.relations.append(Relation(label="about", head=("claims", 0), tail=("entities", 0)))
    return doc.to_dict()


def _same(a: dict, b: dict) -> None:
    assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def test_flatten_then_unflatten_is_the_same_contract() -> None:
    data = _contract()
    row, tables = flatten(data)
    assert row["layers"] == [
        "boilerplate", "techniques", "claims", "entities", "events", "thirdparty",
    ]  # fmt: skip
    assert "events" not in tables or tables["events"] == []
    claim = tables["claims"][0]
    assert claim["label"] is None and claim["score"] == 0.77
    assert json.loads(claim["attrs"])["attribution"]["kind"] == "vague"
    assert set(claim) == set(SPAN_COLUMNS)
    _same(unflatten(row, tables), data)


def test_a_layer_not_computed_stays_absent() -> None:
    data = _contract()
    del data["events"]
    row, tables = flatten(data)
    assert "events" not in unflatten(row, tables)


def test_shards_round_trip_through_parquet(tmp_path: Path) -> None:
    a, b = _contract("a1"), _contract("a1", TEXT.replace("again", "anew"))  # same id twice
    assert P.write_shard(tmp_path, "s0", [a]) == 1
    assert P.write_shard(tmp_path, "s1", [b]) == 1
    assert P.done_shards(tmp_path) == {"s0", "s1"}
    back = list(P.read_dataset(tmp_path))
    _same(back[0], a)
    _same(back[1], b)
    # Readers query it directly; the shard folder becomes a column.
    con = duckdb.connect()
    n = con.execute(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/techniques/*/*.parquet')"
    ).fetchone()[0]
    assert n == 2
    keys = con.execute(
        f"SELECT key, shard FROM read_parquet('{tmp_path}/documents/*/*.parquet') ORDER BY key"
    ).fetchall()
    assert keys == [("s0:0", "s0"), ("s1:0", "s1")]


def test_rewriting_a_shard_replaces_it_and_unfinished_shards_are_not_read(tmp_path: Path) -> None:
    P.write_shard(tmp_path, "s0", [_contract("a1"), _contract("a2")])
    P.write_shard(tmp_path, "s0", [_contract("a3")])
    assert [d["document"]["id"] for d in P.read_dataset(tmp_path)] == ["a3"]
    (tmp_path / P.DONE / "s0").unlink()  # as if the writer died before marking it done
    assert list(P.read_dataset(tmp_path)) == []


def test_bad_shard_names_and_non_datasets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(P.DatasetError, match="bad shard name"):
        P.write_shard(tmp_path, "../escape", [_contract()])
    with pytest.raises(P.DatasetError, match="not a spinscope dataset"):
        list(P.read_dataset(tmp_path / "nothing"))
