"""One bad input never sinks a batch: each gets one clear line (CLI) or a per-item error (API).

Covers documents that an analyzer refuses (too long to parse), texts over the character
limit, malformed URLs, file names with control characters and broken local feeds, through
``analyze``, ``ingest``, the REST API and the web worker's batch function.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinscope import ingest_run as C
from spinscope.config import Settings, load_settings
from spinscope.store import Store
from spinscope.web import create_app

from .conftest import ARTICLE

#: API writes need the server's token, on loopback too.
TOKEN = "test-api-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

#: Longer than the parser limit the tests set, still a plausible English article.
BIG = "Officials said the bridge over the river was closed.\n" * 80
PARSE_LIMIT = 3000


def errors(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("error:")]


@pytest.fixture()
def small_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """spaCy refuses texts over PARSE_LIMIT characters (its own limit is 1,000,000)."""
    from spinscope.models import spacy_nlp

    monkeypatch.setattr(spacy_nlp(), "max_length", PARSE_LIMIT)


@pytest.fixture()
def three(tmp_path: Path) -> Path:
    """A folder with a good file, one the parser refuses, and another good file."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b-big.txt").write_text(BIG, encoding="utf-8")
    (folder / "c.txt").write_text(ARTICLE.replace("river", "harbour"), encoding="utf-8")
    assert len(BIG) > PARSE_LIMIT
    return folder


def test_analyze_reports_a_document_the_parser_refuses_and_goes_on(
    invoke,
    three: Path,
    small_parser: None,  # type: ignore[no-untyped-def]
) -> None:
    result = invoke("analyze", str(three), "--layers", "entities", "--format", "jsonl")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    [line] = errors(result.stderr)
    assert "b-big.txt" in line and "too long to parse" in line
    ids = [json.loads(x)["document"]["id"] for x in result.stdout.splitlines()]
    assert ids == ["a", "c"]


def test_ingest_stores_the_others_records_the_failure_and_a_rerun_goes_on(
    invoke,
    three: Path,
    tmp_path: Path,
    small_parser: None,  # type: ignore[no-untyped-def]
) -> None:
    db = tmp_path / "c.duckdb"
    first = invoke("ingest", str(three), "--db", str(db), "--layers", "entities", "-q")
    assert first.exit_code == 1, first.output
    assert "2 analyzed, 0 skipped, 1 failed of 3 inputs" in first.output
    report = (tmp_path / "c.duckdb.failures.tsv").read_text(encoding="utf-8")
    assert "b-big.txt" in report and "too long to parse" in report
    again = invoke("ingest", str(three), "--db", str(db), "--layers", "entities", "-q")
    assert again.exit_code == 1
    assert "0 analyzed, 2 skipped, 1 failed of 3 inputs" in again.output
    with Store(db) as store:
        assert store.count() == 2


def test_api_ingest_answers_per_item_and_stores_the_good_one(
    tmp_path: Path, small_parser: None
) -> None:
    settings = load_settings(layers=["entities"], db=tmp_path / "w.duckdb")
    with Store(settings.db) as store:
        client = TestClient(create_app(settings, store, token=TOKEN), headers=AUTH)
        answer = client.post("/api/v1/ingest", json={"items": [{"text": ARTICLE}, {"text": BIG}]})
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert data["analyzed"] == 1 and data["failed"] == 1
        assert "too long to parse" in data["failures"][0]["reason"]
        assert store.count() == 1


def test_the_web_worker_batch_reports_each_item(
    monkeypatch: pytest.MonkeyPatch, small_parser: None
) -> None:
    from spinscope.scale import workers as SW
    from spinscope.web import worker as W

    monkeypatch.setattr(SW, "_pipeline", None)
    SW.init_worker(Settings(layers=["entities"]), 0)
    out = W._analyze_many([C.text_item(ARTICLE), C.text_item(BIG)])
    kinds = sorted(kind for _, kind, _ in out)
    assert kinds == ["error", "ok"]
    [message] = [value for _, kind, value in out if kind == "error"]
    assert "too long to parse" in message


def test_texts_over_the_character_limit_are_refused_and_the_batch_goes_on(
    invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "long.txt").write_text(ARTICLE * 4, encoding="utf-8")
    limit = str(len(ARTICLE) * 2)
    result = invoke("analyze", str(tmp_path), "--max-chars", limit, "-l", "boilerplate", "-q")
    assert result.exit_code == 1
    [line] = errors(result.stderr)
    assert "long.txt" in line and f"over the limit of {int(limit):,}" in line
    assert "--max-chars" in line and "max_chars" in line
    assert "Ministry denies" in result.stdout  # a.txt was analyzed
    config = tmp_path / "settings.toml"
    config.write_text(f"max_chars = {limit}\n", encoding="utf-8")
    from_file = invoke("analyze", str(tmp_path / "long.txt"), "-l", "boilerplate", "--config",
                       str(config))  # fmt: skip
    assert from_file.exit_code == 1 and "over the limit" in from_file.stderr
    monkeypatch.setenv("SPINSCOPE_MAX_CHARS", limit)
    from_env = invoke("analyze", str(tmp_path / "long.txt"), "-l", "boilerplate")
    assert from_env.exit_code == 1 and "over the limit" in from_env.stderr
    assert Settings().max_chars == 200_000


def test_api_refuses_a_text_over_the_limit_with_a_422(tmp_path: Path) -> None:
    settings = load_settings(layers=["boilerplate"], db=tmp_path / "w.duckdb", max_chars=1000)
    with Store(settings.db) as store:
        client = TestClient(create_app(settings, store, token=TOKEN), headers=AUTH)
        answer = client.post("/api/v1/analyze", json={"text": ARTICLE * 4})
        assert answer.status_code == 422
        assert answer.json()["ok"] is False and "over the limit" in answer.json()["error"]
        batch = client.post("/api/v1/ingest", json={"items": [{"text": ARTICLE * 4},
                                                               {"text": ARTICLE}]})  # fmt: skip
        assert batch.json()["analyzed"] == 1 and batch.json()["failed"] == 1


