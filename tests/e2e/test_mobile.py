"""On a phone (400 px wide) and offline: the explorer's layout and the HTML report, in a real
headless Chromium.

The server runs as ``spinscope serve`` on 127.0.0.1 over a store of hand-built documents
with every layer, one of them long, so that "next to the tapped passage" and "below the
whole article" are far apart. Only 127.0.0.1 and local files are ever opened.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spinscope.document import Document
from spinscope.render.html import render_html
from spinscope.store import Store
from tests.e2e.corpus import CHROMIUM, find, hand_doc, served
from tests.e2e.test_browser import _pixel_stats

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

PHONE = {"width": 400, "height": 800}
FILLER = (
    "Residents of the invented district described long queues for water, repairs that "
    "were promised and postponed, and a council meeting that ended without a decision. "
)


def long_doc() -> Document:
    """hand_doc(7) with 40 more paragraphs after its findings (offsets unchanged)."""
    doc = hand_doc(7, outlet="a-very-long-outlet-name-without-any-spaces.example")
    doc.text += "".join(f"Paragraph {n}. {FILLER * 2}\n" for n in range(40))
    doc.meta.url = "https://a-very-long-outlet-name-without-any-spaces.example/" + "x" * 80
    doc.add_span(
        "techniques", *find(doc, "Paragraph 39. Residents"), "Appeal_to_Fear-Prejudice", 0.9
    )
    return doc


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, key of the long article)."""
    db = tmp_path_factory.mktemp("mobile") / "m.duckdb"
    with Store(db) as store:
        docs = [hand_doc(n, outlet=f"outlet-{n % 3}.example") for n in range(1, 30)]
        keys = store.save_many([long_doc(), *docs])
    with served(db, "--layers", "boilerplate") as base:
        yield base, keys[0]


def _page(browser: Any, width: int = 400, offline: bool = False) -> Any:
    context = browser.new_context(
        viewport={**PHONE, "width": width}, has_touch=True, offline=offline
    )
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1:", "data:", "file:"))
            else (page.problems.append(f"external request {route.request.url}"), route.abort())
        ),
    )
    return page


def _fits(browser: Any, page: Any, name: str, out: Path) -> None:
    """The page does not scroll sideways at 400 px, in the DOM and in a screenshot."""
    widths = page.evaluate(
        "() => ({inner: window.innerWidth, doc: document.documentElement.scrollWidth, "
        "body: document.body.scrollWidth})"
    )
    assert widths["inner"] == 400
    assert widths["doc"] <= widths["inner"] and widths["body"] <= widths["inner"], (name, widths)
    shot = page.screenshot(full_page=True)  # as wide as the page's scrollable width
    (out / f"{name}.png").write_bytes(shot)
    stats = _pixel_stats(browser, shot)
    assert stats["width"] == 400, (name, stats)
    assert stats["commonest"] < 0.97 and stats["colours"] > 20, (name, stats)  # not blank


def test_the_explorer_pages_fit_a_400px_screen(
    site: tuple[str, str], browser: Any, tmp_path: Path
) -> None:
    base, key = site
    page = _page(browser)
    try:
        for name, path in (
            ("articles", "/"),
            ("search", "/?q=Lysohirka&technique=Loaded_Language"),
            ("article", f"/articles/{key}"),
            ("dashboard", "/dashboard"),
        ):
            page.goto(base + path)
            _fits(browser, page, name, tmp_path)
        # The results table reflowed into cards: each row's cells are stacked, and the
        # title and counts of the first row are on screen.
        page.goto(base + "/")
        first = page.locator("table.results tbody tr").first
        box = first.bounding_box()
        assert box is not None and box["width"] <= 400
        cells = first.locator("td").all()
        tops = [c.bounding_box()["y"] for c in cells if c.is_visible()]
        assert len(set(tops)) >= 3  # stacked, not side by side as in a table row
        assert page.locator("form.export button").is_visible()
        assert page.problems == []  # type: ignore[attr-defined]
    finally:
        page.context.close()


