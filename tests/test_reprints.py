"""Reprint clusters: articles derived by editing cluster; same-topic articles do not."""

from __future__ import annotations

import pytest

from spinscope.config import load_settings
from spinscope.document import Document
from spinscope.pipeline import load_pipeline
from spinscope.store import Store
from spinscope.store import corpus as C
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
    members = clusters[0]
    # Origin first (earliest published), then the others by date.
    assert _ids(members) == ["origin", "partial", "reordered", "edited"]
    assert [m["is_origin"] for m in members] == [True, False, False, False]
    assert all(m["similarity"] >= R.THRESHOLD for m in members)


def test_unrelated_articles_on_the_same_topic_do_not_cluster(clustered: Store) -> None:
    in_clusters = {m["doc_id"] for c in clustered.clusters() for m in c}
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


def test_undated_members_never_become_the_origin() -> None:
    doc = Document(id="a", source="a", text="one two three four five six seven eight nine ten")
    sig = R.signature(doc)
    assert sig is not None
    clusters = R.cluster({"b": sig, "a": sig}, {"a": None, "b": "2030-01-01"})
    assert [(m.key, m.is_origin) for m in clusters[0]] == [("b", True), ("a", False)]


def test_a_new_article_relinks_clusters_only_when_it_is_a_reprint(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.corpus import hand_doc

    with Store(tmp_path / "l.duckdb") as store:
        first = store.save(hand_doc(1, outlet="one.example"))
        assert store.relink(first) is False and store.clusters() == []
        copy = store.save(hand_doc(1, outlet="two.example"))
        assert store.relink(copy) is True
        assert [m["outlet"] for m in store.clusters()[0]] == ["one.example", "two.example"]
        unrelated = hand_doc(2, outlet="three.example")
        unrelated.text = "An unrelated invented text about the harbour and its ferries.\n"
        unrelated.spans = {}
        assert store.relink(store.save(unrelated)) is False
        assert store.delete(copy) and store.relink(first) is True
        assert store.clusters() == []
