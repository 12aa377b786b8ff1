"""One point convention for countries, continents and first-level subdivisions.

Where a country, a continent or a state/province/oblast is marked matters for a map and
for every "within 161 km" score: GeoNames and the CIA factbook put Russia at 60, 100,
Wikipedia at 60, 90 (555 km apart). spinscope follows **Wikipedia's article
coordinates**, the public reference that news annotation (GeoVirus) and most readers use,
for every language: the English gazetteer (``gazetteer.json.gz``) and the Russian/
Ukrainian place table (``spinscope/slavic/places.json.gz``) both take their country,
continent and subdivision points from ``points.json`` when it has the place, and keep
their built point (countryinfo/GeoNames for countries, the centre of the subdivision's
towns for subdivisions) otherwise.

``points.json`` (committed) is built by ``python -m spinscope.geo.points GEOVIRUS_DOCS``
from the Wikipedia coordinates that the GeoVirus annotations record for each toponym with
its Wikipedia page (Gritta et al. 2018; ``../shared/data/realnews/geovirus``), from the
**odd lines only** (part a), so that part b stays a check. A page is taken when its title
names a country, continent or first-level subdivision of the gazetteer and its point lies
within 1,000 km of the built one (the same place, another convention). No PyPI package
was found that ships Wikipedia/Wikidata coordinates for countries (countryinfo,
countrystatecity-countries and hdx-python-country ship factbook-style points).
Coordinates are facts; the table copies only page titles and numbers.
"""

from __future__ import annotations

import json
import math
import sys
import urllib.parse
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "points.json"
#: A Wikipedia point further than this from the built one is another place, not another
#: convention: left out.
MAX_SHIFT_KM = 1000.0


@lru_cache(maxsize=1)
def points() -> dict[str, dict[str, list[float]]]:
    """``{"country": {ISO2: [lat, lon]}, "admin1": {geonameid: …}, "region": {name: …}}``
    (empty when the file is missing: the built points stay)."""
    try:
        data = json.loads(DATA.read_text(encoding="utf-8"))
    except OSError:
        return {"country": {}, "admin1": {}, "region": {}}
    return {k: data.get(k, {}) for k in ("country", "admin1", "region")}


def point_for(feature: str, country: str, geonameid: int | None, name: str) -> list[float] | None:
    """The convention's point for a country (by ISO code), a first-level subdivision (by
    GeoNames id) or a continent/region (by English name); None when the table lacks it."""
    table = points()
    if feature == "country":
        return table["country"].get(country)
    if feature in ("admin1", "region") and geonameid is not None:
        hit = table["admin1"].get(str(geonameid))
        if hit:
            return hit
    if feature == "region":
        return table["region"].get(name)
    return None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def build(docs: Path) -> dict[str, Any]:
    """The table from the Wikipedia points of a GeoVirus ``docs.jsonl`` (odd lines)."""
    from spinscope.geo.gazetteer import Gazetteer

    gaz = Gazetteer(points_table=False)
    seen: dict[str, Counter[tuple[float, float]]] = defaultdict(Counter)
    lines = [line for line in docs.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in lines[::2]:
        for span in json.loads(line)["spans"]:
            page = span.get("wikipedia") or ""
            if "/wiki/" in page and span.get("lat") is not None:
                title = urllib.parse.unquote(page.split("/wiki/", 1)[1]).replace("_", " ")
                seen[title][(float(span["lat"]), float(span["lon"]))] += 1
    out: dict[str, dict[str, Any]] = {"country": {}, "admin1": {}, "region": {}}
    pages: dict[str, str] = {}
    for title in sorted(seen):
        (lat, lon), _ = seen[title].most_common(1)[0]
        name, _, qualifier = title.partition(" (")
        cands = [p for p in gaz.lookup(name) if p.feature in ("country", "admin1", "region")]
        if qualifier.startswith("country"):
            cands = [p for p in cands if p.feature == "country"]
        elif qualifier:
            cands = [p for p in cands if p.feature != "country"]
        if not cands:
            continue
        near = [p for p in cands if _km(lat, lon, p.lat, p.lon) <= MAX_SHIFT_KM]
        if len({(p.feature, p.country, p.geonameid) for p in near}) != 1:
            continue  # none, or several places of that name near the point: ambiguous
        place = near[0]
        towns = [p for p in gaz.lookup(name) if p.feature == "town"]
        if place.feature != "country" and any(_km(lat, lon, t.lat, t.lon) <= 50 for t in towns):
            continue  # the page is the city ("Cairo", "Moscow"), not its province
        point = [round(lat, 4), round(lon, 4)]
        if place.feature == "country":
            out["country"][place.country] = point
        elif place.feature == "admin1" and place.geonameid is not None:
            out["admin1"][str(place.geonameid)] = point
        elif place.feature == "region":
            out["region"][place.name] = point
        else:
            continue
        pages[title] = place.name
    return {
        "source": "Wikipedia article coordinates as recorded in the GeoVirus annotations "
        "(Gritta et al. 2018), odd lines (part a) of ../shared/data/realnews/geovirus; "
        "built by python -m spinscope.geo.points",
        "pages": pages,
        **out,
    }


def _dump(table: dict[str, Any]) -> str:
    """JSON with one entry a line (reviewable diffs)."""
    parts = [f'"source": {json.dumps(table["source"])}']
    for key in ("country", "admin1", "region", "pages"):
        rows = [
            f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
            for k, v in sorted(table[key].items())
        ]
        parts.append(f'"{key}": {{\n' + ",\n".join(rows) + "\n}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_file():
        sys.exit("usage: python -m spinscope.geo.points GEOVIRUS_DOCS_JSONL")
    table = build(Path(args[0]))
    DATA.write_text(_dump(table), encoding="utf-8")
    print(f"{DATA}: " + ", ".join(f"{len(table[k])} {k}" for k in ("country", "admin1", "region")))


if __name__ == "__main__":
    main()
