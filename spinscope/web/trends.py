"""Attention over time: how many of the articles a search selects appear per day, week or
month, per outlet, as a share of all the outlet's articles; compare two searches on one chart.

The page ``/trends``, its CSV ``/trends.csv`` and the API ``/api/v1/trends`` read the same
parameters (the articles page's plus ``compare``, ``interval``, ``by``, ``measure``) and
the same table (:func:`spinscope.store.stats.attention`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from spinscope.errors import ParameterError
from spinscope.render.table import safe_cell
from spinscope.store import stats as S
from spinscope.store.query import _one_of
from spinscope.web import charts
from spinscope.web.inputs import FILTERS, query_from

#: The trends' own parameters, beside the articles page's.
OPTIONS = {
    "compare": "a second search drawn on the same chart",
    "interval": " | ".join(S.INTERVALS),
    "by": "all | outlet (one line per outlet, the most matching first)",
    "measure": "share | count (share: percent of the outlet's articles in the period)",
}
BY = ("all", "outlet")
MEASURES = ("share", "count")
#: Most outlets drawn per search with ``by=outlet`` (the CSV has them all).
MOST_OUTLETS = 6
COLUMNS = ["query", "period", "outlet", "matching", "total", "share_percent", "low_sample"]


@dataclasses.dataclass
class Trend:
    interval: str
    by: str
    measure: str
    #: (label, search) pairs: the search and the compared one.
    searches: list[tuple[str, Any]]
    rows: list[tuple[Any, ...]]
    undated: int


def trend(ex: Any, params: Any) -> Trend:
    """The trend the request parameters ask for; a bad one is a 400 naming it."""
    query = query_from(params, extra=tuple(OPTIONS))

    def option(name: str, allowed: tuple[str, ...], default: str) -> str:
        value = (params.get(name) or "").strip()
        return _one_of(name, value, allowed) if value else default

    interval = option("interval", tuple(S.INTERVALS), "month")
    by = option("by", BY, "all")
    measure = option("measure", MEASURES, "share")
    ex.store.check(query)
    searches = [(query.q or "all articles", query)]
    compare = (params.get("compare") or "").strip()
    if compare:
        other = dataclasses.replace(query, q=compare, tree=None)
        try:
            ex.store.check(other)
        except ParameterError as err:
            raise ParameterError("compare", err.problem) from None
        searches.append((compare, other))
    rows: list[tuple[Any, ...]] = []
    for label, search in searches:
        _, found = S.attention(ex.store, search, interval, by_outlet=by == "outlet")
        rows += [(label, *row) for row in found]
    undated = S.undated(ex.store, query)
    return Trend(interval, by, measure, searches, rows, undated)


def chart(t: Trend) -> Any:
    """The trend as an SVG line chart: one line per search (and outlet)."""
    kept: dict[str, set[str]] = {}
    if t.by == "outlet":
        for label, _ in t.searches:
            totals: dict[str, int] = {}
            for row in t.rows:
                if row[0] == label:
                    totals[row[2]] = totals.get(row[2], 0) + int(row[3])
            kept[label] = set(sorted(totals, key=lambda o: (-totals[o], o))[:MOST_OUTLETS])
    series: dict[str, list[tuple[Any, ...]]] = {}
    for label, period, outlet, matching, total, share, low in t.rows:
        if t.by == "outlet" and outlet not in kept[label]:
            continue
        name = label if t.by == "all" else f"{label} · {outlet}"
        value = share if t.measure == "share" else matching
        note = f"{matching} of {total} article{'' if total == 1 else 's'}"
        series.setdefault(name, []).append((period, value, note, low))
    unit = "%" if t.measure == "share" else ""
    return charts.line_chart(series, unit=unit, empty="No dated article matches.")


def router(ex: Any, render: Callable[..., HTMLResponse]) -> APIRouter:
    """The trends page, its CSV and its API route, bound to one Explorer."""
    routes = APIRouter()

    @routes.get("/trends", response_class=HTMLResponse, include_in_schema=False)
    def trends_page(request: Request) -> Any:
        t = trend(ex, request.query_params)
        keep = (*FILTERS, *OPTIONS)
        params = {k: v for k, v in request.query_params.items() if v and k in keep}
        return render(
            request, "trends.html.j2", t=t, svg=chart(t), query=t.searches[0][1],
            params=params, facets=ex.store.facets(), compare=request.query_params.get("compare"),
            minimum=S,
        )  # fmt: skip

    @routes.get("/trends.csv", include_in_schema=False)
    def trends_csv(request: Request) -> Response:
        t = trend(ex, request.query_params)
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(COLUMNS)
        # A leading = + - @ would make spreadsheets evaluate a query or outlet as a formula.
        writer.writerows([[safe_cell(v) for v in row] for row in t.rows])
        return Response(
            buf.getvalue(), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="trends-{t.interval}.csv"'},
        )  # fmt: skip

    @routes.get("/api/v1/trends", summary="Attention over time", tags=["api"])
    def trends_api(request: Request) -> dict[str, Any]:
        """Per period (`interval`: day, week or month) and outlet (`by`: all or outlet), the
        dated articles the search `q` and the filters (the parameters of `/search`) select,
        all the outlet's dated articles then (`total`; the outlet, language and date filters
        apply to it, the search and findings filters do not), the share in percent and
        `low_sample` (total below `minimum_sample.articles`). `compare`: a second search,
        returned as a second series. Undated articles are left out and counted in
        `undated`."""
        t = trend(ex, request.query_params)
        series: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for label, period, outlet, matching, total, share, low in t.rows:
            series.setdefault((label, outlet), []).append(
                {"period": period, "matching": matching, "total": total,
                 "share_percent": share, "low_sample": low}
            )  # fmt: skip
        return {
            "ok": True,
            "interval": t.interval,
            "by": t.by,
            "undated": t.undated,
            "minimum_sample": {"articles": S.MIN_ARTICLES},
            "series": [
                {"query": label, "outlet": outlet, "points": points}
                for (label, outlet), points in series.items()
            ],
        }

    return routes
