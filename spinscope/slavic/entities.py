"""People, organisations and places in Russian and Ukrainian text (the ``entities`` layer).

How it works (:func:`annotate_slavic`):

1. natasha's Slovnet NER (Russian news; for Ukrainian the text is shown to it with
   Ukrainian letters mapped to Russian ones) proposes PER, ORG and LOC mentions.
2. Its errors that rules can see are fixed: a lone capitalised common word ("Він",
   "Власником") is no name unless the article also writes it capitalised mid-sentence; a
   PER or ORG mention that is a place in the table after a place preposition ("у Харкові"),
   or is a country or region, becomes a place; an all-capitals word (ЗСУ, НАБУ) unknown as
   a place is an organisation.
3. A lookup pass over capitalised words finds places in the Cyrillic place table
   (:mod:`spinscope.slavic.places`) by their lemmas, so inflected forms match
   ("в Белгородской области" -> Belgorod Oblast, "под Курском" -> Kursk). A match outside
   any NER mention counts when it is a country, a region, a town of 50,000+, or follows a
   place preposition; homonyms are resolved by the countries the article mentions, then size.
4. Names are normalised to the nominative (Зеленского -> Зеленский, Ивановой -> Иванова;
   for organisations the words up to the head noun: Министерства обороны -> Министерство
   обороны), and a surname alone takes the full name used elsewhere in the article.

Span shape as in English: PERSON / ORG / PLACE with ``canonical``, ``variant`` (None),
``lat``/``lon`` (places found in the table), and for places ``country`` and ``feature``
(town, region, country).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from spinscope.analyzers.base import SpanIndex
from spinscope.document import Document, Provenance
from spinscope.slavic import morph, ner
from spinscope.slavic.places import CyrPlace, resolve, table

MODEL = f"{ner.MODEL} + pymorphy3 ru/uk + Cyrillic GeoNames/ISO 3166-2 place table"
#: Measured by ``spinscope entities-slavic eval`` (see spinscope/slavic/README.md): the
#: real-news sets first; our own sentences only as a regression gate.
METRICS: dict[str, dict[str, float]] = {
    "factRuEval-2016 dev, half b (real Russian news, held out; realnews/factrueval-dev)": {
        "overlap_f1": 0.874, "precision": 0.930, "recall": 0.824,
        "per_f1": 0.947, "org_f1": 0.745, "loc_f1": 0.923, "documents": 61},
    "NER-UK 2.0 DEV section, half b (real Ukrainian text, held out; realnews/ner-uk-train)": {
        "overlap_f1": 0.766, "precision": 0.756, "recall": 0.777,
        "per_f1": 0.831, "org_f1": 0.747, "loc_f1": 0.650, "documents": 197},
    "places in real ru news, held out (research/slavic_places/heldout/ru.jsonl, our annotation)": {
        "place_precision_within_50km": 0.909, "place_recall_within_50km": 1.0,
        "gold_places": 20},
    "places in real uk news, held out (research/slavic_places/heldout/uk.jsonl, our annotation)": {
        "place_precision_within_50km": 0.900, "place_recall_within_50km": 1.0,
        "gold_places": 18},
    "factRuEval-2016 dev, half a (tuned on)": {
        "overlap_f1": 0.904, "precision": 0.942, "recall": 0.869, "documents": 61},
    "NER-UK 2.0 DEV section, half a (tuned on)": {
        "overlap_f1": 0.783, "precision": 0.790, "recall": 0.776, "documents": 194},
    "regression gate: ru paragraphs the place rules were developed on "
    "(research/slavic_places/dev/ru.jsonl)": {
        "place_precision_within_50km": 0.887, "place_recall_within_50km": 1.0},
    "regression gate: uk paragraphs the place rules were developed on "
    "(research/slavic_places/dev/uk.jsonl)": {
        "place_precision_within_50km": 0.898, "place_recall_within_50km": 0.898},
}  # fmt: skip

_WORD = re.compile(r"[^\W\d_]+(?:[-'’ʼ][^\W\d_]+)*")
#: Words before a place name: "в Белгороде", "у Харкові", "под Курском", "із Києва".
_PLACE_PREPS = frozenset({"в", "во", "у", "на", "под", "під", "из", "із", "з", "зі", "до",
                          "около", "біля", "возле", "поблизу", "над", "через", "от", "від",
                          "по", "за", "між", "между", "к"})  # fmt: skip
_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "PLACE"}
#: Words after which a name is a street or square, not the town of that name
#: ("площі Таксим", "вул. Київська").
_STREET_WORDS = frozenset({"площа", "площі", "площу", "площею", "площадь", "площади",
                           "вулиця", "вулиці", "вулицю", "вул", "улица", "улице", "улицу",
                           "ул", "проспект", "проспекті", "проспекте", "пр", "майдан",
                           "майдані", "майдану", "бульвар", "бульварі", "бульваре", "пл",
                           "провулок", "переулок", "пров", "пер", "шосе", "шоссе",
                           "набережна", "набережная", "станция", "станція", "метро"})  # fmt: skip
#: Words a place name may be followed by within one mention ("Курской области").
_REGION_NOUNS = frozenset({"область", "край", "район", "республика", "республіка", "округ",
                           "обл", "губерния", "губернія"})  # fmt: skip
#: Words joining items of a list ("Москві, Парижі та Вашингтоні").
_LIST_JOINS = frozenset({",", "и", "і", "й", "та", "или", "або", "а также", ", а также"})
_STRONG_POP = 50_000
#: Languages where all-capitals words the model missed are taken as organisations: it
#: pays on Ukrainian (NER-UK ORG recall), not on Russian, where the model finds them itself
#: and the rest are mostly not organisations (СМИ, ТМ, ПАО).
_ACRONYM_LANGS = frozenset({"uk"})
_QUOTES = "«»\"'“”„‹›()[],.;:!?—–-"


def annotate_slavic(doc: Document, lang: str) -> None:
    """Add PERSON, ORG and PLACE mentions of a Russian (``"ru"``) or Ukrainian (``"uk"``)
    document to its ``entities`` layer."""
    text = doc.text
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    mentions: list[list[Any]] = []  # [start, end, label]
    ranges = doc.content_ranges()
    for a, b in ranges:
        for s, e, label in ner.entities(text[a:b], lang):
            s, e = _trim(text, a + s, a + e)
            if s < e:
                mentions.append([s, e, label])
    mid_caps = _mid_sentence_capitals(text, words, lang)
    places = table()
    word_at = {s: i for i, (s, _) in enumerate(words)}

    kept: list[dict[str, Any]] = []
    for s, e, label in mentions:
        inside = [(a, b) for a, b in words if a >= s and b <= e]
        for k in range(1, len(inside)):
            if morph.function_word(text[inside[k][0] : inside[k][1]], lang):
                e = inside[k - 1][1]  # "Харкові пошкоджено школу": a verb ends a name
                inside = inside[:k]
                break
        span_words = [text[a:b] for a, b in inside]
        if not span_words:
            continue
        i = word_at.get(s)
        prev = text[words[i - 1][0] : words[i - 1][1]].lower() if i else ""
        if label == "PER" and len(span_words) == 1:
            w = span_words[0]
            seen_mid = any(x in mid_caps for x in morph.lemmas(w, lang))
            if morph.function_word(w, lang) or (morph.known_common(w, lang)
                                                 and not seen_mid):  # fmt: skip
                continue  # "Він", "Власником": a capitalised word, not a name
        cands = places.lookup(span_words, lang) if label != "LOC" else []
        if cands and label in ("PER", "ORG"):
            big = any(c.feature in ("country", "region") for c in cands)
            town = any(c.population >= 100_000 for c in cands)
            is_name = any(morph.has_name_tag(w, lang) for w in span_words)
            after_prep = prev in _PLACE_PREPS and not (label == "ORG" and len(span_words) > 1)
            if after_prep or big or (town and not is_name and label == "PER"):
                label = "LOC"
            elif label == "PER" and len(span_words) == 1 and not is_name:
                # A one-word "person" the dictionary knows as no name but the table as a
                # town (Ходорів, Галич): NER-UK's towns the model calls people.
                label = "LOC"
        kept.append({"start": s, "end": e, "label": label, "words": span_words,
                     "is_place": bool(cands)})  # fmt: skip
    _lists_of_places(text, kept)

    _propagate_names(text, words, lang, kept, ranges)
    ner_index = SpanIndex(kept, lambda m: (m["start"], m["end"]))
    found = _place_pass(text, words, lang, ner_index, ranges)
    taken = SpanIndex(found, lambda m: (m["start"], m["end"]))
    for m in kept:
        inner = taken.overlapping(m["start"], m["end"])
        if m["label"] == "LOC" and inner:
            continue  # the table's match is the mention (with coordinates)
        if any(x.get("override") for x in inner):
            continue
        found.append(m)
    # All-capitals words the model left out: ЗСУ, НАБУ, ООН are organisations.
    for a, b in words if lang in _ACRONYM_LANGS else ():
        w = text[a:b]
        if (
            re.fullmatch(r"[А-ЯЁІЇЄҐ]{2,7}", w)
            and not taken.overlapping(a, b)
            and not ner_index.overlapping(a, b)
            and not places.lookup([w], lang)
            and _in_ranges(a, b, ranges)
        ):
            found.append({"start": a, "end": b, "label": "ORG", "words": [w]})

    context = Counter(p["place"].country for p in found if p.get("place"))
    out = []
    for m in sorted(found, key=lambda m: (m["start"], -m["end"])):
        attrs: dict[str, Any] = {"variant": None, "lat": None, "lon": None}
        if m.get("cands"):
            place: CyrPlace = resolve(m["cands"], context)
            attrs.update(canonical=place.name, lat=place.lat, lon=place.lon,
                         country=place.country or None, feature=place.feature)  # fmt: skip
            label = "PLACE"
        else:
            label = _LABELS[m["label"]]
            attrs["canonical"] = _canonical(m["words"], label, lang, text[m["start"] : m["end"]])
            if label == "PLACE":
                attrs.update(country=None, feature=None)
        out.append((m["start"], m["end"], label, attrs))
    _group_persons(out)
    for s, e, label, attrs in out:
        doc.add_span("entities", s, e, label, None, **attrs)


def _lists_of_places(text: str, kept: list[dict[str, Any]]) -> None:
    """A PER or ORG mention that the table knows as a place and that stands in a list
    with places is a place ("в Москві, Парижі, Сингапурі, Вашингтоні")."""
    order = sorted(kept, key=lambda m: m["start"])
    changed = True
    while changed:
        changed = False
        for k, m in enumerate(order):
            if m["label"] == "LOC" or not m["is_place"]:
                continue
            for n in (k - 1, k + 1):
                if 0 <= n < len(order) and order[n]["label"] == "LOC":
                    a, b = sorted((order[n], m), key=lambda x: x["start"])
                    if text[a["end"] : b["start"]].strip().lower() in _LIST_JOINS:
                        m["label"] = "LOC"
                        changed = True
                        break


def _propagate_names(
    text: str,
    words: list[tuple[int, int]],
    lang: str,
    kept: list[dict[str, Any]],
    ranges: list[tuple[int, int]],
) -> None:
    """A capitalised word that the model left out but that has the lemma of a name it found
    elsewhere in the article is that person too ("Зеленский заявил" at a sentence start,
    when "Зеленского" was found)."""
    names = {lemma for m in kept if m["label"] == "PER"
             for w in m["words"] if len(w) > 2 for lemma in morph.lemmas(w, lang)}  # fmt: skip
    if not names:
        return
    covered = SpanIndex(kept, lambda m: (m["start"], m["end"]))
    for a, b in words:
        w = text[a:b]
        if not w[:1].isupper() or w.isupper() or covered.overlapping(a, b):
            continue
        if (
            names.intersection(morph.lemmas(w, lang))
            and not morph.function_word(w, lang)
            and _in_ranges(a, b, ranges)
        ):
            kept.append({"start": a, "end": b, "label": "PER", "words": [w]})


def slavic_provenance(version: str) -> Provenance:
    """The ``entities`` provenance of a Russian or Ukrainian document."""
    return Provenance(analyzer="entities", version=version, model=MODEL,
                      metrics={k: dict(v) for k, v in METRICS.items()})  # fmt: skip


def _place_pass(
    text: str,
    words: list[tuple[int, int]],
    lang: str,
    ner_index: SpanIndex[dict[str, Any]],
    ranges: list[tuple[int, int]],
) -> list[dict[str, Any]]:
    """Places found by name in the table (longest match first), with their candidates."""
    places = table()
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(words):
        a, b = words[i]
        if not text[a].isupper():
            i += 1
            continue
        match = None
        for n in range(min(places.max_words, len(words) - i), 0, -1):
            span = words[i : i + n]
            if any(span[k + 1][0] - span[k][1] != 1 for k in range(n - 1)):
                continue  # words of one name are one space apart
            cands = places.lookup([text[x:y] for x, y in span], lang)
            if cands:
                match = (span[0][0], span[-1][1], cands, n)
                break
        region = _elliptic_region(text, words, i, lang)
        if region and (match is None or match[3] == 1):
            match = (a, b, region, 1)  # "Херсонская, а также Запорожская области"
        elliptic = bool(region) and match is not None and match[2] is region
        if match is None or (match[3] == 1 and morph.function_word(text[a:b], lang)):
            i += 1
            continue
        s, e, cands, n = match
        prev = text[words[i - 1][0] : words[i - 1][1]].lower() if i else ""
        around = ner_index.overlapping(s, e)
        labels = {m["label"] for m in around}
        item = {"start": s, "end": e, "label": "LOC", "cands": cands,
                "words": [text[x:y] for x, y in words[i : i + n]]}  # fmt: skip
        if not _in_ranges(s, e, ranges) or prev in _STREET_WORDS:
            pass  # a street or square named after a town is not the town
        elif elliptic:
            item["override"] = True  # the model's PER/ORG on an oblast adjective is wrong
            out.append(item)
        elif "LOC" in labels:
            loc = next(m for m in around if m["label"] == "LOC")
            extra = [w for w in loc["words"] if w not in item["words"]]
            if all(_region_noun(w, lang) for w in extra):
                # The NER mention gives the extent when it adds "области", "край" …
                item["start"], item["end"] = min(s, loc["start"]), max(e, loc["end"])
                out.append(item)
            # else: "Крымскому мосту" is a bridge, not the village of Krymske
        elif not labels and (_strong(cands) or prev in _PLACE_PREPS):
            out.append(item)
        i += n
    for m in out:
        m["place"] = m["cands"][0] if len({c.country for c in m["cands"]}) == 1 else None
    return out


def _region_noun(word: str, lang: str) -> bool:
    return any(lemma in _REGION_NOUNS for lemma in morph.lemmas(word, lang))


def _elliptic_region(text: str, words: list[tuple[int, int]], i: int, lang: str) -> list:
    """Regions named by an adjective whose "область" comes later or earlier in the same
    sentence ("Херсонская, а также Запорожская области"; "областей: Одеську, Херсонську")."""
    a, b = words[i]
    if not text[a].isupper():
        return []
    lo = max(0, i - 15)
    hi = min(len(words), i + 15)
    near = []
    for k in range(lo, hi):
        x, y = words[k]
        between = text[min(b, x) : max(a, y)] if k != i else ""
        if any(c in between for c in ".!?\n"):
            continue
        if k != i and "област" in text[x:y].lower():
            near.append(k)
    if not near:
        return []
    found = table().lookup([text[a:b], "область"], lang)
    return [c for c in found if c.feature == "region"]


def _strong(cands: list[CyrPlace]) -> bool:
    return any(c.feature in ("country", "region") or c.population >= _STRONG_POP for c in cands)


def _in_ranges(s: int, e: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= s and e <= b for a, b in ranges)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Strip quotes, brackets and spaces around a mention; a bracket inside ends it
    ("Абу-Дабі (ОАЕ" -> "Абу-Дабі")."""
    for k in range(s + 1, e):
        if text[k] in "()[]":
            e = k
            break
    while s < e and (text[s].isspace() or text[s] in _QUOTES):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in _QUOTES):
        e -= 1
    return s, e


