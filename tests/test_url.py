from __future__ import annotations

import pytest

from spinscope.config import Settings
from spinscope.errors import FetchError
from spinscope.ingest.sources import Source, load
from spinscope.ingest.url import fetch

PAGE = (b"<html><head><title>Bridge closed</title></head><body><article><h1>Bridge closed</h1>"
        b"<p>The bridge over the river was closed on Monday after inspectors found cracks in two "
        b"of its supports, the city said.</p></article></body></html>")  # fmt: skip


def ok(**kw: object) -> Settings:
    return Settings(**{"allow_private": True, "timeout": 2, **kw})  # type: ignore[arg-type]


def test_loopback_is_refused_without_allow_private(http_server) -> None:  # type: ignore[no-untyped-def]
    base, routes = http_server
    routes["/a"] = (200, "text/html", PAGE, 0)
    with pytest.raises(FetchError, match="allow-private"):
        fetch(base + "/a", Settings())


def test_page_is_fetched_and_extracted_with_allow_private(http_server) -> None:  # type: ignore[no-untyped-def]
    base, routes = http_server
    routes["/a"] = (200, "text/html; charset=utf-8", PAGE, 0)
    doc = load(Source("url", base + "/a"), ok())
    assert doc.text.startswith("Bridge closed") and "inspectors found cracks" in doc.text
    assert doc.meta.outlet == "127.0.0.1" and doc.meta.url == base + "/a"


@pytest.mark.parametrize(
    ("route", "match"),
    [
        ((404, "text/html", b"missing", 0), "HTTP 404"),
        ((200, "image/png", b"\x89PNG", 0), "content type"),
        ((200, "text/html", b"x" * 5000, 0), "size cap"),
        ((200, "text/html", PAGE, 3), "timed out"),
    ],
)
def test_fetch_failures_say_why(http_server, route, match) -> None:  # type: ignore[no-untyped-def]
    base, routes = http_server
    routes["/x"] = route
    with pytest.raises(FetchError, match=match):
        fetch(base + "/x", ok(max_bytes=4000, timeout=1))


def test_redirects_are_capped_and_each_hop_checked(http_server) -> None:  # type: ignore[no-untyped-def]
    base, routes = http_server
    routes["/loop"] = (302, "text/html", b"/loop", 0)
    with pytest.raises(FetchError, match="redirects"):
        fetch(base + "/loop", ok())
    routes["/go"] = (302, "text/html", b"/a", 0)
    routes["/a"] = (200, "text/html", PAGE, 0)
    assert fetch(base + "/go", ok()).url.endswith("/a")


def test_only_http_urls_are_fetched() -> None:
    with pytest.raises(FetchError, match="only http"):
        fetch("file:///etc/passwd", ok())
