"""Reading a catalog of known claims: a CSV or TSV file with a header line.

Each row is one entry: an id (``--id-column``, default ``id``), the claim text (one or more
``--text-column``, joined with a space), and, when the file has them, a date (``date`` or
``published``) and a link (the id when it is an http(s) URL, else a ``url``/``link`` column).
Without ``--text-column`` the text is every column among ``claim``, ``vclaim`` and ``title``
that the header names (EUvsDisinfo: ``title``; CheckThat!: ``vclaim`` and ``title``).

A file whose first header cell is empty and that has no ``id`` column (the CheckThat!
layout) takes its first column as the id. Everything else that is wrong is refused with one
line naming the file, the line and the fix: a missing column, no entries, a duplicate or
empty id, an empty text, a row with too many or too few fields, bytes that are not UTF-8.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from spinscope.errors import ConfigError, printable

#: Column names used as the text when ``--text-column`` is not given (in header order).
DEFAULT_TEXT_COLUMNS = ("claim", "vclaim", "title")
DATE_COLUMNS = ("date", "published")
URL_COLUMNS = ("url", "link")


class CatalogError(ConfigError):
    """A catalog file cannot be used; the message names the file, the line and the fix."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(printable(f"catalog {path}: {problem}"))


@dataclass(frozen=True)
class Entry:
    """One known claim of a catalog."""

    id: str
    text: str
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Catalog:
    path: Path
    entries: list[Entry]
    id_column: str
    text_columns: tuple[str, ...]
    #: SHA-256 of the file's bytes: an index built from other bytes is stale.
    sha256: str


def split_columns(value: str | None) -> tuple[str, ...] | None:
    """``"claim, title"`` -> ``("claim", "title")``; None or blank -> None (the default)."""
    if value is None:
        return None
    names = tuple(x.strip() for x in value.split(",") if x.strip())
    return names or None


def _delimiter(path: Path, header: str) -> str:
    suffix = path.suffix.lower()
    if suffix in {".tsv", ".tab"}:
        return "\t"
    if suffix == ".csv":
        return ","
    return "\t" if "\t" in header else ","


def read_catalog(
    path: Path | str, id_column: str = "id", text_columns: tuple[str, ...] | None = None
) -> Catalog:
    """Read and check a catalog file. Raises :class:`CatalogError` for any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(path, "no such file") from None
    except IsADirectoryError:
        raise CatalogError(path, "is a directory; give a .csv or .tsv file") from None
    except OSError as err:
        raise CatalogError(path, f"cannot be read ({err.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise CatalogError(
            path, f"line {line}: not UTF-8 (byte 0x{raw[err.start]:02x}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise CatalogError(path, "is empty; expected a header line and one entry per line")
    first = text.split("\n", 1)[0]
    if "\x00" in text:
        raise CatalogError(path, "holds NUL bytes: not a text catalog")
    csv.field_size_limit(1 << 26)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(path, first))
    try:
        header = [h.strip() for h in next(reader)]
        id_at, text_at, date_at, url_at = _columns(path, header, id_column, text_columns)
        entries: list[Entry] = []
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise CatalogError(
                    path, f"line {line}: {len(row)} fields, the header has {len(header)}"
                )
            entry_id = row[id_at].strip()
            if not entry_id:
                raise CatalogError(path, f"line {line}: empty id")
            if entry_id in seen:
                raise CatalogError(
                    path, f"line {line}: duplicate id {entry_id!r} (first on line {seen[entry_id]})"
                )
            seen[entry_id] = line
            claim = " ".join(row[i].strip() for i in text_at if row[i].strip())
            if not claim:
                raise CatalogError(path, f"line {line}: entry {entry_id!r} has no text")
            url = entry_id if entry_id.startswith(("http://", "https://")) else None
            if url is None and url_at is not None:
                url = row[url_at].strip() or None
            date = row[date_at].strip() or None if date_at is not None else None
            entries.append(Entry(entry_id, " ".join(claim.split()), date, url))
    except csv.Error as err:
        raise CatalogError(path, f"line {reader.line_num}: not valid CSV/TSV ({err})") from None
    if not entries:
        raise CatalogError(path, "has a header but no entries")
    names = tuple(header[i] for i in text_at)
    digest = hashlib.sha256(raw).hexdigest()
    return Catalog(path, entries, header[id_at] or "(first column)", names, digest)


def _columns(
    path: Path, header: list[str], id_column: str, text_columns: tuple[str, ...] | None
) -> tuple[int, list[int], int | None, int | None]:
    """Positions of the id, text, date and url columns in ``header``."""
    shown = ", ".join(repr(h) for h in header)
    if id_column in header:
        id_at = header.index(id_column)
    elif id_column == "id" and header and header[0] == "":
        id_at = 0  # CheckThat!'s verified_claims.docs.tsv: the id column has no name
    else:
        raise CatalogError(
            path, f"no id column {id_column!r} (columns: {shown}); name it with --id-column"
        )
    if text_columns:
        missing = [c for c in text_columns if c not in header]
        if missing:
            raise CatalogError(
                path,
                f"no text column {missing[0]!r} (columns: {shown}); "
                "name it with --text-column (several: --text-column claim,title)",
            )
        text_at = [header.index(c) for c in text_columns]
    else:
        text_at = [i for i, h in enumerate(header) if h.lower() in DEFAULT_TEXT_COLUMNS]
        if not text_at:
            raise CatalogError(
                path,
                f"no text column: none of {', '.join(DEFAULT_TEXT_COLUMNS)} among the "
                f"columns ({shown}); name it with --text-column",
            )
    lowered = [h.lower() for h in header]
    date_at = next((lowered.index(c) for c in DATE_COLUMNS if c in lowered), None)
    url_at = next((lowered.index(c) for c in URL_COLUMNS if c in lowered), None)
    return id_at, text_at, date_at, url_at
