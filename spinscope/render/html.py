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
import math
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from spinscope.render import findings as F

TEMPLATES = Path(__file__).parent / "templates"

#: Colour per technique (SemEval-2023 order, then PTC order), cycling for any other label.
PALETTE = (
    "#ffb3ba", "#ffdfba", "#fff3a3", "#baffc9", "#bae1ff", "#e3c6ff", "#ffc6e9",
    "#c9f2e9", "#f6d6ad", "#d7e3a1", "#cfd8ff", "#f2c4c4", "#c4f2d2", "#e8e8a8",
    "#ffd1a6", "#b8e0d2", "#e0bbe4", "#d4f0a0", "#f7c5a8", "#a8d8f0", "#f0e0a8",
    "#c8c8f0", "#f0b8d8",
)  # fmt: skip
LAYER_COLOURS = {
    "boilerplate": "#9e9e9e",
    "techniques": "#c2185b",
    "claims": "#1f6fd1",
    "entities": "#2a9d4b",
    "events": "#d98e04",
}


def _technique_definitions() -> dict[str, str]:
    """Definitions of both taxonomies: SemEval-2023's 23 (the model's) and PTC's 14
    (``--taxonomy ptc`` and documents stored by earlier versions)."""
    try:
        from spinscope.taxonomy import SEMEVAL2023_TECHNIQUES, TECHNIQUES
    except ImportError:  # the taxonomy ships with the techniques layer
        return {}
    return {**SEMEVAL2023_TECHNIQUES, **{k: v for k, v in TECHNIQUES.items()}}


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
    env.filters["keep_words"] = keep_words
    return env


_TOKEN = re.compile(r"\S+")
#: Characters after which a browser may end a line inside a word (hyphens and dashes).
_BREAKS_AFTER = frozenset("-\u2010\u2013\u2014")
#: A token longer than this (a URL) may still be broken where it would not fit.
_KEEP_UP_TO = 30


def keep_words(text: Any) -> Any:
    """``text`` escaped, with each word that holds a hyphen or dash kept on one line: in a
    table, ``2031-02-10`` or ``Fear-Prejudice`` cut at the hyphen reads as two words."""
    from markupsafe import Markup, escape

    text = "" if text is None else str(text)
    out, last = [], 0
    for m in _TOKEN.finditer(text):
        out.append(escape(text[last : m.start()]))
        token = m.group()
        if len(token) <= _KEEP_UP_TO and not _BREAKS_AFTER.isdisjoint(token):
            out.append(Markup('<span class="nw">%s</span>') % token)
        else:
            out.append(escape(token))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


#: Technique spans scored below this are not highlighted in reports (listed on request).
DISPLAY_MIN_SCORE = 0.2
SCORE_MEANING = (
    "A technique's score is the calibrated probability that annotators would mark that span "
    "with that technique (measured on held-out annotated articles; see the model card)."
)


def segments(
    data: dict[str, Any], layers: list[str], skip: frozenset[tuple[str, int]] = frozenset()
) -> list[dict[str, Any]]:
    """Cut the text at every span boundary; each piece lists the findings covering it.

    A sweep over the boundaries keeps the set of open spans, so the cost grows with the
    number of pieces plus spans, not their product (long articles have thousands).
    """
    text = data["document"]["text"]
    order = {layer: n for n, layer in enumerate(layers)}
    spans = [
        (r.start, r.end, r.layer, r.index)
        for layer in layers
        for r in F.rows(data, layer)
        if (r.layer, r.index) not in skip
    ]
    opening: dict[int, list[tuple[str, int]]] = {}
    closing: dict[int, list[tuple[str, int]]] = {}
    for s, e, layer, i in spans:
        opening.setdefault(s, []).append((layer, i))
        closing.setdefault(e, []).append((layer, i))
    cuts = sorted({0, len(text), *opening, *closing})
    active: set[tuple[str, int]] = set()
    out = []
    for a, b in itertools.pairwise(cuts):
        active.difference_update(closing.get(a, ()))
        new = sorted(opening.get(a, ()), key=lambda ref: (order[ref[0]], ref[1]))
        active.update(new)
        covering = sorted(active, key=lambda ref: (order[ref[0]], ref[1]))
        anchors = [f"f-{layer}-{i}" for layer, i in new]
        out.append({"text": text[a:b], "refs": covering, "anchors": anchors})
    return out


def _safe_json(value: Any) -> str:
    """JSON that cannot close a <script> element or open a comment."""
    raw = json.dumps(value, ensure_ascii=False)
    return raw.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _radius(count: int) -> int:
    """Marker radius of a place mentioned ``count`` times (the map and its legend)."""
    return 3 + min(count, MAX_MARKER_COUNT)


#: Mentions from which a map marker stops growing.
MAX_MARKER_COUNT = 8


