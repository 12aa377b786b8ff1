"""Renderers: every output is derived from ``Document.to_dict()`` (the spinscope/1 contract).

Formats: ``json`` (one object), ``jsonl`` (one object per line), ``html`` (a self-contained
report, all article content escaped), ``md`` (Markdown), ``csv`` (one row per finding) and
``terminal`` (rich).
"""

from __future__ import annotations

import json
from typing import Any

FORMATS = ("terminal", "json", "jsonl", "html", "md", "csv")
#: File extension per format, for ``--out DIR``.
EXTENSIONS = {"json": ".json", "jsonl": ".jsonl", "html": ".html", "md": ".md", "csv": ".csv",
              "terminal": ".txt"}  # fmt: skip
#: Formats whose outputs for several documents concatenate into one stream (one file).
STREAMED = ("jsonl", "csv")


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_jsonl(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def render(data: dict[str, Any], fmt: str, display_min_score: float | None = None) -> str:
    """Render one document's contract dict as text in ``fmt`` (not ``terminal``).

    ``display_min_score``: HTML reports highlight technique spans scored at least this
    (default: the ``display_min_score`` setting's default)."""
    if fmt == "json":
        return to_json(data) + "\n"
    if fmt == "jsonl":
        return to_jsonl(data) + "\n"
    if fmt == "html":
        from spinscope.render.html import render_html

        if display_min_score is None:
            return render_html(data)
        return render_html(data, display_min_score)
    if fmt == "md":
        from spinscope.render.markdown import render_markdown

        return render_markdown(data)
    if fmt == "csv":
        from spinscope.render.table import render_csv

        return render_csv(data)
    if fmt == "terminal":
        from spinscope.render.terminal import render_plain

        return render_plain(data)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
