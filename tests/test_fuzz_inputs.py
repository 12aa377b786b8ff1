"""Fuzz-style: a seeded mix of good and hostile inputs through analyze, ingest and the API.

Every input is generated with its expected outcome (a good article, or the problem it must
be refused for). The assertions are the project's promise for bad input: every good input
is analyzed (in the output, in the store), every bad one gets exactly one clear line on
stderr naming it (never a traceback) or a 4xx JSON error, and a run with some failures
exits 1. Only the boilerplate layer runs and texts are short, so the whole module takes
seconds; the seed makes every run the same.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinscope.config import load_settings
from spinscope.store import Store
from spinscope.web import create_app

from . import netguard

#: API writes need the server's token, on loopback too.
TOKEN = "test-api-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

SEED = 1105
MAX_CHARS = 4000
MAX_BYTES = 30_000
FLAGS = ["--layers", "boilerplate", "--max-chars", str(MAX_CHARS), "--max-bytes",
         str(MAX_BYTES), "--timeout", "2"]  # fmt: skip

SENTENCES = [
    "Officials said on Tuesday that the ferry to the island would resume service next week.",
    "The council voted to repair the old bridge after engineers found cracks in two supports.",
    "Residents were told to boil their water until the pumping station is fixed.",
    "A spokesman for the ministry said the figures would be published in March.",
    "Farmers in the valley reported that the harvest was smaller than last year.",
    "The port authority said three ships had been delayed by the storm.",
    "Teachers at the school asked the city for more money to heat the classrooms.",
    "Police said the road to the airport would stay closed until Friday morning.",
    "The mayor told reporters that the new library would open before the summer.",
    "Doctors at the regional hospital said the number of flu cases had doubled.",
    "The company denied the reports and said its factory met every safety rule.",
    "Volunteers handed out blankets and hot meals at the sports hall overnight.",
]


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    netguard.loopback_only(monkeypatch)  # no test here may reach beyond 127.0.0.1


@dataclass(frozen=True)
class Case:
    """One input and what must happen to it: ``problem`` is None for a good input, else a
    phrase its error line must contain."""

    name: str
    data: bytes
    problem: str | None = None


def article(rng: random.Random, tag: str, sentences: int | None = None) -> str:
    """A short invented English article, made unique by ``tag``."""
    n = sentences or rng.randint(3, 7)
    body = [f"Report {tag}: " + rng.choice(SENTENCES), *rng.sample(SENTENCES, n - 1)]
    return f"Invented news item {tag} about the town\n" + "\n".join(body) + "\n"


def long_text(rng: random.Random, tag: str, chars: int) -> str:
    text = article(rng, tag, 8)
    while len(text) < chars:
        text += rng.choice(SENTENCES) + "\n"
    return text


def file_cases(rng: random.Random) -> list[Case]:
    """Files of every kind, each kind at least once, then a random extra dozen."""

    def make(i: int, kind: str) -> Case:
        tag = f"f{i}"
        text = article(rng, tag)
        name = f"{i:03d}-{kind}.txt"
        if kind == "utf8":
            return Case(name, (text.replace("said", "said “plainly”")).encode())
        if kind == "crlf":
            return Case(name, text.replace("\n", "\r\n").encode())
        if kind == "bom":
            return Case(name, codecs.BOM_UTF8 + text.encode())
        if kind == "cut-utf8":
            return Case(name, (text + "Closing words —").encode()[:-1])  # cut inside the dash
        if kind == "utf16":
            return Case(name, text.encode("utf-16"))
        if kind == "latin1":
            return Case(name, text.replace("town", "café town").encode("latin-1"))
        if kind == "html":
            paras = "".join(f"<p>{ln}</p>" for ln in text.splitlines()[1:])
            page = f"<html><head><title>Invented {tag}</title></head><body><article>{paras}"
            return Case(f"{i:03d}-{kind}.html", (page + "</article></body></html>").encode())
        if kind == "empty":
            return Case(name, b"", "input is empty")
        if kind == "whitespace":
            return Case(name, b" \n\t\r\n  ", "only whitespace")
        if kind == "nul":
            return Case(name, b"abc\x00def\x00" * 30, "not a text file")
        if kind == "png":
            return Case(name, b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(200)),
                        "not a text file")  # fmt: skip
        if kind == "over-chars":
            return Case(name, long_text(rng, tag, MAX_CHARS + 500).encode(), "over the limit")
        if kind == "over-bytes":
            return Case(name, long_text(rng, tag, MAX_BYTES + 500).encode(), "size cap")
        if kind == "empty-html":
            return Case(f"{i:03d}-{kind}.html", b"<html><body><nav>Home</nav></body></html>",
                        "no article text")  # fmt: skip
        if kind == "control-name":
            return Case(f"{i:03d}-line\nbreak\x1b[31m.txt", b"", "input is empty")
        if kind == "bytes-name":  # a file name that is not UTF-8 (byte 0xE9), good content
            return Case(os.fsdecode(f"{i:03d}-caf".encode() + b"\xe9.txt"), text.encode())
        raise AssertionError(kind)

    kinds = ["utf8", "crlf", "bom", "cut-utf8", "utf16", "latin1", "html", "empty",
             "whitespace", "nul", "png", "over-chars", "over-bytes", "empty-html",
             "bytes-name", "control-name"]  # fmt: skip
    kinds += [rng.choice(kinds[:-1]) for _ in range(12)]
    return [make(i, kind) for i, kind in enumerate(kinds)]


def jsonl_cases(rng: random.Random) -> tuple[bytes, list[Case]]:
    """A JSONL file of good and bad lines; each Case is named ``FILE:LINE`` later."""
    lines: list[tuple[bytes, str | None]] = [
        (json.dumps({"id": "j-good-1", "text": article(rng, "j1")}).encode(), None),
        (b"{not json", "not valid JSON"),
        (b"[1, 2, 3]", "not an object"),
        (json.dumps({"text": ""}).encode(), "no non-empty 'text' or 'html'"),
        (json.dumps({"text": 5}).encode(), "no non-empty 'text' or 'html'"),
        (b'{"text": "caf\xe9 broken bytes"}', "not valid JSON"),
        (json.dumps({"html": f"<article><p>{article(rng, 'j2')}</p></article>"}).encode(), None),
        (json.dumps({"text": long_text(rng, "j3", MAX_CHARS + 100)}).encode(), "over the limit"),
        (json.dumps({"id": "j-good-3", "text": article(rng, "j4")}).encode(), None),
        # A lone surrogate escape is invalid Unicode: replaced (with a warning), not a crash.
        (json.dumps({"title": "x\ud800", "text": article(rng, "j5") + "\ud800"}).encode(), None),
    ]
    rng.shuffle(lines)
    body = b"\n".join(line for line, _ in lines) + b"\n"
    return body, [Case(str(n), b"", problem) for n, (_, problem) in enumerate(lines, start=1)]


@pytest.fixture()
def world(tmp_path: Path, http_server):  # type: ignore[no-untyped-def]
    """The generated inputs on disk and on a 127.0.0.1 server, with their expectations."""
    rng = random.Random(SEED)
    base, routes = http_server
    folder = tmp_path / "inputs"
    folder.mkdir()
    expected: dict[str, str | None] = {}  # input as the CLI names it -> problem or None
    for case in file_cases(rng):
        path = folder / case.name
        path.write_bytes(case.data)
        expected[str(path)] = case.problem
    body, lines = jsonl_cases(rng)
    (folder / "lines.jsonl").write_bytes(body)
    for case in lines:
        expected[f"{folder / 'lines.jsonl'}:{case.name}"] = case.problem

    def page(tag: str) -> bytes:
        paras = "".join(f"<p>{ln}</p>" for ln in article(rng, tag).splitlines())
        return f"<html><head><title>Web {tag}</title></head><body><article>{paras}</article>" \
            f"</body></html>".encode()  # fmt: skip

    for n in range(1, 8):
        routes[f"/good-{n}"] = (200, "text/html; charset=utf-8", page(f"u{n}"), 0)
    routes["/plain"] = (200, "text/plain", article(rng, "plain").encode(), 0)
    routes["/png"] = (200, "image/png", b"\x89PNG\r\n\x1a\n", 0)
    routes["/big"] = (200, "text/html", b"<p>" + b"x" * (MAX_BYTES + 10), 0)
    routes["/loop"] = (302, "text/html", b"/loop", 0)
    rss = "".join(f"<item><link>{base}/good-{n}</link></item>" for n in (6, 7))
    routes["/feed.xml"] = (200, "application/rss+xml",
                           f'<?xml version="1.0"?><rss><channel>{rss}</channel></rss>'.encode(),
                           0)  # fmt: skip
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    urls: dict[str, str | None] = {
        f"{base}/good-1": None, f"{base}/good-2": None, f"{base}/plain": None,
        f"{base}/missing": "HTTP 404", f"{base}/png": "content type", f"{base}/big": "size cap",
        f"{base}/loop": "redirects", "http://[::1/x": "not a valid URL",
        "http://127.0.0.1:99999/": "not a valid URL", "http://exa mple.test/": "not a valid URL",
        f"http://127.0.0.1:{closed}/closed": "fetch failed",
    }  # fmt: skip
    return folder, base, expected, urls


def as_source(name: str) -> str:
    """How a document's ``source`` writes a file name: a byte that is not UTF-8 as \\xNN."""
    return name.replace("\udce9", "\\xe9")


