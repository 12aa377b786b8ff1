"""Self-contained HTML report: the article with every layer's spans highlighted.

Safety: all article content goes through Jinja2 autoescaping; the findings JSON that the
page script reads is embedded with ``<``, ``>`` and ``&`` escaped as unicode escapes, and
the script builds the details panel with ``textContent`` only. A Content-Security-Policy
with a per-report nonce allows only the report's own script and no network access at all,
so even a missed escape could neither run nor fetch anything.

The fragment (:func:`report_fragment`) is reused by the web UI's article page.
"""

from __future__ import annotations

import itertools
import json
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from spinscope.render import findings as F

TEMPLATES = Path(__file__).parent / "templates"

#: Colour per technique (PTC order), then a fallback cycle for any other label.
PALETTE = (
    "#ffb3ba", "#ffdfba", "#fff3a3", "#baffc9", "#bae1ff", "#e3c6ff", "#ffc6e9",
    "#c9f2e9", "#f6d6ad", "#d7e3a1", "#cfd8ff", "#f2c4c4", "#c4f2d2", "#e8e8a8",
)  # fmt: skip
LAYER_COLOURS = {
    "boilerplate": "#9e9e9e",
    "techniques": "#c2185b",
    "claims": "#1f6fd1",
    "entities": "#2a9d4b",
    "events": "#d98e04",
}


def _technique_definitions() -> dict[str, str]:
    try:
        from spinscope.taxonomy import TECHNIQUES
    except ImportError:  # the taxonomy ships with the techniques layer
        return {}
    return dict(TECHNIQUES)


def technique_colours(labels: list[str]) -> dict[str, str]:
    order = list(_technique_definitions()) or []
    colours = {}
    for label in labels:
        idx = order.index(label) if label in order else len(order) + sorted(labels).index(label)
        colours[label] = PALETTE[idx % len(PALETTE)]
    return colours


@lru_cache(maxsize=1)
def _env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.loopcontrols"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = F.fmt_value
    return env


