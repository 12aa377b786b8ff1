"""A dataset of analysed documents on disk: Parquet files, one folder per table.

Layout (readable by DuckDB, pandas/pyarrow, Spark and Ray Data alike)::

    DIR/documents/shard=<name>/part.parquet     one row per document (rows.DOCUMENT_COLUMNS)
    DIR/<layer>/shard=<name>/part.parquet       one row per finding (rows.SPAN_COLUMNS)
    DIR/failures/shard=<name>/part.parquet      inputs that failed: ``input``, ``reason``
    DIR/_done/<name>                            written last: the shard is complete

A shard is written into ``DIR/_tmp/<name>/`` first and moved into place table by table,
then marked done, so a reader (and a resumed run) only ever trusts shards listed in
``_done``; a shard whose writer died is rewritten whole. Hive-style ``shard=`` folders give
readers a ``shard`` column. Written with DuckDB, so no pyarrow is needed.

In DuckDB::

    SELECT label, count(*) FROM read_parquet('DIR/techniques/*/*.parquet') GROUP BY label;
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from spinscope.dataset.rows import (
    DOCUMENT_COLUMNS,
    DOCUMENT_TYPES,
    SPAN_COLUMNS,
    SPAN_TYPES,
    flatten,
    unflatten,
)

DONE = "_done"
#: The table of failed inputs (``spinscope batch``); not a layer.
FAILURES = "failures"
FAILURE_COLUMNS = ("input", "reason")
_TMP = "_tmp"
_SHARD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")
_LAYER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class DatasetError(ValueError):
    """A folder that is not a spinscope dataset, or a bad shard/layer name."""


def _check_shard(name: str) -> str:
    if not _SHARD_NAME.match(name):
        raise DatasetError(f"bad shard name {name!r}: letters, digits, '_', '-', '.' only")
    return name


def done_shards(root: str | Path) -> set[str]:
    """Names of the shards of ``root`` that were completely written."""
    done = Path(root) / DONE
    return {p.name for p in done.iterdir()} if done.is_dir() else set()


def _write_table(
    con: Any, path: Path, columns: tuple[str, ...], types: dict[str, str], rows: list[dict]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    decl = ", ".join(f'"{c}" {types[c]}' for c in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE t ({decl})")
    if rows:
        unnests = ", ".join(f"unnest(?::{types[c]}[])" for c in columns)
        con.execute(f"INSERT INTO t SELECT {unnests}", [[r.get(c) for r in rows] for c in columns])
    con.execute(f"COPY t TO '{_sql_path(path)}' (FORMAT parquet, COMPRESSION zstd)")


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def write_shard(
    root: str | Path,
    name: str,
    objects: Iterable[dict[str, Any]],
    keys: Iterable[str] | None = None,
) -> int:
    """Write the ``spinscope/1`` objects as shard ``name`` of the dataset at ``root``
    (replacing an earlier copy of that shard) and mark it done; returns the document count.
    ``keys`` (one per object, unique in the dataset) default to ``<name>:<position>``.
    Every layer table gets a file, empty when the shard has no finding of that layer, so
    that each table's schema is always readable."""
    _check_shard(name)
    root = Path(root)
    docs: list[dict[str, Any]] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    key_list = None if keys is None else list(keys)
    for i, data in enumerate(objects):
        key = f"{name}:{i}" if key_list is None else key_list[i]
        row, layers = flatten(data, key)
        docs.append(row)
        for layer in row["layers"]:
            if not _LAYER_NAME.match(layer):
                raise DatasetError(f"layer name {layer!r} cannot be a table name")
            tables.setdefault(layer, []).extend(layers.get(layer, []))
    tmp = root / _TMP / name
    shutil.rmtree(tmp, ignore_errors=True)
    (root / DONE / name).unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        _write_table(con, tmp / "documents" / "part.parquet", DOCUMENT_COLUMNS,
                     DOCUMENT_TYPES, docs)  # fmt: skip
        for layer, rows in tables.items():
            _write_table(con, tmp / layer / "part.parquet", SPAN_COLUMNS, SPAN_TYPES, rows)
    finally:
        con.close()
    for table_dir in sorted(tmp.iterdir()):
        final = root / table_dir.name / f"shard={name}"
        shutil.rmtree(final, ignore_errors=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        table_dir.rename(final)
    shutil.rmtree(tmp, ignore_errors=True)
    (root / DONE).mkdir(parents=True, exist_ok=True)
    (root / DONE / name).write_text(f"{len(docs)}\n", encoding="utf-8")
    return len(docs)


def tables_of(root: str | Path) -> list[str]:
    """The table folders of a dataset: ``documents`` first, then layers by name."""
    root = Path(root)
    if not (root / "documents").is_dir():
        raise DatasetError(f"{root} is not a spinscope dataset (no documents/ folder)")
    names = [
        p.name
        for p in root.iterdir()
        if p.is_dir() and _LAYER_NAME.match(p.name) and p.name != FAILURES
    ]
    return ["documents", *sorted(n for n in names if n != "documents")]


def _rows(con: Any, root: Path, table: str, shard: str) -> list[dict[str, Any]]:
    path = root / table / f"shard={shard}" / "part.parquet"
    if not path.is_file():
        return []
    cur = con.execute(f"SELECT * FROM read_parquet('{_sql_path(path)}', hive_partitioning=false)")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def read_dataset(root: str | Path) -> Iterator[dict[str, Any]]:
    """The ``spinscope/1`` objects of every done shard of ``root``, shard by shard (sorted
    by name), in the order they were written."""
    root = Path(root)
    layers = [t for t in tables_of(root) if t != "documents"]
    con = duckdb.connect()
    try:
        for shard in sorted(done_shards(root)):
            by_layer: dict[str, dict[str, list[dict[str, Any]]]] = {}
            for layer in layers:
                for r in _rows(con, root, layer, shard):
                    by_layer.setdefault(r["key"], {}).setdefault(layer, []).append(r)
            for row in _rows(con, root, "documents", shard):
                yield unflatten(row, by_layer.get(row["key"], {}))
    finally:
        con.close()


def write_failures(root: str | Path, name: str, failures: Iterable[tuple[str, str]]) -> int:
    """Write the ``(input, reason)`` pairs of shard ``name`` as its part of the ``failures``
    table (an empty file when none failed, so the table always reads); returns the count.
    Call it before :func:`write_shard`, which marks the shard done."""
    _check_shard(name)
    root = Path(root)
    rows = [{"input": where, "reason": reason} for where, reason in failures]
    tmp = root / _TMP / f"{name}.failures"
    shutil.rmtree(tmp, ignore_errors=True)
    con = duckdb.connect()
    try:
        types = dict.fromkeys(FAILURE_COLUMNS, "VARCHAR")
        _write_table(con, tmp / "part.parquet", FAILURE_COLUMNS, types, rows)
    finally:
        con.close()
    final = root / FAILURES / f"shard={name}"
    shutil.rmtree(final, ignore_errors=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(final)
    return len(rows)


def read_failures(root: str | Path) -> list[tuple[str, str, str]]:
    """``(shard, input, reason)`` for every failed input of the done shards of ``root``."""
    root = Path(root)
    out: list[tuple[str, str, str]] = []
    con = duckdb.connect()
    try:
        for shard in sorted(done_shards(root)):
            for r in _rows(con, root, FAILURES, shard):
                out.append((shard, r["input"], r["reason"]))
    finally:
        con.close()
    return out
