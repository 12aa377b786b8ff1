"""The explorer as a user meets it: the real server, a real (headless) Chromium.

The server runs as ``spinscope serve`` on a free loopback port over a temporary database
that the real ``spinscope ingest`` filled with the invented fixture corpus, plus hand-built
documents carrying every layer. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import base64
import html
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.corpus import AUTH, CHROMIUM

#: A form post waits for a real analysis in the worker process (started on first use), which
#: on a busy machine takes longer than Playwright's default 30 s.
ANALYSIS_WAIT_MS = 120_000

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"),
    )
    # Belt and braces: any request leaving loopback fails the test.
    page.route(
        "**/*",
        lambda route: route.continue_()
        if route.request.url.startswith(("http://127.0.0.1:", "data:"))
        else (page.problems.append(f"external request {route.request.url}"), route.abort()),
    )
    yield page
    context.close()


def test_search_then_open_an_article_with_its_highlights(server: str, page: Any) -> None:
    total = httpx.get(server + "/api/v1/search").json()["total"]  # other tests add articles
    page.goto(server + "/")
    assert page.inner_text("#result-count") == f"{total} articles"
    page.click("th >> text=Title")  # sortable columns
    page.wait_for_url("**sort=title**")
    titles = page.locator("a.title").all_inner_texts()
    assert titles == sorted(titles, key=str.lower, reverse=True)
    page.select_option("select[name=outlet]", "b.example")  # filters
    page.click("button >> text=Search")
    page.wait_for_url("**outlet=b.example**")
    assert page.inner_text("#result-count") == "1 article"
    page.goto(server + "/")
    page.fill("#q", "Lysohirka")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=Lysohirka*")
    assert page.inner_text("#result-count") == "2 articles"
    page.click("a.title >> nth=0")
    page.wait_for_selector("#ss-report")
    assert page.locator(".seg.L-techniques").count() >= 2
    assert page.locator(".seg.L-claims").count() >= 1
    assert page.locator(".seg.L-boilerplate").count() >= 1
    # The report's own script runs under the page's CSP nonce: clicking shows details.
    page.locator(".seg.L-techniques").first.click()
    panel = page.inner_text("#ss-panel")
    assert "Findings here" in panel and "Loaded_Language" in panel
    assert page.problems == []  # type: ignore[attr-defined]


def test_a_bad_filter_in_the_address_bar_gets_a_400_page_naming_the_values(
    server: str, page: Any
) -> None:
    response = page.goto(server + "/?technique=Nonexistent&outlet=b.example")
    assert response.status == 400
    message = page.inner_text("#error-message")
    assert message.startswith("technique: unknown technique 'Nonexistent'; use one of")
    assert "Appeal_to_Time" in message and "Black-and-White_Fallacy" in message  # both sets
    response = page.goto(server + "/dashboard?source_kind=<img src=x onerror=window.__xss=1>")
    assert response.status == 400
    message = page.inner_text("#error-message")
    assert "<img src=x" in message and "named, vague, self, none" in message  # shown as text
    assert page.locator("main img").count() == 0 and page.evaluate("window.__xss") is None
    # Chromium logs each 400 document load as a console error; nothing else may appear.
    problems = [p for p in page.problems if "status of 400 (Bad Request)" not in p]  # type: ignore[attr-defined]
    assert problems == [] and len(page.problems) == 2  # type: ignore[attr-defined]


def test_reprints_show_as_also_published(server: str, page: Any) -> None:
    page.goto(server + "/?q=levee+postponed&sort=published&order=desc")
    page.click("text=Thousands evacuated as levee collapses in Port Elsby")
    also = page.inner_text("#also-published")
    assert "presumed origin" in also and "elsby-courier.example" in also
    assert page.problems == []  # type: ignore[attr-defined]


def test_markup_in_an_article_never_executes(server: str, page: Any) -> None:
    page.goto(server + "/?q=markup")
    page.click("a.title >> nth=0")
    page.wait_for_selector("#ss-report")
    assert "<script>alert(1)</script>" in page.inner_text("h1")
    assert page.evaluate("window.__xss") is None
    assert page.title() != "pwned"
    assert page.locator("#ss-report img").count() == 0
    assert page.locator("#ss-report a[href^='javascript']").count() == 0
    # And the same through the paste box, which stores the text and opens its page.
    page.goto(server + "/analyze")
    page.fill("#text", "Pasted <img src=x onerror=window.__xss=1> title\n"
                       "<script>window.__xss=2</script> The mayor said the bridge reopens.\n")
    page.click("#analyze-submit")
    page.wait_for_url("**/articles/*", timeout=ANALYSIS_WAIT_MS)
    assert "<img src=x onerror=window.__xss=1>" in page.inner_text("h1")
    stored = httpx.get(server + "/api/v1/documents/" + page.url.rsplit("/", 1)[1]).json()
    assert "\r" not in stored["document"]["text"]  # the form's CRLF line breaks are undone
    assert page.evaluate("window.__xss") is None
    assert page.problems == [], page.problems  # type: ignore[attr-defined]


@pytest.fixture()
def other_origin() -> Iterator[tuple[str, dict[str, str]]]:
    """Another web server on 127.0.0.1 (another port, so another origin): the page of some
    other local app the user has open. Tests fill ``pages``: path -> HTML."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "not here").encode()
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", pages
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_pages_of_another_origin_cannot_write_but_the_real_form_can(
    server: str, browser: Any, other_origin: tuple[str, dict[str, str]]
) -> None:
    base, pages = other_origin
    # A stored article with a URL, which the forged page names as its canonical URL.
    victim_url = "https://victim.example/2031/harbour-master"
    victim = {"text": "Invented: the harbour master\nThe harbour master said the pier would "
              "reopen on Friday after repairs.\n", "url": victim_url, "outlet": "victim.example"}
    added = httpx.post(f"{server}/api/v1/ingest", json={"items": [victim]}, headers=AUTH,
                       timeout=120).json()  # fmt: skip
    key = added["keys"][0]
    original = httpx.get(f"{server}/api/v1/documents/{key}").json()
    count = httpx.get(f"{server}/healthz").json()["articles"]
    forged = (
        f'<html><head><link rel="canonical" href="{victim_url}"><title>Forged</title></head>'
        "<body><article><p>Forged: the harbour master resigned in disgrace on Friday, "
        "officials said, after the pier collapsed.</p></article></body></html>"
    )
    form = (
        f'<form method="post" action="{server}/analyze"><textarea name="text">'
        f"{html.escape(forged)}</textarea></form><script>document.forms[0].submit()</script>"
    )
    pages["/frames.html"] = f"""<!DOCTYPE html><html><body>
<iframe sandbox="allow-forms allow-scripts" srcdoc="{html.escape(form)}"></iframe>
<iframe src="data:text/html;base64,{base64.b64encode(form.encode()).decode()}"></iframe>
<iframe srcdoc="{html.escape(form)}"></iframe>
<script>
const text = {forged!r};
fetch("{server}/analyze", {{method: "POST", mode: "no-cors",
                           body: new URLSearchParams({{text: text}})}});
fetch("{server}/api/v1/ingest", {{method: "POST", mode: "no-cors",
    body: new Blob([JSON.stringify({{items: [{{text: text, url: "{victim_url}"}}]}})])}});
</script></body></html>"""
    pages["/top.html"] = f"<!DOCTYPE html><html><body>{form}</body></html>"
    context = browser.new_context()
    context.route(
        "**/*",
        lambda route: route.continue_()
        if route.request.url.startswith(("http://127.0.0.1:", "data:", "about:"))
        else route.abort(),
    )
    page = context.new_page()
    # (url, Origin sent, status seen) per request: the first event for a request counts.
    seen: dict[int, tuple[str, str | None, int | None]] = {}

    def finished(request: Any, status: int | None) -> None:
        if request.method == "POST" and request.url.startswith(server):
            seen.setdefault(id(request), (request.url, request.headers.get("origin"), status))

    # The frames get their 403 (which they may not display: frame-ancestors 'none'); the
    # fetches' answers never reach the other page (Cross-Origin-Resource-Policy blocks them,
    # so they end as failed requests), but the server has handled them by then.
    page.on("response", lambda r: finished(r.request, r.status))
    page.on("requestfailed", lambda r: r.failure and "NotSameOrigin" in r.failure
            and finished(r, None))  # fmt: skip
    try:
        page.goto(base + "/frames.html")
        deadline = time.monotonic() + 30
        while len(seen) < 5 and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        done = list(seen.values())
        assert len(done) == 5, done
        # Sandboxed and data: frames send "Origin: null"; the others this page's origin.
        assert sorted(o or "" for _, o, _ in done) == sorted(["null", "null"] + [base] * 3)
        assert all(status in (403, None) for _, _, status in done), done
        assert [s for _, _, s in done].count(403) == 3  # the frames' form posts
        # The classic attack: the other page itself auto-posts the form (a top-level POST).
        page.goto(base + "/top.html")
        page.wait_for_url(f"{server}/analyze")
        assert page.inner_text("h1") == "Error 403"
        assert httpx.get(f"{server}/healthz").json()["articles"] == count
        assert httpx.get(f"{server}/api/v1/documents/{key}").json() == original
        # The real form on the server's own page still works.
        page.goto(server + "/analyze")
        page.fill("#text", "Invented: the ferry timetable\nThe ferry company said the "
                           "summer timetable starts on Monday.\n")  # fmt: skip
        page.click("#analyze-submit")
        page.wait_for_url("**/articles/*", timeout=ANALYSIS_WAIT_MS)
        assert page.inner_text("h1") == "Invented: the ferry timetable"
        assert httpx.get(f"{server}/healthz").json()["articles"] == count + 1
    finally:
        context.close()


