"""Request parameters and posted articles turned into store queries and ingest inputs.

Shared by the pages (:mod:`spinscope.web.app`), the API (:mod:`spinscope.web.api`) and the
analysis process (:mod:`spinscope.web.worker`), so that none of them imports another.
"""

from __future__ import annotations

from typing import Any

from spinscope.config import Settings
from spinscope.store import Query
from spinscope.web.guard import HTTPProblem

PER_PAGE = 25
#: The parameters of the articles page, the search API and the dashboard.
PARAMETERS = (
    "q", "outlet", "language", "technique", "source_kind", "date_from", "date_to", "sort",
    "order", "page", "per_page", "min_score", "narrative", "place", "source",
)  # fmt: skip
#: The filters (what the dashboard and the trends carry over from the articles page).
FILTERS = tuple(p for p in PARAMETERS if p not in ("sort", "order", "page", "per_page"))


def query_from(params: Any, per_page: int = PER_PAGE, extra: tuple[str, ...] = ()) -> Query:
    """A store Query from request parameters (empty values mean no filter), to be checked
    by ``Store.check`` (``Store.search`` does). ``extra``: further parameters the caller
    reads itself (the trends' ``compare``, ``interval``).

    A misspelt or repeated parameter, or a page number that is not a number, is an
    HTTPProblem 400 naming it: otherwise it would be ignored, silently.
    """
    known = (*PARAMETERS, *extra)
    for name in dict.fromkeys(params.keys()):
        if name not in known:
            raise HTTPProblem(
                400, f"unknown parameter {name[:60]!r}; the parameters are {', '.join(known)}"
            )
        if len(params.getlist(name)) > 1:
            raise HTTPProblem(400, f"{name}: given {len(params.getlist(name))} times; give it once")

    def get(name: str) -> str | None:
        value = params.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    def whole(name: str, default: int) -> int:
        value = get(name)
        try:
            return int(value) if value is not None else default
        except ValueError:
            raise HTTPProblem(400, f"{name}: must be a whole number, not {value[:60]!r}") from None

    def number(name: str) -> float | None:
        value = get(name)
        try:
            found = float(value) if value is not None else None
        except ValueError:
            found = None
        if value is not None and (found is None or found != found):  # NaN is no number
            raise HTTPProblem(400, f"{name}: must be a number from 0 to 1, not {value[:60]!r}")
        return found

    page, per = whole("page", 1), whole("per_page", per_page)
    q = get("q") or ""
    return Query(
        q=q, outlet=get("outlet"), language=get("language"), technique=get("technique"),
        source_kind=get("source_kind"), date_from=get("date_from"), date_to=get("date_to"),
        sort=get("sort") or ("relevance" if q else "published"), order=get("order") or "desc",
        page=page, per_page=per, min_score=number("min_score"), narrative=get("narrative"),
        place=get("place"), source=get("source"),
    )  # fmt: skip


def input_item(text: str, url: str, fields: dict[str, Any], settings: Settings) -> Any:
    """One article input from pasted text or a URL (fetched later, in the worker)."""
    from spinscope import ingest_run as C

    text, url = (text or "").strip("\ufeff"), (url or "").strip()
    if bool(text.strip()) == bool(url):
        raise HTTPProblem(422, "give either the article text or its URL (one of them)")
    if text.strip():
        return C.text_item(text, fields)
    from spinscope.ingest.url import is_url

    if not is_url(url):
        raise HTTPProblem(422, f"{url!r} is not an http(s) URL")
    return C.Probe(url)
