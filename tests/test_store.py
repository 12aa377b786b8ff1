"""The corpus store: migrations, round trips, upserts, search, filters and statistics."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.store import Query, Store
from spinscope.store import stats as S
from spinscope.store.migrations import MIGRATIONS
from tests.e2e.corpus import hand_doc


@pytest.fixture()
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store(tmp_path / "t.duckdb") as s:
        yield s


def test_a_new_database_gets_every_migration_in_order(store: Store) -> None:
    rows = store._rows("SELECT number FROM schema_migrations ORDER BY applied_at, number")
    assert [r["number"] for r in rows] == [n for n, _, _ in MIGRATIONS]
    numbers = [n for n, _, _ in MIGRATIONS]
    assert numbers == sorted(numbers) == list(range(1, len(numbers) + 1))


def test_an_old_database_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    import duckdb

    from spinscope.store import migrations

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    full = migrations.MIGRATIONS
    try:
        migrations.MIGRATIONS = full[:1]  # a database made by an older spinscope
        migrations.migrate(con)
    finally:
        migrations.MIGRATIONS = full
    data = '{"schema": "spinscope/1", "document": {}, "techniques": [], "provenance": []}'
    con.execute(
        "INSERT INTO documents VALUES ('k', 'd', 's', NULL, 'h', 't', NULL, NULL, NULL, NULL, "
        "'en', NULL, 3, 'a b c', ?, '', now(), now())",
        [data],
    )
    con.close()
    with Store(path) as store:
        assert store.count() == 1
        # Migration 5 filled the new column from the stored JSON.
        assert store._rows("SELECT layers FROM documents")[0]["layers"] == ["techniques"]
        # Migration 6: the stored version is the current one since the article was first seen.
        times = store.summary("k")
        assert times["revised_at"] == times["ingested_at"] and times["revisions"] == 0
        done = store._rows("SELECT number FROM schema_migrations")
        assert sorted(r["number"] for r in done) == [n for n, _, _ in full]
    with Store(path) as again:  # reopening applies nothing twice
        assert again.count() == 1


def test_a_stored_document_comes_back_as_the_same_contract(store: Store) -> None:
    doc = hand_doc(1)
    key = store.save(doc)
    data = store.get(key)
    assert data == doc.to_dict()
    assert Document.from_dict(data).to_dict() == doc.to_dict()


def test_analyzer_versions_are_recorded_with_each_result(store: Store) -> None:
    key = store.save(hand_doc(1))
    assert store.summary(key)["analyzers"] == "boilerplate@1.0,handmade@0.1"
    rows = store._rows("SELECT analyzer, version, model FROM provenance ORDER BY 1")
    assert [(r["analyzer"], r["version"]) for r in rows] == [
        ("boilerplate", "1.0"), ("handmade", "0.1")
    ]


def test_reingesting_the_same_text_or_url_updates_instead_of_duplicating(store: Store) -> None:
    first = store.save(hand_doc(1))
    again = hand_doc(1)
    again.meta.title = "A new title"
    assert store.save(again) == first
    assert store.count() == 1
    assert store.get(first)["document"]["title"] == "A new title"
    # Same URL, changed text: still the same article.
    a = hand_doc(2, url="https://example.org/a")
    b = hand_doc(3, url="https://example.org/a")
    assert store.save(a) == store.save(b)
    assert store.count() == 2
    spans = store._rows("SELECT count(*) AS n FROM spans WHERE doc_key = ?", [first])
    assert spans[0]["n"] == sum(len(v) for v in hand_doc(1).spans.values())


def test_an_edited_article_is_updated_and_its_old_version_kept_with_its_times(
    store: Store,
) -> None:
    url = "https://example.org/story"
    first, edited = hand_doc(1, url=url), hand_doc(2, url=url)
    key = store.save(first)
    versions = "boilerplate@1.0,handmade@0.1"
    assert store.existing(edited) == (key, versions, False)
    assert store.existing(first) == (key, versions, True)
    assert store.save(edited) == key and store.count() == 1
    assert store.get(key)["document"]["text"] == edited.text
    [old] = store.revisions(key)
    assert old["number"] == 1 and old["title"] == first.meta.title
    assert old["seen_at"] <= old["replaced_at"]
    assert store.revision(key, 1) == first.to_dict()  # the old text with its own analysis
    now = store.summary(key)
    assert now["revisions"] == 1 and now["revised_at"] == old["replaced_at"]
    assert now["ingested_at"] == old["seen_at"]  # first seen stays first seen
    store.save(edited)  # the same text again: re-analysis, not a revision
    assert len(store.revisions(key)) == 1
    store.save(first)  # edited back: the edit itself is kept too
    assert [r["number"] for r in store.revisions(key)] == [1, 2]
    assert store.revision(key, 2)["document"]["text"] == edited.text
    assert store.revision(key, 3) is None
    assert store.search(Query()).rows[0]["n_revisions"] == 2
    assert store.delete(key) and store.revisions(key) == []


def test_the_same_text_without_a_url_keeps_the_stored_articles_url(store: Store) -> None:
    fetched = store.save(hand_doc(1, url="https://a.example/story"))
    pasted = hand_doc(1)  # the same article pasted, or a page whose URL is only a claim
    assert store.save(pasted) == fetched and store.count() == 1
    assert store.summary(fetched)["url"] == "https://a.example/story"
    assert store.get(fetched)["document"]["url"] == "https://a.example/story"


def test_the_same_text_from_another_outlet_is_kept_as_a_reprint(store: Store) -> None:
    store.save(hand_doc(1, outlet="one.example"))
    store.save(hand_doc(1, outlet="two.example"))
    assert store.count() == 2
    assert store.recluster() == 1


def test_batches_are_atomic(store: Store) -> None:
    good = hand_doc(1)
    broken = hand_doc(2)
    broken.id = None  # type: ignore[assignment]  # violates NOT NULL inside the transaction
    with pytest.raises(Exception):  # noqa: B017
        store.save_many([good, broken])
    assert store.count() == 0


def test_search_needs_every_word_and_ranks_and_matches_phrases(store: Store) -> None:
    for n in range(1, 4):
        store.save(hand_doc(n))
    assert store.search(Query(q="Lysohirka")).total == 3
    page = store.search(Query(q="report number 2"))
    assert page.total == 3  # words: report, number — every doc has them; "2" is too short
    assert store.search(Query(q='"report number 2)"')).total == 1
    assert store.search(Query(q="Lysohirka nonexistentword")).total == 0
    ranked = store.search(Query(q="petrenko"))
    assert ranked.rows[0]["relevance"] > 0


def test_filters_sorting_and_pages(store: Store) -> None:
    store.save(hand_doc(1, outlet="a.example", published="2031-01-05", source_kind="named"))
    store.save(hand_doc(2, outlet="b.example", published="2031-02-05", technique="Doubt"))
    store.save(hand_doc(3, outlet="b.example", published=None))
    assert store.search(Query(outlet="b.example")).total == 2
    assert store.search(Query(technique="Doubt")).total == 1
    assert store.search(Query(source_kind="vague")).total == 2
    assert store.search(Query(date_from="2031-02")).total == 1
    assert store.search(Query(date_from="2031-01-01", date_to="2031-01")).total == 1
    titles = [r["title"] for r in store.search(Query(sort="published", order="asc")).rows]
    assert titles[0].startswith("Invented report 1") and titles[-1].startswith("Invented report 3")
    page2 = store.search(Query(sort="title", order="asc", per_page=2, page=2))
    assert page2.total == 3 and [r["doc_id"] for r in page2.rows] == ["hand-3"]
    row = store.search(Query(outlet="a.example")).rows[0]
    assert (row["n_techniques"], row["n_claims"]) == (2, 2)
    facets = store.facets()
    assert facets["outlet"] == [("b.example", 2), ("a.example", 1)]
    assert ("Doubt", 1) in facets["technique"]


@pytest.mark.parametrize(
    ("bad", "parameter"),
    [(Query(sort="rowid; drop table documents"), "sort"), (Query(order="sideways"), "order"),
     (Query(page=0), "page"), (Query(date_from="last week"), "date_from"),
     # Past DuckDB's range: these reached the database and came back as 500s.
     (Query(page=922337203685477580), "page"), (Query(per_page=10**30), "per_page"),
     (Query(date_from="2024-13-45"), "date_from"), (Query(date_to="2024-02-30"), "date_to"),
     (Query(date_from="2024-13"), "date_from"), (Query(date_to="0000"), "date_to")],
)  # fmt: skip
def test_bad_queries_are_refused_with_a_message_naming_the_parameter(
    store: Store, bad: Query, parameter: str
) -> None:
    store.save(hand_doc(1))
    with pytest.raises(InputError) as refused:
        store.search(bad)
    assert refused.value.source == parameter


def test_quoted_phrases_match_percent_and_underscore_literally(store: Store) -> None:
    # Each phrase's words occur in every variant, so only the phrase match tells them apart.
    variants = ["a 48% rise", "a 48 rise", "a 480 rise", "48 _ 50", "48 x 50", r"c:\temp",
                r"c:\\temp", "c:/temp"]  # fmt: skip
    for n, words in enumerate(variants):
        doc = hand_doc(n)
        doc.id, doc.text = f"w{n}", doc.text.replace("Sunday", f"Sunday, {words}")
        doc.spans = {}
        store.save(doc)

    def found(q: str) -> list[str]:
        return sorted(r["doc_id"] for r in store.search(Query(q=q)).rows)

    assert found('"a 48%"') == ["w0"]
    assert found('"a 48"') == ["w0", "w1"]  # "480" is another word
    assert found('"48 _ 50"') == ["w3"]
    assert found(r'"c:\temp"') == ["w5"]


def test_delete_removes_everything_derived(store: Store) -> None:
    key = store.save(hand_doc(1))
    assert store.delete(key)
    assert not store.delete(key)
    for table in ("documents", "spans", "terms", "provenance", "signatures", "search_texts"):
        assert store._rows(f"SELECT count(*) AS n FROM {table}")[0]["n"] == 0


def test_dashboard_statistics(store: Store) -> None:
    store.save(hand_doc(1, outlet="a.example", source_kind="named"))
    store.save(hand_doc(2, outlet="b.example", published="2031-03-01"))
    # An article the techniques layer never ran on must not dilute the outlet's rate.
    plain = Document(id="plain", source="plain", text="Many words here. " * 200)
    plain.meta.outlet = "a.example"
    plain.start_layer("boilerplate")
    store.save(plain)
    cols, rows = S.techniques_per_outlet(store)
    per = {r[0]: r[cols.index("per_1000_words")] for r in rows}
    words = store._rows("SELECT words FROM documents WHERE doc_id = 'hand-1'")[0]["words"]
    assert per["a.example"] == round(1000 * 2 / words, 2)
    months = {r[0] for r in S.techniques_over_time(store)[1]}
    assert months == {"2031-02", "2031-03"}
    vague = {r[0]: r[3] for r in S.vague_share(store)[1]}
    assert vague == {"a.example": 0.0, "b.example": 50.0}
    assert S.top_sources(store)[1][0][:3] == ("Anna Petrenko", "named", 2)
    assert S.top_places(store)[1][0][:2] == ("Lysohirka", 2)
    assert S.top_events(store)[1][0][:2] == ("attack", 2)
    overview = S.overview(store)
    assert overview["articles"] == 3 and overview["findings"]["techniques"] == 4


def test_a_database_locked_by_another_process_is_refused_with_a_message(tmp_path: Path) -> None:
    import subprocess
    import sys

    from spinscope.errors import ConfigError

    path = tmp_path / "locked.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(path)!r}); "
         "print('ok', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(ConfigError, match="in use by another process"):
            Store(path)
    finally:
        holder.kill()
        holder.wait()


def test_top_sources_fold_case_and_leave_out_pronouns(store: Store) -> None:
    doc = hand_doc(1)
    text = doc.text
    for source in ("He", "they", "ANNA PETRENKO"):
        start = text.index("Governor")
        doc.add_span("claims", start, start + 8, "claim", 0.5,
                     attribution={"kind": "named", "source": source, "start": None, "end": None})
    store.save(doc)
    sources = {row[0].lower(): row[2] for row in S.top_sources(store)[1]}
    assert sources == {"anna petrenko": 2, "sources": 1}
