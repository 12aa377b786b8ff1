"""The web explorer: server-rendered pages over the corpus store, plus the REST API.

Thin: every page is a store query (or :mod:`spinscope.ingest_run` for new articles)
rendered by a Jinja2 template with autoescaping. The article page embeds the report
fragment of :mod:`spinscope.render.html`, the same one ``analyze --format html`` writes.
"""

from __future__ import annotations

import csv
import io
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from spinscope import __version__
from spinscope import ingest_run as C
from spinscope.config import Settings
from spinscope.errors import SpinscopeError
from spinscope.render.table import safe_cell
from spinscope.store import Store
from spinscope.store import stats as S
from spinscope.store.textindex import segments
from spinscope.web import charts, trends
from spinscope.web.api import router
from spinscope.web.export import router as export_router
from spinscope.web.guard import (
    SECURITY_HEADERS,
    AnalyzeQueue,
    BodyLimit,
    FormTokens,
    HTTPProblem,
    check_token,
    csp,
    foreign_origin,
    has_token,
    host_name,
)
from spinscope.web.inputs import FILTERS, input_item, query_from

HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def _env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.filters["ts"] = lambda t: "" if t is None else str(t)[:19]
    env.globals["kwic"] = segments
    return env


class Explorer:
    """What the routes share: settings, the store, the pipeline (loaded on first use)."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        token: str,
        queue: AnalyzeQueue,
        isolate: bool = False,
        forms_need_token: bool = False,
    ) -> None:
        self.settings, self.store, self.token, self.queue = settings, store, token, queue
        self.forms, self.forms_need_token = FormTokens(token), forms_need_token
        self._pipeline: Any = None
        self.worker: Any = None
        if isolate:
            from spinscope.web.worker import AnalysisProcess

            self.worker = AnalysisProcess(settings)

    @property
    def pipeline(self) -> Any:
        # Loaded lazily so the server starts fast and page views never wait for models.
        if self._pipeline is None:
            from spinscope.pipeline import load_pipeline

            self._pipeline = load_pipeline(self.settings)
        return self._pipeline

    def analyze(
        self, text: str, url: str, fields: dict[str, Any], store: bool, any_language: bool = False
    ) -> tuple[str | None, dict[str, Any]]:
        """Analyze pasted text or a URL (runs in a worker thread: it may fetch and compute).
        ``any_language``: also run the English-only layers on other Latin-script text."""
        if self.worker is None:
            item = input_item(text, url, fields, self.settings)
            pipe = self.pipeline
            with pipe.options(any_language=any_language or self.settings.any_language):
                return C.analyze_item(item, self.settings, pipe, self.store if store else None)
        data = self.worker.analyze(text, url, fields, any_language)
        if not store:
            return None, data
        from spinscope.document import Document

        key = self.store.save(Document.from_dict(data))
        self.store.relink(key)
        return key, data

    def ingest(self, items: list[Any], any_language: bool = False) -> C.IngestReport:
        """Analyze and store ``items`` (in the worker process when there is one)."""
        if self.worker is None:
            pipe = self.pipeline
            with pipe.options(any_language=any_language or self.settings.any_language):
                return C.ingest(items, self.settings, self.store, pipe)
        from spinscope.document import Document
        from spinscope.errors import InputError
        from spinscope.store.db import analyzer_versions

        report = C.IngestReport(total=len(items))
        sendable = [i for i in items if not isinstance(i, InputError)]
        results = [(e.source, "error", str(e)) for e in items if isinstance(e, InputError)]
        results += self.worker.analyze_many(sendable, any_language) if sendable else []
        report.failures = [(where, value) for where, kind, value in results if kind != "ok"]
        # The analysis process loads and fetches (this process fetches nothing), so the
        # skips of ingest (an input repeated, or stored already by the same analyzers) are
        # decided here, on what comes back: nothing is stored twice or counted as new.
        docs, seen = [], set()
        for doc in (Document.from_dict(value) for _, kind, value in results if kind == "ok"):
            status = C.stored_status(doc, self.store, analyzer_versions(doc.provenance), seen)
            report.skipped += status in C.SKIPPED
            report.revised += status == "edited"
            if status not in C.SKIPPED:
                docs.append(doc)
        report.keys = self.store.save_many(docs) if docs else []
        report.analyzed, report.failed = len(docs), len(report.failures)
        report.total = len(results)
        report.clusters = self.store.recluster()
        return report


def _warm(store: Store) -> None:
    """Load what the first search needs: the stemmer, the ru/uk dictionaries, the index, the
    filters' values. A failure here is left for that search to report."""
    from spinscope.store import Query

    try:
        store.search(Query(q="Белгород OR levee", per_page=1))
        store.facets()
    except Exception as err:  # only an optimisation: the request itself will report it
        import logging

        logging.getLogger("spinscope.web").warning("warming the search failed: %s", err)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    settings: Settings,
    store: Store,
    token: str | None = None,
    queue: AnalyzeQueue | None = None,
    max_body: int | None = None,
    isolate: bool = False,
    allowed_hosts: set[str] | None = None,
    forms_need_token: bool = False,
) -> Any:
    """The ASGI application.

    ``token`` is the API token every API write needs (None: a random one, kept in
    ``app.state.explorer.token``); the web form needs the page's own form token instead, and
    the API token as well when ``forms_need_token`` (a server reachable from other machines).
    ``isolate`` runs analyses in a separate process (what ``serve`` does); ``allowed_hosts``
    (when set) are the only Host header names answered.
    """
    ex = Explorer(
        settings, store, token or secrets.token_urlsafe(24), queue or AnalyzeQueue(),
        isolate=isolate, forms_need_token=forms_need_token,
    )  # fmt: skip

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The first search would otherwise load the ru/uk dictionaries (0.6 s) and read the
        # index from disk while users wait.
        warming = threading.Thread(target=_warm, args=(ex.store,), name="warm", daemon=True)
        warming.start()
        if ex.worker is not None:
            ex.worker.start()  # the analysis process loads its models now, not on first use
        yield
        warming.join(timeout=60)  # the store closes after this: not under a running query
        if ex.worker is not None:
            ex.worker.close()

    app = FastAPI(
        lifespan=lifespan,
        title="spinscope",
        version=__version__,
        description="Explore a corpus of analyzed articles: search, documents, statistics. "
        "Every finding points at exact character offsets of the article text.",
        docs_url=None,  # FastAPI's docs pages load scripts from a CDN; ours are offline
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.explorer = ex
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        request.state.nonce = secrets.token_urlsafe(16)
        given = request.headers.get("host") or ""
        if allowed_hosts is not None and host_name(given) not in allowed_hosts:
            # DNS rebinding: a web page must not reach a loopback server under its own name.
            response = problem_response(request, 421, f"unexpected Host header {given!r}")
        elif (origin := foreign_origin(request)) is not None:
            # A page of another origin (or a sandboxed one, "null") posting here: CSRF.
            message = f"a write from another origin ({origin}) is refused"
            response = problem_response(request, 403, message)
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = csp(request.state.nonce)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    _errors(app)
    _pages(app, ex)
    app.include_router(router(ex), prefix="/api/v1")
    app.include_router(export_router(ex))
    app.include_router(trends.router(ex, render))
    # Outermost, so that oversized bodies are refused before any other work.
    limit = max_body or 2 * settings.max_bytes + 65536
    return BodyLimit(app, limit) if limit else app


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    ex: Explorer = request.app.state.explorer
    html = _env().get_template(template).render(
        request=request, nonce=request.state.nonce, token_required=ex.forms_need_token,
        form_token=ex.forms.issue, path=request.url.path, **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)


def problem_response(request: Request, status: int, message: str, headers: Any = None) -> Any:
    if is_api(request):
        return JSONResponse(
            {"ok": False, "error": message, "status": status}, status_code=status, headers=headers
        )
    response = render(request, "error.html.j2", status=status, status_code=status, message=message)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _errors(app: FastAPI) -> None:
    @app.exception_handler(SpinscopeError)
    async def spinscope_error(request: Request, err: SpinscopeError) -> Any:
        return problem_response(request, err.status, str(err), getattr(err, "headers", None))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> Any:
        return problem_response(request, err.status_code, str(err.detail), err.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> Any:
        # A bad query or path parameter is a bad request (400, like the parameters the store
        # checks); a JSON body that is malformed or of the wrong shape stays 422.
        first = err.errors()[0] if err.errors() else {}
        loc = [str(p) for p in first.get("loc", ())]
        in_body = loc[:1] == ["body"]
        where = ".".join(loc[1:] if loc[:1] in (["body"], ["query"], ["path"]) else loc)
        where = where or (loc[0] if loc else "request")
        if first.get("type") == "json_invalid":
            where = "body"  # its loc is a character position
        status = 422 if in_body else 400
        return problem_response(request, status, f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(Exception)
    async def crash(request: Request, err: Exception) -> Any:
        # Never a traceback to the client; the server log has it.
        import logging

        logging.getLogger("spinscope.web").exception("unhandled error")
        return problem_response(request, 500, f"internal error: {type(err).__name__}")


def _pages(app: FastAPI, ex: Explorer) -> None:
    # Read-only pages are plain functions: FastAPI runs them in worker threads, so slow
    # queries never block the event loop (DuckDB releases the GIL while it works).
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def articles(request: Request) -> Any:
        query = query_from(request.query_params)
        page = ex.store.search(query)
        pages = max(1, -(-page.total // query.per_page))
        params = {k: v for k, v in request.query_params.items() if v and k != "page"}
        return render(
            request, "articles.html.j2", query=query, page=page, pages=pages,
            facets=ex.store.facets(), params=params,
            filter_params={k: v for k, v in params.items() if k in FILTERS},
        )  # fmt: skip

    @app.get("/articles/{key}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, key: str) -> Any:
        from spinscope.render.html import report_fragment

        data = ex.store.get(key)
        if data is None:
            raise HTTPProblem(404, f"no article with key {key!r} in this store")
        return render(
            request, "article.html.j2", key=key, doc=data["document"],
            report=report_fragment(data, request.state.nonce, ex.settings.display_min_score),
            also=ex.store.also_published(key), stored=ex.store.summary(key),
            revisions=ex.store.revisions(key),
        )  # fmt: skip

    @app.get(
        "/articles/{key}/revisions/{number}", response_class=HTMLResponse, include_in_schema=False
    )
    def article_revision(request: Request, key: str, number: int) -> Any:
        from spinscope.render.html import report_fragment
        from spinscope.web.diff import word_diff

        current, old = ex.store.get(key), ex.store.revision(key, number)
        if current is None or old is None:
            raise HTTPProblem(404, f"no version {number} of an article with key {key!r}")
        revisions = ex.store.revisions(key)
        rev = next(r for r in revisions if r["number"] == number)
        return render(
            request, "revision.html.j2", key=key, number=number, total=len(revisions) + 1,
            rev=rev, doc=old["document"],
            report=report_fragment(old, request.state.nonce, ex.settings.display_min_score),
            diff=word_diff(old["document"]["text"], current["document"]["text"]),
        )  # fmt: skip

    @app.get("/reprints", response_class=HTMLResponse, include_in_schema=False)
    def reprints(request: Request) -> Any:
        return render(request, "reprints.html.j2", clusters=ex.store.clusters())

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request) -> Any:
        # Every panel counts the articles the search and filters select (a bad one is a 400).
        query = ex.store.check(query_from(request.query_params))
        params = {k: v for k, v in request.query_params.items() if v and k in FILTERS}
        return render(request, "dashboard.html.j2", overview=S.overview(ex.store, query),
                      panels=_panels(ex.store, query), query=query, params=params,
                      facets=ex.store.facets(), minimum=S)  # fmt: skip

    @app.get("/dashboard/{name}.csv", include_in_schema=False)
    def dashboard_csv(request: Request, name: str) -> Response:
        query = ex.store.check(query_from(request.query_params))
        if name not in S.TABLES:
            raise HTTPProblem(404, f"no table {name!r}; tables: {', '.join(S.TABLES)}")
        cols, rows = S.TABLES[name][1](ex.store, query=query)
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(cols)
        # A leading = + - @ would make spreadsheets evaluate article text as a formula.
        writer.writerows([[safe_cell(v) for v in row] for row in rows])
        return Response(
            buf.getvalue(), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )  # fmt: skip

    @app.get("/analyze", response_class=HTMLResponse, include_in_schema=False)
    def analyze_form(request: Request) -> Any:
        return render(request, "analyze.html.j2")

    @app.post("/analyze", include_in_schema=False)
    async def analyze_post(
        request: Request,
        text: str = Form(""),
        url: str = Form(""),
        token: str = Form(""),
        form_token: str = Form(""),
    ) -> Any:
        if not has_token(ex.token, request, token or None):
            ex.forms.check(form_token, "/analyze")
            if ex.forms_need_token:
                check_token(ex.token, request, token or None)
        # Browsers send textarea line breaks as CRLF (HTML form encoding), not as typed.
        text = text.replace("\r\n", "\n")
        key, _ = await ex.queue.run(ex.analyze, text, url, {}, True)
        return RedirectResponse(f"/articles/{key}", status_code=303)

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> Any:
        return render(request, "api_docs.html.j2", spec=app.openapi())

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, Any]:
        return {"ok": True, "articles": ex.store.count(), "queued": ex.queue.pending}


def _entry_name(entry: str) -> str:
    """A catalog entry as a chart label: the last part of its link (EUvsDisinfo case URLs
    name the claim), else the id."""
    tail = entry.rstrip("/").rsplit("/", 1)[-1] if entry.startswith("http") else entry
    return tail.replace("-", " ") or entry


def _panels(store: Store, query: Any = None) -> list[dict[str, Any]]:
    """The dashboard charts over the articles ``query`` selects, each drawn from the table its
    CSV serves; every rate carries its sample, greyed below the minimum."""
    out = []
    for name, (title, fn) in S.TABLES.items():
        _cols, rows = fn(store, query=query)
        if name == "techniques-per-outlet":
            svg = charts.bar_chart(
                [(r[0], r[4], charts.sample(r[1], r[2]), r[5]) for r in rows], "per 1,000 words"
            )
        elif name == "techniques-over-time":
            svg = charts.line_chart(charts.series_from(rows))
        elif name == "top-sources":
            svg = charts.bar_chart([(f"{r[0]} ({r[1] or '?'})", r[2]) for r in rows], "claims")
        elif name == "vague-sources":
            svg = charts.bar_chart(
                [(r[0], r[3], charts.sample(r[4], claims=r[1]), r[5]) for r in rows],
                "% of claims",
            )
        elif name in ("places", "events"):
            svg = charts.bar_chart([(r[0], r[1]) for r in rows], "mentions")
        elif name == "narratives":
            svg = charts.bar_chart([(_entry_name(r[0]), r[1]) for r in rows], "articles")
        elif name == "narratives-per-outlet":
            top = sorted(rows, key=lambda r: -r[2])[:20]
            svg = charts.bar_chart([(f"{o}: {_entry_name(e)}", n) for o, e, n in top], "articles")
        elif name == "narratives-over-time":
            named = [(month, _entry_name(entry), n) for month, entry, n in rows]
            svg = charts.line_chart(charts.series_from(named))
        else:
            continue
        out.append({"name": name, "title": title, "svg": svg, "rows": len(rows)})
    return out
