"""Reprint clusters: articles derived by editing cluster; same-topic articles do not."""

from __future__ import annotations

import pytest

from spinscope import ingest_run as C
from spinscope.config import load_settings
from spinscope.document import Document
from spinscope.pipeline import load_pipeline
from spinscope.store import Store
from spinscope.store import reprints as R
from tests.e2e.corpus import DATA


@pytest.fixture(scope="module")
def clustered(tmp_path_factory: pytest.TempPathFactory) -> Store:
    settings = load_settings(layers=["boilerplate"])
    store = Store(tmp_path_factory.mktemp("reprints") / "r.duckdb")
    report = C.ingest(
        C.plan([str(DATA / "reprints.jsonl")], settings), settings, store,
        load_pipeline(settings),
    )  # fmt: skip
    assert report.analyzed == 6
    return store


def _ids(members: list[dict]) -> list[str]:
    return [m["doc_id"] for m in members]


def test_edited_copies_cluster_and_the_earliest_is_the_origin(clustered: Store) -> None:
    clusters = clustered.clusters()
    assert len(clusters) == 1
    members = clusters[0]["members"]
    # Origin first (earliest published), then the others by date.
    assert _ids(members) == ["origin", "partial", "reordered", "edited"]
    assert [m["is_origin"] for m in members] == [True, False, False, False]
    assert clusters[0]["origin"] == members[0]["key"] and clusters[0]["origin_unknown"] is None
    assert all(m["similarity"] >= R.THRESHOLD for m in members)


def test_unrelated_articles_on_the_same_topic_do_not_cluster(clustered: Store) -> None:
    in_clusters = {m["doc_id"] for c in clustered.clusters() for m in c["members"]}
    assert not in_clusters & {"same-topic-1", "same-topic-2"}


def test_also_published_as_lists_the_other_members(clustered: Store) -> None:
    key = clustered._rows("SELECT key FROM documents WHERE doc_id = 'reordered'")[0]["key"]
    also = clustered.also_published(key)
    assert sorted(a["outlet"] for a in also) == [
        "elsby-courier.example", "north-wire.example", "river-news.example"
    ]  # fmt: skip
    assert [a["is_origin"] for a in also].count(True) == 1


def test_normalised_body_ignores_title_boilerplate_case_and_punctuation() -> None:
    text = "A Title\nThe Levee BROKE, on Tuesday!\nFollow us on Telegram\n"
    doc = Document(id="x", source="x", text=text)
    doc.meta.title = "A Title"
    doc.add_span("boilerplate", text.index("Follow"), len(text) - 1, "follow")
    assert R.normalised_body(doc) == "the levee broke on tuesday"


def _sig() -> bytes:
    doc = Document(id="a", source="a", text="one two three four five six seven eight nine ten")
    sig = R.signature(doc)
    assert sig is not None
    return sig


@pytest.mark.parametrize(
    ("published", "reason"),
    [
        ({"a": None, "b": "2030-01-01"}, "1 of 2 members have no publication date"),
        ({"a": None, "b": None}, "no member has a publication date"),
        ({"a": "2030-01-01", "b": "2030-01-01"}, "2 members share the earliest publication"),
    ],
)
def test_the_origin_is_unknown_when_dates_cannot_tell(published: dict, reason: str) -> None:
    sig = _sig()
    (cluster,) = R.cluster({"b": sig, "a": sig}, published)
    assert cluster.origin_unknown is not None and reason in cluster.origin_unknown
    assert not any(m.is_origin for m in cluster.members)
    assert [m.similarity for m in cluster.members] == [1.0, 1.0]  # to the closest copy


def test_the_only_earliest_member_of_a_fully_dated_cluster_is_the_origin() -> None:
    sig = _sig()
    (cluster,) = R.cluster({"b": sig, "a": sig}, {"a": "2030-01-02", "b": "2030-01-01"})
    assert cluster.origin_unknown is None
    assert [(m.key, m.is_origin) for m in cluster.members] == [("b", True), ("a", False)]


def test_a_new_article_relinks_clusters_only_when_it_is_a_reprint(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.corpus import hand_doc

    with Store(tmp_path / "l.duckdb") as store:
        first = store.save(hand_doc(1, outlet="one.example"))
        assert store.relink(first) is False and store.clusters() == []
        copy = store.save(hand_doc(1, outlet="two.example"))
        assert store.relink(copy) is True
        members = store.clusters()[0]["members"]
        assert [m["outlet"] for m in members] == ["one.example", "two.example"]
        unrelated = hand_doc(2, outlet="three.example")
        unrelated.text = "An unrelated invented text about the harbour and its ferries.\n"
        unrelated.spans = {}
        assert store.relink(store.save(unrelated)) is False
        assert store.delete(copy) and store.relink(first) is True
        assert store.clusters() == []


def test_an_undated_partial_copy_is_never_shown_as_the_origin(tmp_path, invoke) -> None:  # type: ignore[no-untyped-def]
    """The case of the issue: a partial copy without a date was the presumed origin. The
    store, ``spinscope reprints`` (text and JSON), the API and both pages say "unknown"."""
    import json

    from fastapi.testclient import TestClient

    from spinscope.web import create_app

    rows = [json.loads(x) for x in (DATA / "reprints.jsonl").read_text().splitlines()]
    for row in rows:
        if row["id"] == "partial":
            row.pop("published")
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    db = tmp_path / "u.duckdb"
    settings = load_settings(layers=["boilerplate"], db=db)
    with Store(db) as store:
        C.ingest(C.plan([str(tmp_path / "in.jsonl")], settings), settings, store,
                 load_pipeline(settings))  # fmt: skip
        (cluster,) = store.clusters()
        reason = "1 of 4 members have no publication date"
        assert cluster["origin"] == "unknown" and reason in cluster["origin_unknown"]
        assert not any(m["is_origin"] for m in cluster["members"])
        client = TestClient(create_app(settings, store, token="t"))
        (api,) = client.get("/api/v1/reprints").json()["clusters"]
        assert api["origin"] == "unknown" and reason in api["origin_unknown"]
        page = client.get("/reprints").text
        assert "Origin: <strong>unknown</strong>" in page and reason in page
        key = next(m["key"] for m in cluster["members"] if m["doc_id"] == "origin")
        article = client.get(f"/articles/{key}").text
        assert "presumed origin" not in article and reason in article
    text = invoke("reprints", "--db", str(db))
    assert text.exit_code == 0 and f"origin unknown: {reason}" in text.stdout
    assert "*" not in text.stdout
    (out,) = json.loads(invoke("reprints", "--db", str(db), "--json").stdout)
    assert out["origin"] == "unknown" and reason in out["origin_unknown"]


def test_an_old_database_gets_its_clusters_recomputed_under_the_origin_rule(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import duckdb

    from tests.e2e.corpus import hand_doc

    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.save(hand_doc(1, outlet="one.example"))
        store.save(hand_doc(1, outlet="two.example", published=None))
        store.recluster()
    con = duckdb.connect(str(db))  # as migration 6 left it, with a guessed origin
    con.execute("UPDATE reprints SET is_origin = (doc_key = (SELECT min(doc_key) FROM reprints))")
    con.execute("ALTER TABLE reprints DROP COLUMN origin_unknown")
    con.execute("DELETE FROM schema_migrations WHERE number = 7")
    con.close()
    with Store(db) as store:
        (cluster,) = store.clusters()
        assert cluster["origin"] == "unknown" and "no publication date" in cluster["origin_unknown"]
