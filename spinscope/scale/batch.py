"""``spinscope batch``: inputs cut into shards, each analyzed and written as one shard of a
Parquet dataset (:mod:`spinscope.dataset.parquet`), on local worker processes or on Ray.

Shards are cut from the expanded inputs in order, ``shard_size`` inputs each, and named by
their position and a hash of what they hold (``00003-1a2b3c4d``): the same inputs give the
same shards, so a re-run skips every shard marked done and a killed run resumes. A shard is
written whole or not at all (``write_shard`` marks it done last), so a worker that dies
mid-shard leaves nothing behind and its shard is simply run again: no document is lost or
written twice. Inputs that fail go to the shard's part of the ``failures`` table with the
reason; the run goes on.

Inputs: everything ``ingest`` accepts (files, folders, JSONL, URLs, feeds, sitemaps), plus
Parquet files (one article per row: a ``text`` or ``html`` column and optionally ``id``,
``url``, ``title``, ``published``, ``outlet``, ``author``) and dataset folders (their
documents are analyzed again). A JSONL line may be a ``spinscope/1`` object: its
``document`` fields are the input.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinscope.config import Settings
from spinscope.document import SCHEMA
from spinscope.errors import InputError, SpinscopeError
from spinscope.ingest.sources import JSONL_FIELDS, Source

#: Inputs per shard: big enough that writing a shard (a few files) is cheap next to
#: analyzing it, small enough that a killed run loses little.
SHARD_SIZE = 64
_RECORD_FIELDS = ("text", "html", *JSONL_FIELDS)


@dataclass(frozen=True)
class Failed:
    """An input that failed before analysis (InputError does not survive pickling)."""

    input: str
    reason: str


@dataclass
class Shard:
    name: str
    items: list[Any]


@dataclass
class ShardResult:
    """What one shard's run did, reported by the worker that ran it."""

    name: str
    inputs: int
    documents: int = 0
    failed: int = 0
    pid: int = 0
    peak_mb: float = 0.0
    seconds: float = 0.0
    error: str | None = None  # the shard could not be run (it is not marked done)


@dataclass
class BatchReport:
    workers: int = 0
    shards: int = 0
    skipped_shards: int = 0
    inputs: int = 0
    documents: int = 0
    failed: int = 0
    #: Failed inputs of the shards done by an earlier run (still in the failures table).
    failed_before: int = 0
    seconds: float = 0.0
    restarts: int = 0
    #: Peak resident memory of each worker process seen, by pid.
    peak_mb: dict[int, float] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (shard, reason)


def is_dataset(path: Path) -> bool:
    return (path / "documents").is_dir() and (path / "_done").is_dir()


def expand(args: list[str], settings: Settings) -> list[Any]:
    """The inputs of ``args`` in order: Sources, Probes (URLs, resolved by the worker) and
    :class:`Failed` items."""
    from spinscope.ingest_run import plan

    items: list[Any] = []
    rest: list[str] = []
    for arg in args:
        path = Path(arg)
        if path.suffix.lower() == ".parquet" or (path.is_dir() and is_dataset(path)):
            items.extend(plan(rest, settings))
            rest.clear()
            items.extend(_parquet_items(path))
        else:
            rest.append(arg)
    items.extend(plan(rest, settings))
    return [_portable(i) for i in items]


def _portable(item: Any) -> Any:
    if isinstance(item, InputError):
        return Failed(item.source, str(item))
    if isinstance(item, Source) and item.kind == "record" and item.record.get("schema") == SCHEMA:
        doc = item.record.get("document")
        if not isinstance(doc, dict):
            return Failed(item.location, f"{SCHEMA} object without a 'document' object")
        return Source("record", item.location, {k: doc[k] for k in _RECORD_FIELDS if k in doc})
    return item


def _parquet_items(path: Path) -> list[Any]:
    import duckdb

    if path.is_dir():
        from spinscope.dataset.parquet import done_shards

        files = [
            path / "documents" / f"shard={s}" / "part.parquet" for s in sorted(done_shards(path))
        ]
    else:
        files = [path]
    items: list[Any] = []
    con = duckdb.connect()
    try:
        for file in files:
            try:
                cur = con.execute(
                    "SELECT * FROM read_parquet(?, hive_partitioning=false)", [str(file)]
                )
            except duckdb.Error as err:
                items.append(Failed(str(file), f"cannot read as Parquet: {err}"))
                continue
            cols = [d[0] for d in cur.description]
            if "text" not in cols and "html" not in cols:
                items.append(Failed(str(file), "Parquet file has no 'text' or 'html' column"))
                continue
            for n, values in enumerate(cur.fetchall()):
                row = dict(zip(cols, values, strict=True))
                if "doc_id" in row and "id" not in row:  # a dataset's documents table
                    row["id"] = row["doc_id"]
                record = {k: _plain(row[k]) for k in _RECORD_FIELDS if row.get(k) is not None}
                items.append(Source("record", f"{file}#{n}", record))
    finally:
        con.close()
    return items


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int) else str(value)


def _identity(item: Any) -> str:
    if isinstance(item, Source) and item.kind == "record":
        body = json.dumps(item.record, sort_keys=True, ensure_ascii=False, default=str)
        return f"{item.location}\0{hashlib.sha1(body.encode()).hexdigest()}"
    if isinstance(item, Failed):
        return f"{item.input}\0failed"
    return getattr(item, "location", None) or getattr(item, "url", "")