def test_dashboard_renders_charts_in_a_screenshot_that_is_not_blank(
    server: str, browser: Any, page: Any, tmp_path: Path
) -> None:
    page.goto(server + "/dashboard")
    assert page.locator("svg.chart").count() >= 5
    shot = page.screenshot(full_page=True)
    (tmp_path / "dashboard.png").write_bytes(shot)
    stats = _pixel_stats(browser, shot)
    assert stats["width"] == 1280 and stats["height"] >= 900
    assert stats["commonest"] < 0.95, f"screenshot is {stats['commonest']:.0%} one colour"
    assert stats["colours"] > 50, "screenshot has too few colours to show charts and text"
    assert page.problems == []  # type: ignore[attr-defined]


def _pixel_stats(browser: Any, png: bytes) -> dict[str, Any]:
    """Width, height, share of the commonest colour and number of colours of a PNG,
    decoded by the browser itself on a blank page (a canvas reads the pixels)."""
    page = browser.new_page()
    try:
        url = "data:image/png;base64," + base64.b64encode(png).decode()
        return page.evaluate(
            """async (url) => {
                const img = new Image(); img.src = url; await img.decode();
                const c = document.createElement('canvas');
                c.width = img.width; c.height = img.height;
                const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
                const d = ctx.getImageData(0, 0, c.width, c.height).data;
                const counts = new Map();
                for (let i = 0; i < d.length; i += 4) {
                    const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
                    counts.set(k, (counts.get(k) || 0) + 1);
                }
                const top = Math.max(...counts.values());
                return {width: c.width, height: c.height, colours: counts.size,
                        commonest: top / (d.length / 4)};
            }""",
            url,
        )
    finally:
        page.close()
