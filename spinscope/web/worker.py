"""Analysis in a separate process, so that model inference never starves page views.

Models hold the CPU (and, in places, the GIL) for seconds; in the server's own process
that made every page wait. ``serve`` therefore runs analyses in one worker process; the
server keeps fetching nothing and storing results itself. Results cross the process
boundary as the ``spinscope/1`` dict, errors as (status, message), because exception
classes with custom constructors do not survive pickling.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from spinscope.config import Settings
from spinscope.errors import SpinscopeError
from spinscope.scale import workers as W


def _analyze(
    text: str, url: str, fields: dict[str, Any], any_language: bool = False
) -> tuple[str, Any]:
    """Runs in the worker: ("ok", contract dict) or ("error", (status, message))."""
    from spinscope import ingest_run as C
    from spinscope.web.inputs import input_item as _input_item

    settings = W.worker_settings()
    try:
        pipeline = W.worker_pipeline()
        item = _input_item(text, url, fields, settings)
        with pipeline.options(any_language=any_language or settings.any_language):
            _, data = C.analyze_item(item, settings, pipeline, None)
        return "ok", data
    except SpinscopeError as err:
        return "error", (err.status, str(err))


def _analyze_many(items: list[Any], any_language: bool = False) -> list[tuple[str, str, Any]]:
    """Runs in the worker: (input, "ok", contract dict) or (input, "error", message) each.

    ``items`` are Sources and Probes (feeds and sitemaps expand here); InputErrors stay in
    the server because they do not survive pickling. The same chunk function as
    ``--workers``, ``batch`` and Ray (:func:`spinscope.scale.workers.analyze_chunk`).
    """
    return W.chunk_in_worker(items, any_language)


def _load() -> None:
    """Runs in the worker: load the pipeline now (a failure is reported by the first
    analysis that needs it)."""
    with contextlib.suppress(SpinscopeError):
        W.worker_pipeline()


class AnalysisProcess:
    """One worker process, started by :meth:`start` (or on first use) and restarted if it
    dies."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool: ProcessPoolExecutor | None = None

    def _ensure(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the server has threads, and a forked copy of them is unsafe.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                1, mp_context=context, initializer=W.init_worker, initargs=(self.settings, 0)
            )
        return self._pool

    def start(self) -> None:
        """Start the process and load the models in it, without waiting: otherwise the
        first analysis after start-up pays both (seconds of CPU that page views then share:
        the load test's first round had p95 500-600 ms on search and chart pages, later
        rounds 120-150 ms)."""
        self._ensure().submit(_load)

    def _call(self, fn: Any, *args: Any) -> Any:
        from spinscope.web.guard import HTTPProblem

        pool = self._ensure()
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            self._pool = None
            raise HTTPProblem(500, "the analysis process stopped unexpectedly; retry") from None

    def analyze_many(
        self, items: list[Any], any_language: bool = False
    ) -> list[tuple[str, str, Any]]:
        """(input, "ok", contract dict) or (input, "error", message) per article."""
        return self._call(_analyze_many, items, any_language)

    def analyze(
        self, text: str, url: str, fields: dict[str, Any], any_language: bool = False
    ) -> dict[str, Any]:
        """The contract dict for pasted text or a URL; raises SpinscopeError like in-process."""
        from spinscope.web.guard import HTTPProblem

        kind, value = self._call(_analyze, text, url, fields, any_language)
        if kind == "error":
            status, message = value
            raise HTTPProblem(status, message)
        return value

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
