"""The bundled world outline lets renderers draw an offline map with place markers."""

from __future__ import annotations

from spinscope.geo.world import aspect, bbox_around, project, svg_paths, world


def test_outline_has_the_countries_and_its_licence() -> None:
    data = world()
    names = {c["name"] for c in data["countries"]}
    assert {"Ukraine", "Russia", "United States of America", "France"} <= names
    assert "public domain" in data["licence"]


def test_markers_and_outlines_share_one_projection() -> None:
    places = [(50.60, 36.58), (51.73, 36.19), (50.45, 30.52), (55.75, 37.62)]
    box = bbox_around(places)
    width = 600.0
    height = width / aspect(box)
    paths = {p["iso3"]: p["d"] for p in svg_paths(width, height, box)}
    assert {"UKR", "RUS"} <= set(paths) and "USA" not in paths
    for lat, lon in places:
        x, y = project(lat, lon, width, height, box)
        assert 0 <= x <= width and 0 <= y <= height
    # Moscow is north of Kyiv: a smaller y on screen.
    moscow = project(55.75, 37.62, width, height, box)
    assert moscow[1] < project(50.45, 30.52, width, height, box)[1]
