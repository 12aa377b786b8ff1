"""The ``spinscope/1`` contract flattened into table rows, and back, losslessly.

A dataset (``spinscope batch``, ``spinscope export --format parquet``) holds one
``documents`` table and one table per layer. :func:`flatten` turns one contract object into
a documents row and the rows of each of its layers; :func:`unflatten` is its exact inverse:
``json.dumps(unflatten(*flatten(d)))`` equals ``json.dumps(d)`` for every object the
pipeline writes, so the store, a batch run and an export are interchangeable.

``documents`` (:data:`DOCUMENT_COLUMNS`): the contract's ``document`` fields, ``layers`` (the
layers that were computed, in contract order: a computed layer without findings is listed
here and has no rows, a layer not computed is not listed), and ``summary``, ``relations``,
``provenance`` and ``warnings`` as JSON text.

Both carry ``key``, which identifies the document within the dataset (document ids are
readable, not unique), and ``doc_id``.

A layer table (:data:`SPAN_COLUMNS`), one row per finding: ``key``, ``doc_id``, ``index``
(position in the layer, as relations address it), ``start``/``end`` (character offsets into the
document's ``text``, end exclusive), ``text``, ``label`` (the layer's label field:
``technique``, ``type``, ``kind``, …; empty for claims, which have none), ``score`` (the
layer's score field: ``score``, ``checkworthiness``, ``probability``; empty where the layer
has none) and ``attrs``, the finding's other fields as one JSON object in contract order
(attribution, coordinates, dates, …). In DuckDB: ``attrs->>'$.attribution.kind'``.
"""

from __future__ import annotations

import json
from typing import Any

from spinscope.document import LAYER_KEYS, SCHEMA

#: Fields of the contract's ``document`` object, in contract order.
DOC_FIELDS = (
    "id", "source", "title", "text", "outlet", "author", "published", "language",
    "language_confidence", "genre", "url",
)  # fmt: skip
#: Columns of the ``documents`` table (``doc_id`` is the contract's ``document.id``).
DOCUMENT_COLUMNS = (
    "key", "doc_id", "source", "title", "text", "outlet", "author", "published", "language",
    "language_confidence", "genre", "url", "warnings", "layers", "summary", "relations",
    "provenance",
)  # fmt: skip
#: Columns of every layer table.
SPAN_COLUMNS = ("key", "doc_id", "index", "start", "end", "text", "label", "score", "attrs")
#: DuckDB types of the columns (for writing Parquet with a fixed schema).
DOCUMENT_TYPES = {c: "VARCHAR" for c in DOCUMENT_COLUMNS} | {
    "language_confidence": "DOUBLE",
    "layers": "VARCHAR[]",
}
SPAN_TYPES = {c: "VARCHAR" for c in SPAN_COLUMNS} | {
    "index": "INTEGER",
    "start": "INTEGER",
    "end": "INTEGER",
    "score": "DOUBLE",
}
_RESERVED = ("schema", "document", "summary", "relations", "provenance")
_DEFAULT_KEYS = ("label", "score")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def layer_names(data: dict[str, Any]) -> list[str]:
    """The computed layers of a contract object, in its order."""
    return [k for k in data if k not in _RESERVED]


def flatten(
    data: dict[str, Any], key: str | None = None
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """(documents row, {layer: rows}) for one ``spinscope/1`` object; ``key`` identifies the
    document within the dataset (document ids need not be unique: two inputs named
    ``article.txt`` both get the id ``article``) and defaults to its id."""
    if data.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} object (schema is {data.get('schema')!r})")
    doc = data["document"]
    layers = layer_names(data)
    key = doc["id"] if key is None else key
    row: dict[str, Any] = {"key": key, "doc_id": doc["id"]}
    row.update({f: doc.get(f) for f in DOC_FIELDS[1:]})
    row["warnings"] = _dump(doc.get("warnings") or [])
    row["layers"] = layers
    row["summary"] = _dump(data["summary"]) if "summary" in data else None
    row["relations"] = _dump(data["relations"]) if "relations" in data else None
    row["provenance"] = _dump(data.get("provenance", []))
    tables: dict[str, list[dict[str, Any]]] = {}
    for layer in layers:
        label_key, score_key = LAYER_KEYS.get(layer, _DEFAULT_KEYS)
        shown = {"start", "end", "text", label_key, score_key}
        rows = tables.setdefault(layer, [])
        for i, item in enumerate(data[layer]):
            rest = {k: v for k, v in item.items() if k not in shown}
            rows.append({
                "key": key, "doc_id": doc["id"], "index": i, "start": item["start"],
                "end": item["end"], "text": item["text"],
                "label": None if label_key is None else _text(item.get(label_key)),
                "score": item.get(score_key) if score_key else None,
                "attrs": _dump(rest) if rest else None,
            })  # fmt: skip
    return row, tables


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def unflatten(row: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The ``spinscope/1`` object of a documents row and its layer rows (any order)."""
    doc: dict[str, Any] = {"id": row["doc_id"]}
    doc.update({f: row.get(f) for f in DOC_FIELDS[1:]})
    doc["warnings"] = json.loads(row.get("warnings") or "[]")
    data: dict[str, Any] = {"schema": SCHEMA, "document": doc}
    if row.get("summary") is not None:
        data["summary"] = json.loads(row["summary"])
    for layer in list(row.get("layers") or []):
        label_key, score_key = LAYER_KEYS.get(layer, _DEFAULT_KEYS)
        items = []
        for r in sorted(tables.get(layer, []), key=lambda r: r["index"]):
            item: dict[str, Any] = {"start": r["start"], "end": r["end"], "text": r["text"]}
            if label_key:
                item[label_key] = r["label"]
            if score_key:
                item[score_key] = r["score"]
            if r.get("attrs"):
                item.update(json.loads(r["attrs"]))
            items.append(item)
        data[layer] = items
    if row.get("relations") is not None:
        data["relations"] = json.loads(row["relations"])
    data["provenance"] = json.loads(row.get("provenance") or "[]")
    return data
