"""What changed between two versions of an article, for the revision page.

Words are compared, so that a changed figure or name stands out inside its sentence; very
long texts are compared line by line instead, so the page stays fast.
"""

from __future__ import annotations

import difflib
import re

_TOKEN = re.compile(r"\s+|\S+")
#: Beyond this many words and spaces (both versions together) lines are compared instead.
MAX_TOKENS = 20_000


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) pieces that turn ``old`` into ``new``; kind is "same", "del" or "ins".

    Joining the "same" and "del" pieces gives ``old``, the "same" and "ins" pieces ``new``.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) + len(b) > MAX_TOKENS:
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", "".join(b[j1:j2])))
    return out
