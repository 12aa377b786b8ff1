"""Analysis on every core of one machine: ``service.run`` in N worker processes.

Each worker process loads the models once (on its first batch) and analyzes whole batches
of inputs; results come back as ``spinscope/1`` dicts (exceptions with custom constructors
do not survive pickling, so errors come back as messages) and are yielded **in input
order**. Worker processes are spawned, not forked: the parent may hold threads and model
sessions. Each worker's onnxruntime sessions and BLAS use ``cores // workers`` threads, so
N workers do not oversubscribe the CPU.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from spinscope.config import Settings
from spinscope.errors import InputError, SpinscopeError

#: Peak resident memory of one process with every layer loaded (``spinscope bench``: 1.6 GB
#: on the 90 PTC articles), rounded up: ``auto`` never starts more workers than fit.
WORKER_MEMORY_GB = 2.0
#: Below this many inputs per worker, starting workers (each loads every model, ~5 s)
#: costs more than it saves.
MIN_INPUTS_PER_WORKER = 16

_settings: Settings | None = None
_pipeline: Any = None


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


def _init(settings: Settings, threads: int) -> None:
    global _settings
    _settings = settings
    for var in ("SPINSCOPE_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def _analyze_chunk(items: list[Any]) -> list[tuple[str, str, Any]]:
    """In a worker: (input, "ok", contract dict) or (input, "error", message) per input."""
    global _pipeline
    from spinscope.pipeline import load_pipeline
    from spinscope.service import run

    assert _settings is not None
    try:
        if _pipeline is None:
            _pipeline = load_pipeline(_settings)
    except SpinscopeError as err:
        return [(getattr(i, "location", str(i)), "error", str(err)) for i in items]
    out: list[tuple[str, str, Any]] = []
    for outcome in run(items, _settings, _pipeline):
        if outcome.error is None and outcome.document is not None:
            out.append((outcome.source, "ok", outcome.document.to_dict()))
        else:
            out.append((outcome.source, "error", str(outcome.error)))
    return out


def run_parallel(items: list[Any], settings: Settings, workers: int) -> Iterator[Any]:
    """Like :func:`spinscope.service.run` (one Outcome per input, in input order), with the
    analysis in ``workers`` processes. Inputs that already failed to resolve (InputError)
    are reported by the parent, in their place."""
    from spinscope.document import Document
    from spinscope.service import Outcome

    size = settings.batch_size
    chunks: list[list[Any]] = []
    for item in items:
        if isinstance(item, InputError) or not chunks or len(chunks[-1]) >= size or isinstance(
            chunks[-1][0], InputError
        ):
            chunks.append([item])
        else:
            chunks[-1].append(item)
    threads = max(1, math.floor(cores() / workers))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init, initargs=(settings, threads)
    ) as pool:
        futures = [
            None if isinstance(chunk[0], InputError) else pool.submit(_analyze_chunk, chunk)
            for chunk in chunks
        ]
        for chunk, future in zip(chunks, futures, strict=True):
            if future is None:
                yield Outcome(chunk[0].source, error=chunk[0])
                continue
            for where, kind, value in future.result():
                if kind == "ok":
                    yield Outcome(where, document=Document.from_dict(value))
                else:
                    yield Outcome(where, error=SpinscopeError(value))