def _mid_sentence_capitals(text: str, words: list[tuple[int, int]], lang: str) -> set[str]:
    """Lemmas of capitalised words written somewhere in the text not at a sentence start
    (Зеленского mid-sentence makes a sentence-initial Зеленский a name)."""
    out = set()
    for k, (a, b) in enumerate(words):
        if k and text[a].isupper():
            gap = text[words[k - 1][1] : a]
            if not any(c in gap for c in '.!?\n…:«"“—–'):
                out.update(morph.lemmas(text[a:b], lang))
    return out


def _canonical(words: list[str], label: str, lang: str, written: str) -> str:
    """The nominative form of a mention (see the module docstring)."""
    if label == "PERSON":
        prefer = morph.NAME_TAGS
        return " ".join(morph.nominative(w, lang, prefer) for w in written.split())
    if label == "PLACE":
        return " ".join(morph.nominative(w, lang, frozenset({"Geox"})) for w in written.split())
    return morph.nominative_phrase(written.split(), lang)


def _group_persons(found: list[tuple[int, int, str, dict[str, Any]]]) -> None:
    """A surname or first name alone takes the one full name in the article that holds it
    (Зеленского -> Зеленский -> Владимир Зеленский)."""
    full: dict[str, set[str]] = {}
    for _, _, label, attrs in found:
        name = attrs["canonical"]
        if label == "PERSON" and len(name.split()) > 1:
            for word in name.split():
                full.setdefault(word, set()).add(name)
    for _, _, label, attrs in found:
        if label == "PERSON" and len(attrs["canonical"].split()) == 1:
            longer = full.get(attrs["canonical"], set())
            if len(longer) == 1:
                attrs["canonical"] = next(iter(longer))