def test_tapping_a_highlight_on_a_phone_shows_the_details_next_to_it(
    site: tuple[str, str], browser: Any
) -> None:
    base, key = site
    page = _page(browser)
    try:
        page.goto(f"{base}/articles/{key}")
        page.wait_for_selector("#ss-report[data-ready='1']")
        panel = page.locator("#ss-panel")
        assert not panel.is_visible()  # nothing sits below the article before a tap
        seg = page.locator(".seg.L-techniques").first
        seg.scroll_into_view_if_needed()
        seg.tap()
        assert panel.is_visible()
        assert "Loaded_Language" in panel.inner_text()
        seg_box, panel_box = seg.bounding_box(), panel.bounding_box()
        article = page.locator("#ss-article").bounding_box()
        assert seg_box and panel_box and article
        # Just under the tapped passage, far above the article's end, within the screen.
        assert 0 <= panel_box["y"] - (seg_box["y"] + seg_box["height"]) <= 12
        assert panel_box["y"] + panel_box["height"] < article["y"] + article["height"] - 1000
        assert panel_box["x"] >= 0 and panel_box["x"] + panel_box["width"] <= 400
        # Near the end of the article too, and it closes.
        last = page.locator(".seg", has_text="Paragraph 39")
        last.scroll_into_view_if_needed()
        last.tap()
        assert "Appeal_to_Fear-Prejudice" in panel.inner_text()
        low, box = last.bounding_box(), panel.bounding_box()
        assert low and box and 0 <= box["y"] - (low["y"] + low["height"]) <= 12
        page.locator("#ss-panel .close").tap()
        assert not panel.is_visible()
        assert page.problems == []  # type: ignore[attr-defined]
    finally:
        page.context.close()


def _broken_words(page: Any) -> list[str]:
    """Words (between spaces) of the report's table cells that are split across lines."""
    return page.evaluate(
        """() => {
            const broken = [];
            for (const td of document.querySelectorAll('.ss-table td')) {
                if (!td.offsetParent) continue;  // hidden (a collapsed list)
                const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const re = /\\S+/g; let m;
                    while ((m = re.exec(node.data))) {
                        if (m[0].length > 30) continue;  // a URL may have to break
                        const range = document.createRange();
                        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
                        const tops = new Set([...range.getClientRects()]
                            .filter(r => r.width > 0).map(r => Math.round(r.top)));
                        if (tops.size > 1) broken.push(m[0]);
                    }
                }
            }
            return broken;
        }"""
    )


@pytest.mark.parametrize("width", [400, 1280])
def test_report_tables_never_break_a_word_and_fit_the_screen(
    browser: Any, tmp_path: Path, width: int
) -> None:
    data = long_doc().to_dict()
    path = tmp_path / "report.html"
    path.write_text(render_html(data, min_score=0.0), encoding="utf-8")
    page = _page(browser, width, offline=True)
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("#ss-report[data-ready='1']")
        page.click("details.ss-all > summary")  # every entity mention too
        assert page.locator(".ss-table td").count() > 20
        assert _broken_words(page) == []
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width
        assert page.problems == []  # type: ignore[attr-defined]
    finally:
        page.context.close()


def test_the_report_filters_by_minimum_score_offline(browser: Any, tmp_path: Path) -> None:
    text = "They are vile thugs. The weather was mild today, said officials.\n"
    doc = Document(id="w", source="w.txt", text=text)
    doc.add_span("techniques", *find(doc, "vile thugs"), "Name_Calling-Labeling", 0.8)
    doc.add_span("techniques", *find(doc, "The weather"), "Loaded_Language", 0.1)
    path = tmp_path / "report.html"
    path.write_text(render_html(doc.to_dict(), min_score=0.3), encoding="utf-8")
    page = _page(browser, 1280, offline=True)  # no network at all: everything is inline
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("#ss-report[data-ready='1']")
        rows = page.locator(".ss-table tbody tr")

        def state() -> tuple[int, int, str]:
            shown = sum(r.is_visible() for r in rows.all())
            count = page.inner_text("[data-min-count='techniques']")
            return page.locator(".seg.L-techniques").count(), shown, count

        assert state() == (1, 1, "1 of 2 shown")

        def slide(value: float) -> None:
            page.eval_on_selector(
                "input[data-min='techniques']",
                "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }",
                value,
            )

        slide(0)
        assert state() == (2, 2, "2 of 2 shown")
        assert page.inner_text("[data-min-value='techniques']") == "0.00"
        # A passage whose findings are all filtered out shows nothing when clicked.
        slide(0.95)
        assert state() == (0, 0, "0 of 2 shown")
        page.click(".seg >> nth=0")
        assert "Findings here" not in page.inner_text("#ss-panel")
        slide(0.5)
        page.click(".seg.L-techniques")
        assert re.search(r"Name_Calling-Labeling \(0\.80\)", page.inner_text("#ss-panel"))
        assert page.problems == []  # type: ignore[attr-defined]
    finally:
        page.context.close()
