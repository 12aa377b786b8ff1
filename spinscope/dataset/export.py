"""Export any result set of the store as rows: CSV, JSONL, or the Parquet dataset layout.

The documents come from :meth:`Store.page_keys` page by page (the articles page's query and
filters, no cap), each read back as its stored ``spinscope/1`` object and flattened with
:mod:`spinscope.dataset.rows`, so an export holds exactly the columns of a ``spinscope
batch`` dataset: the ``documents`` table, or one layer's table, one row per finding.
Nothing is collected first: one page of documents (:data:`PAGE`) is in memory at a time,
plus the keys already sent (tens of bytes per document), which keep a document that moved
between pages while the store was being written from being exported twice.

Used by ``spinscope export`` and by the explorer's export endpoints alike.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spinscope.dataset.rows import DOCUMENT_COLUMNS, SPAN_COLUMNS, flatten, layer_names
from spinscope.document import LAYER_ORDER
from spinscope.errors import ParameterError
from spinscope.render.table import safe_cell
from spinscope.store.db import MAX_PER_PAGE, Query, Store

#: What an export can hold: the documents table or one layer's table.
WHATS = ("documents", *LAYER_ORDER)
FORMATS = ("csv", "jsonl", "parquet")
#: Formats that stream as one file (Parquet is a folder of files).
STREAMED = ("csv", "jsonl")
#: Documents per search page.
PAGE = MAX_PER_PAGE
#: Documents per Parquet shard: what a shard writer holds in memory at once.
SHARD_SIZE = 500
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """``fmt`` lower-cased, or ParameterError naming the formats."""
    value = (fmt or "").strip().lower()
    if value not in allowed:
        raise ParameterError("format", f"unknown format {fmt!r}; use one of {', '.join(allowed)}")
    return value


def check_what(what: str) -> str:
    """``what`` lower-cased, or ParameterError naming the tables."""
    value = (what or "").strip().lower()
    if value not in WHATS:
        raise ParameterError("what", f"unknown table {what!r}; use one of {', '.join(WHATS)}")
    return value


def columns(what: str) -> tuple[str, ...]:
    """The columns of table ``what`` (those of :mod:`spinscope.dataset.rows`)."""
    return DOCUMENT_COLUMNS if what == "documents" else SPAN_COLUMNS


def matching(store: Store, query: Query) -> Iterator[tuple[str, dict[str, Any]]]:
    """(store key, stored ``spinscope/1`` object) of every document matching ``query``, in
    its sort order, without a cap. ``query`` is checked first (ParameterError on a bad
    value, before anything is yielded when called through :func:`checked`)."""
    query = dataclasses.replace(query, page=1, per_page=PAGE)
    store.check(query)
    seen: set[str] = set()
    while True:
        # The page's keys only: the fields and snippets of a results page are not needed.
        _, page = store.page_keys(query)
        # A document moved to a later page by a write in between is sent once.
        keys = [k for k in dict.fromkeys(page) if k not in seen]
        seen.update(keys)
        found = store.get_many(keys)
        for key in keys:
            if key in found:  # else deleted since the page was read
                yield key, found.pop(key)
        if len(page) < query.per_page:
            return
        query.page += 1


def checked(store: Store, query: Query) -> Query:
    """``query`` checked against ``store`` (a ParameterError names the bad value): done
    before a response starts, so that a bad filter is a 400 and not a broken stream."""
    return store.check(dataclasses.replace(query, page=1, per_page=PAGE))


def table_rows(what: str, key: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of table ``what`` for one document (its documents row, or its findings of
    that layer; none when the layer was not computed or found nothing)."""
    row, tables = flatten(data, key)
    return [row] if what == "documents" else tables.get(what, [])


def _cell(value: Any) -> Any:
    if isinstance(value, list):  # the documents' ``layers``
        return json.dumps(value, ensure_ascii=False)
    return safe_cell(value)


