"""What changed between two versions of an article, for the revision page.

Words are compared, so that a changed figure or name stands out inside its sentence. The
comparison (difflib) can take quadratic time, so it is bounded: the common head and tail
are cut off first; a longer changed stretch is compared line by line; a still longer one is
shown as removed and added whole. A page view never waits long, however big the edit.
"""

from __future__ import annotations

import difflib
import re

_TOKEN = re.compile(r"\s+|\S+")
#: Largest changed stretch (words and spaces of both versions) compared word by word …
MAX_TOKENS = 4000
#: … and line by line.
MAX_LINES = 1000


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) pieces that turn ``old`` into ``new``; kind is "same", "del" or "ins".

    Joining the "same" and "del" pieces gives ``old``, the "same" and "ins" pieces ``new``.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    # An edit usually touches a few places: the common head and tail need no matching.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    out = [("same", "".join(a[:head]))]
    compare = True
    if len(a_mid) + len(b_mid) > MAX_TOKENS:
        a_mid = "".join(a_mid).splitlines(keepends=True)
        b_mid = "".join(b_mid).splitlines(keepends=True)
        compare = len(a_mid) + len(b_mid) <= MAX_LINES
    if not compare:
        out += [("del", "".join(a_mid)), ("ins", "".join(b_mid))]
    else:
        matcher = difflib.SequenceMatcher(None, a_mid, b_mid, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                out.append(("same", "".join(a_mid[i1:i2])))
                continue
            out += [("del", "".join(a_mid[i1:i2])), ("ins", "".join(b_mid[j1:j2]))]
    out.append(("same", "".join(a[len(a) - tail :])))
    return [(kind, text) for kind, text in out if text]
