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


#: Colour of a rate whose sample is below the minimum (see ``stats.MIN_ARTICLES``).
MUTED = "#b8b8b8"


def bar_chart(items: Sequence[Sequence[Any]], unit: str = "", width: int = 640) -> Markup:
    """Horizontal bars, one per item, in the order given. An item is (label, value) or
    (label, value, note, low): ``note`` (the sample, "12 articles, 8,400 words") is written
    after the value; a ``low`` sample's bar is grey and its value marked "low n"."""
    rows = [
        (str(item[0]), _num(item[1]), str(item[2]) if len(item) > 2 and item[2] else "",
         bool(item[3]) if len(item) > 3 else False)
        for item in items
    ]  # fmt: skip
    if not rows:
        return Markup('<p class="empty">No data yet.</p>')
    row_h, label_w = 22, 220
    pad = 250 if any(note for _, _, note, _ in rows) else 60
    height = row_h * len(rows) + 10
    top = max(v for _, v, _, _ in rows) or 1.0
    bar_w = width - label_w - pad
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value, note, low) in enumerate(rows):
        y = 5 + i * row_h
        w = max(1.0, bar_w * value / top)
        short = label if len(label) <= 34 else label[:33] + "…"
        shown = _fmt(value) + (" (low n)" if low else "") + (f" · {note}" if note else "")
        tip = f"{label}: {_fmt(value)} {unit}" + (f" ({note})" if note else "")
        if low:
            tip += "; sample below the minimum, not comparable"
        parts.append(
            f'<g class="bar{" low" if low else ""}"><title>{escape(tip)}</title>'
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{MUTED if low else PALETTE[0]}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" class="val">'
            f"{escape(shown)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def sample(articles: Any, words: Any = None, claims: Any = None) -> str:
    """The n behind a rate, as a bar's note: "7 articles, 5,210 words"."""
    parts = [f"{int(_num(articles)):,} article{'' if _num(articles) == 1 else 's'}"]
    if words is not None:
        parts.append(f"{int(_num(words)):,} words")
    if claims is not None:
        parts.append(f"{int(_num(claims)):,} claims")
    return ", ".join(parts)


def line_chart(
    series: dict[str, list[Sequence[Any]]], width: int = 640, height: int = 260,
    unit: str = "", empty: str = "No dated findings yet.",
) -> Markup:  # fmt: skip
    """One line per series over shared, sorted x labels (e.g. months). A point is (x, value)
    or (x, value, note, low): ``note`` (its sample) goes in the tooltip; a ``low`` sample's
    point is drawn hollow and grey."""
    xs = sorted({str(p[0]) for points in series.values() for p in points})
    if not xs:
        return Markup(f'<p class="empty">{escape(empty)}</p>')
    where = {x: i for i, x in enumerate(xs)}
    left, right, top_pad, bottom = 50, 30, 10, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((_num(p[1]) for pts in series.values() for p in pts), default=1.0) or 1.0
    step = plot_w / max(1, len(xs) - 1)

    def xy(x: Any, v: Any) -> tuple[float, float]:
        return left + where[str(x)] * step, top_pad + plot_h * (1 - _num(v) / top)

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 20 * len(series)}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" '
        f'y2="{top_pad + plot_h}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top_pad + 10}" text-anchor="end">'
        f"{escape(_fmt(top) + unit)}</text>",
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
        pts = sorted(points, key=lambda p: where[str(p[0])])
        path = " ".join(f"{a:.1f},{b:.1f}" for a, b in (xy(p[0], p[1]) for p in pts))
        parts.append(
            f'<g class="series" data-name="{escape(name)}"><title>{escape(name)}</title>'
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>'
        )
        for p in pts:
            x, v = p[0], p[1]
            note = str(p[2]) if len(p) > 2 and p[2] else ""
            low = bool(p[3]) if len(p) > 3 else False
            cx, cy = xy(x, v)
            tip = f"{name} {x}: {_fmt(_num(v))}{unit}" + (f" ({note})" if note else "")
            if low:
                tip += "; sample below the minimum, not comparable"
            fill = f'fill="#fff" stroke="{MUTED}" stroke-width="2"' if low else f'fill="{colour}"'
            parts.append(
                f'<circle class="point{" low" if low else ""}" cx="{cx:.1f}" cy="{cy:.1f}" '
                f'r="3.5" {fill} data-x="{escape(str(x))}" data-value="{escape(_fmt(_num(v)))}">'
                f"<title>{escape(tip)}</title></circle>"
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
