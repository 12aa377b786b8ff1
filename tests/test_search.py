"""Search as a researcher uses it: inflected Cyrillic and English, boolean queries, snippets,
the findings filters, a dashboard that honours them, rates with their n, attention over time."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinscope.config import load_settings
from spinscope.document import Document, DocumentMeta, Provenance
from spinscope.errors import ParameterError
from spinscope.store import Query, Store
from spinscope.store import stats as S
from spinscope.store import textindex as T
from spinscope.web import create_app
from tests.e2e.corpus import find, hand_doc

#: Invented articles (places real, events not): (id, outlet, published, language, text).
ARTICLES = [
    ("ru1", "a.example", "2031-01-05", "ru", "Жители Белгорода снова услышали взрывы. Губернатор "
     "сообщил о повреждениях."),
    ("ru2", "a.example", "2031-01-12", "ru", "В Белгороде открыли новый мост через реку."),
    ("ru3", "a.example", "2031-02-03", "ru", "Погода в Курске: снег и ветер до выходных."),
    ("uk1", "b.example", "2031-01-20", "uk", "Мешканці Харкова ремонтують школу після обстрілу. "
     "Мер Києва приїхав допомогти."),
    ("uk2", "b.example", "2031-02-14", "uk", "Харків готується до зими, кажуть у міській раді."),
    ("en1", "c.example", "2031-01-09", "en", "The levees broke near Port Elsby after heavy rain; "
     "officials said the flooding was the worst in a decade."),
    ("en2", "c.example", "2031-02-02", "en", "A levee north of Port Elsby was repaired. "
     "Officials praised the crews."),
    ("en3", "c.example", "2031-02-20", "en", "Port council news: the elsby port ferry resumes "
     "service on Friday <script>alert(1)</script> after the levee works."),
]  # fmt: skip


def doc_of(ident: str, outlet: str, published: str, language: str, text: str) -> Document:
    doc = Document(
        id=ident, source=f"{ident}.txt", text=text,
        meta=DocumentMeta(title=f"Report {ident}", outlet=outlet, published=published,
                          language=language),
    )  # fmt: skip
    doc.provenance = [Provenance(analyzer="handmade", version="0.1")]
    return doc


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = Store(tmp_path_factory.mktemp("search") / "s.duckdb")
    store.save_many([doc_of(*a) for a in ARTICLES])
    yield store
    store.close()


def ids(store: Store, q: str, **filters: object) -> list[str]:
    page = store.search(Query(q=q, per_page=200, **filters))  # type: ignore[arg-type]
    return sorted(r["doc_id"] for r in page.rows)


@pytest.mark.parametrize(
    ("q", "expected"),
    [("Белгород", ["ru1", "ru2"]),  # Белгорода, Белгороде
     ("белгорода", ["ru1", "ru2"]),
     ("Харків", ["uk1", "uk2"]),  # Харкова
     ("Київ", ["uk1"]),  # Києва
     ("levee", ["en1", "en2", "en3"]),  # levees
     ("flood", ["en1"])],  # flooding
)  # fmt: skip
def test_an_inflected_word_finds_its_other_forms(store: Store, q: str, expected: list[str]) -> None:
    assert ids(store, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [("levee AND officials", ["en1", "en2"]),
     ("levee officials", ["en1", "en2"]),  # AND is implied
     ("Белгород OR Харків", ["ru1", "ru2", "uk1", "uk2"]),
     ("levee NOT officials", ["en3"]),
     ("levee -officials", ["en3"]),
     ('"Port Elsby"', ["en1", "en2"]),  # en3 has "elsby port", not the phrase
     ('"port elsby" OR ferry', ["en1", "en2", "en3"]),
     ("(Белгород OR Курск) AND NOT мост", ["ru1", "ru3"]),
     ("NOT levee", ["ru1", "ru2", "ru3", "uk1", "uk2"]),
     ("Port-Elsby", ["en1", "en2"])],  # a joined word is its words side by side
)  # fmt: skip
def test_boolean_queries_and_phrases(store: Store, q: str, expected: list[str]) -> None:
    assert ids(store, q) == expected


@pytest.mark.parametrize(
    ("q", "says"),
    [("(levee OR ferry", "not closed"), ("levee)", "unexpected ')'"), ("levee OR", "OR needs"),
     ("AND levee", "AND needs"), ("levee NOT", "NOT needs"), ("x " * 600, "at most"),
     ("a !", "no word to search for")],
)  # fmt: skip
def test_a_query_that_cannot_be_read_is_refused_naming_q(store: Store, q: str, says: str) -> None:
    with pytest.raises(ParameterError) as refused:
        store.search(Query(q=q))
    assert refused.value.source == "q" and says in str(refused.value)


def test_results_carry_hits_and_snippets_pointing_at_the_text(store: Store) -> None:
    rows = store.search(Query(q="Белгород OR Харків", per_page=50)).rows
    by_id = {r["doc_id"]: r for r in rows}
    text = dict((a[0], a[4]) for a in ARTICLES)
    assert by_id["ru1"]["hits"] == 1 and by_id["uk1"]["hits"] == 1
    for ident, row in by_id.items():
        for snippet in row["snippets"]:
            assert text[ident][snippet["start"] : snippet["end"]] == snippet["text"]
            for a, b in snippet["hits"]:
                assert text[ident][a:b] in ("Белгорода", "Белгороде", "Харкова", "Харків")
    phrase = {r["doc_id"]: r for r in store.search(Query(q='"port elsby" levee')).rows}
    marked = [text["en1"][a:b] for s in phrase["en1"]["snippets"] for a, b in s["hits"]]
    assert {"Port Elsby", "levees"} <= set(marked)


def test_snippets_cut_at_words_and_keep_hits_inside() -> None:
    text = "word " * 40 + "the Белгорода hit " + "tail " * 40
    found = T.hits(text, T.parse("Белгород"))
    (snippet,) = T.snippets(text, found)
    assert snippet["text"].startswith("word") and snippet["text"].endswith("tail")
    assert len(snippet["text"]) < 2 * T.CONTEXT + 20 and snippet["cut_end"]
    pieces = T.segments(snippet)
    assert [p for p, hit in pieces if hit] == ["Белгорода"]


@pytest.fixture(scope="module")
def findings_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Hand-built documents with every layer, plus one narrative finding."""
    store = Store(tmp_path_factory.mktemp("findings") / "f.duckdb")
    docs = [hand_doc(n, outlet="a.example" if n < 7 else "b.example",
                     published=f"2031-0{1 + n % 2}-10") for n in range(1, 9)]  # fmt: skip
    docs[0].add_span("narratives", *find(docs[0], "a crime the regime will never admit"),
                     "https://euvsdisinfo.example/report/regime-crimes", 0.77)  # fmt: skip
    first = docs[1].spans["techniques"][0]  # Loaded_Language below 0.5 in hand-2
    docs[1].spans["techniques"][0] = first.model_copy(update={"score": 0.4})
    for doc in docs[:6]:
        doc.text += "More words. " * 100  # a.example: over 1,000 words in all
    store.save_many(docs)
    yield store
    store.close()


