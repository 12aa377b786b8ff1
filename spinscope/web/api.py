"""REST API under `/api/v1`: analyze, ingest, documents, search, stats, reprints.

Answers are JSON. Documents are the `spinscope/1` contract exactly; errors are
`{"ok": false, "error": "...", "status": N}` with the same status on the response.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi import Query as Param
from pydantic import BaseModel, Field

from spinscope.store import stats as S
from spinscope.store.db import SORTS, SOURCE_KINDS
from spinscope.web.guard import HTTPProblem, check_token
from spinscope.web.inputs import query_from


class ArticleIn(BaseModel):
    """One article: its text, or its URL to fetch, with optional document fields."""

    text: str | None = Field(None, description="Article text (plain text or HTML).")
    url: str | None = Field(
        None, description="http(s) URL to fetch (private addresses are refused)."
    )
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = Field(None, description="Publication date, ISO 8601 preferred.")


_ANY_LANGUAGE = (
    "Also run the English-only layers (claims, entities, events) on text in another "
    "Latin-script language (findings unmeasured). Without it they are left out for such text, "
    "with a note; Russian, Ukrainian and other languages get the layers that read them."
)


class AnalyzeIn(ArticleIn):
    any_language: bool = Field(False, description=_ANY_LANGUAGE)
    store: bool = Field(
        False, description="Also add the result to the store (needs the token when required)."
    )


class IngestIn(BaseModel):
    items: list[ArticleIn] = Field(
        default_factory=list,
        max_length=500,
        description="Articles to analyze and store (texts, article URLs, feed or sitemap URLs).",
    )
    any_language: bool = Field(False, description=_ANY_LANGUAGE)


def _fields(item: ArticleIn) -> dict[str, Any]:
    return {k: getattr(item, k) for k in ("title", "outlet", "author", "published")}


def router(ex: Any) -> APIRouter:
    """The API routes bound to one Explorer (store, pipeline, queue, token)."""
    api = APIRouter(tags=["api"])

    def write_access(request: Request) -> None:
        # The API token is the proof for API clients, on loopback too: a page of another
        # origin cannot know it (and the app refuses writes that carry a foreign Origin).
        check_token(ex.token, request)

    @api.post("/analyze", summary="Analyze an article (text or URL)")
    async def analyze(body: AnalyzeIn, request: Request) -> dict[str, Any]:
        """Return the spinscope/1 analysis of one article; with `store: true` also save it.

        Example: `curl -X POST localhost:8000/api/v1/analyze -H 'content-type:
        application/json' -d '{"text": "..."}'`. Analyses are queued; when the queue is
        full the answer is 503 with a Retry-After header.
        """
        if body.store:
            write_access(request)
        key, data = await ex.queue.run(
            ex.analyze,
            body.text or "",
            body.url or "",
            _fields(body),
            body.store,
            body.any_language,
        )
        return {"ok": True, "key": key, "document": data}

    @api.post("/ingest", summary="Analyze and store articles")
    async def ingest(body: IngestIn, request: Request) -> dict[str, Any]:
        """Analyze and store each item (texts, article URLs, feeds, sitemaps); needs the token
        when the server is not on loopback. Answers with counts and each failure's reason."""
        write_access(request)
        if not body.items:
            raise HTTPProblem(422, "items: give at least one article")
        report = await ex.queue.run(_ingest, ex, body.items, body.any_language)
        return {
            "ok": True,
            "analyzed": report.analyzed,
            "skipped": report.skipped,
            "failed": report.failed,
            "keys": report.keys,
            "failures": [{"input": w, "reason": r} for w, r in report.failures],
        }

    @api.get("/documents/{key}", summary="Get a stored document")
    def get_document(key: str) -> dict[str, Any]:
        """The stored spinscope/1 object of `key` (the `key` field of search results)."""
        data = ex.store.get(key)
        if data is None:
            raise HTTPProblem(404, f"no document with key {key!r}")
        return data

    @api.get("/documents/{key}/revisions", summary="Earlier versions of an edited document")
    def document_revisions(key: str) -> dict[str, Any]:
        """When the document was first seen, since when its current text is stored, and its
        earlier versions (empty when it was never edited), each with the time it was first
        seen, the time an edited text replaced it and where to get it."""
        stored = ex.store.summary(key)
        if stored is None:
            raise HTTPProblem(404, f"no document with key {key!r}")
        revisions = [
            {**r, "document": f"/api/v1/documents/{key}/revisions/{r['number']}"}
            for r in ex.store.revisions(key)
        ]
        return {
            "ok": True,
            "key": key,
            "edited": bool(revisions),
            "first_seen": stored["ingested_at"],
            "current_since": stored["revised_at"],
            "revisions": revisions,
        }

    @api.get("/documents/{key}/revisions/{number}", summary="An earlier version of a document")
    def document_revision(key: str, number: int) -> dict[str, Any]:
        """The spinscope/1 object of version `number` (1 = first seen) as it was stored."""
        data = ex.store.revision(key, number)
        if data is None:
            raise HTTPProblem(404, f"no version {number} of a document with key {key!r}")
        return data

    @api.delete("/documents/{key}", summary="Delete a stored document")
    def delete_document(key: str, request: Request) -> dict[str, Any]:
        """Remove a document and its findings; needs the token when required."""
        write_access(request)
        if not ex.store.delete(key):
            raise HTTPProblem(404, f"no document with key {key!r}")
        ex.store.recluster()
        return {"ok": True, "deleted": key}

    @api.get("/search", summary="Search and filter stored documents")
    def search(
        request: Request,
        q: str = "",
        outlet: str | None = None,
        language: str | None = Param(None, description="2- or 3-letter ISO 639 code (en, ru)."),
        technique: str | None = Param(
            None, description="A SemEval-2023 or PTC technique name (e.g. Loaded_Language)."
        ),
        min_score: str | None = Param(
            None, description="0 to 1: a technique finding (of `technique`) at least this sure."
        ),
        source_kind: str | None = Param(None, description=" | ".join(SOURCE_KINDS)),
        source: str | None = Param(None, description="Who a claim is attributed to (stored)."),
        narrative: str | None = Param(None, description="A narrative catalog entry (stored)."),
        place: str | None = Param(None, description="A place the article names (stored)."),
        date_from: str | None = Param(None, description="2024-05-31, 2024-05 or 2024."),
        date_to: str | None = Param(None, description="2024-05-31, 2024-05 or 2024."),
        sort: str | None = Param(None, description=" | ".join(SORTS)),
        order: str = Param("desc", description="asc | desc"),
        page: int = 1,
        per_page: int = Param(25, description="1 to 200."),
    ) -> dict[str, Any]:
        """Full-text search with filters. `q`: words (all must occur, in any inflected form:
        `Белгород` finds `Белгорода`), "quoted phrases" (exact), `OR`, `AND`, `NOT` or a
        leading `-`, parentheses. With `q`, each result has `hits` (occurrences) and
        `snippets`: up to two keyword-in-context windows, each with `start`/`end` in the
        document text, its `text` and the `hits` in it (offsets into the document text).
        An unknown parameter or a value a parameter does not take is answered 400 with a
        message naming the parameter and the values it takes (for `source`, `narrative`
        and `place`: the most frequent values stored)."""
        query = query_from(request.query_params)
        result = ex.store.search(query)
        return {
            "ok": True,
            "total": result.total,
            "page": query.page,
            "per_page": query.per_page,
            "results": [{**r, "published": r["published"]} for r in result.rows],
        }

    @api.get("/stats", summary="Corpus statistics")
    def stats(request: Request) -> dict[str, Any]:
        """Counts plus every dashboard table (techniques per outlet per 1,000 words, over
        time, top sources, vague-source share, places, events) as columns and rows, over the
        articles the search and filters select (the parameters of `/search`). Rates come with
        their sample (articles, words, claims) and `low_sample`: true below `minimum_sample`."""
        query = ex.store.check(query_from(request.query_params))  # as on the dashboard
        tables = {}
        for name, (title, fn) in S.TABLES.items():
            cols, rows = fn(ex.store, query=query)
            tables[name] = {"title": title, "columns": cols, "rows": [list(r) for r in rows]}
        minimum = {"articles": S.MIN_ARTICLES, "words": S.MIN_WORDS, "claims": S.MIN_CLAIMS}
        return {"ok": True, "overview": S.overview(ex.store, query), "tables": tables,
                "minimum_sample": minimum}  # fmt: skip

    @api.get("/reprints", summary="Reprint clusters")
    def reprints() -> dict[str, Any]:
        """Clusters of near-duplicate articles. Each has ``origin`` (the presumed origin's
        key, or ``"unknown"``), ``origin_unknown`` (why, e.g. undated members; null when the
        origin is known) and ``members`` (origin first)."""
        return {"ok": True, "clusters": ex.store.clusters()}

    return api


def _ingest(ex: Any, items: list[ArticleIn], any_language: bool = False) -> Any:
    from spinscope import ingest_run as C
    from spinscope.errors import InputError
    from spinscope.ingest.url import is_url

    inputs: list[Any] = []
    for n, item in enumerate(items):
        if item.text and item.text.strip():
            inputs.append(C.text_item(item.text, {**_fields(item), "url": item.url}))
        elif item.url and is_url(item.url):
            # Only http(s): a path here would let a client read the server's files.
            inputs.extend(C.plan([item.url], ex.settings))
        else:
            inputs.append(InputError(f"items[{n}]", "needs 'text' or an http(s) 'url'"))
    return ex.ingest(inputs, any_language)
