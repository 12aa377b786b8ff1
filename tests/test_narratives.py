"""Known narratives: catalogs, their index, search, the layer and its report line.

The catalog in tests/data/narratives/catalog.csv is invented (made-up places and claims,
links under catalog.example); the real EUvsDisinfo catalog never enters the repository.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from spinscope.narratives.catalog import CatalogError, read_catalog

CATALOG = Path(__file__).parent / "data" / "narratives" / "catalog.csv"
LABS = "https://catalog.example/case/lakeland-labs/"
HISTORY = "https://catalog.example/case/history-rewrite/"


@pytest.fixture()
def catalog(tmp_path: Path) -> Path:
    """A copy of the invented catalog in a folder of its own (the index goes beside it)."""
    path = tmp_path / "catalog.csv"
    shutil.copy(CATALOG, path)
    return path


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


# -- reading catalogs ---------------------------------------------------------------------


def test_a_catalog_takes_its_text_date_and_link_from_the_usual_columns() -> None:
    cat = read_catalog(CATALOG)
    assert len(cat.entries) == 12 and cat.text_columns == ("title",)
    first = cat.entries[0]
    assert first.id == LABS and first.url == LABS and first.date == "2020-03-02"
    assert first.text.startswith("Secret laboratories in Lakeland")


def test_several_text_columns_are_joined_and_an_unnamed_first_column_is_the_id(
    tmp_path: Path,
) -> None:
    # The CheckThat! layout: the id column has an empty name; quoted fields hold line breaks.
    path = _write(
        tmp_path,
        "claims.tsv",
        '\tvclaim\ttitle\n7\t"A claim that\nspans lines."\tIts title\n8\tAnother claim.\tT2\n',
    )
    cat = read_catalog(path)
    assert [e.id for e in cat.entries] == ["7", "8"]
    assert cat.entries[0].text == "A claim that spans lines. Its title"
    only = read_catalog(path, text_columns=("title",))
    assert only.entries[1].text == "T2" and only.entries[1].url is None


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.csv", "", "is empty"),
        ("header.csv", "id,title\n", "no entries"),
        ("noid.csv", "key,title\na,Some claim\n", "no id column 'id'"),
        ("notext.csv", "id,body\na,Some claim\n", "no text column"),
        ("dup.csv", "id,title\na,One claim\nb,Two\na,Three\n", "line 4: duplicate id 'a'"),
        ("blank.csv", "id,title\na,\n", "line 2: entry 'a' has no text"),
        ("ragged.csv", "id,title\na,One,extra\n", "line 2: 3 fields"),
        ("latin1.csv", "id,title\na,Caf\xe9 claim\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_catalogs_are_refused_with_a_line_naming_the_problem(
    tmp_path: Path, name: str, data: str | bytes, problem: str
) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(CatalogError) as err:
        read_catalog(path)
    message = str(err.value)
    assert problem in message and name in message and "\n" not in message


def test_a_missing_text_column_named_on_purpose_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no text column 'claim'"):
        read_catalog(CATALOG, text_columns=("claim", "title"))


def test_catalog_build_refuses_a_bad_file_with_exit_2_and_one_line(invoke, tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.csv", "id,title\na,One claim\na,Again\n")
    result = invoke("catalog", "build", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "duplicate id 'a'" in lines[0]
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.npz"))


# -- the index -----------------------------------------------------------------------------


def test_the_index_is_built_once_beside_the_catalog_and_rebuilt_when_it_changes(
    invoke, catalog: Path
) -> None:
    from spinscope.narratives.index import encoder_version, index_path, load_index

    first = invoke("catalog", "build", str(catalog), "--quiet")
    assert first.exit_code == 0, first.stderr
    path = index_path(catalog)
    assert path.parent == catalog.parent and path.is_file()
    index = load_index(path)
    assert index.encoder == encoder_version() and len(index.entries) == 12
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-2)

    stamp = path.stat().st_mtime_ns
    again = invoke("catalog", "build", str(catalog), "--quiet")
    assert "up to date" in again.stdout and path.stat().st_mtime_ns == stamp

    with catalog.open("a", encoding="utf-8") as fh:
        fh.write("2021-02-01,https://catalog.example/case/new/,A thirteenth invented claim,X,y\n")
    rebuilt = invoke("catalog", "build", str(catalog), "--quiet")
    assert "built in" in rebuilt.stdout
    assert len(load_index(path).entries) == 13


def test_an_index_made_by_another_encoder_version_is_rebuilt(invoke, catalog: Path) -> None:
    from spinscope.narratives.index import encoder_version, index_path, load_index

    assert invoke("catalog", "build", str(catalog), "--quiet").exit_code == 0
    path = index_path(catalog)
    old = load_index(path)
    old.encoder = "some-older-encoder-0.1"
    old.vectors = np.zeros_like(old.vectors)
    old.save(path)
    result = invoke("catalog", "build", str(catalog), "--quiet")
    assert "built in" in result.stdout
    fresh = load_index(path)
    assert fresh.encoder == encoder_version() and np.abs(fresh.vectors).sum() > 0

    # Given directly, an index of another encoder is refused with the command that fixes it.
    old.save(path)
    search = invoke("catalog", "search", "-", "--catalog", str(path), input="id\ttext\nq\tx\n")
    assert search.exit_code == 2 and "rebuild" in search.stderr


# -- search --------------------------------------------------------------------------------


def _run_lines(stdout: str) -> list[list[str]]:
    return [line.split("\t") for line in stdout.splitlines() if line]


def test_search_prints_ranked_tsv_and_finds_paraphrases_across_languages(
    invoke, catalog: Path
) -> None:
    queries = (
        "id\ttext\n"
        "en\tThe Northern Alliance runs hidden biological labs in Lakeland that make a new virus.\n"
        "ru\tВ Лейкленде секретные лаборатории создают новый вирус для Северного альянса.\n"
        "uk\tШкільні підручники Остланду переписують історію, прославляючи колаборантів.\n"
    )
    result = invoke("catalog", "search", "-", "--catalog", str(catalog), "--top", "3", "-q",
                    input=queries)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = _run_lines(result.stdout)
    assert [q for q, *_ in lines] == ["en"] * 3 + ["ru"] * 3 + ["uk"] * 3
    for q in ("en", "ru", "uk"):
        mine = [line for line in lines if line[0] == q]
        assert [int(r) for _, _, r, _ in mine] == [1, 2, 3]
        scores = [float(s) for *_, s in mine]
        assert scores == sorted(scores, reverse=True)
    best = {q: c for q, c, r, _ in lines if r == "1"}
    assert best == {"en": LABS, "ru": LABS, "uk": HISTORY}


def test_search_reports_bad_query_lines_and_still_searches_the_others(
    invoke, catalog: Path
) -> None:
    queries = "id\ttext\nq1\tGrain from Ostland is poisoned.\nq2\t\nq3\n"
    result = invoke("catalog", "search", "-", "--catalog", str(catalog), "-q", input=queries)
    assert result.exit_code == 1
    assert {line[0] for line in _run_lines(result.stdout)} == {"q1"}
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and all("expected id<TAB>text" in e for e in errors)


def test_score_computes_checkthat_map_mrr_and_recall(invoke, tmp_path: Path) -> None:
    # q1: relevant at rank 2 -> AP@5 = 1/2, RR = 1/2; q2: relevant at 1 and 3 of 2 relevant ->
    # AP@5 = (1/1 + 2/3) / 2 = 5/6; q3: no line in the run -> 0.
    run = _write(tmp_path, "run.tsv", "q1\ta\t1\t.9\nq1\tb\t2\t.8\nq2\tc\t1\t.7\nq2\tx\t2\t.6\n"
                 "q2\td\t3\t.5\n")  # fmt: skip
    qrels = _write(tmp_path, "qrels", "q1 0 b 1\nq2 0 c 1\nq2 0 d 1\nq3 0 e 1\n")
    result = invoke("catalog", "score", str(run), str(qrels))
    assert result.exit_code == 0, result.stderr
    got = dict(pair.split(" ") for pair in result.stdout.strip().split("\t"))
    assert float(got["map@5"]) == pytest.approx((0.5 + 5 / 6) / 3, abs=1e-4)
    assert float(got["mrr"]) == pytest.approx((0.5 + 1.0) / 3, abs=1e-4)
    assert float(got["recall@1"]) == pytest.approx((0 + 0.5) / 3, abs=1e-4)
    assert float(got["recall@5"]) == pytest.approx((1 + 1) / 3, abs=1e-4)


# -- reading both texts of a pair ---------------------------------------------------------


def test_hashtags_and_handles_count_as_their_words_in_the_lexical_score() -> None:
    from spinscope.narratives.lexical import TfidfIndex, terms

    assert {"fake", "donald", "trump"} <= set(terms("#FakeNews from @realDonaldTrump"))
    index = TfidfIndex(["Donald Trump said the news was fake", "Vaccines contain microchips"])
    scores = index.scores(["#FakeNews says @realDonaldTrump https://t.co/x1"])[0]
    assert scores[0] > 0.5 and scores[1] == 0


def test_pair_features_compare_numbers_negation_names_and_script() -> None:
    from spinscope.narratives.pairs import PAIR_FEATURES, pair_features, side

    def feats(query: str, entry: str) -> dict[str, float]:
        return dict(zip(PAIR_FEATURES, pair_features(side(query), side(entry), {}), strict=True))

    entry = "Ukraine has lost half of its population over the past 30 years, says Kravchuk"
    same = feats("Kravchuk says Ukraine lost half its population in 30 years", entry)
    assert same["numbers"] == 1 and same["negation"] == 0 and same["script"] == 0
    assert same["cover"] > 0.6 and same["names"] == 1
    other = feats("Ukraine has not lost 12 percent of its population, says Kuchma", entry)
    assert other["numbers"] == -1 and other["negation"] == 1 and other["names"] == 0
    assert other["cover"] < same["cover"]
    russian = feats("Кравчук: Украина потеряла половину населения за 30 лет", entry)
    assert russian["script"] == 1 and russian["cover"] == russian["names"] == 0
    assert feats("Ukraine lost people", "The head of the Ukrainian secret…")["truncated"] == 1


def test_search_reranks_the_first_stage_candidates_and_scores_stay_in_rank_order(
    catalog: Path,
) -> None:
    from spinscope.narratives.index import open_index
    from spinscope.narratives.search import FEATURES, Searcher, linear, params

    searcher = Searcher(open_index(catalog))
    texts = ["Secret labs in Lakeland make a virus", "Ostland's grain is full of pesticides"]
    for matches in searcher.search(texts, top=4):
        assert [m.rank for m in matches] == [1, 2, 3, 4]
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    from spinscope.narratives.index import encode_queries

    _, feats = searcher.candidates(encode_queries(texts), texts, 12)
    assert feats.shape == (2, 12, len(FEATURES))
    # The score of a match is the re-ranker's logit of its features, not the first stage.
    top = searcher.rank(encode_queries(texts), texts, 1)
    expected = linear(feats, params()["rerank"]).max(axis=1)
    assert [m[0].score for m in top] == pytest.approx(expected.tolist(), abs=1e-5)


# -- the layer -----------------------------------------------------------------------------

ARTICLE = (
    "Secret labs in Lakeland make a virus for the Northern Alliance\n"
    "Officials in Lakeland confirmed on Monday that secret laboratories near the border are "
    "producing a new virus for the Northern Alliance.\n"
    "The city council approved a budget of 4 million euros for new bus lanes on Tuesday.\n"
)


def _analyze(text: str, **settings):  # type: ignore[no-untyped-def]
    from spinscope.config import Settings
    from spinscope.pipeline import load_pipeline
    from spinscope.service import analyze

    pipe = load_pipeline(Settings(**settings), layers=["narratives"])
    return analyze(text, pipeline=pipe)


def test_the_layer_marks_the_title_and_the_claim_that_repeat_a_catalog_entry(
    catalog: Path,
) -> None:
    doc = _analyze(ARTICLE, catalog=catalog)
    data = doc.to_dict()
    found = data["narratives"]
    assert found, data
    for item in found:
        assert doc.text[item["start"] : item["end"]] == item["text"]
        assert item["entry"] == LABS and item["url"] == LABS and item["date"] == "2020-03-02"
        assert 0.5 <= item["probability"] <= 1 and item["catalog"] == "catalog.csv"
    assert {item["query"] for item in found} == {"title", "claim"}
    assert not any("bus lanes" in item["text"] for item in found)
    prov = {p["analyzer"]: p for p in data["provenance"]}
    # Measured scores keyed by evaluation set, real articles first (tweets come after).
    first = next(iter(prov["narratives"]["metrics"]))
    assert "real-article" in first and "CheckThat" not in first


def test_a_russian_claim_is_matched_to_the_english_catalog_entry(catalog: Path) -> None:
    text = (
        "Городской совет утвердил бюджет в 4 миллиона евро на новые автобусные полосы.\n"
        "Чиновники Лейкленда подтвердили в понедельник, что секретные лаборатории у границы "
        "производят новый вирус для Северного альянса.\n"
    )
    data = _analyze(text, catalog=catalog).to_dict()
    assert data["document"]["language"] == "ru"
    found = data["narratives"]
    assert [item["entry"] for item in found] == [LABS]
    assert found[0]["text"].startswith("Чиновники Лейкленда") and found[0]["query"] == "claim"


def test_a_small_catalog_gets_a_note_that_the_probability_runs_high(catalog: Path) -> None:
    data = _analyze(ARTICLE, catalog=catalog).to_dict()
    notes = [w for w in data["document"]["warnings"] if w.startswith("narratives: catalog")]
    assert notes == [
        "narratives: catalog catalog.csv has 12 entries; the same-claim probability is fitted "
        "on catalogs of about 10,000 and runs high on small ones (treat its matches as leads)"
    ]


def test_without_a_catalog_the_layer_is_absent_with_a_note(tmp_path: Path) -> None:
    doc = _analyze(ARTICLE, data_dir=tmp_path)
    data = doc.to_dict()
    assert "narratives" not in data
    assert any(w.startswith("narratives: not computed, no catalog") for w in
               data["document"]["warnings"])  # fmt: skip


def test_analyze_refuses_a_bad_catalog_with_exit_2(invoke, tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.csv", "id,title\n")
    text = _write(tmp_path, "a.txt", ARTICLE)
    result = invoke("analyze", str(text), "--layers", "narratives", "--catalog", str(bad))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no entries" in result.stderr


def test_the_report_says_repeats_a_known_narrative_with_the_link_escaped(
    tmp_path: Path,
) -> None:
    from spinscope.render import render

    hostile = 'https://catalog.example/case/x/"><script>alert(1)</script>'
    # The invented catalog with the link of the entry the article repeats made hostile.
    with CATALOG.open(encoding="utf-8", newline="") as fh:
        rows = [[hostile if cell == LABS else cell for cell in row] for row in csv.reader(fh)]
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    doc = _analyze(ARTICLE, catalog=path)
    data = doc.to_dict()
    assert data["narratives"] and data["narratives"][0]["url"] == hostile
    html = render(data, "html")
    assert "repeats a known narrative" in html and "<script>alert(1)" not in html
    md = render(data, "md")
    assert "repeats a known narrative" in md and "<script>" not in md
    assert "2020-03-02" in md and "Secret laboratories in Lakeland" in md
    json.dumps(data)  # the contract stays plain JSON


# -- the explorer --------------------------------------------------------------------------


def test_the_dashboard_counts_repeated_narratives_per_outlet_and_month_with_csv(
    tmp_path: Path,
) -> None:
    import io

    from fastapi.testclient import TestClient

    from spinscope.config import load_settings
    from spinscope.document import Document, DocumentMeta
    from spinscope.store import Store
    from spinscope.web import create_app

    stored = [
        ("a.example", "2020-03-05", [LABS]),
        ("a.example", "2020-04-01", [LABS, HISTORY]),
        ("b.example", "2020-04-02", [LABS]),
    ]
    with Store(tmp_path / "n.duckdb") as store:
        for i, (outlet, published, entries) in enumerate(stored):
            text = f"Article {i} says secret labs make a virus.\n"
            meta = DocumentMeta(outlet=outlet, published=published)
            doc = Document(id=f"n{i}", source=f"n{i}", text=text, meta=meta)
            for entry in entries:
                doc.add_span("narratives", 0, len(text) - 1, entry, 0.9, similarity=0.9,
                             claim="an invented claim", date=None, url=entry,
                             catalog="catalog.csv", query="claim")  # fmt: skip
            store.save(doc)
        settings = load_settings(layers=["boilerplate"], db=store.path)
        client = TestClient(create_app(settings, store))
        page = client.get("/dashboard").text
        assert "Most repeated known narratives" in page and "lakeland labs" in page

        def table(name: str) -> list[list[str]]:
            answer = client.get(f"/dashboard/{name}.csv")
            assert answer.status_code == 200
            return list(csv.reader(io.StringIO(answer.text)))

        top = table("narratives")
        assert top[0][:3] == ["entry", "articles", "sentences"]
        assert [r[:2] for r in top[1:]] == [[LABS, "3"], [HISTORY, "1"]]
        assert table("narratives-per-outlet")[1:] == [
            ["a.example", LABS, "2"],
            ["a.example", HISTORY, "1"],
            ["b.example", LABS, "1"],
        ]
        assert table("narratives-over-time")[1:] == [
            ["2020-03", LABS, "1"],
            ["2020-04", HISTORY, "1"],
            ["2020-04", LABS, "2"],
        ]


def test_score_refuses_a_run_that_is_not_one_naming_the_file_and_line(
    invoke, tmp_path: Path
) -> None:
    run = _write(tmp_path, "run.tsv", "q1\ta\t1\t0.9\nq1\tb\tsecond\t0.8\n")
    qrels = _write(tmp_path, "qrels", "q1 0 a 1\n")
    result = invoke("catalog", "score", str(run), str(qrels))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"spinscope: error: {run}: line 2: expected 'query_id<TAB>catalog_id<TAB>rank…'"
    )
