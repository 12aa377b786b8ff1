"""Brat standoff for attribution relations, in PolNeAR's conventions.

One attribution is written as ``Source``, ``Cue`` and ``Content`` text-bound annotations, an
``Attribution`` (or ``Attribution-no-source``) annotation over the cue, and an event line
tying them together::

    T1	Source 110 112	we
    T2	Cue 113 119	mocked
    T3	Content 120 211	the presidential ambitions …
    T4	Attribution 113 119	mocked
    E1	Attribution:T4 Content:T3 Cue:T2 Source:T1

Discontinuous spans (``120 150;152 211``) are read as their fragments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from spinscope.errors import InputError

_TLINE = re.compile(r"T\d+\t")
_ELINE = re.compile(r"E\d+\t")

Fragments = tuple[tuple[int, int], ...]


@dataclass
class BratAttribution:
    """One attribution relation; each part is a tuple of (start, end) fragments."""

    cue: Fragments
    source: Fragments = ()
    content: Fragments = ()
    kind: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _fragments(spec: str) -> Fragments:
    out = []
    for part in spec.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return tuple(out)


def read_ann(path: Path) -> list[BratAttribution]:
    """Attributions of a PolNeAR ``.ann`` file (events without a cue are skipped)."""
    spans: dict[str, Fragments] = {}
    events: list[list[tuple[str, str]]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        # A span's text may hold line breaks, so lines that are not annotations are the
        # continuation of the previous line's text: skip them.
        if _TLINE.match(line):
            try:
                tid, body, _text = line.split("\t", 2)
                _label, _, spec = body.partition(" ")
                spans[tid] = _fragments(spec)
            except ValueError:
                raise InputError(f"{path}:{n}", f"not a brat text-bound line: {line!r}") from None
        elif _ELINE.match(line):
            parts = line.split("\t", 1)[1].split()
            events.append([tuple(p.split(":", 1)) for p in parts if ":" in p])  # type: ignore[misc]
    out = []
    for roles in events:
        role = {r: t for r, t in roles}
        if "Cue" not in role or role["Cue"] not in spans:
            continue
        content: Fragments = ()
        for r, t in roles:
            if r.startswith("Content") and t in spans:
                content += spans[t]
        out.append(
            BratAttribution(
                cue=spans[role["Cue"]],
                source=spans.get(role.get("Source", ""), ()),
                content=content,
            )
        )
    return out


def write_ann(text: str, attributions: list[BratAttribution]) -> str:
    """The ``.ann`` content for ``attributions`` over ``text`` (offsets into ``text``)."""
    lines: list[str] = []
    t = 0
    for e, attr in enumerate(attributions, 1):
        roles: list[str] = []
        ids: dict[str, str] = {}
        for label, frags in (("Source", attr.source), ("Cue", attr.cue), ("Content", attr.content)):
            if not frags:
                continue
            t += 1
            ids[label] = f"T{t}"
            lines.append(_tline(t, label, frags, text))
        t += 1
        head = "Attribution" if attr.source else "Attribution-no-source"
        lines.append(_tline(t, head, attr.cue, text))
        roles.append(f"{head}:T{t}")
        roles += [f"{k}:{ids[k]}" for k in ("Content", "Cue", "Source") if k in ids]
        lines.append(f"E{e}\t" + " ".join(roles))
    return "\n".join(lines) + ("\n" if lines else "")


def _tline(t: int, label: str, frags: Fragments, text: str) -> str:
    spec = ";".join(f"{a} {b}" for a, b in frags)
    shown = " ".join(text[a:b] for a, b in frags).replace("\n", " ")
    return f"T{t}\t{label} {spec}\t{shown}"