@dataclasses.dataclass
class Tally:
    """What an export has sent so far."""

    documents: int = 0
    rows: int = 0


def csv_chunks(
    what: str, docs: Iterable[tuple[str, dict[str, Any]]], tally: Tally | None = None
) -> Iterator[str]:
    """CSV text of table ``what``: the header line, then one chunk per document. A cell
    that a spreadsheet would run as a formula gets a leading ``'`` (article text is
    untrusted); ``layers`` is a JSON array."""
    cols = columns(what)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(cols)
    yield buf.getvalue()
    tally = tally or Tally()
    for key, data in docs:
        rows = table_rows(what, key, data)
        tally.documents += 1
        tally.rows += len(rows)
        if not rows:
            continue
        buf.seek(0)
        buf.truncate()
        writer.writerows([_cell(r[c]) for c in cols] for r in rows)
        yield buf.getvalue()


def jsonl_chunks(
    what: str, docs: Iterable[tuple[str, dict[str, Any]]], tally: Tally | None = None
) -> Iterator[str]:
    """JSON Lines of table ``what``: one object per row with the table's columns, values
    as in the Parquet files (``attrs``, ``summary``, … are JSON text), one chunk per
    document."""
    cols = columns(what)
    tally = tally or Tally()
    for key, data in docs:
        rows = table_rows(what, key, data)
        tally.documents += 1
        tally.rows += len(rows)
        if rows:
            yield "".join(
                json.dumps({c: r[c] for c in cols}, ensure_ascii=False) + "\n" for r in rows
            )


def chunks(
    fmt: str, what: str, docs: Iterable[tuple[str, dict[str, Any]]], tally: Tally | None = None
) -> Iterator[str]:
    """The export of ``docs`` as text chunks in ``fmt`` (csv or jsonl), counted in ``tally``."""
    return (csv_chunks if fmt == "csv" else jsonl_chunks)(what, docs, tally)


def restrict(data: dict[str, Any], layers: Iterable[str]) -> dict[str, Any]:
    """``data`` with only the given layers (and the relations between them): what a
    dataset of some tables holds. The layers kept are unchanged, so their indices stay."""
    keep = set(layers)
    out = {}
    for name, value in data.items():
        if name == "relations":
            value = [r for r in value if r["head"][0] in keep and r["tail"][0] in keep]
            if not value:
                continue
        elif name not in ("schema", "document", "summary", "provenance") and name not in keep:
            continue
        out[name] = value
    return out


@dataclasses.dataclass
class Written:
    documents: int = 0
    shards: int = 0
    rows: dict[str, int] = dataclasses.field(default_factory=dict)


def write_parquet(
    root: Path,
    docs: Iterable[tuple[str, dict[str, Any]]],
    what: str | None = None,
    shard_size: int = SHARD_SIZE,
    name: str = "export",
) -> Written:
    """Write ``docs`` as a dataset at ``root`` in the layout of :mod:`spinscope.dataset.parquet`
    (shards ``<name>-00000``, … of ``shard_size`` documents; the store keys are the dataset
    keys). ``what`` None: every table; ``documents``: that table only; a layer: the
    documents table and that layer's."""
    from spinscope.dataset.parquet import write_shard

    done = Written()
    batch: list[tuple[str, dict[str, Any]]] = []

    def flush() -> None:
        if not batch:
            return
        objects = [d if what is None else restrict(d, [what]) for _, d in batch]
        for obj in objects:
            for layer in layer_names(obj):
                done.rows[layer] = done.rows.get(layer, 0) + len(obj[layer])
        done.documents += write_shard(
            root, f"{name}-{done.shards:05d}", objects, [k for k, _ in batch]
        )
        done.shards += 1
        batch.clear()

    for item in docs:
        batch.append(item)
        if len(batch) >= shard_size:
            flush()
    flush()
    with contextlib.suppress(OSError):
        (root / "_tmp").rmdir()  # the shard writer's scratch folder, empty once all are done
    return done
