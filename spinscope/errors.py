"""Errors with actionable messages. The CLI maps them to exit codes; the API to JSON errors.

Every error names the bad value and, where there is one, the fix. Code that meets bad
input raises one of these instead of returning ``None``.
"""

from __future__ import annotations

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` on one line with control and invisible characters escaped (``\\n``,
    ``\\x1b``, ``\\u202e``): a file name or a server's message can hold line breaks or
    terminal escape codes, and an error message must stay one honest line."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif "\udc80" <= ch <= "\udcff":  # a byte of a file name that is not UTF-8
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            out.append(ascii(ch)[1:-1])
    return "".join(out)


class SpinscopeError(Exception):
    """Base class. ``str(err)`` is a one-line message fit to show a user."""

    #: HTTP status the API answers with.
    status = 500


class InputError(SpinscopeError):
    """An input (file, URL, JSONL line, stdin) cannot be analyzed. Other inputs go on."""

    status = 422

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{printable(source)}: {printable(problem)}")


class ParameterError(InputError):
    """A request parameter has a value it does not allow: a bad request (HTTP 400) whose
    message names the parameter and the values it takes."""

    status = 400


class FetchError(InputError):
    """A URL could not be fetched (timeout, HTTP error, refused address, too large)."""

    status = 502


class ConfigError(SpinscopeError):
    """A setting, flag or layer name is wrong. This is a usage error (exit code 2)."""

    status = 400


class ModelError(SpinscopeError):
    """A model file is missing or cannot be loaded."""

    status = 500


class OffsetError(SpinscopeError, ValueError):
    """A span does not point into the document text: a bug in an analyzer, never ignored."""
