from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.config import Settings
from spinscope.errors import InputError
from spinscope.ingest.sources import Source, expand, load

from .conftest import ARTICLE

HTML = """<!DOCTYPE html><html><head><title>Depot fire | Example News</title>
<meta property="og:site_name" content="Example News"><meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://www.example-news.example/world/depot-fire"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Drones hit a fuel depot</h1>
<p>Officials said on Tuesday that drones struck a fuel depot near the border, causing a large
fire that burned for hours before crews could contain it.</p>
<p>The governor wrote that nobody was hurt, but windows were broken in several houses nearby
and residents were asked to stay indoors.</p></article>
<footer>© 2024 Example News</footer></body></html>"""


def settings(**kw: object) -> Settings:
    return Settings(**kw)  # type: ignore[arg-type]


def test_plain_text_document_text_is_the_file_exactly(tmp_path: Path) -> None:
    raw = ARTICLE.replace("\n", "\r\n")
    path = tmp_path / "a.txt"
    path.write_bytes(raw.encode("utf-8"))
    doc = load(Source("text", str(path)), settings())
    assert doc.text == raw
    assert doc.meta.title == "Ministry denies shelling reports near the river crossing"
    assert doc.meta.outlet == "river-times.example"
    assert doc.meta.author == "Ivan"
    assert doc.meta.language == "en"


def test_html_is_extracted_with_title_first_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    doc = load(Source("html", str(path)), settings())
    assert doc.text.startswith("Drones hit a fuel depot")
    assert "Home | World" not in doc.text
    assert doc.meta.author == "Jane Roe"
    assert doc.meta.outlet == "example-news.example"
    assert doc.meta.published == "2024-03-05"


def test_a_saved_page_keeps_its_canonical_link_as_a_claim_not_as_its_url(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    doc = load(Source("html", str(path)), settings())
    assert doc.meta.url is None  # a file has no URL of its own; the page's is a claim
    claimed = "https://www.example-news.example/world/depot-fire"
    assert doc.to_dict()["summary"]["canonical_claimed"] == claimed


def test_a_fetched_page_keeps_its_fetched_url_and_outlet_against_a_foreign_canonical(
    http_server,  # type: ignore[no-untyped-def]
) -> None:
    base, routes = http_server
    routes["/copy"] = (200, "text/html", HTML.encode(), 0)
    doc = load(Source("url", f"{base}/copy"), settings(allow_private=True))
    assert doc.meta.url == f"{base}/copy" and doc.meta.outlet == "127.0.0.1"
    data = doc.to_dict()
    assert data["summary"]["canonical_claimed"] == (
        "https://www.example-news.example/world/depot-fire"
    )
    assert any("another site" in w and "canonical" in w for w in data["document"]["warnings"])
    # A page whose canonical is its own URL claims nothing.
    own = HTML.replace("https://www.example-news.example/world/depot-fire", f"{base}/own")
    routes["/own"] = (200, "text/html", own.encode(), 0)
    doc = load(Source("url", f"{base}/own"), settings(allow_private=True))
    assert "canonical_claimed" not in doc.meta.summary and not doc.meta.warnings


def test_malformed_html_still_yields_its_text(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    body = "<html><body><div><p>Officials said the bridge was closed after the flood damaged it"
    path.write_text(
        body + " badly, and repairs will take weeks <b>at least<p>More text here.", "utf-8"
    )
    doc = load(Source("html", str(path)), settings())
    assert "bridge was closed" in doc.text


def test_html_without_article_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>")
    with pytest.raises(InputError, match="no article text"):
        load(Source("html", str(path)), settings())


def test_size_cap_refuses_large_files_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: costs no disk
    with pytest.raises(InputError, match="size cap"):
        load(Source("text", str(path)), settings())


def test_non_english_text_is_read_and_its_language_recorded(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_text("Киевский режим продолжает атаки на приграничные районы, заявили в "
                    "министерстве обороны в понедельник вечером.", encoding="utf-8")  # fmt: skip
    doc = load(Source("text", str(path)), settings())
    assert doc.meta.language == "ru" and doc.meta.language_confidence == 1.0
    path.write_text("Київський режим, як заявили у міністерстві оборони.", encoding="utf-8")
    assert load(Source("text", str(path)), settings()).meta.language == "uk"


def test_folders_are_searched_recursively_and_jsonl_lines_are_inputs(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "sub" / "b.html").write_text(HTML)
    (tmp_path / "skip.png").write_bytes(b"\x89PNG")
    record = {"id": "j1", "text": ARTICLE, "outlet": "given.example", "published": "5 March 2024"}
    lines = [json.dumps(record), "{not json", json.dumps([1, 2])]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
    items = list(expand([str(tmp_path)], settings()))
    errors = [i for i in items if isinstance(i, InputError)]
    sources = [i for i in items if not isinstance(i, InputError)]
    assert sorted(Path(s.location).name for s in sources if s.kind != "record") == [
        "a.txt",
        "b.html",
    ]
    assert len(errors) == 2 and "c.jsonl:2" in str(errors[0]) and "not valid JSON" in str(errors[0])
    record = next(s for s in sources if s.kind == "record")
    doc = load(record, settings())
    assert doc.id == "j1" and doc.meta.outlet == "given.example"
    assert doc.meta.published == "2024-03-05"


def test_missing_paths_become_errors_not_exceptions() -> None:
    items = list(expand(["/no/such/file.txt"], settings()))
    assert isinstance(items[0], InputError) and "no such file" in str(items[0])