def test_findings_filters_select_articles(findings_store: Store) -> None:
    s = findings_store
    assert ids(s, "", technique="Loaded_Language") == [f"hand-{n}" for n in range(1, 9)]
    with_score = ids(s, "", technique="Loaded_Language", min_score=0.5)
    assert "hand-2" not in with_score and len(with_score) == 7
    assert ids(s, "", min_score=0.95) == []
    assert ids(s, "", narrative="https://euvsdisinfo.example/report/regime-crimes") == ["hand-1"]
    assert len(ids(s, "", place="lysohirka")) == 8  # ignoring case, as stored
    assert len(ids(s, "", source="anna petrenko", outlet="b.example")) == 2
    assert len(ids(s, "", source="Sources")) == 8


@pytest.mark.parametrize(
    ("name", "value", "listed"),
    [("narrative", "nothing-like-this", "https://euvsdisinfo.example/report/regime-crimes"),
     ("place", "Atlantis", "Lysohirka"), ("source", "Nobody", "Anna Petrenko")],
)  # fmt: skip
def test_an_unknown_open_set_value_is_refused_listing_the_stored_ones(
    findings_store: Store, name: str, value: str, listed: str
) -> None:
    with pytest.raises(ParameterError) as refused:
        findings_store.search(Query(**{name: value}))  # type: ignore[arg-type]
    assert refused.value.source == name
    assert f"unknown {name} '{value}'" in str(refused.value) and listed in str(refused.value)


def test_a_filter_on_a_layer_no_article_has_says_so(store: Store) -> None:
    with pytest.raises(ParameterError, match="no stored article has narrative catalog"):
        store.search(Query(narrative="anything"))


def test_rates_carry_their_sample_and_flag_small_ones(findings_store: Store) -> None:
    cols, rows = S.techniques_per_outlet(findings_store)
    table = {r[0]: dict(zip(cols, r, strict=True)) for r in rows}
    assert table["a.example"]["articles"] == 6 and table["a.example"]["low_sample"] is False
    assert table["b.example"]["articles"] == 2 and table["b.example"]["low_sample"]
    assert [r[0] for r in rows][-1] == "b.example"  # small samples listed last
    cols, rows = S.vague_share(findings_store)
    low = {r[0]: dict(zip(cols, r, strict=True))["low_sample"] for r in rows}
    assert low == {"a.example": False, "b.example": True}  # 12 claims; 4 claims


