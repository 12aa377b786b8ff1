from __future__ import annotations

import codecs

import pytest

from spinscope.errors import InputError
from spinscope.ingest.decode import decode, sniff_binary


def test_utf8_is_decoded_exactly_with_no_warning() -> None:
    raw = "Kiev’s “offensive”\r\nsecond line — ok\n".encode()
    text, warnings = decode(raw, "a.txt")
    assert text == raw.decode("utf-8") and warnings == []


def test_bom_is_removed_and_said() -> None:
    text, warnings = decode(codecs.BOM_UTF8 + b"Hello there.", "a.txt")
    assert text == "Hello there." and "byte-order mark" in warnings[0]


def test_legacy_encoding_is_detected_and_reported() -> None:
    raw = ("Le gouvernement a annoncé des mesures très sévères à l'été. " * 5).encode("cp1252")
    text, warnings = decode(raw, "fr.txt")
    assert "annoncé" in text
    assert warnings and "not valid UTF-8" in warnings[0]


def test_undecodable_bytes_are_replaced_and_counted() -> None:
    raw = b"Plain English text with one bad byte \xff\xfe\xfa here and more words after it."
    text, warnings = decode(raw, "bad.txt")
    assert "Plain English text" in text
    assert warnings and ("replaced" in warnings[0] or "detected" in warnings[0])


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"abc\x00def\x00" * 20, "NUL"),
    ],
)
def test_binary_inputs_are_refused_with_what_they_are(raw: bytes, words: str) -> None:
    assert sniff_binary(raw)
    with pytest.raises(InputError, match=words):
        decode(raw, "x.bin")


@pytest.mark.parametrize("raw", [b"", b"   \n\t\n"])
def test_empty_inputs_are_refused(raw: bytes) -> None:
    with pytest.raises(InputError, match=r"empty|whitespace"):
        decode(raw, "empty.txt")


def test_utf8_cut_in_the_middle_of_a_character_stays_utf8_with_a_warning() -> None:
    raw = "Officials said the “offensive” near Kharkiv — a city of 1.4 million — stalled.".encode()
    cut = raw[: raw.rindex("—".encode()) + 2]  # two of the dash's three bytes
    text, warnings = decode(cut, "cut.txt")
    assert text == cut[:-2].decode("utf-8") + "\ufffd"  # the curly quotes survive
    assert len(warnings) == 1 and "ends in the middle of a UTF-8 character" in warnings[0]


def test_utf8_with_one_stray_byte_is_not_guessed_as_a_legacy_encoding() -> None:
    good = "Kyiv’s “offensive” — reported on Tuesday — stalled near Kharkiv. " * 4
    raw = good.encode() + b"\xff" + good.encode()
    text, warnings = decode(raw, "stray.txt")
    assert text == good + "\ufffd" + good
    assert "1 place(s)" in warnings[0] and "replaced with U+FFFD" in warnings[0]
