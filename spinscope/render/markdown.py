"""Markdown report: document fields, then each layer's findings with their offsets.

Article content is escaped (HTML-special and Markdown-special characters), so a viewer
that renders raw HTML inside Markdown cannot be made to run an article's markup.
"""

from __future__ import annotations

import re
from typing import Any

from spinscope.render import findings as F

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def esc(text: str) -> str:
    """Escape ``text`` for Markdown tables and prose."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_markdown(data: dict[str, Any]) -> str:
    d = data["document"]
    out = [f"# {esc(d.get('title') or d['id'])}", ""]
    out += ["| field | value |", "|---|---|"]
    out += [f"| {k} | {esc(v)} |" for k, v in F.document_fields(data)]
    out.append(f"| length | {len(d['text'])} characters |")
    out.append("")
    for warning in d.get("warnings") or []:
        out.append(f"> **Note:** {esc(warning)}")
    if d.get("warnings"):
        out.append("")
    for label, text in F.summary_items(data):
        out.append(f"- **{esc(label)}:** {esc(text)}")
    if data.get("summary"):
        out.append("")
    for layer in F.layers_in(data):
        rows = F.rows(data, layer)
        out.append(f"## {F.title_of(layer)} ({len(rows)})")
        out.append("")
        if not rows:
            out += ["_None found._", ""]
            continue
        counts = F.label_counts(data, layer)
        if len(counts) > 1:
            out.append(", ".join(f"{esc(k)}: {v}" for k, v in counts.items()))
            out.append("")
        if layer == "entities":
            out += ["| name | type | mentions | written as |", "|---|---|---|---|"]
            for g in F.entity_groups(data):
                out.append(
                    f"| {esc(g.name)} | {esc(g.label)} | {g.count} | {esc(F.written_forms(g))} |"
                )
            out += ["", f"Every mention ({len(rows)}):", ""]
        out += ["| chars | label | text | score | details |", "|---|---|---|---|---|"]
        for r in rows:
            score = "" if r.score is None else f"{r.score:.2f}"
            # A finding is quoted whole (a claim cut short is not the claim); only boilerplate,
            # which can be whole paragraphs of navigation, is shortened.
            text = F.snippet(r.text, 160) if layer == "boilerplate" else r.text
            out.append(
                f"| {r.start}–{r.end} | {esc(r.label)} | {esc(text)} | "
                f"{score} | {esc(r.details_text())} |"
            )
        out.append("")
    out.append("## Provenance")
    out.append("")
    for p in data.get("provenance") or []:
        model = f", model {esc(p['model'])}" if p.get("model") else ""
        out.append(f"- {esc(p['analyzer'])} {esc(p['version'])}{model}")
    out.append("")
    return "\n".join(out)