def test_statistics_count_only_the_selected_articles(findings_store: Store) -> None:
    everything = S.overview(findings_store)
    chosen = S.overview(findings_store, findings_store.check(Query(outlet="b.example")))
    assert (everything["articles"], chosen["articles"], chosen["stored"]) == (8, 2, 8)
    assert chosen["findings"]["techniques"] == 4 and everything["findings"]["techniques"] == 16
    three = findings_store.check(Query(q='"report number 3"'))
    _, rows = S.top_sources(findings_store, query=three)
    assert {r[0]: r[2] for r in rows} == {"Anna Petrenko": 1, "Sources": 1}


@pytest.fixture(scope="module")
def client(findings_store: Store) -> TestClient:
    settings = load_settings(layers=["boilerplate"], db=findings_store.path)
    return TestClient(create_app(settings, findings_store, token="t"))


def test_the_dashboard_honours_the_search_and_filters(client: TestClient) -> None:
    everything = client.get("/dashboard").text
    chosen = client.get("/dashboard?outlet=b.example")
    assert chosen.status_code == 200 and chosen.text != everything
    assert "2 of 8 articles match" in chosen.text
    panel = re.search(r'id="panel-techniques-per-outlet">(.*?)</section>', chosen.text, re.S)
    assert panel and "b.example" in panel.group(1) and "a.example" not in panel.group(1)
    assert "(low n)" in panel.group(1) and "2 articles" in panel.group(1)
    assert 'href="/dashboard/top-sources.csv?outlet=b.example"' in chosen.text
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/techniques-per-outlet.csv?"
                                                  "outlet=b.example").text)))  # fmt: skip
    assert rows[0][-1] == "low_sample" and [r[0] for r in rows[1:]] == ["b.example"]
    stats = client.get("/api/v1/stats?q=Lysohirka&outlet=b.example").json()
    assert stats["overview"]["articles"] == 2 and stats["minimum_sample"]["articles"] == 5


def test_bad_new_parameters_get_a_400_naming_them(client: TestClient) -> None:
    for url, says in [
        ("/api/v1/search?min_score=high", "min_score: must be a number"),
        ("/api/v1/search?min_score=1.5", "min_score: must be a probability"),
        ("/api/v1/search?place=Atlantis", "use one found in this store: Lysohirka"),
        ("/api/v1/search?q=(a+OR", "q: "),
        ("/api/v1/trends?interval=year", "use one of day, week, month"),
        ("/api/v1/trends?by=country", "use one of all, outlet"),
        ("/api/v1/trends?compare=(x", "compare: "),
    ]:
        answer = client.get(url)
        assert answer.status_code == 400 and says in answer.json()["error"], (url, answer.text)
    page = client.get("/dashboard?source=<b>Nobody</b>")
    assert page.status_code == 400 and "&lt;b&gt;Nobody&lt;/b&gt;" in page.text