def segments(data: dict[str, Any], layers: list[str]) -> list[dict[str, Any]]:
    """Cut the text at every span boundary; each piece lists the findings covering it."""
    text = data["document"]["text"]
    spans = [(r.start, r.end, r.layer, r.index) for layer in layers for r in F.rows(data, layer)]
    cuts = sorted({0, len(text), *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    starts: dict[tuple[str, int], int] = {}
    out = []
    for a, b in itertools.pairwise(cuts):
        covering = [(layer, i) for s, e, layer, i in spans if s <= a and b <= e]
        piece: dict[str, Any] = {"text": text[a:b], "refs": covering, "anchors": []}
        for ref in covering:
            if ref not in starts:
                starts[ref] = a
                piece["anchors"].append(f"f-{ref[0]}-{ref[1]}")
        out.append(piece)
    return out


def _safe_json(value: Any) -> str:
    """JSON that cannot close a <script> element or open a comment."""
    raw = json.dumps(value, ensure_ascii=False)
    return raw.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def report_context(data: dict[str, Any], nonce: str) -> dict[str, Any]:
    layers = F.layers_in(data)
    tech_labels = list(F.label_counts(data, "techniques")) if "techniques" in layers else []
    colours = technique_colours(tech_labels)
    defs = _technique_definitions()
    layer_rows = {layer: F.rows(data, layer) for layer in layers}
    details = {
        layer: [
            {"label": r.label, "text": F.snippet(r.text, 300), "score": r.score,
             "details": r.details_text(), "chars": f"{r.start}–{r.end}"}
            for r in rs
        ]
        for layer, rs in layer_rows.items()
    }  # fmt: skip
    places = [
        {
            "name": r.text,
            "canonical": it.get("canonical") or r.text,
            "lat": it["lat"],
            "lon": it["lon"],
        }
        for r, it in zip(layer_rows.get("entities", []), data.get("entities", []), strict=False)
        if isinstance(it.get("lat"), int | float) and isinstance(it.get("lon"), int | float)
    ]
    timeline = sorted(
        (
            {"iso": (it.get("date") or {}).get("iso"), "row": r}
            for r, it in zip(layer_rows.get("events", []), data.get("events", []), strict=False)
            if (it.get("date") or {}).get("iso")
        ),
        key=lambda e: str(e["iso"]),
    )
    return {
        "data": data,
        "doc": data["document"],
        "fields": F.document_fields(data),
        "summary": data.get("summary") or {},
        "layers": layers,
        "titles": {layer: F.title_of(layer) for layer in layers},
        "rows": layer_rows,
        "counts": {layer: F.label_counts(data, layer) for layer in layers},
        "segments": segments(data, layers),
        "tech_colours": colours,
        "tech_defs": defs,
        "layer_colours": LAYER_COLOURS,
        "map_svg": map_svg(places),
        "timeline": timeline,
        "findings_json": _safe_json(details),
        "nonce": nonce,
    }


def report_fragment(data: dict[str, Any], nonce: str | None = None) -> str:
    """The report's body (styles, content and script) for embedding in another page."""
    nonce = nonce or secrets.token_urlsafe(16)
    return _env().get_template("report_body.html.j2").render(**report_context(data, nonce))


def render_html(data: dict[str, Any]) -> str:
    """A complete, self-contained HTML page (no external resources)."""
    nonce = secrets.token_urlsafe(16)
    body = report_fragment(data, nonce)
    title = data["document"].get("title") or data["document"]["id"]
    return _env().get_template("report_page.html.j2").render(title=title, body=body, nonce=nonce)


def map_svg(places: list[dict[str, Any]], width: int = 640, height: int = 360) -> str | None:
    """An offline SVG map of the places (equirectangular, fitted to the points)."""
    if not places:
        return None
    from markupsafe import escape

    unique: dict[str, dict[str, Any]] = {}
    for p in places:
        unique.setdefault(p["canonical"], {**p, "count": 0})["count"] += 1
    lats = [p["lat"] for p in unique.values()]
    lons = [p["lon"] for p in unique.values()]
    pad = 2.0
    lat0, lat1 = min(lats) - pad, max(lats) + pad
    lon0, lon1 = min(lons) - pad, max(lons) + pad
    # Keep the aspect ratio honest: stretch the narrower range.
    span_lon, span_lat = lon1 - lon0, lat1 - lat0
    if span_lon / width > span_lat / height:
        extra = span_lon * height / width - span_lat
        lat0, lat1 = lat0 - extra / 2, lat1 + extra / 2
    else:
        extra = span_lat * width / height - span_lon
        lon0, lon1 = lon0 - extra / 2, lon1 + extra / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return ((lon - lon0) / (lon1 - lon0) * width, (lat1 - lat) / (lat1 - lat0) * height)

    parts = [
        f'<svg class="map" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Map of places mentioned" xmlns="http://www.w3.org/2000/svg">',
        f'<rect width="{width}" height="{height}" fill="#eef4f8"/>',
    ]
    parts += _outline_paths(xy, (lat0, lat1, lon0, lon1))
    step = 1 if lon1 - lon0 < 12 else 5 if lon1 - lon0 < 60 else 15
    for lon in range(int(lon0) - int(lon0) % step, int(lon1) + 1, step):
        x, _ = xy(lat0, lon)
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" class="grid"/>')
        parts.append(f'<text x="{x + 2:.1f}" y="{height - 4}" class="gridlabel">{lon}°E</text>')
    for lat in range(int(lat0) - int(lat0) % step, int(lat1) + 1, step):
        _, y = xy(lat, lon0)
        parts.append(f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="2" y="{y - 2:.1f}" class="gridlabel">{lat}°N</text>')
    for p in unique.values():
        x, y = xy(p["lat"], p["lon"])
        r = 4 + min(p["count"], 8)
        name = escape(p["canonical"])
        parts.append(
            f'<g class="place"><title>{name}: {p["lat"]:.3f}, {p["lon"]:.3f} '
            f"({p['count']} mention{'s' if p['count'] > 1 else ''})</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}"/>'
            f'<text x="{x + r + 3:.1f}" y="{y + 4:.1f}">{name}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _outline_paths(xy: Any, box: tuple[float, float, float, float]) -> list[str]:
    """Country outlines from the bundled world map, when the geo package provides one."""
    try:
        from spinscope.geo.world import outlines  # type: ignore[import-not-found]
    except ImportError:
        return []
    paths = []
    for ring in outlines(box):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(lat, lon) for lat, lon in ring))
        paths.append(f'<polygon points="{pts}" class="land"/>')
    return paths
