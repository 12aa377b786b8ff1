"""HTML pages to Documents: trafilatura extracts the article body and its metadata.

``Document.text`` is the extracted article with the title as its first line, so every
offset points into that text (not into the HTML source).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from urllib.parse import urlsplit

from spinscope.errors import InputError


@dataclass
class Extracted:
    text: str
    title: str | None
    author: str | None
    published: str | None
    outlet: str | None
    url: str | None
    genre_hint: str | None


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<") and any(t in head for t in ("<body", "<head", "<article", "<p>"))
    )


def domain_of(url: str | None) -> str | None:
    """``https://www.rt.com/news/1`` -> ``rt.com``."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else (host or None)


def extract(html: str, source: str, url: str | None = None) -> Extracted:
    """Extract the article from ``html``. Raises InputError when there is no article text."""
    import trafilatura

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = trafilatura.bare_extraction(
                html, url=url, with_metadata=True, include_comments=False, include_tables=False
            )
        except Exception as err:  # trafilatura raises assorted lxml errors on broken markup
            raise InputError(
                source, f"cannot parse the HTML: {type(err).__name__}: {err}"
            ) from None
    data = result.as_dict() if hasattr(result, "as_dict") else (result or {})
    body = (data.get("text") or "").strip()
    if len(body.split()) < 5:
        raise InputError(source, "no article text found in this HTML page")
    title = _clean(data.get("title"))
    text = body if not title or body.startswith(title) else f"{title}\n\n{body}"
    page_url = data.get("url") or url
    outlet = domain_of(page_url) or _clean(data.get("hostname")) or _clean(data.get("sitename"))
    return Extracted(
        text=text,
        title=title,
        author=_clean(data.get("author")),
        published=_clean(data.get("date")),
        outlet=outlet,
        url=page_url,
        genre_hint=_clean(data.get("pagetype")),
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