def test_a_malformed_url_is_one_error_line_and_the_next_input_runs(
    invoke,
    article_file: Path,  # type: ignore[no-untyped-def]
) -> None:
    result = invoke("analyze", "http://[::1/", str(article_file), "-l", "boilerplate", "-q")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    [line] = errors(result.stderr)
    assert "http://[::1/" in line and "not a valid URL" in line
    assert "Ministry denies" in result.stdout


def test_the_api_answers_a_malformed_url_with_a_4xx(tmp_path: Path) -> None:
    settings = load_settings(layers=["boilerplate"], db=tmp_path / "w.duckdb")
    with Store(settings.db) as store:
        client = TestClient(create_app(settings, store, token=TOKEN), headers=AUTH)
        answer = client.post("/api/v1/analyze", json={"url": "http://[::1/"})
        assert answer.status_code == 422 and "not a valid URL" in answer.json()["error"]
        batch = client.post(
            "/api/v1/ingest", json={"items": [{"url": "http://[::1/"}, {"text": ARTICLE}]}
        )
        assert batch.status_code == 200
        assert batch.json()["analyzed"] == 1 and batch.json()["failed"] == 1


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>bad</title><link>http://[::1/broken</link></item>
<item><title>good</title><link>{base}/good</link></item></channel></rss>"""


def test_a_malformed_link_in_a_feed_fails_alone(
    invoke,
    http_server,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    base, routes = http_server
    page = f"<html><head><title>Invented</title></head><body><article><p>{ARTICLE}</p>"
    routes["/good"] = (200, "text/html", (page + "</article></body></html>").encode(), 0)
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS.format(base=base), encoding="utf-8")
    db = tmp_path / "f.duckdb"
    result = invoke("ingest", str(feed), "--db", str(db), "-l", "boilerplate", "--allow-private")
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = errors(result.output)
    assert "http://[::1/broken" in line and "not a valid URL" in line
    assert "1 analyzed, 0 skipped, 1 failed of 2 inputs" in result.output


@pytest.mark.parametrize(
    ("name", "body", "problem"),
    [
        ("broken.xml", "<rss><channel><item><link>x</lin", "lists no http(s) article links"),
        ("map.xml", '<urlset xmlns="x"><url><loc>a</loc>', "sitemap is not valid XML"),
        ("page.rss", "<html><body>not a feed</body></html>", "not an RSS/Atom feed"),
    ],
)
def test_a_broken_local_feed_is_named_in_its_error(
    invoke,
    tmp_path: Path,
    name: str,
    body: str,
    problem: str,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    result = invoke("ingest", str(path), "--db", str(tmp_path / "x.duckdb"), "-l", "boilerplate")
    assert result.exit_code == 1
    [line] = errors(result.output)
    assert line.startswith(f"error: {path}: ") and problem in line


def test_control_characters_in_file_names_are_escaped_one_line_each(
    invoke,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "line\nbreak.txt").write_text("")
    (folder / "red\x1b[31m.txt").write_bytes(b"\x00\x01\x02" * 40)
    (folder / "cr\rret.txt").write_text("   \n")
    for command in (["analyze", str(folder), "-q"],
                    ["ingest", str(folder), "--db", str(tmp_path / "d.duckdb")]):  # fmt: skip
        result = invoke(*command, "-l", "boilerplate")
        assert result.exit_code == 1
        lines = errors(result.stderr)
        assert len(lines) == 3, result.stderr
        assert "\x1b" not in result.stderr and "\r" not in result.stderr
        assert any("line\\nbreak.txt" in ln for ln in lines)
        assert any("red\\x1b[31m.txt" in ln for ln in lines)
        assert any("cr\\rret.txt" in ln for ln in lines)
    tsv = (tmp_path / "d.duckdb.failures.tsv").read_text(encoding="utf-8").splitlines()
    assert len(tsv) == 4 and all(ln.count("\t") == 1 for ln in tsv)


def test_the_web_worker_answers_each_item_when_the_models_cannot_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import spinscope.pipeline
    from spinscope.errors import ModelError
    from spinscope.scale import workers as SW
    from spinscope.web import worker as W

    def broken(settings: Settings) -> None:
        raise ModelError("model file missing")

    monkeypatch.setattr(SW, "_pipeline", None)
    monkeypatch.setattr(spinscope.pipeline, "load_pipeline", broken)
    SW.init_worker(Settings(layers=["boilerplate"]), 0)
    out = W._analyze_many([C.text_item(ARTICLE), C.Probe("https://news.example/a")])
    assert out == [
        ("pasted:text", "error", "model file missing"),
        ("https://news.example/a", "error", "model file missing"),
    ]


def test_python_api_refuses_a_missing_path_and_pipelines_take_text(tmp_path) -> None:
    import spinscope
    from spinscope.errors import InputError

    with pytest.raises(InputError, match="no such file"):
        spinscope.analyze(str(tmp_path / "artcle.txt"), layers=["boilerplate"])
    with pytest.raises(InputError, match="no such file"):
        spinscope.analyze("artcle.txt", layers=["boilerplate"])
    # A sentence that mentions a file name is text.
    doc = spinscope.analyze("See artcle.txt for the data.", layers=["boilerplate"])
    assert doc.text == "See artcle.txt for the data."
    pipe = spinscope.load_pipeline(layers=["boilerplate"])
    assert pipe.run("Pasted text.\n").text == "Pasted text.\n"
