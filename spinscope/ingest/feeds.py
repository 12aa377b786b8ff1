"""RSS/Atom feeds and XML sitemaps: lists of article URLs to ingest.

A feed or sitemap is something the user asked to ingest, so its links are fetched (each
through :func:`spinscope.ingest.url.fetch`, with its private-address refusal). Nothing an
*article* contains is ever fetched. Nested sitemap indexes are followed to a fixed depth
and the number of URLs taken from one argument is capped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from spinscope.config import Settings
from spinscope.errors import InputError
from spinscope.ingest.url import fetch, is_url

#: Most article URLs taken from one feed or sitemap argument.
MAX_URLS = 10_000
#: How deep sitemap indexes are followed.
MAX_DEPTH = 2
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
_HEAD = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<([\w:.-]+)", re.S)


@dataclass(frozen=True)
class Listing:
    """What a feed or sitemap names: article URLs, and nested sitemaps (for indexes)."""

    kind: str
    urls: list[str]
    sitemaps: list[str]


def root_tag(body: bytes) -> str | None:
    """Local name of the XML root element, lower-case (None when it is not XML-like)."""
    m = _HEAD.match(body[:4096].lstrip(b"\xef\xbb\xbf"))
    if not m:
        return None
    return m.group(1).decode("ascii", "replace").split(":")[-1].lower()


def is_listing(body: bytes) -> bool:
    """True when ``body`` is an RSS/RDF/Atom feed or a sitemap (not an article page)."""
    return root_tag(body) in {"rss", "feed", "rdf", "urlset", "sitemapindex"}


def parse_listing(body: bytes, base: str = "", where: str | None = None) -> Listing:
    """The URLs a feed or sitemap names, relative ones resolved against ``base``. Raises
    InputError, naming ``where`` (default: ``base``), when it is neither or is broken."""
    where = where or base or "<feed>"
    tag = root_tag(body)
    if tag in {"urlset", "sitemapindex"}:
        return _sitemap(body, base, tag, where)
    if tag in {"rss", "feed", "rdf"}:
        return _feed(body, base, where)
    raise InputError(where, "not an RSS/Atom feed or an XML sitemap")


def _join(base: str, link: str) -> str:
    """``link`` resolved against ``base``; a malformed link is kept as written, so that it
    fails later as its own input with its own message instead of sinking the listing."""
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def _feed(body: bytes, base: str, where: str) -> Listing:
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise InputError(where, f"feed cannot be parsed: {parsed.bozo_exception}")
    urls = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (x.get("href") for x in entry.get("links", []) if x.get("href")), None
        )
        if link:
            urls.append(_join(base, link))
    return Listing("feed", _unique(urls), [])


def _sitemap(body: bytes, base: str, tag: str, where: str) -> Listing:
    from lxml import etree

    try:
        # No network, no entities: a sitemap is data, never a reason to fetch a DTD.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as err:
        raise InputError(where, f"sitemap is not valid XML: {err}") from None
    locs = [
        _join(base, el.text.strip())
        for el in root.iter()
        if isinstance(el.tag, str) and el.tag.split("}")[-1] == "loc" and el.text
    ]
    if tag == "sitemapindex":
        return Listing("sitemapindex", [], _unique(locs))
    return Listing("sitemap", _unique(locs), [])


def _unique(urls: list[str]) -> list[str]:
    return [u for u in dict.fromkeys(urls) if is_url(u)]


def expand_listing(body: bytes, where: str, settings: Settings, depth: int = 0) -> list[str]:
    """Article URLs of a feed or sitemap, following sitemap indexes; capped at MAX_URLS."""
    listing = parse_listing(body, where if is_url(where) else "", where)
    urls = list(listing.urls)
    for nested in listing.sitemaps:
        if len(urls) >= MAX_URLS:
            break
        if depth >= MAX_DEPTH:
            raise InputError(where, f"sitemap indexes nested deeper than {MAX_DEPTH} levels")
        page = fetch(nested, settings)
        urls.extend(expand_listing(page.body, nested, settings, depth + 1))
    if not urls and depth == 0:
        # Say so rather than ingest nothing in silence (relative links in a local file
        # have no base to resolve against, for one).
        what = "sitemap index" if listing.kind == "sitemapindex" else listing.kind
        raise InputError(where, f"the {what} lists no http(s) article links")
    return urls[:MAX_URLS]