def shown(name: str) -> str:
    """How an error line must write ``name``: line breaks and escape codes escaped too."""
    return as_source(name).replace("\n", "\\n").replace("\x1b", "\\x1b")


def error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("error:")]


def check_errors(stderr: str, expected: dict[str, str | None]) -> None:
    """One error line per bad input, naming it, with its problem; none for good inputs."""
    assert "Traceback" not in stderr
    lines = error_lines(stderr)
    bad = {name: problem for name, problem in expected.items() if problem}
    assert len(lines) == len(bad), stderr
    for name, problem in bad.items():
        mine = [ln for ln in lines if ln.startswith(f"error: {shown(name)}: ")]
        assert len(mine) == 1, (name, stderr)
        assert problem in mine[0], (problem, mine[0])


def test_analyze_reports_every_bad_input_once_and_analyzes_every_good_one(
    invoke,
    world,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    folder, _base, expected, urls = world
    out = tmp_path / "out.jsonl"
    result = invoke("analyze", str(folder), *urls, "--allow-private", "--format", "jsonl",
                    "--out", str(out), *FLAGS)  # fmt: skip
    assert result.exit_code == 1, result.stderr
    everything = {**expected, **urls}
    check_errors(result.stderr, everything)
    sources = {json.loads(ln)["document"]["source"] for ln in out.read_text().splitlines()}
    assert sources == {as_source(name) for name, problem in everything.items() if not problem}
    good, bad = len(sources), len(everything) - len(sources)
    assert f"{good} analyzed, {bad} failed, {good + bad} inputs" in result.stderr


def test_without_allow_private_every_url_here_is_refused_before_any_connection(
    invoke,
    world,  # type: ignore[no-untyped-def]
) -> None:
    _folder, base, _expected, _urls = world
    refused = {f"{base}/good-1": "non-public address",
               "http://100.100.100.200/latest/meta-data/": "non-public address",
               "http://[fd00::1]/": "non-public address",
               "http://[::ffff:127.0.0.1]/": "non-public address"}  # fmt: skip
    result = invoke("analyze", *refused, *FLAGS)
    assert result.exit_code == 1
    check_errors(result.stderr, refused)


def test_ingest_stores_every_good_input_and_lists_every_bad_one(
    invoke,
    world,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    folder, base, expected, urls = world
    feed = tmp_path / "local-feed.xml"
    items = [f"{base}/good-3", f"{base}/good-4", "http://[::1/feed-link", f"{base}/gone"]
    feed.write_text('<?xml version="1.0"?><rss><channel>' + "".join(
        f"<item><link>{u}</link></item>" for u in items) + "</channel></rss>")  # fmt: skip
    broken = tmp_path / "broken.xml"
    broken.write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>')
    db = tmp_path / "fuzz.duckdb"
    args = [str(folder), *urls, str(feed), str(broken), f"{base}/feed.xml"]
    result = invoke("ingest", *args, "--db", str(db), "--allow-private", *FLAGS)
    assert result.exit_code == 1, result.stderr
    everything = {**expected, **urls, str(broken): "sitemap is not valid XML",
                  f"{base}/good-3": None, f"{base}/good-4": None,
                  "http://[::1/feed-link": "not a valid URL", f"{base}/gone": "HTTP 404",
                  f"{base}/good-6": None, f"{base}/good-7": None}  # fmt: skip
    check_errors(result.stderr, everything)
    with Store(db) as store:
        stored = {r["source"] for r in store._rows("SELECT source FROM documents")}
    assert stored == {as_source(name) for name, problem in everything.items() if not problem}
    failures = (tmp_path / "fuzz.duckdb.failures.tsv").read_text(encoding="utf-8").splitlines()
    assert len(failures) - 1 == sum(1 for p in everything.values() if p)


def test_the_api_answers_every_hostile_request_with_a_4xx_json_error(
    world,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    _folder, base, _expected, urls = world
    rng = random.Random(SEED + 1)
    settings = load_settings(layers=["boilerplate"], db=tmp_path / "api.duckdb",
                             max_chars=MAX_CHARS, max_bytes=MAX_BYTES, timeout=2,
                             allow_private=True)  # fmt: skip
    with Store(settings.db) as store:
        client = TestClient(create_app(settings, store, token=TOKEN), headers=AUTH)

        def refused(response) -> None:  # type: ignore[no-untyped-def]
            assert 400 <= response.status_code < 500, response.text
            data = response.json()
            assert data["ok"] is False and data["status"] == response.status_code
            assert data["error"] and "\n" not in data["error"]

        good_texts = [article(rng, f"a{n}") for n in range(4)] + [article(rng, "a4") + "\ud800"]

        def post(path: str, body: object):  # type: ignore[no-untyped-def]
            # json.dumps escapes what httpx would refuse to encode (a lone "\ud800").
            raw = json.dumps(body).encode()
            return client.post(path, content=raw, headers={"content-type": "application/json"})

        for text in good_texts:
            answer = post("/api/v1/analyze", {"text": text})
            assert answer.status_code == 200 and answer.json()["document"]["document"]["text"]
        for url, problem in urls.items():
            answer = client.post("/api/v1/analyze", json={"url": url})
            if problem is None:
                assert answer.status_code == 200, answer.text
            else:  # the client's mistake (4xx), or the remote server's (502)
                assert 400 <= answer.status_code < 500 or answer.status_code == 502, answer.text
                assert answer.json()["ok"] is False and problem in answer.json()["error"]
        hostile = [{"text": ""}, {"text": "   \n"}, {"text": long_text(rng, "a9", MAX_CHARS + 1)},
                   {"text": 5}, {"url": "file:///etc/passwd"}, {"url": "http://[::1/"},
                   {"text": "a", "url": "http://x.test/"}, {}, []]  # fmt: skip
        for body in hostile:
            refused(client.post("/api/v1/analyze", json=body))
        for raw in (b'{"text": ', b"not json", b"\xff\xfe", b'{"items": "x"}', b""):
            refused(client.post("/api/v1/analyze", content=raw,
                                headers={"content-type": "application/json"}))  # fmt: skip
            refused(client.post("/api/v1/ingest", content=raw,
                                headers={"content-type": "application/json"}))  # fmt: skip

        items = [{"text": t} for t in good_texts[:2]] + [
            {"text": ""}, {"text": long_text(rng, "b1", MAX_CHARS + 1)},
            {"url": "http://[::1/"}, {"url": f"{base}/missing"}, {"url": f"{base}/good-5"},
            {"url": f"{base}/feed.xml"}, {"url": "/etc/passwd"},
        ]  # fmt: skip
        rng.shuffle(items)
        answer = client.post("/api/v1/ingest", json={"items": items})
        assert answer.status_code == 200, answer.text
        data = answer.json()
        # good: two texts, good-5, and good-6 and good-7 from the feed
        assert data["analyzed"] == 5 and data["failed"] == 5, data
        assert all(f["reason"] and "\n" not in f["reason"] for f in data["failures"])
