"""HTML pages to Documents: trafilatura extracts the article body and its metadata.

``Document.text`` is the extracted article with the title as its first line, so every
offset points into that text (not into the HTML source).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
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
    #: The URL the page names as its own (canonical link or og:url) when it is not ``url``:
    #: what the page claims, which may be another outlet's article.
    canonical_claimed: str | None = None
    warnings: list[str] = field(default_factory=list)


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
    # The page's own URL claim is only a claim: the document's URL (its identity in the
    # store) and outlet come from where it was fetched; a file or pasted page has no URL.
    claimed = _clean(data.get("url"))
    canonical = claimed if claimed and claimed != url else None
    notes = []
    if url:
        outlet = domain_of(url)
        if canonical and domain_of(canonical) != outlet:
            notes.append(
                f"the page names {canonical} (another site) as its canonical URL; it was "
                f"fetched from {url}, which is kept as its URL and outlet"
            )
    else:
        outlet = domain_of(claimed) or _clean(data.get("hostname")) or _clean(data.get("sitename"))
    return Extracted(
        text=text,
        title=title,
        author=_clean(data.get("author")),
        published=_clean(data.get("date")),
        outlet=outlet,
        url=url,
        genre_hint=_clean(data.get("pagetype")),
        canonical_claimed=canonical,
        warnings=notes,
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