def shards_of(items: list[Any], size: int = SHARD_SIZE) -> list[Shard]:
    """``items`` cut into shards of ``size``; names are stable for the same inputs."""
    shards = []
    for n, start in enumerate(range(0, len(items), size)):
        part = items[start : start + size]
        digest = hashlib.sha1("\n".join(_identity(i) for i in part).encode()).hexdigest()[:8]
        shards.append(Shard(f"{n:05d}-{digest}", part))
    return shards


def run_shard(shard: Shard, out: str, settings: Settings, pipeline: Any) -> ShardResult:
    """Analyze one shard and write it (failures table, then the shard, marked done last)."""
    from spinscope.dataset.parquet import write_failures, write_shard
    from spinscope.scale.workers import analyze_chunk, peak_memory_mb

    began = time.perf_counter()
    failures = [(i.input, i.reason) for i in shard.items if isinstance(i, Failed)]
    objects = []
    todo = [i for i in shard.items if not isinstance(i, Failed)]
    for where, kind, value in analyze_chunk(todo, settings, pipeline) if todo else []:
        if kind == "ok":
            objects.append(value)
        else:
            failures.append((where, value))
    write_failures(out, shard.name, failures)
    write_shard(out, shard.name, objects)
    return ShardResult(
        shard.name, len(shard.items), len(objects), len(failures), os.getpid(),
        peak_memory_mb(), time.perf_counter() - began,
    )  # fmt: skip


def shard_in_worker(shard: Shard, out: str) -> ShardResult:
    """In a worker process of the local engine: :func:`run_shard` with its pipeline."""
    from spinscope.scale.workers import worker_pipeline, worker_settings

    try:
        pipeline = worker_pipeline()
    except SpinscopeError as err:
        return ShardResult(shard.name, len(shard.items), pid=os.getpid(), error=str(err))
    return run_shard(shard, out, worker_settings(), pipeline)


def run_local(
    shards: list[Shard], out: Path, settings: Settings, workers: int, report: BatchReport
) -> Iterator[ShardResult]:
    """The shards on ``workers`` local processes (in this process when 1), as they finish."""
    from spinscope.scale.workers import WorkerDied, WorkerPool

    if workers <= 1:
        from spinscope.pipeline import load_pipeline

        pipeline = load_pipeline(settings)
        for shard in shards:
            yield run_shard(shard, str(out), settings, pipeline)
        return
    counted = 0
    with WorkerPool(settings, workers) as pool:
        for shard, value in pool.map(shard_in_worker, shards, str(out), ordered=False):
            report.restarts += pool.restarts - counted
            counted = pool.restarts
            if isinstance(value, WorkerDied):
                yield ShardResult(shard.name, len(shard.items), error=str(value))
            else:
                yield value


def run(
    args: list[str],
    out: Path,
    settings: Settings,
    engine: str = "local",
    workers: int = 0,
    shard_size: int = SHARD_SIZE,
    address: str | None = None,
    on_plan: Callable[[int, int], None] | None = None,
    on_shard: Callable[[ShardResult], None] | None = None,
) -> BatchReport:
    """Analyze the inputs of ``args`` into the dataset ``out``; shards done already are
    skipped. ``on_plan(inputs, inputs_to_run)`` once planned, ``on_shard(result)`` after
    each shard. ``workers`` 0 picks one per core, within memory. Raises ConfigError for an
    engine that cannot start (Ray missing)."""
    from spinscope.dataset.parquet import done_shards, read_failures
    from spinscope.scale.workers import MAX_ATTEMPTS, auto_workers

    began = time.perf_counter()
    shards = shards_of(expand(args, settings), shard_size)
    done = done_shards(out)
    todo = [s for s in shards if s.name not in done]
    report = BatchReport(shards=len(shards), skipped_shards=len(shards) - len(todo))
    report.inputs = sum(len(s.items) for s in shards)
    if report.skipped_shards:
        names = {s.name for s in shards} & done
        report.failed_before = sum(1 for shard, _, _ in read_failures(out) if shard in names)
    to_run = sum(len(s.items) for s in todo)
    workers = report.workers = workers or auto_workers(to_run)
    if on_plan:
        on_plan(report.inputs, to_run)
    if todo:
        out.mkdir(parents=True, exist_ok=True)
    pending = todo
    for _ in range(MAX_ATTEMPTS):
        if engine == "ray":
            from spinscope.scale import ray_engine

            results = ray_engine.run(pending, out, settings, workers, address)
        else:
            results = run_local(pending, out, settings, workers, report)
        errored: set[str] = set()
        for result in results:
            if result.error is not None:
                errored.add(result.name)
                report.errors.append((result.name, result.error))
            else:
                report.documents += result.documents
                report.failed += result.failed
                peak = max(report.peak_mb.get(result.pid, 0.0), result.peak_mb)
                report.peak_mb[result.pid] = peak
            if on_shard:
                on_shard(result)
        # An engine that gave up on a shard without saying so (a Ray actor that died too
        # often): run what is neither done nor failed again.
        done = done_shards(out)
        pending = [s for s in pending if s.name not in done and s.name not in errored]
        if not pending:
            break
        report.restarts += 1
    for shard in pending:
        report.errors.append((shard.name, f"not finished after {MAX_ATTEMPTS} attempts"))
    report.seconds = time.perf_counter() - began
    return report
