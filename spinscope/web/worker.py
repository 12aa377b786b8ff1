"""Analysis in a separate process, so that model inference never starves page views.

Models hold the CPU (and, in places, the GIL) for seconds; in the server's own process
that made every page wait. ``serve`` therefore runs analyses in one worker process; the
server keeps fetching nothing and storing results itself. Results cross the process
boundary as the ``spinscope/1`` dict, errors as (status, message), because exception
classes with custom constructors do not survive pickling.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from spinscope.config import Settings
from spinscope.errors import SpinscopeError

_settings: Settings | None = None
_pipeline: Any = None


def _init(settings: Settings) -> None:
    global _settings
    _settings = settings


def _analyze(
    text: str, url: str, fields: dict[str, Any], any_language: bool = False
) -> tuple[str, Any]:
    """Runs in the worker: ("ok", contract dict) or ("error", (status, message))."""
    global _pipeline
    from spinscope.pipeline import load_pipeline
    from spinscope.store import corpus as C
    from spinscope.web.inputs import input_item as _input_item

    assert _settings is not None
    try:
        if _pipeline is None:
            _pipeline = load_pipeline(_settings)
        item = _input_item(text, url, fields, _settings)
        with _pipeline.options(any_language=any_language or _settings.any_language):
            _, data = C.analyze_item(item, _settings, _pipeline, None)
        return "ok", data
    except SpinscopeError as err:
        return "error", (err.status, str(err))


def _analyze_many(items: list[Any], any_language: bool = False) -> list[tuple[str, str, Any]]:
    """Runs in the worker: (input, "ok", contract dict) or (input, "error", message) each.

    ``items`` are Sources and Probes (feeds and sitemaps expand here); InputErrors stay in
    the server because they do not survive pickling.
    """
    global _pipeline
    from collections import deque

    from spinscope.ingest.sources import load
    from spinscope.pipeline import load_pipeline
    from spinscope.service import analyze_batch
    from spinscope.store import corpus as C

    assert _settings is not None
    try:
        if _pipeline is None:
            _pipeline = load_pipeline(_settings)
    except SpinscopeError as err:
        # Raised out of the worker, the error would not unpickle and the pool would die:
        # every item is answered with it instead.
        return [(_name(item), "error", str(err)) for item in items]
    out: list[tuple[str, str, Any]] = []
    loaded = []
    queue = deque(items)
    while queue:
        item = queue.popleft()
        if isinstance(item, C.Probe):
            queue.extendleft(reversed(C.resolve(item, _settings)))
            continue
        if isinstance(item, SpinscopeError):
            out.append((getattr(item, "source", "?"), "error", str(item)))
            continue
        try:
            loaded.append((item.location, load(item, _settings)))
        except SpinscopeError as err:
            out.append((item.location, "error", str(err)))
    size = _settings.batch_size
    with _pipeline.options(any_language=any_language or _settings.any_language):
        for start in range(0, len(loaded), size):
            for o in analyze_batch(loaded[start : start + size], _pipeline):
                if o.error is None and o.document is not None:
                    out.append((o.source, "ok", o.document.to_dict()))
                else:
                    out.append((o.source, "error", str(o.error)))
    return out


def _name(item: Any) -> str:
    """How an input of a batch is named in its result."""
    return getattr(item, "location", None) or getattr(item, "url", None) or str(item)


class AnalysisProcess:
    """One worker process, started on first use and restarted if it dies."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool: ProcessPoolExecutor | None = None

    def _call(self, fn: Any, *args: Any) -> Any:
        from spinscope.web.guard import HTTPProblem

        if self._pool is None:
            # spawn, not fork: the server has threads, and a forked copy of them is unsafe.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                1, mp_context=context, initializer=_init, initargs=(self.settings,)
            )
        try:
            return self._pool.submit(fn, *args).result()
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
