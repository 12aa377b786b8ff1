"""ingest -> analyze -> store: the one ingest path of the CLI, the web server and batch runs.

The store only saves and loads Documents; this module (beside :mod:`spinscope.service`)
decides what to analyze, where (this process, or N worker processes with
:mod:`spinscope.scale.workers`) and when to commit. Analyses are committed in batches,
each in one transaction.

Crash safety comes from the batching: a batch is analyzed, then written in a single
DuckDB transaction, so a process killed at any moment loses at most the batch in flight.
Re-running skips inputs whose stored copy (same URL or same normalised text) has the same
text and was made by the same analyzer versions, so it resumes where it stopped without
duplicates; an article whose text changed is stored again, its old version kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinscope.config import Settings
from spinscope.document import Document
from spinscope.errors import InputError, SpinscopeError, printable
from spinscope.ingest import feeds
from spinscope.ingest.decode import decode
from spinscope.ingest.sources import Source, load
from spinscope.ingest.url import check_url, fetch, is_url
from spinscope.pipeline import Pipeline
from spinscope.service import Outcome
from spinscope.store import reprints as R
from spinscope.store.db import Store


@dataclass(frozen=True)
class Probe:
    """A URL argument not fetched yet: it may be an article, a feed or a sitemap."""

    url: str


Item = Source | InputError | Probe


@dataclass
class IngestReport:
    """What an ingest run did; ``failures`` lists (input, reason)."""

    total: int = 0
    analyzed: int = 0
    #: Of the analyzed: stored articles whose text changed (the old version is kept).
    revised: int = 0
    skipped: int = 0
    failed: int = 0
    batches: int = 0
    clusters: int = 0
    keys: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


def plan(args: list[str], settings: Settings) -> list[Item]:
    """Inputs for ``args``: everything ``analyze`` accepts plus feeds and sitemaps.

    URL arguments become :class:`Probe` items, fetched only when ingest reaches them
    (see :func:`resolve`), so that the progress bar starts at once and bodies are not
    all held in memory.
    """
    from spinscope.service import plan as plain_plan

    items: list[Item] = []
    rest: list[str] = []

    def flush_rest() -> None:
        items.extend(plain_plan(rest, settings))
        rest.clear()

    for arg in args:
        if is_url(arg):
            flush_rest()
            try:
                check_url(arg)
                items.append(Probe(arg))
            except InputError as err:
                items.append(err)
        elif Path(arg).suffix.lower() in feeds.FEED_SUFFIXES and Path(arg).is_file():
            flush_rest()
            items.extend(_file_listing(Path(arg), settings))
        else:
            rest.append(arg)
    flush_rest()
    return items


def resolve(probe: Probe, settings: Settings) -> list[Item]:
    """Fetch a URL argument once: a feed or sitemap becomes the article URLs it lists, an
    article page an input carrying its fetched body (so it is not fetched twice)."""
    url = probe.url
    try:
        page = fetch(url, settings)
        if feeds.is_listing(page.body):
            return [Source("url", u) for u in feeds.expand_listing(page.body, page.url, settings)]
        text, _warnings = decode(page.body, url, declared=page.charset)
    except SpinscopeError as err:
        return [err if isinstance(err, InputError) else InputError(url, str(err))]
    body_key = "text" if page.content_type == "text/plain" else "html"
    return [Source("record", url, {body_key: text, "url": page.url})]


def _file_listing(path: Path, settings: Settings) -> list[Item]:
    try:
        body = path.read_bytes()
        return [Source("url", u) for u in feeds.expand_listing(body, str(path), settings)]
    except OSError as err:
        return [InputError(str(path), f"cannot read: {err.strerror or err}")]
    except InputError as err:
        return [err]


def expected_versions(pipeline: Pipeline) -> str:
    """The ``analyzers`` value a document analyzed by ``pipeline`` will be stored with."""
    return ",".join(sorted(f"{a.name}@{a.version}" for a in pipeline.analyzers))


def ingest(
    items: list[Item],
    settings: Settings,
    store: Store,
    pipeline: Pipeline,
    commit_every: int = 32,
    on_item: Callable[[str, str, str | None], None] | None = None,
    on_commit: Callable[[int, int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    workers: int = 1,
) -> IngestReport:
    """Analyze and store ``items``; returns counts. Never raises for one bad input.

    ``on_item(input, status, reason)`` is called once per input with status ``analyzed``,
    ``skipped`` or ``failed``; ``on_commit(batch_number, stored_so_far)`` after each commit;
    ``on_total(n)`` when a feed or sitemap changed the number of inputs.

    With ``workers`` > 1 the analysis runs in that many worker processes, each loading the
    models once (``pipeline`` then only names the analyzer versions); fetching, loading,
    de-duplication and every write stay in this process, so the store has one writer and
    documents are stored in input order, exactly as with one worker.
    """
    from spinscope.service import analyze_batch

    report = IngestReport(total=len(items))
    edited: set[str] = set()  # inputs whose stored copy has another text
    ready: list[Document] = []  # analyzed, waiting for the next commit

    def note(where: str, status: str, reason: str | None = None) -> None:
        if status == "failed":
            report.failed += 1
            report.failures.append((where, reason or "failed"))
        elif status == "skipped":
            report.skipped += 1
        if on_item:
            on_item(where, status, reason)

    def commit() -> None:
        if not ready:
            return
        report.keys.extend(store.save_many(ready))
        report.batches += 1
        report.analyzed += len(ready)
        ready.clear()
        if on_commit:
            on_commit(report.batches, report.analyzed)

    def take(outcomes: list[Outcome]) -> None:
        for o in outcomes:
            if o.error is None and o.document is not None:
                ready.append(o.document)
                report.revised += o.source in edited
            note(o.source, "failed" if o.error else "analyzed", str(o.error) if o.error else None)
            if len(ready) >= commit_every:
                commit()

    def room() -> int:
        # Model batches are small (settings.batch_size) so that progress moves steadily;
        # commits are larger (commit_every) so that transactions stay few. Sequentially a
        # chunk is cut so that analyzed documents reach exactly commit_every.
        if workers > 1:
            return settings.batch_size
        return max(1, min(settings.batch_size, commit_every - len(ready)))

    chunks = _loaded_chunks(
        items, settings, store, expected_versions(pipeline), report, edited, note, room, on_total
    )
    if workers > 1:
        from spinscope.scale.workers import WorkerDied, WorkerPool, chunk_in_worker

        with WorkerPool(settings, workers) as pool:
            for chunk, value in pool.map(chunk_in_worker, chunks):
                if isinstance(value, WorkerDied):
                    take([Outcome(where, error=value) for where, _ in chunk])
                else:
                    take([_outcome(r) for r in value])
    else:
        for chunk in chunks:
            take(analyze_batch(chunk, pipeline))
    commit()
    report.clusters = store.recluster()
    return report


def _loaded_chunks(  # type: ignore[no-untyped-def]
    items, settings, store, versions, report, edited, note, room, on_total
) -> Iterator[list[tuple[str, Document]]]:
    """The inputs loaded and cut into chunks to analyze; inputs that fail to load, repeat
    another input of the run or are stored already (same text, same analyzer versions)
    are reported through ``note`` and left out."""
    from collections import deque

    seen: set[str] = set()
    loaded: list[tuple[str, Document]] = []
    queue: deque[Item] = deque(items)
    while queue:
        item = queue.popleft()
        if isinstance(item, Probe):
            found = resolve(item, settings)
            report.total += len(found) - 1
            if on_total:
                on_total(report.total)
            queue.extendleft(reversed(found))
            continue
        if isinstance(item, InputError):
            note(item.source, "failed", str(item))
            continue
        try:
            doc = load(item, settings)
        except SpinscopeError as err:
            note(item.location, "failed", str(err))
            continue
        status = stored_status(doc, store, versions, seen)
        if status in SKIPPED:
            note(item.location, "skipped", SKIPPED[status])
            continue
        if status == "edited":
            edited.add(item.location)
        loaded.append((item.location, doc))
        if len(loaded) >= room():
            yield list(loaded)
            loaded.clear()
    if loaded:
        yield loaded


#: Why an input is not stored again, by :func:`stored_status`.
SKIPPED = {
    "repeat": "same text as another input of this run",
    "stored": "already stored by the same analyzer versions",
}


def stored_status(doc: Document, store: Store, versions: str, seen: set[str]) -> str:
    """What storing ``doc`` would do: ``repeat`` (another input of this run had its URL, or
    its text and outlet), ``stored`` (stored already with the same text and ``versions``),
    ``edited`` (stored with another text: a new revision) or ``new``. Adds it to ``seen``."""
    digest = doc.meta.url or f"{R.text_hash(doc)} {doc.meta.outlet}"
    if digest in seen:
        return "repeat"
    seen.add(digest)
    stored = store.existing(doc)
    if stored is None:
        return "new"
    if not stored.same_content:
        return "edited"
    return "stored" if stored.analyzers == versions else "new"


def _outcome(result: tuple[str, str, Any]) -> Outcome:
    where, kind, value = result
    if kind == "ok":
        return Outcome(where, document=Document.from_dict(value))
    return Outcome(where, error=SpinscopeError(value))


def write_failures(path: Path, failures: list[tuple[str, str]]) -> None:
    """One line per failed input: ``input<TAB>reason`` (control characters escaped)."""
    with path.open("w", encoding="utf-8", errors="backslashreplace") as out:
        out.write("input\treason\n")
        for where, reason in failures:
            out.write(f"{printable(where)}\t{printable(reason)}\n")


def text_item(text: str, fields: dict[str, str | None] | None = None) -> Source:
    """An input for pasted or posted text, with optional document fields."""
    from spinscope.ingest.html import looks_like_html

    body_key = "html" if looks_like_html(text) else "text"
    record = {body_key: text, **{k: v for k, v in (fields or {}).items() if v}}
    return Source("record", "pasted:text", record)


def analyze_item(
    item: Item, settings: Settings, pipeline: Pipeline, store: Store | None = None
) -> tuple[str | None, dict]:
    """Analyze one input and, given a store, save it: (store key or None, contract dict)."""
    from spinscope.service import analyze_batch

    if isinstance(item, Probe):
        found = resolve(item, settings)
        if (
            len(found) != 1
            or isinstance(found[0], Probe)
            or (isinstance(found[0], Source) and found[0].kind == "url")
        ):
            raise InputError(item.url, "is a feed or sitemap; ingest it instead")
        item = found[0]
    if isinstance(item, InputError):
        raise item
    doc = load(item, settings)
    outcome = analyze_batch([(item.location, doc)], pipeline)[0]
    if outcome.error is not None:
        raise outcome.error
    key = None
    if store is not None:
        key = store.save(doc)
        store.relink(key)
    return key, doc.to_dict()


def load_dataset(root: Path, store: Store, commit_every: int = 256) -> IngestReport:
    """Store the documents of a dataset (``spinscope batch``, ``export --format parquet``)
    as they are, without analyzing; a document stored already with the same text and
    analyzer versions is skipped, so loading twice stores nothing twice. Raises
    :class:`DatasetError` for a folder that is not a dataset."""
    from spinscope.dataset.parquet import read_dataset, tables_of
    from spinscope.store.db import analyzer_versions

    tables_of(root)  # a clear error before anything is written
    report = IngestReport()
    ready: list[Document] = []

    def commit() -> None:
        if ready:
            report.keys.extend(store.save_many(ready))
            report.batches += 1
            report.analyzed += len(ready)
            ready.clear()

    seen: set[str] = set()
    for data in read_dataset(root):
        report.total += 1
        where = (data.get("document") or {}).get("source") or "?"
        try:
            doc = Document.from_dict(data)
        except (SpinscopeError, KeyError, TypeError, ValueError) as err:
            report.failed += 1
            report.failures.append((where, f"not a valid spinscope/1 document: {err}"))
            continue
        status = stored_status(doc, store, analyzer_versions(doc.provenance), seen)
        if status in SKIPPED:
            report.skipped += 1
            continue
        report.revised += status == "edited"
        ready.append(doc)
        if len(ready) >= commit_every:
            commit()
    commit()
    report.clusters = store.recluster()
    return report
