"""The explorer as a research instrument, in real headless Chromium: search in context,
attention over time, a dashboard that follows the filters.

Its own server over a known corpus (the invented articles of ``tests/test_search.py`` and
hand-built documents with every layer), so that the counts drawn can be checked exactly.
Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from spinscope.store import Store
from tests.e2e.corpus import CHROMIUM, E2E_TOKEN, hand_doc, served
from tests.test_search import ARTICLES, doc_of

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

#: Colours the pages draw with (RGB): the <mark> of a hit, the first two chart series.
MARK = (0xFF, 0xE5, 0x8A)
SERIES = [(0xC2, 0x18, 0x5B), (0x1F, 0x6F, 0xD1)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("research") / "r.duckdb"
    with Store(db) as store:
        store.save_many([doc_of(*a) for a in ARTICLES])
        store.save_many([hand_doc(n, outlet="d.example" if n < 4 else "e.example")
                         for n in range(1, 7)])  # fmt: skip
    with served(db, "--layers", "boilerplate", env={"SPINSCOPE_TOKEN": E2E_TOKEN}) as base:
        yield base


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1:", "data:"))
            else (page.problems.append(f"external request {route.request.url}"), route.abort())
        ),
    )
    yield page
    context.close()


def colour_share(browser: Any, png: bytes, rgb: tuple[int, int, int]) -> float:
    """Share of the pixels of a PNG that have colour ``rgb`` (within 6 per channel), decoded
    by the browser itself on a blank page."""
    page = browser.new_page()
    try:
        url = "data:image/png;base64," + base64.b64encode(png).decode()
        return page.evaluate(
            """async ([url, rgb]) => {
                const img = new Image(); img.src = url; await img.decode();
                const c = document.createElement('canvas');
                c.width = img.width; c.height = img.height;
                const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
                const d = ctx.getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) {
                    if (Math.abs(d[i] - rgb[0]) <= 6 && Math.abs(d[i + 1] - rgb[1]) <= 6
                        && Math.abs(d[i + 2] - rgb[2]) <= 6) n++;
                }
                return n / (d.length / 4);
            }""",
            [url, list(rgb)],
        )
    finally:
        page.close()


def test_search_shows_each_hit_in_context_marked_and_escaped(
    site: str, page: Any, browser: Any
) -> None:
    page.goto(site + "/")
    page.fill("#q", "Белгород")
    page.press("#q", "Enter")
    page.wait_for_url("**q=*")
    assert page.inner_text("#result-count") == "2 articles"
    marks = page.locator(".kwic mark").all_inner_texts()
    assert sorted(marks) == ["Белгорода", "Белгороде"]  # inflected forms found and marked
    shot = page.locator("table.results").screenshot()
    assert colour_share(browser, shot, MARK) > 0.002, "the marked hits are not visible"
    page.fill("#q", "levee NOT officials")
    page.press("#q", "Enter")
    page.wait_for_url("**NOT*")
    assert page.inner_text("#result-count") == "1 article"
    snippet = page.inner_text(".kwic")
    assert "<script>alert(1)</script>" in snippet  # the article's markup, shown as text
    assert page.locator("main script").count() == 0
    assert page.problems == []  # type: ignore[attr-defined]


def test_attention_over_time_draws_the_counts_of_two_searches(
    site: str, page: Any, browser: Any
) -> None:
    page.goto(site + "/trends")
    page.fill("#q", "Белгород")
    page.fill("#compare", "Харків")
    page.select_option("select[name=measure]", "count")
    page.click("button >> text=Draw")
    page.wait_for_url("**compare=*")
    drawn = {}
    for series in page.locator("svg.chart g.series").all():
        name = series.get_attribute("data-name")
        points = series.locator("circle.point").all()
        drawn[name] = [(p.get_attribute("data-x"), p.get_attribute("data-value")) for p in points]
    # Known corpus: Белгород in two January articles, Харків in one January and one February.
    assert drawn == {
        "Белгород": [("2031-01", "2"), ("2031-02", "0")],
        "Харків": [("2031-01", "1"), ("2031-02", "1")],
    }
    shot = page.locator("#trend").screenshot()
    for rgb in SERIES:
        assert colour_share(browser, shot, rgb) > 0.001, f"no line in colour {rgb}"
    page.select_option("select[name=measure]", "share")
    page.click("button >> text=Draw")
    page.wait_for_url("**measure=share*")
    # Shares of all the outlets' dated articles: 2 of 4 in January, 0 of 10 in February
    # (the six hand-built ones are dated 2031-02-10).
    values = page.locator("g.series[data-name='Белгород'] circle.point").evaluate_all(
        "cs => cs.map(c => c.dataset.value)"
    )
    assert values == ["50", "0"]
    csv_text = page.evaluate("async u => (await fetch(u)).text()", "/trends.csv?" +
                             page.url.split("?", 1)[1])  # fmt: skip
    assert csv_text.splitlines()[1].startswith("Белгород,2031-01,(all outlets),2,4,50.0,True")
    assert page.problems == []  # type: ignore[attr-defined]


def test_the_dashboard_follows_the_filters_chosen_on_it(site: str, page: Any) -> None:
    page.goto(site + "/dashboard")
    everything = page.inner_text("#panel-techniques-per-outlet")
    assert "d.example" in everything and "e.example" in everything
    page.select_option("select[name=outlet]", "e.example")
    page.click("button >> text=Apply")
    page.wait_for_url("**outlet=e.example*")
    assert page.inner_text("#overview").startswith("3 of 14 articles match")
    chosen = page.inner_text("#panel-techniques-per-outlet")
    assert "e.example" in chosen and "d.example" not in chosen
    assert "(low n)" in chosen and "3 articles" in chosen  # the rate's n, flagged as small
    low_bars = page.locator("#panel-techniques-per-outlet g.bar.low rect")
    assert low_bars.first.get_attribute("fill") == "#b8b8b8"
    response = page.goto(site + "/dashboard?place=Atlantis")
    assert response.status == 400
    assert "use one found in this store: Lysohirka" in page.inner_text("#error-message")