def map_legend(places: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The marker sizes the map uses, for its legend: 1 mention and up to the most
    mentioned place (``8 or more`` once markers stop growing)."""
    counts: dict[str, int] = {}
    for p in places:
        counts[p["canonical"]] = counts.get(p["canonical"], 0) + 1
    top = min(max(counts.values(), default=0), MAX_MARKER_COUNT)
    steps = sorted({n for n in (1, 2, 4, top) if n <= top})
    return [
        {"r": _radius(n), "label": f"{n}+ mentions" if n == MAX_MARKER_COUNT else
         f"{n} mention{'s' if n > 1 else ''}"}
        for n in steps
    ]  # fmt: skip


def report_context(
    data: dict[str, Any], nonce: str, min_score: float = DISPLAY_MIN_SCORE
) -> dict[str, Any]:
    layers = F.layers_in(data)
    tech_labels = list(F.label_counts(data, "techniques")) if "techniques" in layers else []
    colours = technique_colours(tech_labels)
    defs = _technique_definitions()
    layer_rows = {layer: F.rows(data, layer) for layer in layers}
    # Each layer with scores gets a minimum-score filter; techniques start at ``min_score``.
    scored = [layer for layer in layers if any(r.score is not None for r in layer_rows[layer])]
    thresholds = {layer: (min_score if layer == "techniques" else 0.0) for layer in scored}

    def shown(layer: str, i: int) -> bool:
        score = layer_rows[layer][i].score
        return score is None or score >= thresholds.get(layer, 0.0)

    segs = segments(data, layers)
    for seg in segs:
        seg["shown"] = [ref for ref in seg["refs"] if shown(*ref)]
    details = {
        layer: [
            {"label": r.label, "text": F.snippet(r.text, 300), "score": r.score,
             "details": r.details_text(), "chars": f"{r.start}–{r.end}",
             **({"colour": colours.get(r.label)} if layer == "techniques" else {})}
            for r in rs
        ]
        for layer, rs in layer_rows.items()
    }  # fmt: skip
    located = [
        it
        for it in data.get("entities", [])
        if isinstance(it.get("lat"), int | float) and isinstance(it.get("lon"), int | float)
    ]
    # Towns and regions make the map; whole countries only when nothing finer is named.
    finer = [it for it in located if it.get("feature") != "country"]
    places = [
        {"canonical": it.get("canonical") or it["text"], "lat": it["lat"], "lon": it["lon"]}
        for it in (finer or located)
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
        "summary": F.summary_items(data),
        "layers": layers,
        "titles": {layer: F.title_of(layer) for layer in layers},
        "rows": layer_rows,
        "counts": {layer: F.label_counts(data, layer) for layer in layers},
        "segments": segs,
        "thresholds": thresholds,
        "min_score": min_score,
        "score_meaning": SCORE_MEANING,
        "tech_colours": colours,
        "tech_defs": defs,
        "layer_colours": LAYER_COLOURS,
        "entity_groups": F.entity_groups(data) if "entities" in layers else [],
        "written_forms": F.written_forms,
        "map_svg": map_svg(places),
        "map_legend": map_legend(places),
        "timeline": timeline,
        "findings_json": _safe_json(details),
        "nonce": nonce,
    }


def report_fragment(
    data: dict[str, Any], nonce: str | None = None, min_score: float = DISPLAY_MIN_SCORE
) -> str:
    """The report's body (styles, content and script) for embedding in another page.

    Technique spans scored below ``min_score`` are not highlighted; the table lists them
    when the reader asks for them."""
    nonce = nonce or secrets.token_urlsafe(16)
    context = report_context(data, nonce, min_score)
    return _env().get_template("report_body.html.j2").render(**context)


def render_html(data: dict[str, Any], min_score: float = DISPLAY_MIN_SCORE) -> str:
    """A complete, self-contained HTML page (no external resources)."""
    nonce = secrets.token_urlsafe(16)
    body = report_fragment(data, nonce, min_score)
    title = data["document"].get("title") or data["document"]["id"]
    return _env().get_template("report_page.html.j2").render(title=title, body=body, nonce=nonce)


def map_svg(places: list[dict[str, Any]], width: int = 640) -> str | None:
    """An offline SVG map: the bundled country outlines and a marker per place."""
    if not places:
        return None
    from markupsafe import escape

    from spinscope.geo.world import aspect, bbox_around, project, svg_paths

    unique: dict[str, dict[str, Any]] = {}
    for p in places:
        unique.setdefault(p["canonical"], {**p, "count": 0})["count"] += 1
    west, south, east, north = bbox_around([(p["lat"], p["lon"]) for p in unique.values()])
    # Widen the longitudes so the map is landscape (1.6:1) once longitudes are shrunk.
    mid = math.cos(math.radians((south + north) / 2))
    half = max(east - west, 1.6 * (north - south) / max(mid, 0.2)) / 2
    centre = (west + east) / 2
    bbox = (centre - half, south, centre + half, north)
    height = round(width / aspect(bbox))
    parts = [
        f'<svg class="map" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Map of places mentioned" xmlns="http://www.w3.org/2000/svg">',
        f'<rect width="{width}" height="{height}" class="sea"/>',
    ]
    for country in svg_paths(width, height, bbox):
        parts.append(
            f'<path d="{country["d"]}" class="land"><title>{escape(country["name"])}</title></path>'
        )
    for p in sorted(unique.values(), key=lambda q: -q["count"]):
        x, y = project(p["lat"], p["lon"], width, height, bbox)
        r = _radius(p["count"])
        name = escape(p["canonical"])
        parts.append(
            f'<g class="place"><title>{name}: {p["lat"]:.3f}, {p["lon"]:.3f} '
            f"({p['count']} mention{'s' if p['count'] > 1 else ''})</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}"/>'
            f'<text x="{x + r + 3:.1f}" y="{y + 4:.1f}">{name}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
