"""From what the user named (paths, folders, JSONL, ``-``, URLs) to checked Documents.

:func:`expand` turns arguments into :class:`Source` items cheaply (so a progress bar
knows its total); :func:`load` reads one Source into a Document or raises InputError.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from spinscope.config import Settings
from spinscope.document import Document, DocumentMeta
from spinscope.errors import InputError
from spinscope.ingest import fields
from spinscope.ingest.decode import check_length, check_size, decode
from spinscope.ingest.html import domain_of, extract, looks_like_html
from spinscope.ingest.url import check_url, fetch, is_url
from spinscope.language.identify import identify

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
#: JSONL fields copied into the Document.
JSONL_FIELDS = ("id", "url", "title", "published", "outlet", "author")

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")

Kind = Literal["text", "html", "jsonl", "url", "stdin", "record"]


@dataclass(frozen=True)
class Source:
    """One input to analyze. ``record`` holds a parsed JSONL line (or the error text)."""

    kind: Kind
    location: str
    record: Any = None


def expand(args: list[str], settings: Settings) -> Iterator[Source | InputError]:
    """Sources for each argument; an argument that names nothing yields an InputError."""
    for arg in args:
        if arg == "-":
            yield Source("stdin", "<stdin>")
        elif is_url(arg):
            try:
                check_url(arg)
                yield Source("url", arg)
            except InputError as err:
                yield err
        else:
            path = Path(arg)
            if path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.is_file() and _analyzable(p))
                if not files:
                    yield InputError(arg, "folder holds no .txt, .html or .jsonl files")
                for file in files:
                    yield from _file_sources(file, settings)
            elif path.is_file():
                yield from _file_sources(path, settings)
            elif path.exists():
                yield InputError(arg, "not a regular file or folder")
            else:
                yield InputError(arg, "no such file or folder")


def _analyzable(path: Path) -> bool:
    if path.name.startswith("."):
        return False
    return path.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


def _file_sources(path: Path, settings: Settings) -> Iterator[Source | InputError]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _jsonl_sources(path, settings)
    elif suffix in HTML_SUFFIXES:
        yield Source("html", str(path))
    else:
        yield Source("text", str(path))


def _jsonl_sources(path: Path, settings: Settings) -> Iterator[Source | InputError]:
    try:
        handle = path.open("rb")
    except OSError as err:
        yield InputError(str(path), f"cannot read: {err.strerror}")
        return
    with handle:
        any_line = False
        for lineno, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            any_line = True
            where = f"{path}:{lineno}"
            if len(raw) > settings.max_bytes:
                yield InputError(
                    where, "JSONL line is over the size cap (raise it with --max-bytes)"
                )
                continue
            try:
                record = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as err:
                yield InputError(where, f"line is not valid JSON ({err})")
                continue
            if not isinstance(record, dict):
                yield InputError(
                    where, "line is JSON but not an object with a 'text' or 'html' field"
                )
                continue
            yield Source("record", where, record)
        if not any_line:
            yield InputError(str(path), "JSONL file is empty")


def load(source: Source, settings: Settings) -> Document:
    """Read one Source into a Document with its fields filled. Raises InputError."""
    if source.kind == "text":
        data = _read_file(Path(source.location), settings)
        return _from_bytes(data, source.location, settings, as_html=None)
    if source.kind == "html":
        data = _read_file(Path(source.location), settings)
        return _from_bytes(data, source.location, settings, as_html=True)
    if source.kind == "stdin":
        data = sys.stdin.buffer.read(settings.max_bytes + 1)
        check_size(len(data), settings.max_bytes, source.location)
        return _from_bytes(data, source.location, settings, as_html=None)
    if source.kind == "url":
        page = fetch(source.location, settings)
        if page.content_type in FEED_TYPES:
            raise InputError(
                source.location,
                f"this URL is a feed ({page.content_type}), not an article: "
                f"use 'spinscope ingest URL' to analyze the articles it lists",
            )
        as_html = page.content_type != "text/plain"
        text, warnings = decode(page.body, source.location, declared=page.charset)
        return _build(text, warnings, source.location, settings, as_html=as_html, url=page.url)
    if source.kind == "record":
        return _from_record(source, settings)
    raise InputError(source.location, f"unknown source kind {source.kind!r}")  # pragma: no cover


def _read_file(path: Path, settings: Settings) -> bytes:
    try:
        check_size(path.stat().st_size, settings.max_bytes, str(path))
        return path.read_bytes()
    except OSError as err:
        raise InputError(str(path), f"cannot read: {err.strerror or err}") from None


def _from_bytes(data: bytes, where: str, settings: Settings, as_html: bool | None) -> Document:
    text, warnings = decode(data, where)
    return _build(text, warnings, where, settings, as_html=as_html)


def _from_record(source: Source, settings: Settings) -> Document:
    record: dict[str, Any] = source.record
    body = record.get("html") if record.get("text") is None else record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise InputError(source.location, "JSONL object has no non-empty 'text' or 'html' field")
    check_size(len(body.encode("utf-8", "replace")), settings.max_bytes, source.location)
    # JSON can spell invalid Unicode (a lone "\ud800"), which no output could encode.
    body, broken = _SURROGATE.subn("\ufffd", body)
    warnings = [
        f"the text held {broken} lone surrogate escape(s) (invalid Unicode), replaced with U+FFFD"
    ] if broken else []  # fmt: skip
    given = {
        k: _SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v
        for k in JSONL_FIELDS
        if isinstance(v := record.get(k), str | int)
    }
    as_html = record.get("text") is None
    doc = _build(body, warnings, source.location, settings, as_html=as_html, url=given.get("url"))
    if given.get("id") is not None:
        doc.id = str(given["id"])
    for key in ("title", "outlet", "author"):
        if given.get(key):
            setattr(doc.meta, key, str(given[key]))
    if given.get("published"):
        doc.meta.published = fields.to_iso_date(str(given["published"])) or str(given["published"])
    return doc


def from_text(text: str, settings: Settings | None = None) -> Document:
    """A Document of raw text (plain or HTML) with its fields and language filled in, as
    ``analyze`` makes it for a pasted article. Raises InputError for empty or too long text."""
    if not text.strip():
        raise InputError("<text>", "input is empty")
    return _build(text, [], "<text>", settings or Settings(), as_html=None)


def _build(
    text: str,
    warnings: list[str],
    where: str,
    settings: Settings,
    as_html: bool | None,
    url: str | None = None,
) -> Document:
    """Make the Document: extract HTML if needed, then fill the fields from the text."""
    meta = DocumentMeta(warnings=list(warnings), url=url)
    genre_hint = None
    if as_html is None:
        as_html = looks_like_html(text)
    if as_html:
        page = extract(_whole_page(text), where, url=url)
        text = page.text
        meta.title, meta.author, meta.outlet = page.title, page.author, page.outlet
        meta.published = fields.to_iso_date(page.published) or page.published
        meta.url = page.url or url
        genre_hint = page.genre_hint
        meta.warnings += page.warnings
        if page.canonical_claimed:
            meta.summary["canonical_claimed"] = page.canonical_claimed
    elif url:
        meta.outlet = domain_of(url)
    check_length(text, settings.max_chars, where)
    _fill_from_text(text, meta, genre_hint)
    _check_language(text, meta)
    name = _SURROGATE.sub(_escape_surrogate, where)
    return Document(id=_doc_id(name, text), source=name, text=text, meta=meta)


#: Lone surrogates: bytes of a file name that is not UTF-8 (Python's surrogateescape), or
#: invalid Unicode spelled in JSON. Neither can be written as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogate(m: re.Match[str]) -> str:
    """A file name's undecodable byte as ``\\xNN`` (another lone surrogate as ``\\udNNN``)."""
    code = ord(m.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _whole_page(html: str) -> str:
    """``html`` as a page: trafilatura finds no text in a bare fragment (a JSONL ``html``
    field or pasted ``<p>…</p>``), so one without ``<html>`` or ``<body>`` gets them."""
    if re.search(r"<(?:html|body)[\s>]", html, re.I):
        return html
    return f"<html><body>{html}</body></html>"


def _fill_from_text(text: str, meta: DocumentMeta, genre_hint: str | None) -> None:
    from spinscope.analyzers.boilerplate import classify_line

    lines = text.splitlines()
    # Photo credits and bylines name agencies and people, not the outlet.
    noise = [ln for ln in lines if classify_line(ln) not in (None, "image_credit", "byline")]
    head = [ln for ln in lines[:12] if len(ln.split()) <= 14]
    meta.title = meta.title or fields.infer_title(text)
    meta.outlet = meta.outlet or fields.outlet_from_lines(noise)
    meta.author = meta.author or fields.author_from_lines(head + noise)
    meta.published = meta.published or fields.published_from_lines(
        [ln for ln in head if classify_line(ln) == "dateline"]
    )
    genre, evidence = fields.infer_genre(text, genre_hint)
    meta.genre = meta.genre or genre
    if genre:
        meta.summary["genre_evidence"] = evidence


def _check_language(text: str, meta: DocumentMeta) -> None:
    """Record the language. No input is refused for its language: each layer reads the
    languages it was built for and leaves the others with a note (see ``spinscope layers``)."""
    guess = identify(text)
    meta.language = guess.code
    meta.language_confidence = round(guess.confidence, 3)
    if not guess.reliable:
        meta.warnings.append(
            f"language uncertain: best guess {guess.code!r} (confidence {guess.confidence:.2f})"
        )


def _doc_id(where: str, text: str) -> str:
    """A readable, stable id: the file stem, else a hash of the text."""
    if where not in ("<stdin>",) and not is_url(where) and ":" not in Path(where).name:
        stem = Path(where).stem
        if stem:
            return stem
    return "doc-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
