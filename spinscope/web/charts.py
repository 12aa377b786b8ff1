"""Server-side SVG charts: no chart library, no script, every label escaped.

Charts are drawn from the same ``(columns, rows)`` tables that the CSV downloads serve.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

PALETTE = ("#c2185b", "#1f6fd1", "#2a9d4b", "#d98e04", "#7b1fa2", "#00838f", "#6d4c41",
           "#e64a19")  # fmt: skip


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def bar_chart(items: Sequence[tuple[str, Any]], unit: str = "", width: int = 640) -> Markup:
    """Horizontal bars, one per (label, value), longest first as given."""
    items = [(str(label), _num(v)) for label, v in items]
    if not items:
        return Markup('<p class="empty">No data yet.</p>')
    row_h, label_w, pad = 22, 220, 60
    height = row_h * len(items) + 10
    top = max(v for _, v in items) or 1.0
    bar_w = width - label_w - pad
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        w = max(1.0, bar_w * value / top)
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<g><title>{escape(label)}: {escape(_fmt(value))} {escape(unit)}</title>'
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" class="val">'
            f"{escape(_fmt(value))}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    series: dict[str, list[tuple[str, Any]]], width: int = 640, height: int = 260
) -> Markup:
    """One line per series over shared, sorted x labels (e.g. months)."""
    xs = sorted({x for points in series.values() for x, _ in points})
    if not xs:
        return Markup('<p class="empty">No dated findings yet.</p>')
    left, right, top_pad, bottom = 40, 30, 10, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((_num(v) for pts in series.values() for _, v in pts), default=1.0) or 1.0
    step = plot_w / max(1, len(xs) - 1)

    def xy(x: str, v: Any) -> tuple[float, float]:
        return left + xs.index(x) * step, top_pad + plot_h * (1 - _num(v) / top)

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 20 * len(series)}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" '
        f'y2="{top_pad + plot_h}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top_pad + 10}" text-anchor="end">{escape(_fmt(top))}</text>',
        f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>',
    ]
    every = max(1, len(xs) // 8)
    for i, x in enumerate(xs):
        if i % every == 0 or i == len(xs) - 1:
            parts.append(
                f'<text x="{left + i * step:.1f}" y="{top_pad + plot_h + 16}" '
                f'text-anchor="middle">{escape(x)}</text>'
            )
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        pts = sorted(points)
        path = " ".join(f"{a:.1f},{b:.1f}" for a, b in (xy(x, v) for x, v in pts))
        parts.append(
            f'<g><title>{escape(name)}</title><polyline fill="none" stroke="{colour}" '
            f'stroke-width="2" points="{path}"/>'
        )
        for x, v in pts:
            cx, cy = xy(x, v)
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)} {escape(x)}: {escape(_fmt(_num(v)))}</title></circle>"
            )
        ly = height + 20 * n
        parts.append(
            f'<rect x="{left}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + 18}" y="{ly + 1}">{escape(name)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def series_from(
    rows: Sequence[tuple[Any, ...]], top_n: int = 6
) -> dict[str, list[tuple[str, Any]]]:
    """(x, name, value) rows -> the ``top_n`` names by total, each a list of (x, value)."""
    totals: dict[str, float] = {}
    for _, name, value in rows:
        totals[str(name)] = totals.get(str(name), 0.0) + _num(value)
    keep = sorted(totals, key=lambda k: (-totals[k], k))[:top_n]
    out: dict[str, list[tuple[str, Any]]] = {k: [] for k in keep}
    for x, name, value in rows:
        if str(name) in out:
            out[str(name)].append((str(x), value))
    return out
