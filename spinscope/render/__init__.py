"""Renderers: every output is derived from ``Document.to_dict()`` (the spinscope/1 contract).

Formats: ``json`` (one object), ``jsonl`` (one object per line), ``html`` (a self-contained
report, all article content escaped), ``md`` (Markdown) and ``terminal`` (rich).
"""

from __future__ import annotations

import json
from typing import Any

FORMATS = ("terminal", "json", "jsonl", "html", "md")
#: File extension per format, for ``--out DIR``.
EXTENSIONS = {"json": ".json", "jsonl": ".jsonl", "html": ".html", "md": ".md", "terminal": ".txt"}


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_jsonl(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def render(data: dict[str, Any], fmt: str) -> str:
    """Render one document's contract dict as text in ``fmt`` (not ``terminal``)."""
    if fmt == "json":
        return to_json(data) + "\n"
    if fmt == "jsonl":
        return to_jsonl(data) + "\n"
    if fmt == "html":
        from spinscope.render.html import render_html

        return render_html(data)
    if fmt == "md":
        from spinscope.render.markdown import render_markdown

        return render_markdown(data)
    if fmt == "terminal":
        from spinscope.render.terminal import render_plain

        return render_plain(data)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
