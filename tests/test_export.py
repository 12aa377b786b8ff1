"""``spinscope export`` and the export endpoints: every matching row, streamed, no cap.

The store is filled by the real ``ingest`` (fixture corpus) plus hand-built documents that
carry every layer, relations, a summary and a third-party layer.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinscope.config import load_settings
from spinscope.dataset import export as E
from spinscope.dataset.parquet import read_dataset
from spinscope.dataset.rows import DOCUMENT_COLUMNS, SPAN_COLUMNS, flatten
from spinscope.document import Document
from spinscope.store import Query, Store
from spinscope.web import create_app
from tests.e2e.corpus import DATA, hand_doc
from tests.test_dataset import _contract

EVIL = '=HYPERLINK("http://attacker.example")'


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store: the fixture corpus ingested for real, hand-built documents with every layer."""
    from typer.testing import CliRunner

    from spinscope.cli import _attach
    from spinscope.cli.app import app

    _attach()
    path = tmp_path_factory.mktemp("export") / "x.duckdb"
    done = CliRunner().invoke(
        app, ["ingest", str(DATA), "--db", str(path), "--layers", "boilerplate", "-q"]
    )
    assert done.exit_code == 0, done.output
    extra = _contract("third")
    extra["document"]["title"] = EVIL
    with Store(path) as store:
        store.save_many([
            hand_doc(1, outlet="a.example"), hand_doc(2, published="2031-03-01"),
            hand_doc(3, technique="Doubt"), Document.from_dict(extra),
        ])  # fmt: skip
    return path


