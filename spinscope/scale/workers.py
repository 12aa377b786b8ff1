"""Analysis on every core of one machine: chunks of inputs in N worker processes.

Each worker process loads the models once (on its first chunk) and analyzes whole chunks;
results come back as ``spinscope/1`` dicts (exceptions with custom constructors do not
survive pickling, so errors come back as messages). Worker processes are spawned, not
forked: the parent may hold threads and model sessions. Each worker's onnxruntime sessions
and BLAS use ``cores // workers`` threads, so N workers do not oversubscribe the CPU.

:func:`analyze_chunk` is the one way a chunk of inputs is analyzed outside the caller's own
loop: ``analyze --workers``, ``ingest --workers``, the web server's analysis process,
``batch`` and the Ray actors all call it. A worker that dies (killed, out of memory) breaks
the pool; :class:`WorkerPool` starts a new one and runs the unfinished chunks again.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from spinscope.config import Settings
from spinscope.errors import InputError, SpinscopeError

#: Peak resident memory of one process with every layer loaded (``spinscope bench``: 1.6 GB
#: on the 90 PTC articles), rounded up: ``auto`` never starts more workers than fit.
WORKER_MEMORY_GB = 2.0
#: Below this many inputs per worker, starting workers (each loads every model, ~5 s)
#: costs more than it saves.
MIN_INPUTS_PER_WORKER = 16
#: How often a chunk is started again after its worker died, before it is reported failed
#: (a chunk that kills every worker it meets, e.g. by exhausting memory, must not loop).
MAX_ATTEMPTS = 3

#: One result per input: (input, "ok", contract dict) or (input, "error", message).
Result = tuple[str, str, Any]

_settings: Settings | None = None
_pipeline: Any = None


class WorkerDied(SpinscopeError):
    """A chunk's worker process died every time it was tried."""


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def available_memory_gb() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 8.0


