"""The ``docs.jsonl`` format of ``../shared/data/realnews``, read and checked in one place.

One JSON object a line: ``id`` (optional), ``text``, ``spans`` [{``start``, ``end``,
``label``, …}] with character offsets into ``text`` (end exclusive), optional ``lat`` and
``lon`` (numbers), and any other fields (``lang``, ``coarse``, ``attribution``). Every
layer's ``eval`` command reads its files with :func:`iter_docs`; a malformed line raises
:class:`DocsLineError`, an :class:`InputError` named ``FILE:LINE``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from spinscope.errors import InputError


class DocsLineError(InputError):
    """A malformed line of a docs.jsonl file; ``line`` and ``problem`` kept for callers that
    word their messages differently."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}", problem)
        self.line, self.problem = line, problem


def resolve(path: Path) -> Path:
    """``path``, or the ``docs.jsonl`` inside it when it is a folder."""
    return path / "docs.jsonl" if path.is_dir() else path


def iter_docs(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, document object) for each non-empty line of a docs.jsonl file (or of
    the one in a folder). Raises InputError for a missing or
    unreadable file, DocsLineError for a line that is not a document with valid spans."""
    path = resolve(path)
    try:
        # Not splitlines(): texts may hold U+2028 and other characters it splits on.
        lines = path.read_text(encoding="utf-8").split("\n")
    except FileNotFoundError:
        raise InputError(
            str(path), "no such file (expected a docs.jsonl file or a folder holding one)"
        ) from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    except OSError as err:
        raise InputError(str(path), f"cannot read it ({err.strerror})") from None
    for n, line in enumerate(lines, 1):
        if line.strip():
            yield n, _checked(path, n, line)


def _checked(path: Path, n: int, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as err:
        raise DocsLineError(path, n, f"not JSON ({err.msg})") from None
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise DocsLineError(path, n, 'expected an object with a string "text"')
    spans = item.setdefault("spans", [])
    text = item["text"]
    if not isinstance(spans, list):
        raise DocsLineError(path, n, '"spans" must be a list')
    for k, sp in enumerate(spans, 1):
        if not (isinstance(sp, dict) and all(
            isinstance(sp.get(key), int) and not isinstance(sp.get(key), bool)
            for key in ("start", "end")
        )):  # fmt: skip
            raise DocsLineError(
                path, n, f'"spans" must be a list of objects with integer "start" and "end" '
                f"(span {k})"
            )  # fmt: skip
        if not 0 <= sp["start"] < sp["end"] <= len(text):
            raise DocsLineError(
                path, n, f"span {k} needs integer start < end within the text (0..{len(text)})"
            )
        for key in ("lat", "lon"):
            if sp.get(key) is not None and not isinstance(sp[key], int | float):
                raise DocsLineError(path, n, f"span {k}: {key} must be a number")
    return item


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))
