"""Bytes to text, with refusal of what is not text and an honest record of any repair.

Policy: valid UTF-8 is decoded exactly (a UTF-8 byte-order mark is dropped and noted).
UTF-8 that is damaged in a few places (a file cut in the middle of a character, a stray
byte) stays UTF-8, with each broken sequence replaced by U+FFFD: guessing a legacy
encoding for it would garble every other non-ASCII character. Otherwise the encoding is
detected (charset-normalizer); when detection is not confident the bytes are decoded as
UTF-8 with each undecodable byte replaced by U+FFFD. Every departure from plain UTF-8 is
written to ``Document.meta.warnings``.
"""

from __future__ import annotations

import codecs

from spinscope.errors import InputError

#: Signatures of common binary formats, so the message can say what the file is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"SQLite format 3", "an SQLite database"),
)
_TEXT_CONTROLS = {9, 10, 12, 13, 27}


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} bytes"  # pragma: no cover


def check_size(size: int, max_bytes: int, source: str) -> None:
    """Refuse inputs over the size cap with the flag that raises it."""
    if size > max_bytes:
        raise InputError(
            source,
            f"input is {human_size(size)}, over the size cap of {human_size(max_bytes)} "
            f"(raise it with --max-bytes)",
        )


def check_length(text: str, max_chars: int, source: str) -> None:
    """Refuse texts longer than ``max_chars`` characters with the flag that raises the limit."""
    if len(text) > max_chars:
        raise InputError(
            source,
            f"text is {len(text):,} characters long, over the limit of {max_chars:,} per "
            f"document (raise it with --max-chars or the max_chars setting, or split the text)",
        )


def sniff_binary(data: bytes) -> str | None:
    """A description of the binary format of ``data``, or None when it looks like text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return "binary data (it contains NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    if head and controls / len(head) > 0.05:
        return "binary data (many control characters)"
    return None


def decode(data: bytes, source: str, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode ``data`` into text. Returns (text, warnings). Raises InputError for non-text."""
    warnings: list[str] = []
    if not data.strip():
        raise InputError(source, "input is empty" if not data else "input holds only whitespace")
    what = sniff_binary(data)
    if what:
        raise InputError(source, f"not a text file: looks like {what}")
    if data.startswith(codecs.BOM_UTF8):
        warnings.append("a UTF-8 byte-order mark was removed; offsets count from after it")
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(source, "starts with a UTF-16 mark but is not valid UTF-16") from None
        warnings.append("decoded as UTF-16 (byte-order mark); offsets count characters")
        return _check_text(text, source), warnings
    if declared:
        try:
            text = data.decode(declared)
            if declared.replace("-", "").lower() not in ("utf8", "ascii", "usascii"):
                warnings.append(f"decoded as {declared} (declared by the server)")
            return _check_text(text, source), warnings
        except (UnicodeDecodeError, LookupError):
            warnings.append(f"declared encoding {declared!r} did not fit the bytes")
    try:
        return _check_text(data.decode("utf-8"), source), warnings
    except UnicodeDecodeError as err:
        damaged = _damaged_utf8(data, err)
    if damaged is not None:
        text, note = damaged
        warnings.append(note)
        return _check_text(text, source), warnings
    text, note = _detect(data)
    warnings.append(note)
    return _check_text(text, source), warnings


def _damaged_utf8(data: bytes, err: UnicodeDecodeError) -> tuple[str, str] | None:
    """(text, warning) when ``data`` is UTF-8 with a few broken sequences, else None."""
    if err.end == len(data) and err.reason == "unexpected end of data":
        # Cut off in the middle of a character (a truncated download or a split file).
        cut = len(data) - err.start
        return data[: err.start].decode("utf-8") + "\ufffd", (
            f"the input ends in the middle of a UTF-8 character (cut off?): its last {cut} "
            f"byte(s) were replaced with U+FFFD"
        )
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in text if ord(ch) > 127) - text.count("\ufffd")
    # Legacy encodings (cp1252, KOI8-R …) almost never form valid multi-byte UTF-8
    # sequences by chance; a text with more valid ones than broken ones is damaged UTF-8.
    if good <= bad:
        return None
    return text, (
        f"not valid UTF-8 in {bad} place(s) of an otherwise UTF-8 text: each broken byte "
        f"sequence was replaced with U+FFFD"
    )


def _detect(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "ascii") and best.chaos < 0.1:
        return str(best), f"not valid UTF-8: decoded as {best.encoding} (detected)"
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return text, (
        f"not valid UTF-8 and no confident encoding detected: {bad} undecodable "
        f"byte sequence(s) replaced with U+FFFD"
    )


def _check_text(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(source, "input holds only whitespace")
    return text