def auto_workers(n_inputs: int) -> int:
    """Workers for ``n_inputs``: one per core, as many as memory allows, and 1 for a job too
    small to pay for starting them."""
    by_memory = max(1, int(available_memory_gb() // WORKER_MEMORY_GB))
    by_size = max(1, n_inputs // MIN_INPUTS_PER_WORKER)
    return max(1, min(cores(), by_memory, by_size))


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def set_threads(threads: int) -> None:
    """Thread count of the model sessions this process will start (before they load)."""
    for var in ("SPINSCOPE_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def name_of(item: Any) -> str:
    """How an input is named in its result."""
    if isinstance(item, tuple):
        return item[0]
    if isinstance(item, SpinscopeError):
        return getattr(item, "source", None) or str(item)
    return getattr(item, "location", None) or getattr(item, "url", None) or str(item)


def analyze_chunk(
    items: list[Any], settings: Settings, pipeline: Any, any_language: bool = False
) -> list[Result]:
    """Analyze a chunk of inputs; one result per article, in input order. Never raises
    for one bad input.

    ``items`` are Sources, Probes (URLs that may be feeds: they expand here, so the process
    that runs this is the one that fetches), InputErrors, or already loaded
    ``(input, Document)`` pairs. Documents are analyzed in model batches of
    ``settings.batch_size``.
    """
    from spinscope.ingest.sources import load
    from spinscope.ingest_run import Probe, resolve
    from spinscope.service import analyze_batch

    out: list[Result | None] = []
    loaded: list[tuple[str, Any]] = []
    slots: list[int] = []  # where each loaded document's result goes in ``out``

    def flush() -> None:
        for slot, o in zip(slots, analyze_batch(loaded, pipeline), strict=True):
            if o.error is None and o.document is not None:
                out[slot] = (o.source, "ok", o.document.to_dict())
            else:
                out[slot] = (o.source, "error", str(o.error))
        loaded.clear()
        slots.clear()

    queue = deque(items)
    with pipeline.options(any_language=any_language or settings.any_language):
        while queue:
            item = queue.popleft()
            if isinstance(item, Probe):
                queue.extendleft(reversed(resolve(item, settings)))
                continue
            if isinstance(item, SpinscopeError):
                out.append((name_of(item), "error", str(item)))
                continue
            try:
                where, doc = (
                    item if isinstance(item, tuple) else (item.location, load(item, settings))
                )
            except SpinscopeError as err:
                out.append((item.location, "error", str(err)))
                continue
            slots.append(len(out))
            out.append(None)
            loaded.append((where, doc))
            if len(loaded) >= settings.batch_size:
                flush()
        flush()
    return [r for r in out if r is not None]


def init_worker(settings: Settings, threads: int) -> None:
    """Initializer of a worker process: its settings and its share of the cores."""
    global _settings
    _settings = settings
    if threads > 0:  # 0: the libraries' own choice
        set_threads(threads)


def worker_pipeline() -> Any:
    """This worker's pipeline, loaded on first use (raises SpinscopeError)."""
    global _pipeline
    from spinscope.pipeline import load_pipeline

    assert _settings is not None, "init_worker was not called"
    if _pipeline is None:
        _pipeline = load_pipeline(_settings)
    return _pipeline


def worker_settings() -> Settings:
    assert _settings is not None, "init_worker was not called"
    return _settings


def chunk_in_worker(items: list[Any], any_language: bool = False) -> list[Result]:
    """In a worker: :func:`analyze_chunk` with this worker's pipeline. A pipeline that
    cannot load answers every input with the reason (raised, it would not unpickle)."""
    if not items:
        return []
    try:
        pipeline = worker_pipeline()
    except SpinscopeError as err:
        return [(name_of(i), "error", str(err)) for i in items]
    return analyze_chunk(items, worker_settings(), pipeline, any_language)


class WorkerPool:
    """N spawned worker processes that run chunks; restarted when one of them dies."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self.workers = max(1, workers)
        self.threads = max(1, math.floor(cores() / self.workers))
        self.restarts = 0
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker,
                initargs=(self.settings, self.threads),
            )
        return self._pool

    def _restart(self) -> None:
        assert self._pool is not None
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None
        self.restarts += 1

    def map(
        self,
        fn: Callable[..., Any],
        chunks: Iterable[Any],
        *args: Any,
        ordered: bool = True,
        in_flight: int | None = None,
    ) -> Iterator[tuple[Any, Any]]:
        """Yield ``(chunk, fn(chunk, *args))`` for each chunk, in input order when
        ``ordered``, else as they finish. At most ``in_flight`` chunks (default 2 per worker)
        are submitted ahead, so a long input list is not all held in the queue. A chunk whose
        worker died is run again in a new pool, up to :data:`MAX_ATTEMPTS` times; then its
        result is a :class:`WorkerDied` instance."""
        limit = in_flight or 2 * self.workers
        source = iter(chunks)
        # [chunk, future, attempts], in submission order.
        pending: deque[list[Any]] = deque()
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                chunk = next(source, _END)
                if chunk is _END:
                    exhausted = True
                    break
                pending.append([chunk, self._executor().submit(fn, chunk, *args), 1])
            if not pending:
                return
            if ordered:
                ready = [pending[0]]
                wait([pending[0][1]])
            else:
                done, _ = wait([p[1] for p in pending], return_when=FIRST_COMPLETED)
                ready = [p for p in pending if p[1] in done]
            broken = False
            for entry in ready:
                chunk, future, _ = entry
                try:
                    value = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                pending.remove(entry)
                yield chunk, value
            if broken:
                self._rerun(pending, fn, args)

    def _rerun(self, pending: deque[list[Any]], fn: Callable[..., Any], args: tuple) -> None:
        """After a worker died: every unfinished chunk goes to a new pool (results that
        finished before the death are kept), each counting one more attempt."""
        self._restart()
        keep: deque[list[Any]] = deque()
        for entry in pending:
            future: Future = entry[1]
            if future.done() and not future.cancelled() and future.exception() is None:
                keep.append(entry)
                continue
            if entry[2] >= MAX_ATTEMPTS:
                failed: Future = Future()
                failed.set_result(WorkerDied(f"a worker died {MAX_ATTEMPTS} times on this chunk"))
                keep.append([entry[0], failed, entry[2]])
                continue
            keep.append([entry[0], self._executor().submit(fn, entry[0], *args), entry[2] + 1])
        pending.clear()
        pending.extend(keep)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_END = object()


def chunks_of(items: list[Any], size: int) -> list[list[Any]]:
    """``items`` cut into chunks of ``size``; an InputError (it does not survive pickling)
    is a chunk of its own, answered by the parent."""
    chunks: list[list[Any]] = []
    for item in items:
        if (
            isinstance(item, InputError)
            or not chunks
            or len(chunks[-1]) >= size
            or isinstance(chunks[-1][0], InputError)
        ):
            chunks.append([item])
        else:
            chunks[-1].append(item)
    return chunks


def run_parallel(items: list[Any], settings: Settings, workers: int) -> Iterator[Any]:
    """Like :func:`spinscope.service.run` (one Outcome per input, in input order), with the
    analysis in ``workers`` processes. Inputs that already failed to resolve (InputError)
    are reported by the parent, in their place."""
    from spinscope.document import Document
    from spinscope.service import Outcome

    chunks = chunks_of(items, settings.batch_size)
    # An InputError does not survive pickling: its chunk travels empty, answered here.
    sent = ([] if isinstance(c[0], InputError) else c for c in chunks)
    with WorkerPool(settings, workers) as pool:
        for chunk, (_, value) in zip(chunks, pool.map(chunk_in_worker, sent), strict=True):
            if isinstance(chunk[0], InputError):
                yield Outcome(chunk[0].source, error=chunk[0])
            elif isinstance(value, WorkerDied):
                yield from (Outcome(name_of(item), error=value) for item in chunk)
            else:
                for where, kind, data in value:
                    if kind == "ok":
                        yield Outcome(where, document=Document.from_dict(data))
                    else:
                        yield Outcome(where, error=SpinscopeError(data))
