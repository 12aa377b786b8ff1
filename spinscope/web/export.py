"""Export endpoints: the articles matching a query, or their findings, as a streamed file.

``GET /export`` (the articles page's "Export" form) and ``GET /api/v1/export`` take the
articles page's parameters plus ``format`` (csv | jsonl) and ``what`` (documents or a
layer) and stream every matching row, with no cap, as the same rows as ``spinscope export``
(:mod:`spinscope.dataset.export`). Parameters are checked before the response starts, so a
bad one is a 400 naming it, never a broken download.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi import Query as Param
from fastapi.responses import StreamingResponse
from starlette.datastructures import QueryParams

from spinscope.dataset import export as E
from spinscope.store.db import SORTS, SOURCE_KINDS
from spinscope.web.guard import HTTPProblem
from spinscope.web.inputs import query_from

#: Parameters of the articles page that select a page, not articles: no meaning here.
_PAGING = ("page", "per_page")


def _stream(ex: Any, request: Request) -> StreamingResponse:
    params = request.query_params
    for name in ("format", "what"):
        if len(params.getlist(name)) > 1:
            raise HTTPProblem(400, f"{name}: given {len(params.getlist(name))} times; give it once")
    for name in _PAGING:
        if name in params:
            raise HTTPProblem(
                400, f"{name}: an export has no pages, it streams every matching article; "
                "leave it out",
            )  # fmt: skip
    fmt = params.get("format") or "csv"
    if fmt.strip().lower() == "parquet":
        raise HTTPProblem(
            400, "format: parquet is a folder of files; export it with 'spinscope export "
            "--format parquet --out DIR', or use csv or jsonl here",
        )  # fmt: skip
    fmt = E.check_format(fmt, E.STREAMED)
    what = E.check_what(params.get("what") or "documents")
    rest = QueryParams([(k, v) for k, v in params.multi_items() if k not in ("format", "what")])
    query = E.checked(ex.store, query_from(rest))
    body = E.chunks(fmt, what, E.matching(ex.store, query))
    return StreamingResponse(
        (chunk.encode("utf-8") for chunk in body),
        media_type=E.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="spinscope-{what}.{fmt}"'},
    )


def router(ex: Any) -> APIRouter:
    """The export routes bound to one Explorer (its store)."""
    routes = APIRouter()

    @routes.get("/export", include_in_schema=False)
    def export_page(request: Request) -> StreamingResponse:
        return _stream(ex, request)

    @routes.get("/api/v1/export", tags=["api"], summary="Export matching articles or findings")
    def export_api(
        request: Request,
        format: str = Param("csv", description="csv | jsonl"),
        what: str = Param("documents", description="documents | " + " | ".join(E.WHATS[1:])),
        q: str = "",
        outlet: str | None = None,
        language: str | None = Param(None, description="2- or 3-letter ISO 639 code (en, ru)."),
        technique: str | None = Param(None, description="A SemEval-2023 or PTC technique name."),
        source_kind: str | None = Param(None, description=" | ".join(SOURCE_KINDS)),
        date_from: str | None = Param(None, description="2024-05-31, 2024-05 or 2024."),
        date_to: str | None = Param(None, description="2024-05-31, 2024-05 or 2024."),
        sort: str | None = Param(None, description=" | ".join(SORTS)),
        order: str = Param("desc", description="asc | desc"),
    ) -> StreamingResponse:
        """Every article matching the search's parameters (no cap, no pages), streamed: with
        `what=documents` one row per article (key, doc_id, fields, text, layers, summary,
        relations and provenance as JSON text), with a layer one row per finding (key,
        doc_id, index, start, end, text, label, score, attrs as JSON text), the columns of
        a `spinscope batch` dataset. CSV cells that start like a spreadsheet formula get a
        leading `'`. Example: `curl 'localhost:8000/api/v1/export?q=Belgorod&what=claims'`."""
        return _stream(ex, request)

    return routes
