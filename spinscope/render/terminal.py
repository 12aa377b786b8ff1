"""Terminal output with rich: the document fields, then a table per layer.

Article content is always wrapped in ``rich.text.Text`` so that square brackets in an
article are shown as written, never read as console markup.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinscope.render import findings as F

LAYER_STYLES = {
    "boilerplate": "dim",
    "techniques": "bold magenta",
    "claims": "bold cyan",
    "entities": "bold green",
    "events": "bold yellow",
}


def build(data: dict[str, Any]) -> Group:
    """A rich renderable of one analyzed document."""
    d = data["document"]
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column()
    for key, value in F.document_fields(data):
        if key != "title":
            fields.add_row(key, Text(value))
    fields.add_row("length", Text(f"{len(d['text'])} characters"))
    title = Text(d.get("title") or d["id"], style="bold")
    parts: list[Any] = [Panel(Group(title, Text(), fields), title="spinscope", title_align="left")]
    for warning in d.get("warnings") or []:
        parts.append(Text(f"note: {warning}", style="yellow"))
    for label, text in F.summary_items(data):
        parts.append(Text(f"{label}: {text}"))
    for layer in F.layers_in(data):
        rows = F.rows(data, layer)
        style = LAYER_STYLES.get(layer, "bold")
        counts = F.label_counts(data, layer)
        head = Text(f"{F.title_of(layer)}: {len(rows)}", style=style)
        if len(counts) > 1:
            head.append("  (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")", style="dim")
        parts.append(Text())
        parts.append(head)
        if not rows:
            continue
        table = Table(show_header=True, header_style="bold", expand=True, show_lines=False)
        table.add_column("chars", no_wrap=True, style="dim")
        table.add_column("label", style=style.replace("bold ", ""), max_width=22, overflow="fold")
        table.add_column("text", ratio=3)
        table.add_column("score", justify="right", no_wrap=True)
        table.add_column("details", ratio=3)
        for r in rows:
            table.add_row(
                Text(f"{r.start}-{r.end}"),
                Text(r.label),
                Text(F.snippet(r.text, 200)),
                Text("" if r.score is None else f"{r.score:.2f}"),
                Text(r.details_text()),
            )
        parts.append(table)
    return Group(*parts)


def print_document(data: dict[str, Any], console: Console) -> None:
    console.print(build(data))


def render_plain(data: dict[str, Any], width: int = 120) -> str:
    """The terminal view as plain text (for ``--format terminal --out FILE``)."""
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    console.print(build(data))
    return console.export_text()