def test_search_snippets_are_escaped_and_marked_on_the_page(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.duckdb")
    store.save_many([doc_of(*a) for a in ARTICLES])
    client = TestClient(create_app(load_settings(layers=["boilerplate"], db=store.path), store))
    page = client.get("/?q=ferry").text
    assert "<mark>ferry</mark>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "1 hit" in page
    found = client.get("/api/v1/search?q=Белгород").json()
    assert found["total"] == 2 and all(r["snippets"] for r in found["results"])
    store.close()


def test_attention_over_time_counts_per_period_and_outlet(store: Store) -> None:
    q = store.check(Query(q="Белгород OR Харків OR Курск"))
    cols, rows = S.attention(store, q, "month")
    table = {(r[0], r[1]): dict(zip(cols, r, strict=True)) for r in rows}
    assert (
        table[("2031-01", "a.example")]["matching"],
        table[("2031-01", "a.example")]["total"],
    ) == (2, 2)
    assert table[("2031-01", "c.example")]["matching"] == 0  # no mention: 0, not missing
    assert table[("2031-02", "b.example")]["share_percent"] == 100.0
    assert all(r["low_sample"] for r in table.values())  # each under 5 articles
    _, overall = S.attention(store, q, "month", by_outlet=False)
    assert [(r[0], r[2], r[3]) for r in overall] == [("2031-01", 3, 4), ("2031-02", 2, 4)]
    weeks = S.attention(store, q, "week", by_outlet=False)[1]
    assert weeks[0][0] == "2030-12-30"  # the Monday of 2031-01-05


def test_the_trends_page_csv_and_api_agree(client: TestClient, findings_store: Store) -> None:
    three = "q=%22report+number+3%22&compare=Lysohirka"
    api = client.get(f"/api/v1/trends?{three}&by=all").json()
    series = {s["query"]: s["points"] for s in api["series"]}
    assert [(p["period"], p["matching"], p["total"]) for p in series['"report number 3"']] == [
        ("2031-01", 0, 4), ("2031-02", 1, 4)]  # fmt: skip
    assert [p["share_percent"] for p in series["Lysohirka"]] == [100.0, 100.0]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/trends.csv?{three}").text)))
    assert len(rows) == 4 and rows[1]["matching"] == "1" and rows[1]["total"] == "4"
    page = client.get(f"/trends?{three}&measure=count").text
    assert page.count('class="series"') == 2
    points = re.findall(r'data-x="([^"]+)" data-value="([^"]+)"', page)
    assert points == [("2031-01", "0"), ("2031-02", "1"), ("2031-01", "4"), ("2031-02", "4")]


def test_an_old_index_is_rebuilt_with_matching_forms(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        store.save(doc_of(*ARTICLES[0]))
        # As before migration 8: plain case-folded words, no lemmas.
        store._con.execute("DELETE FROM terms")
        store._con.execute("INSERT INTO terms SELECT key, 'белгорода', 1 FROM documents")
        store._con.execute("DELETE FROM schema_migrations WHERE number = 8")
        assert store.search(Query(q="Белгород")).total == 0
    with Store(path) as store:
        assert store.search(Query(q="Белгород")).total == 1


def test_the_filters_offer_the_values_of_articles_saved_or_deleted_since(tmp_path: Path) -> None:
    with Store(tmp_path / "f.duckdb") as store:
        store.save(doc_of(*ARTICLES[0]))
        assert store.facets()["outlet"] == [("a.example", 1)]
        key = store.save(doc_of(*ARTICLES[3]))
        assert store.facets()["outlet"] == [("a.example", 1), ("b.example", 1)]
        store.delete(key)
        assert store.facets()["outlet"] == [("a.example", 1)]


def test_snippets_show_an_edited_text_not_a_kept_copy(tmp_path: Path) -> None:
    with Store(tmp_path / "e.duckdb") as store:
        doc = doc_of(*ARTICLES[5])
        doc.meta.url = "https://c.example/levee"
        store.save(doc)
        (before,) = store.search(Query(q="levee")).rows
        assert "heavy rain" in before["snippets"][0]["text"]
        doc.text = doc.text.replace("heavy rain", "a storm surge")
        store.save(doc)  # the same URL: an edit of the same article
        (after,) = store.search(Query(q="levee")).rows
        assert "storm surge" in after["snippets"][0]["text"]


def test_kept_results_are_dropped_by_the_next_write(tmp_path: Path) -> None:
    with Store(tmp_path / "m.duckdb") as store:
        store.save(doc_of(*ARTICLES[0]))
        query = Query(q="Белгород")
        assert store.search(query).total == 1
        assert S.overview(store, store.check(Query(q="Белгород")))["articles"] == 1
        store.save(doc_of(*ARTICLES[1]))
        assert store.search(Query(q="Белгород")).total == 2
        assert S.overview(store, store.check(Query(q="Белгород")))["articles"] == 2
        _, rows = S.attention(store, store.check(Query(q="Белгород")), by_outlet=False)
        assert [r[2] for r in rows] == [2]


def test_the_same_result_asked_at_once_is_computed_once(tmp_path: Path) -> None:
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    calls = []
    lock = threading.Lock()

    def compute() -> int:
        with lock:
            calls.append(1)
        time.sleep(0.2)  # long enough for the other callers to arrive meanwhile
        return 42

    with Store(tmp_path / "c.duckdb") as store, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: store.memo(("k",), compute), range(8)))
    assert results == [42] * 8 and len(calls) == 1


def test_the_index_is_kept_sorted_by_term_and_still_finds_everything(tmp_path: Path) -> None:
    with Store(tmp_path / "i.duckdb") as store:
        store.save_many([doc_of(*a) for a in ARTICLES])
        assert not store.sort_index()  # a few rows: not worth a rewrite yet
        assert store.sort_index(force=True)
        terms = [r["term"] for r in store._rows("SELECT term FROM terms")]
        assert terms == sorted(terms) and len(terms) > 50
        assert ids(store, "Белгород OR levee") == ["en1", "en2", "en3", "ru1", "ru2"]
        store.save(doc_of("ru4", "a.example", "2031-03-01", "ru", "Снова о Белгороде."))
        assert ids(store, "Белгород") == ["ru1", "ru2", "ru4"]  # the unsorted tail is read
        assert store.get_meta("terms_sorted_rows") == str(len(terms))
