"""CSV: one row per finding, for spreadsheets, data frames and ``grep``.

Read from the contract like every other output. Columns (:data:`COLUMNS`): the document's
``doc_id`` and ``source``; the finding's ``layer``, ``index`` (its position in the layer, as
relations address it), ``start``/``end`` (character offsets into ``document.text``, end
exclusive), ``text``, ``label``, ``score``; and ``attrs``, the finding's other fields as one
JSON object (attribution, places, dates, …). Written with :mod:`csv`: fields holding commas,
quotes or line breaks are quoted, line breaks inside a field are kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from spinscope.dataset.rows import flatten
from spinscope.document import LAYER_KEYS
from spinscope.render.findings import layers_in

COLUMNS = ("doc_id", "source", "layer", "index", "start", "end", "text", "label", "score", "attrs")
#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula gets a
    leading ``'`` (article text is untrusted); None becomes an empty cell."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def finding_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    """One row of :data:`COLUMNS` per finding of ``data`` (a ``spinscope/1`` object), layer
    by layer in display order; a document without findings has none. The cells are those of
    a dataset's layer tables (:func:`spinscope.dataset.rows.flatten`) plus the layer."""
    doc = data["document"]
    _, tables = flatten(data)
    for layer in layers_in(data):
        for r in tables.get(layer, []):
            # Claims have no label field in the contract: each is "a claim".
            label = r["label"] if LAYER_KEYS.get(layer, ("label",))[0] else layer.rstrip("s")
            yield [
                doc["id"], doc.get("source"), layer, r["index"], r["start"], r["end"],
                r["text"], label, r["score"], r["attrs"] or "",
            ]  # fmt: skip


def render_csv(data: dict[str, Any], header: bool = True) -> str:
    """The findings of one document as CSV text (RFC 4180 line ends), with the header line
    first unless ``header`` is False (the next document of a batch)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    if header:
        writer.writerow(COLUMNS)
    writer.writerows([safe_cell(v) for v in row] for row in finding_rows(data))
    return buf.getvalue()


def header_line() -> str:
    """The header line alone: the whole output when no document had a finding."""
    buf = io.StringIO()
    csv.writer(buf).writerow(COLUMNS)
    return buf.getvalue()
