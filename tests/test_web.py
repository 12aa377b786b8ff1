"""The web explorer and REST API in-process: pages, escaping, errors, token, limits, CSV."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinscope import ingest_run as C
from spinscope.config import load_settings
from spinscope.pipeline import load_pipeline
from spinscope.store import Store
from spinscope.web import AnalyzeQueue, create_app, is_loopback, resolve_token
from spinscope.web.guard import HTTPProblem
from tests.e2e.corpus import DATA, hand_doc

WEB = Path(__file__).parent.parent / "spinscope" / "web"
TOKEN = "test-api-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    settings = load_settings(layers=["boilerplate"])
    store = Store(tmp_path_factory.mktemp("web") / "w.duckdb")
    C.ingest(C.plan([str(DATA)], settings), settings, store, load_pipeline(settings))
    store.save_many([hand_doc(1, outlet="a.example"), hand_doc(2, published="2031-03-01")])
    store.recluster()
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    settings = load_settings(layers=["boilerplate"], db=store.path, max_bytes=20_000)
    return TestClient(create_app(settings, store, token=TOKEN))


def form_token(client: TestClient) -> str:
    """The form token of the analyze page, as a browser would send it back."""
    page = client.get("/analyze").text
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def key_of(store: Store, doc_id: str) -> str:
    return store._rows("SELECT key FROM documents WHERE doc_id = ?", [doc_id])[0]["key"]


def test_articles_page_searches_filters_sorts_and_pages(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "9 articles" in page.text
    assert "1 article<" in client.get("/?q=shopkeepers+insurance&sort=relevance").text
    assert "2 articles" in client.get("/?technique=Loaded_Language").text
    assert "1 article<" in client.get("/?source_kind=vague&outlet=a.example").text
    assert "4 articles" in client.get("/?date_from=2031-03-06&date_to=2031-03-31").text
    paged = client.get("/?sort=title&order=asc&per_page=4&page=3")
    assert "page 3 of 3" in paged.text and 'rel="prev"' in paged.text
    bad = client.get("/?sort=nonsense")
    assert bad.status_code == 400 and "unknown sort" in bad.text


def test_article_page_embeds_the_report_and_lists_reprints(
    client: TestClient, store: Store
) -> None:
    page = client.get(f"/articles/{key_of(store, 'partial')}")
    assert page.status_code == 200
    assert 'id="ss-report"' in page.text and "L-boilerplate" in page.text
    assert "Also published as" in page.text and "presumed origin" in page.text
    hand = client.get(f"/articles/{key_of(store, 'hand-1')}").text
    for layer in ("L-techniques", "L-claims", "L-entities", "L-events"):
        assert layer in hand
    assert client.get("/articles/doesnotexist").status_code == 404


def test_a_pasted_pages_canonical_link_is_shown_as_its_claim(
    client: TestClient, store: Store
) -> None:
    victim = store.save(hand_doc(7, url="https://victim.example/story"))
    before = store.get(victim)
    page = (
        '<html><head><link rel="canonical" href="https://victim.example/story"></head><body>'
        "<article><p>Invented: a pasted copy says the harbour master resigned in disgrace on "
        "Friday, officials said.</p></article></body></html>"
    )
    answer = client.post(
        "/api/v1/analyze", json={"text": page, "store": True}, headers=AUTH
    ).json()  # fmt: skip
    assert answer["key"] != victim and store.get(victim) == before
    assert answer["document"]["document"]["url"] is None
    assert answer["document"]["summary"]["canonical_claimed"] == "https://victim.example/story"
    html = client.get(f"/articles/{answer['key']}").text
    assert "canonical URL claimed by the page" in html
    assert "https://victim.example/story" in html and 'href="https://victim' not in html
    client.delete(f"/api/v1/documents/{answer['key']}", headers=AUTH)
    client.delete(f"/api/v1/documents/{victim}", headers=AUTH)


def test_an_edited_article_shows_its_earlier_versions_in_the_explorer_and_the_api(
    client: TestClient, store: Store
) -> None:
    url = "https://edits.example/2031/strike"
    first = hand_doc(5, url=url)
    key = store.save(first)
    edited = hand_doc(5, url=url)
    edited.text, edited.spans = first.text.replace("killed 7", "killed <b>70</b>"), {}
    assert store.save(edited) == key
    page = client.get(f"/articles/{key}").text
    assert 'id="revisions"' in page and "Edited since first seen" in page
    assert f'href="/articles/{key}/revisions/1"' in page
    listed = client.get("/", params={"q": "Lysohirka", "outlet": "kremlin-watch.example"}).text
    assert re.search(rf'href="/articles/{key}">[^<]*</a> <span class="edited"', listed)
    old = client.get(f"/articles/{key}/revisions/1")
    assert old.status_code == 200 and "Version 1 of 2" in old.text
    assert "<del>7</del>" in old.text and "<ins>&lt;b&gt;70&lt;/b&gt;</ins>" in old.text
    assert "<b>70</b>" not in old.text  # the diff is escaped like everything else
    assert 'id="ss-report"' in old.text and "killed 7 civilians" in old.text
    assert client.get(f"/articles/{key}/revisions/2").status_code == 404
    assert client.get(f"/articles/{key}/revisions/first").status_code == 400
    api = client.get(f"/api/v1/documents/{key}/revisions").json()
    assert api["ok"] and api["edited"] and [r["number"] for r in api["revisions"]] == [1]
    assert api["first_seen"] <= api["revisions"][0]["replaced_at"] == api["current_since"]
    assert client.get(api["revisions"][0]["document"]).json() == first.to_dict()
    found = client.get("/api/v1/search", params={"q": "Lysohirka", "per_page": 50}).json()
    assert {r["key"]: r["n_revisions"] for r in found["results"]}[key] == 1
    never = store.save(hand_doc(8, url="https://edits.example/other"))
    assert client.get(f"/api/v1/documents/{never}/revisions").json()["edited"] is False
    assert client.get("/api/v1/documents/nope/revisions").status_code == 404
    for k in (key, never):
        client.delete(f"/api/v1/documents/{k}", headers=AUTH)


def test_article_content_is_escaped_everywhere(client: TestClient, store: Store) -> None:
    key = key_of(store, "xss")
    for url in (f"/articles/{key}", "/?q=markup", "/reprints"):
        html = client.get(url).text
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html and '<a href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/articles/{key}").text


def test_every_page_forbids_foreign_scripts_and_loads_nothing_external(client: TestClient) -> None:
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'nonce-" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in policy and response.headers["x-frame-options"] == "DENY"
    for path in [*WEB.glob("templates/*.j2"), *WEB.glob("static/*")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path
        assert "@import" not in text and "cdn" not in text.lower(), path
    for url in ("/", "/dashboard", "/api/docs", "/analyze", "/reprints"):
        html = client.get(url).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), url


def test_dashboard_charts_and_csv_downloads(client: TestClient) -> None:
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 5
    for name in ("techniques-per-outlet", "techniques-over-time", "top-sources",
                 "vague-sources", "places", "events", "technique-breakdown"):  # fmt: skip
        csv = client.get(f"/dashboard/{name}.csv")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert len(csv.text.splitlines()) >= 2, name
    top = client.get("/dashboard/top-sources.csv").text.splitlines()
    assert top[0] == "source,kind,claims,articles" and top[1] == "Anna Petrenko,named,2,2"
    assert client.get("/dashboard/nope.csv").status_code == 404


def test_csv_downloads_never_start_a_cell_with_a_formula(tmp_path: Path) -> None:
    with Store(tmp_path / "csv.duckdb") as store:
        doc = hand_doc(1)
        doc.spans["claims"][1].attrs["attribution"]["source"] = '=HYPERLINK("http://x","y")'
        store.save(doc)
        settings = load_settings(layers=["boilerplate"], db=store.path)
        csv = TestClient(create_app(settings, store)).get("/dashboard/top-sources.csv").text
    assert "\n\"'=HYPERLINK(" in csv and "\n=" not in csv and '\n"=' not in csv


def test_api_search_get_stats_and_openapi(client: TestClient, store: Store) -> None:
    found = client.get("/api/v1/search", params={"q": "levee", "per_page": 2}).json()
    assert found["ok"] and found["total"] == 5 and len(found["results"]) == 2
    key = found["results"][0]["key"]
    doc = client.get(f"/api/v1/documents/{key}").json()
    assert doc["schema"] == "spinscope/1" and doc == store.get(key)
    stats = client.get("/api/v1/stats").json()
    assert stats["overview"]["articles"] == 9
    columns = stats["tables"]["vague-sources"]["columns"]
    assert columns[3] == "vague_percent" and columns[-2:] == ["articles", "low_sample"]
    assert len(client.get("/api/v1/reprints").json()["clusters"]) == 1
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/v1/analyze", "/api/v1/ingest", "/api/v1/documents/{key}",
                 "/api/v1/search", "/api/v1/stats"):  # fmt: skip
        assert path in spec["paths"]
    assert "/api/v1/analyze" in client.get("/api/docs").text


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", "/api/v1/documents/nope", None, 404),
        ("get", "/api/v1/search?page=0", None, 400),
        ("get", "/api/v1/search?date_from=yesterday", None, 400),
        ("get", "/api/v1/search?technique=Nonexistent", None, 400),
        ("get", "/api/v1/stats?source_kind=anonymous", None, 400),
        ("post", "/api/v1/analyze", {"text": "", "url": ""}, 422),
        ("post", "/api/v1/analyze", {"text": 5}, 422),
        ("post", "/api/v1/analyze", {"url": "file:///etc/passwd"}, 422),
        ("post", "/api/v1/analyze", {"url": "http://127.0.0.1:9/article"}, 502),
        ("post", "/api/v1/ingest", {"items": []}, 422),
        ("get", "/api/v1/nothing-here", None, 404),
    ],
)
def test_api_errors_are_json_with_their_status(client, method, url, body, status) -> None:  # type: ignore[no-untyped-def]
    given = {"json": body} if body is not None else {}
    response = getattr(client, method)(url, headers=AUTH, **given)
    assert response.status_code == status
    data = response.json()
    assert data["ok"] is False and data["status"] == status and data["error"]


@pytest.mark.parametrize(
    ("query", "parameter", "allowed"),
    [("page=922337203685477580", "page", ["1,000,000"]), ("page=2.5", "page", []),
     ("per_page=0", "per_page", ["200"]), ("per_page=99999999999999999999999", "per_page", []),
     ("date_from=2024-13-45", "date_from", ["2024-05-31"]), ("date_to=2024-02-30", "date_to", []),
     ("date_from=2024-13", "date_from", []),
     # SemEval-2023-only, PTC-only and shared names are all listed
     ("technique=Nonexistent", "technique",
      ["Appeal_to_Time", "Black-and-White_Fallacy", "Loaded_Language", "Smears"]),
     ("source_kind=unnamed", "source_kind", ["named, vague, self, none"]),
     ("sort=nonsense", "sort", ["relevance", "published", "ingested"]),
     ("order=up", "order", ["asc, desc"]), ("language=english", "language", ["ISO 639"]),
     ("techique=Doubt", "techique", ["technique, source_kind"]),
     ("sort=title&sort=outlet", "sort", ["once"])],
)  # fmt: skip
def test_bad_query_parameters_get_400_naming_the_parameter_and_its_values(
    client: TestClient, query: str, parameter: str, allowed: list[str]
) -> None:
    for url in (f"/api/v1/search?{query}", f"/api/v1/stats?{query}"):
        api = client.get(url)
        assert api.status_code == 400, (url, api.text)
        error = api.json()["error"]
        assert api.json()["status"] == 400 and parameter in error, error
        assert all(value in error for value in allowed), error
    for url in (f"/?{query}", f"/dashboard?{query}", f"/dashboard/top-sources.csv?{query}"):
        page = client.get(url)
        assert page.status_code == 400 and "Error 400" in page.text, url
        message = re.search(r'id="error-message">([^<]*)<', page.text).group(1)  # type: ignore[union-attr]
        assert parameter in message and all(value in message for value in allowed), message


def test_a_bad_parameter_value_is_shown_escaped(client: TestClient) -> None:
    for url in ("/?technique=<script>alert(1)</script>", "/dashboard?language=<b>x</b>"):
        page = client.get(url)
        assert page.status_code == 400 and "<script>alert(1)" not in page.text
        assert "<b>x</b>" not in page.text and "&lt;" in page.text


def test_technique_filters_take_either_taxonomy_ignoring_case(tmp_path: Path) -> None:
    with Store(tmp_path / "t.duckdb") as store:
        store.save_many([
            hand_doc(1, technique="Appeal_to_fear-prejudice"),  # PTC spelling
            hand_doc(2, technique="Appeal_to_Fear-Prejudice"),  # SemEval-2023 spelling
            hand_doc(3, technique="False_Dilemma-No_Choice"),
        ])  # fmt: skip
        app = create_app(load_settings(layers=["boilerplate"], db=store.path), store)
        client = TestClient(app)

        def total(technique: str) -> int:
            answer = client.get("/api/v1/search", params={"technique": technique})
            assert answer.status_code == 200, answer.text
            return answer.json()["total"]

        assert total("Appeal_to_fear-prejudice") == 1 and total("Appeal_to_Fear-Prejudice") == 1
        assert total("false_dilemma-no_choice") == 1 and total("FALSE_DILEMMA-NO_CHOICE") == 1
        assert total("Smears") == 3  # a label in neither taxonomy that stored documents carry
        assert total("Black-and-White_Fallacy") == 0  # known, just not in this store
        ambiguous = client.get("/api/v1/search", params={"technique": "appeal_to_fear-prejudice"})
        assert ambiguous.status_code == 400 and "give one exactly" in ambiguous.json()["error"]
        page = client.get("/", params={"technique": "false_dilemma-no_choice"}).text
        assert "1 article<" in page and '<option value="False_Dilemma-No_Choice" selected' in page


def test_a_malformed_json_body_stays_422_naming_the_body(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/analyze", content=b'{"text": ', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422 and answer.json()["error"].startswith("body: ")


def test_analyze_returns_the_contract_and_can_store(client: TestClient, store: Store) -> None:
    text = "Invented: harbour closes\nThe harbour closed on Monday, officials said.\n"
    answer = client.post("/api/v1/analyze", json={"text": text}).json()
    assert answer["ok"] and answer["key"] is None
    assert answer["document"]["document"]["text"] == text and "boilerplate" in answer["document"]
    before = store.count()
    stored = client.post("/api/v1/analyze", json={"text": text, "store": True}, headers=AUTH)
    stored = stored.json()
    assert stored["key"] and store.count() == before + 1
    form = client.post(
        "/analyze", data={"text": text + "More.\n", "form_token": form_token(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert form.status_code == 303 and form.headers["location"].startswith("/articles/")
    gone = client.delete(f"/api/v1/documents/{stored['key']}", headers=AUTH)
    assert gone.json() == {"ok": True, "deleted": stored["key"]}
    assert client.delete(f"/api/v1/documents/{stored['key']}", headers=AUTH).status_code == 404


def test_ingest_endpoint_refuses_paths_and_reports_failures(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/ingest",
        json={"items": [{"url": "/etc/passwd"}, {"text": "Title\nA fine invented article.\n"}]},
        headers=AUTH,
    ).json()
    assert answer["analyzed"] == 1 and answer["failed"] == 1
    assert "http(s)" in answer["failures"][0]["reason"]


def test_request_bodies_over_the_limit_get_413(client: TestClient) -> None:
    response = client.post("/api/v1/analyze", json={"text": "x" * 200_000})
    assert response.status_code == 413
    assert response.json() == {
        "ok": False, "status": 413, "error": response.json()["error"]
    }  # fmt: skip

    def chunks():  # no Content-Length: the cap must hold for streamed bodies too
        yield b'{"text": "'
        for _ in range(50):
            yield b"x" * 5000

    streamed = client.post(
        "/api/v1/analyze", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413 and streamed.json()["ok"] is False


def test_cross_origin_form_posts_are_refused(client: TestClient) -> None:
    response = client.post(
        "/analyze", data={"text": "Title\nText here.\n"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403


POSTED = "Invented: a ferry strike\nThe union said the ferries would stop on Monday.\n"


@pytest.mark.parametrize(
    ("headers", "fields", "why"),
    [({"Origin": "null"}, {}, "a sandboxed frame or data: page"),
     ({"Origin": "null"}, {"form_token": "page"}, "null is never trusted, token or not"),
     ({"Origin": "http://127.0.0.1:9999"}, {"form_token": "page"}, "another local port"),
     ({"Origin": "http://evil.example"}, {"form_token": "page"}, "another site"),
     ({}, {}, "no form token: a plain cross-site form post without an Origin"),
     ({}, {"form_token": "1.x.deadbeef"}, "a forged form token"),
     ({}, {"form_token": "stale"}, "a token older than a day"),
     ({}, {"token": "wrong"}, "a wrong API token")],
)  # fmt: skip
def test_form_writes_without_a_same_origin_proof_get_403_and_store_nothing(
    client: TestClient, store: Store, headers: dict, fields: dict, why: str
) -> None:
    ex = client.app.app.state.explorer  # type: ignore[attr-defined]
    real = {"page": lambda: form_token(client),
            "stale": lambda: ex.forms.issue("/analyze", now=1_000_000)}  # fmt: skip
    data = {"text": POSTED, **{k: real[v]() if v in real else v for k, v in fields.items()}}
    before = store.count()
    response = client.post("/analyze", data=data, headers=headers, follow_redirects=False)
    assert response.status_code == 403, why
    assert "Error 403" in response.text and response.headers["content-type"].startswith("text/html")
    assert store.count() == before, why


def test_form_writes_with_the_page_token_or_the_api_token_are_stored(
    client: TestClient, store: Store
) -> None:
    before = store.count()
    own = {"Origin": "http://testserver"}
    for data, headers in [
        ({"text": POSTED, "form_token": form_token(client)}, own),  # the browser's form
        ({"text": POSTED + "Two.\n", "form_token": form_token(client)}, {}),  # no Origin sent
        ({"text": POSTED + "Three.\n"}, AUTH),  # curl with the API token
        ({"text": POSTED + "Four.\n", "token": TOKEN}, {}),  # the token field of the form
    ]:
        response = client.post("/analyze", data=data, headers=headers, follow_redirects=False)
        assert response.status_code == 303, response.text
    assert store.count() == before + 4


@pytest.mark.parametrize("origin", ["null", "http://127.0.0.1:9999", "https://evil.example"])
def test_api_writes_from_another_origin_get_403_json_even_with_the_token(
    client: TestClient, store: Store, origin: str
) -> None:
    before = store.count()
    headers = {**AUTH, "Origin": origin}
    for method, url, body in [
        ("post", "/api/v1/analyze", {"text": POSTED, "store": True}),
        ("post", "/api/v1/analyze", {"text": POSTED}),  # even an analysis that stores nothing
        ("post", "/api/v1/ingest", {"items": [{"text": POSTED}]}),
    ]:
        response = getattr(client, method)(url, json=body, headers=headers)
        assert response.status_code == 403
        assert response.json() == {"ok": False, "status": 403, "error": response.json()["error"]}
    key = client.get("/api/v1/search").json()["results"][0]["key"]
    assert client.delete(f"/api/v1/documents/{key}", headers=headers).status_code == 403
    assert store.count() == before


def test_api_writes_need_the_api_token_on_loopback_too(client: TestClient, store: Store) -> None:
    before = store.count()
    body = {"text": POSTED + "API.\n", "store": True}
    refused = client.post("/api/v1/analyze", json=body)
    assert refused.status_code == 401 and "Authorization: Bearer" in refused.json()["error"]
    page_token = {"X-Spinscope-Token": form_token(client)}  # a form token is not an API token
    assert client.post("/api/v1/analyze", json=body, headers=page_token).status_code == 401
    assert store.count() == before
    assert client.post("/api/v1/analyze", json=body, headers=AUTH).status_code == 200
    assert store.count() == before + 1


def test_write_endpoints_need_the_token_when_one_is_set(store: Store) -> None:
    settings = load_settings(layers=["boilerplate"], db=store.path)
    guarded = TestClient(create_app(settings, store, token="s3cret", forms_need_token=True))
    text = {"text": "Invented\nThe ferry sank, officials said.\n", "store": True}
    assert guarded.post("/api/v1/analyze", json=text).status_code == 401
    assert guarded.post("/api/v1/ingest", json={"items": [text]}).status_code == 401
    assert guarded.delete("/api/v1/documents/x").status_code == 401
    assert guarded.post("/analyze", data={"text": text["text"]}).status_code == 403
    # Off loopback the page's form token is not enough: anyone can load the page.
    page = {"text": text["text"], "form_token": form_token(guarded)}
    assert guarded.post("/analyze", data=page).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert guarded.post("/api/v1/analyze", json=text, headers=wrong).status_code == 401
    ok = guarded.post("/api/v1/analyze", json=text, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    # Reading and analyzing without storing need no token.
    assert guarded.post("/api/v1/analyze", json={"text": text["text"]}).status_code == 200
    assert guarded.get("/api/v1/stats").status_code == 200
    assert 'name="token"' in guarded.get("/analyze").text


def test_the_token_comes_from_the_environment_or_is_generated_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(tmp_path / "t.duckdb") as s:
        monkeypatch.delenv("SPINSCOPE_TOKEN", raising=False)
        token, generated = resolve_token(s)
        assert generated and len(token) >= 24
        assert resolve_token(s) == (token, False)
        monkeypatch.setenv("SPINSCOPE_TOKEN", "from-env")
        assert resolve_token(s) == ("from-env", False)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_the_analyze_queue_answers_503_with_retry_after_when_full() -> None:
    import time

    queue = AnalyzeQueue(workers=1, waiting=1, retry_after=7)

    async def main() -> list[object]:
        jobs = [asyncio.create_task(queue.run(time.sleep, 0.3)) for _ in range(3)]
        return await asyncio.gather(*jobs, return_exceptions=True)

    results = asyncio.run(main())
    refused = [r for r in results if isinstance(r, HTTPProblem)]
    assert len(refused) == 1 and refused[0].status == 503
    assert refused[0].headers == {"Retry-After": "7"}
    assert queue.pending == 0


def test_serve_off_loopback_prints_a_token_and_requires_it(
    invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    import uvicorn

    started: dict = {}
    monkeypatch.delenv("SPINSCOPE_TOKEN", raising=False)
    # No socket is opened: uvicorn.run is replaced, the app it would serve is inspected.
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    db = tmp_path / "s.duckdb"
    result = invoke("serve", "--db", str(db), "--host", "0.0.0.0", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert started["host"] == "0.0.0.0" and started["port"] == 8123
    token = re.search(r"need the token (\S+)", result.output).group(1)  # type: ignore[union-attr]
    assert "generated now" in result.output
    client = TestClient(started["app"])
    body = {"text": "Invented\nThe ferry sank, officials said.\n", "store": True}
    assert client.post("/api/v1/analyze", json=body).status_code == 401
    again = invoke("serve", "--db", str(db), "--host", "0.0.0.0")
    assert f"need the token {token}" in again.output and "generated now" not in again.output
    local = invoke("serve", "--db", str(db))
    assert f"need the token {token}" in local.output and started["host"] == "127.0.0.1"
    assert "the web form needs none on loopback" in local.output


def test_the_default_loopback_server_refuses_origin_null_posts(
    invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """The reported attack: 'serve' with its defaults stored a post sent with Origin: null."""
    import uvicorn

    statuses: list[int] = []

    def run(app, **kw) -> None:  # type: ignore[no-untyped-def]  # in place of the real server
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            for headers in ({"Origin": "null"}, {"Origin": "http://127.0.0.1:8001"}, {}):
                answer = client.post("/analyze", data={"text": POSTED}, headers=headers)
                statuses.append(answer.status_code)

    monkeypatch.setattr(uvicorn, "run", run)
    db = tmp_path / "d.duckdb"
    assert invoke("serve", "--db", str(db), "--layers", "boilerplate").exit_code == 0
    assert statuses == [403, 403, 403]
    with Store(db) as s:
        assert s.count() == 0


def test_a_loopback_server_answers_only_to_local_host_names(store: Store) -> None:
    from spinscope.web.guard import LOOPBACK_HOSTS

    settings = load_settings(layers=["boilerplate"], db=store.path)
    app = create_app(settings, store, allowed_hosts=LOOPBACK_HOSTS)
    local = TestClient(app, base_url="http://127.0.0.1:8000")
    assert local.get("/").status_code == 200
    assert TestClient(app, base_url="http://localhost:8000").get("/api/v1/stats").is_success
    rebound = local.get("/api/v1/stats", headers={"Host": "evil.example:8000"})
    assert rebound.status_code == 421 and rebound.json()["ok"] is False


@pytest.mark.parametrize(
    ("host", "answered"),
    [("127.0.0.1:8000", True), ("127.0.0.1", True), ("LocalHost:8000", True),
     ("[::1]:8000", True), ("[::1]", True), ("[0:0:0:0:0:0:0:1]:8000", True),
     ("::1", False), ("[localhost]:8000", False), ("[127.0.0.1]:8000", False),
     ("[::2]:8000", False), ("[::1]x", False), ("[::1]:80:80", False), ("evil.example", False),
     ("127.0.0.1.evil.example", False), ("localhost@evil.example", False),
     ("localhost.:8000", False), ("", False)],
)  # fmt: skip
def test_the_loopback_host_check_is_exact_for_ipv6_brackets(
    store: Store, host: str, answered: bool
) -> None:
    from spinscope.web.guard import loopback_hosts

    settings = load_settings(layers=["boilerplate"], db=store.path)
    client = TestClient(create_app(settings, store, allowed_hosts=loopback_hosts("127.0.0.1")))
    status = client.get("/healthz", headers={"Host": host}).status_code
    assert status == (200 if answered else 421)


def test_loopback_addresses_are_recognised_exactly() -> None:
    for host in ("127.0.0.1", "127.4.5.6", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert is_loopback(host), host
    for host in ("[localhost]", "[127.0.0.1]", "0.0.0.0", "::", "192.168.1.4", "[::1", "::1]"):
        assert not is_loopback(host), host


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [("http://127.0.0.1:8000", "127.0.0.1:8000", True),
     ("http://localhost:8000", "LOCALHOST:8000", True),
     ("http://[::1]:8000", "[::1]:8000", True), ("http://127.0.0.1", "127.0.0.1:80", True),
     ("https://news.example", "news.example", True),
     ("null", "127.0.0.1:8000", False), ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
     ("http://localhost:8000", "127.0.0.1:8000", False),
     ("http://127.0.0.1:8000/", "127.0.0.1:8000", False),
     ("http://x@127.0.0.1:8000", "127.0.0.1:8000", False),
     ("file://", "127.0.0.1:8000", False), ("http://[::1]:8000", "[::1", False)],
)  # fmt: skip
def test_same_origin_compares_host_and_port_exactly(origin: str, host: str, same: bool) -> None:
    from spinscope.web.guard import same_origin

    assert same_origin(origin, host) is same


def test_web_modules_import_each_other_one_way() -> None:
    """No import circle among spinscope.web's modules, counting imports inside functions."""
    import ast

    graph: dict[str, set[str]] = {}
    for path in WEB.glob("*.py"):
        if path.stem == "__init__":
            continue
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("spinscope.web"):
                names = [node.module.rsplit(".", 1)[-1]] if node.module != "spinscope.web" else []
                found.update(names or [a.name for a in node.names])
        graph[path.stem] = found & {p.stem for p in WEB.glob("*.py")}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n}))
                   for n in graph.get(start, ()))  # fmt: skip

    circles = [m for m in graph if reaches(m, m, {m})]
    assert circles == [], f"modules in an import circle: {circles}; graph: {graph}"


@pytest.mark.parametrize("scale", [1, 3000])
def test_the_revision_diff_rebuilds_both_versions_and_stays_fast(scale: int) -> None:
    import time

    from spinscope.web.diff import word_diff

    old = "The mayor said 7 people died.\nThe bridge stays closed.\n" * scale
    one = old.replace("7 people", "70 people", 1)  # one stealth edit
    spread = one[::-1].replace("syats", "sniamer", 1)[::-1]  # and one at the very end
    for new in (one, spread):
        started = time.monotonic()
        pieces = word_diff(old, new)
        assert time.monotonic() - started < 5  # a page view, however long the article
        assert "".join(t for k, t in pieces if k != "ins") == old
        assert "".join(t for k, t in pieces if k != "del") == new
    # A single edit stands out as the changed word, however long the text.
    assert [(k, t) for k, t in word_diff(old, one) if k != "same"] == [("del", "7"), ("ins", "70")]