def _stored(db: Path) -> dict[str, dict]:
    with Store(db, read_only=True) as store:
        keys = [r["key"] for r in store._rows("SELECT key FROM documents")]
        return {k: store.get(k) for k in keys}


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_a_parquet_export_reads_back_as_the_stored_contracts_byte_for_byte(
    invoke, db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    analyzed = invoke("analyze", str(DATA), "--layers", "boilerplate", "--format", "jsonl")
    assert analyzed.exit_code == 0
    by_source = {
        json.loads(line)["document"]["source"]: line
        for line in analyzed.stdout.splitlines()
        if line.strip()
    }
    out = tmp_path / "ds"
    done = invoke("export", "--db", str(db), "--format", "parquet", "--out", str(out))
    assert done.exit_code == 0, done.output
    stored = _stored(db)
    back = list(read_dataset(out))
    assert len(back) == len(stored) == 11
    assert sorted(_dumps(d) for d in back) == sorted(_dumps(d) for d in stored.values())
    # The ingested analyses are exactly what 'analyze' writes for the same files.
    for data in back:
        if data["document"]["source"] in by_source:
            assert (
                json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                == by_source[data["document"]["source"]]
            )
    assert sum(d["document"]["source"] in by_source for d in back) == len(by_source) == 7
    # The dataset keys are the store keys: an export can be merged back without clashes.
    import duckdb

    keys = duckdb.sql(
        f"SELECT key FROM read_parquet('{out}/documents/*/*.parquet') ORDER BY key"
    ).fetchall()
    assert [k for (k,) in keys] == sorted(stored)


def test_a_parquet_export_of_one_layer_holds_the_documents_and_that_layer(
    invoke, db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "claims"
    done = invoke(
        "export", "--db", str(db), "--format", "parquet", "--what", "claims", "--out", str(out)
    )
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == ["_done", "claims", "documents"]
    back = {d["document"]["id"]: d for d in read_dataset(out)}
    assert back["hand-1"]["claims"] == hand_doc(1).to_dict()["claims"]
    assert "techniques" not in back["hand-1"] and "relations" not in back["third"]
    claims = sum(len(d.get("claims", [])) for d in _stored(db).values())
    assert claims == sum(len(d.get("claims", [])) for d in back.values()) > 0
    assert f"exported 11 articles ({claims} claims) in 1 shard" in done.output


@pytest.mark.parametrize("what", ["documents", "techniques", "claims", "entities", "events"])
def test_csv_and_jsonl_rows_are_the_dataset_rows_of_every_match(
    invoke, db: Path, what: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(E, "PAGE", 2)  # several pages: nothing lost or repeated between them
    expected = []
    for key, data in _stored(db).items():
        row, tables = flatten(data, key)
        expected += [row] if what == "documents" else tables.get(what, [])
    assert expected
    cols = DOCUMENT_COLUMNS if what == "documents" else SPAN_COLUMNS
    lines = invoke("export", "--db", str(db), "--what", what, "--format", "jsonl").stdout
    got = [json.loads(line) for line in lines.splitlines()]
    assert all(list(g) == list(cols) for g in got)
    assert sorted(_dumps(g) for g in got) == sorted(
        _dumps({c: r[c] for c in cols}) for r in expected
    )
    rows = _csv(invoke("export", "--db", str(db), "--what", what, "--format", "csv").stdout)
    assert len(rows) == len(expected)
    assert {(r["key"], r.get("index", "")) for r in rows} == {
        (r["key"], str(r["index"]) if what != "documents" else "") for r in expected
    }


def test_filters_select_what_the_articles_page_shows(invoke, db: Path) -> None:  # type: ignore[no-untyped-def]
    with Store(db, read_only=True) as store:
        total = store.search(Query(q="Lysohirka", technique="Doubt")).total
        outlet = store.search(Query(outlet="a.example")).total
    assert total == 1 and outlet == 1
    done = invoke(
        "export", "--db", str(db), "--query", "Lysohirka", "--technique", "doubt",
        "--what", "techniques", "--format", "csv",
    )  # fmt: skip
    rows = _csv(done.stdout)
    assert {r["doc_id"] for r in rows} == {"hand-3"}
    assert {r["label"] for r in rows} == {"Doubt", "Smears"}
    rows = _csv(invoke("export", "--db", str(db), "--outlet", "a.example").stdout)
    assert [r["doc_id"] for r in rows] == ["hand-1"]
    month = ["--date-from", "2031-03-01", "--date-to", "2031-03-01"]
    rows = _csv(invoke("export", "--db", str(db), *month).stdout)
    assert [r["doc_id"] for r in rows] == ["hand-2"]
    nothing = invoke("export", "--db", str(db), "--query", "nosuchwordanywhere")
    assert nothing.exit_code == 0 and nothing.stdout.splitlines() == [",".join(DOCUMENT_COLUMNS)]


def test_csv_cells_never_start_a_formula(invoke, db: Path) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(invoke("export", "--db", str(db), "--format", "csv").stdout)
    title = next(r["title"] for r in rows if r["doc_id"] == "third")
    assert title == "'" + EVIL
    assert json.loads(next(r["layers"] for r in rows if r["doc_id"] == "third"))[-1] == "thirdparty"


def test_export_streams_one_page_at_a_time(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(E, "PAGE", 3)
    with Store(db, read_only=True) as store:
        reads: list[int] = []
        real = store.get_many
        monkeypatch.setattr(store, "get_many", lambda keys: reads.append(len(keys)) or real(keys))
        chunks = E.chunks("csv", "documents", E.matching(store, Query()))
        next(chunks), next(chunks)  # the header, then the first document's row
        assert reads == [3]  # one page read, in one query
        assert len(list(chunks)) == 10
        assert reads == [3, 3, 3, 2]


def test_export_of_a_search_builds_no_snippets(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export reads only the keys of each page: the hits and keyword-in-context snippets
    a results page shows would be computed for every exported document and thrown away."""
    from spinscope.store import textindex

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an export built a results page's snippets")

    monkeypatch.setattr(textindex, "hits", refuse)
    monkeypatch.setattr(textindex, "snippets", refuse)
    with Store(db, read_only=True) as store:
        sent = [key for key, _ in E.matching(store, Query(q="Lysohirka"))]
        assert len(sent) == store.page_keys(Query(q="Lysohirka", per_page=200))[0] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--technique", "Nonexistent"], "technique: unknown technique 'Nonexistent'; use one of"),
        (["--language", "english"], "language: 'english' is not a language code"),
        (["--date-from", "2024-13"], "date_from: '2024-13' is not a date like"),
        (["--source-kind", "anonymous"], "unknown source_kind 'anonymous'; use one of named"),
        (["--format", "xlsx"], "format: unknown format 'xlsx'; use one of csv, jsonl, parquet"),
        (["--what", "tweets"], "what: unknown table 'tweets'; use one of documents, boilerplate"),
        (["--format", "parquet"], "--format parquet writes a folder of files: give it with --out"),
    ],
)
def test_bad_values_get_one_line_and_exit_2(invoke, db: Path, args, message) -> None:  # type: ignore[no-untyped-def]
    done = invoke("export", "--db", str(db), *args)
    assert done.exit_code == 2
    assert done.stdout == ""
    assert message in done.output and "Traceback" not in done.output


def test_the_cli_and_the_api_refuse_a_bad_filter_with_the_same_message(invoke, db: Path) -> None:  # type: ignore[no-untyped-def]
    cli = invoke("export", "--db", str(db), "--technique", "Nonexistent").output
    with Store(db) as store:
        client = TestClient(create_app(load_settings(layers=["boilerplate"]), store))
        api = client.get("/api/v1/export?technique=Nonexistent")
    assert api.status_code == 400
    assert cli.strip() == f"spinscope: error: {api.json()['error']}"


def test_a_missing_database_is_named_and_not_created(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nope.duckdb"
    done = invoke("export", "--db", str(missing))
    assert done.exit_code == 2
    assert f"database {missing} does not exist" in done.output
    assert not missing.exists()


def test_an_existing_out_is_kept_unless_forced(invoke, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.csv"
    out.write_text("precious", encoding="utf-8")
    done = invoke("export", "--db", str(db), "--out", str(out))
    assert done.exit_code == 2 and "exists; give --force" in done.output
    assert out.read_text(encoding="utf-8") == "precious"
    done = invoke("export", "--db", str(db), "--out", str(out), "--force")
    assert done.exit_code == 0 and "exported 11 articles" in done.output
    assert len(_csv(out.read_text(encoding="utf-8"))) == 11
    assert not out.with_name("x.csv.part").exists()
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    args = ["export", "--db", str(db), "--format", "parquet", "--out", str(folder), "--force"]
    done = invoke(*args)
    assert done.exit_code == 2 and "not a spinscope dataset" in done.output
    assert (folder / "notes.txt").exists()
    ds = tmp_path / "ds"
    assert invoke(*args[:-2], str(ds)).exit_code == 0
    assert invoke(*args[:-2], str(ds)).exit_code == 2  # exists
    assert invoke(*args[:-2], str(ds), "--force").exit_code == 0
    assert len(list(read_dataset(ds))) == 11


@pytest.fixture(scope="module")
def client(db: Path):  # type: ignore[no-untyped-def]
    store = Store(db)
    yield TestClient(create_app(load_settings(layers=["boilerplate"], db=db), store))
    store.close()


def test_the_api_streams_every_match_as_an_attachment(client: TestClient) -> None:
    total = client.get("/api/v1/search?q=Lysohirka").json()["total"]
    answer = client.get("/api/v1/export?q=Lysohirka&what=techniques&format=csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert (
        answer.headers["content-disposition"] == 'attachment; filename="spinscope-techniques.csv"'
    )
    rows = _csv(answer.text)
    assert len({r["key"] for r in rows}) == total == 3
    assert len(rows) == 6
    docs = client.get("/api/v1/export?format=jsonl")
    assert docs.headers["content-type"].startswith("application/x-ndjson")
    assert len(docs.text.splitlines()) == client.get("/api/v1/search").json()["total"] == 11


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/export?technique=Nonexistent", "technique: unknown technique"),
        ("/api/v1/export?page=2", "page: an export has no pages"),
        ("/api/v1/export?format=parquet", "format: parquet is a folder of files"),
        ("/api/v1/export?format=xml", "format: unknown format 'xml'; use one of csv, jsonl"),
        ("/api/v1/export?what=x", "what: unknown table 'x'"),
        ("/api/v1/export?what=claims&what=events", "what: given 2 times"),
        ("/api/v1/export?colour=red", "unknown parameter 'colour'"),
    ],
)
def test_bad_export_parameters_get_400_json(client: TestClient, url: str, message: str) -> None:
    answer = client.get(url)
    assert answer.status_code == 400
    body = answer.json()
    assert body["ok"] is False and body["status"] == 400 and message in body["error"]


def test_the_articles_page_offers_an_export_of_its_query(client: TestClient) -> None:
    import re

    page = client.get("/?q=Lysohirka&outlet=a.example").text
    form = re.search(r'<form class="export"[^>]*action="/export".*?</form>', page, re.S)
    assert form, "no export form on the articles page"
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
    assert hidden["q"] == "Lysohirka" and hidden["outlet"] == "a.example"
    answer = client.get("/export", params={**hidden, "format": "csv", "what": "documents"})
    assert answer.status_code == 200
    assert [r["doc_id"] for r in _csv(answer.text)] == ["hand-1"]
    bad = client.get("/export?technique=Nonexistent")
    assert bad.status_code == 400 and "unknown technique" in bad.text
