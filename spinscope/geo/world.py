"""A bundled world outline for offline maps: country polygons as SVG paths.

``world.json`` holds Natural Earth's 1:110m admin-0 countries (public domain; the copy
shipped as ``naturalearth_lowres`` inside the geopandas 0.14.4 wheel), simplified to
about 0.1 degree and rounded. Borders are Natural Earth's depiction, not a statement by
spinscope. Rebuild with ``python -m spinscope.geo.world build GEOPANDAS_0_14_WHEEL``
(needs ``pyshp`` at build time only).

Renderers call :func:`svg_paths` for the outline and :func:`project` for place markers,
with the same width, height and bounding box, so markers land on the outline.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

#: (west, south, east, north) in degrees.
BBox = tuple[float, float, float, float]

DATA = Path(__file__).parent / "world.json"

#: (min lon, min lat, max lon, max lat) of the whole world, the default view.
WORLD_BBOX = (-180.0, -60.0, 180.0, 85.0)


@lru_cache(maxsize=1)
def world() -> dict[str, Any]:
    """``{"source", "licence", "countries": [{"iso3", "name", "rings": [[[lon, lat]…]…]}]}``."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def bbox_around(points: list[tuple[float, float]], margin: float = 0.25,
                min_span: float = 8.0) -> tuple[float, float, float, float]:  # fmt: skip
    """A view box (lon/lat) around ``points`` = [(lat, lon)], padded, at least ``min_span``
    degrees wide, so a map of Belgorod and Kharkiv still shows the border region."""
    if not points:
        return WORLD_BBOX
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    span = max(east - west, north - south, min_span) * (1 + 2 * margin)
    cx, cy = (west + east) / 2, (south + north) / 2
    return (cx - span / 2, max(cy - span / 2, -85.0), cx + span / 2, min(cy + span / 2, 85.0))


def project(
    lat: float, lon: float, width: float, height: float, bbox: BBox = WORLD_BBOX
) -> tuple[float, float]:
    """SVG (x, y) of a point, equirectangular. Pick ``height = width / aspect(bbox)`` so
    that shapes keep their proportions."""
    west, south, east, north = bbox
    x = (lon - west) / (east - west) * width
    y = (north - lat) / (north - south) * height
    return round(x, 1), round(y, 1)


def aspect(bbox: tuple[float, float, float, float] = WORLD_BBOX) -> float:
    """Width / height of ``bbox`` on the ground (longitudes shrink by the mid-latitude cosine)."""
    west, south, east, north = bbox
    mid = math.radians((south + north) / 2)
    return (east - west) * max(math.cos(mid), 0.2) / (north - south)


def svg_paths(width: float, height: float, bbox: BBox = WORLD_BBOX) -> list[dict[str, str]]:
    """``[{"iso3", "name", "d"}]``: one SVG path per country that touches ``bbox``."""
    west, south, east, north = bbox
    out = []
    for country in world()["countries"]:
        rings = []
        for ring in country["rings"]:
            lons = [p[0] for p in ring]
            lats = [p[1] for p in ring]
            if max(lons) < west or min(lons) > east or max(lats) < south or min(lats) > north:
                continue
            pts = [project(lat, lon, width, height, bbox) for lon, lat in ring]
            rings.append("M" + "L".join(f"{x:g},{y:g}" for x, y in pts) + "Z")
        if rings:
            out.append({"iso3": country["iso3"], "name": country["name"], "d": "".join(rings)})
    return out


# -- build ---------------------------------------------------------------------------------


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker simplification of a polyline."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    norm = math.hypot(dx, dy) or 1e-12
    best, idx = -1.0, 0
    for i in range(1, len(points) - 1):
        px, py = points[i]
        dist = (
            abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if norm > 1e-12
            else math.hypot(px - x1, py - y1)
        )
        if dist > best:
            best, idx = dist, i
    if best <= tolerance:
        return [points[0], points[-1]]
    left = _simplify(points[: idx + 1], tolerance)
    return left[:-1] + _simplify(points[idx:], tolerance)


def build(wheel: str, tolerance: float = 0.1) -> dict[str, Any]:
    """Read Natural Earth lowres countries out of a geopandas 0.14 wheel and simplify."""
    import tempfile
    import zipfile

    import shapefile  # pyshp, build time only

    prefix = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as zf:
        for ext in ("shp", "shx", "dbf", "cpg"):
            zf.extract(f"{prefix}.{ext}", tmp)
        reader = shapefile.Reader(str(Path(tmp) / f"{prefix}.shp"))
        countries = []
        for sr in reader.iterShapeRecords():
            pts, parts = sr.shape.points, [*sr.shape.parts, len(sr.shape.points)]
            rings = []
            for a, b in itertools.pairwise(parts):
                ring = _simplify([(p[0], p[1]) for p in pts[a:b]], tolerance)
                if len(ring) >= 4:
                    rings.append([[round(x, 2), round(y, 2)] for x, y in ring])
            if rings:
                rec = sr.record
                countries.append({"iso3": rec["iso_a3"], "name": rec["name"], "rings": rings})
        reader.close()
    return {
        "source": "Natural Earth 1:110m admin-0 countries, as naturalearth_lowres in the "
        f"geopandas 0.14.4 wheel; Douglas-Peucker simplified to {tolerance} degree",
        "licence": "public domain (Natural Earth, naturalearthdata.com)",
        "countries": countries,
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "build":
        print("usage: python -m spinscope.geo.world build GEOPANDAS_0_14_WHEEL", file=sys.stderr)
        raise SystemExit(2)
    data = build(args[1])
    DATA.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    print(f"{DATA}: {len(data['countries'])} countries, {DATA.stat().st_size} B")


if __name__ == "__main__":
    main()
