"""Lemmas and nominative forms of Russian and Ukrainian words (pymorphy3 dictionaries)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from spinscope.errors import ModelError

#: Closed word classes: a word that can be one of these is never a one-word name.
CLOSED_POS = frozenset({"NPRO", "CONJ", "PREP", "PRCL", "INTJ", "PRED", "ADVB", "NUMR"})
#: Grammemes of proper names in pymorphy3's dictionaries.
NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
#: Parts of speech that are never a name on their own ("Він", "Чи", "Потім").
FUNCTION_POS = frozenset({"NPRO", "CONJ", "PREP", "ADVB", "PRCL", "PRED", "INTJ", "NUMR",
                          "VERB", "INFN", "GRND", "COMP"})  # fmt: skip


@lru_cache(maxsize=2)
def analyzer(lang: str) -> Any:
    """pymorphy3's analyser for ``lang`` ("ru" or "uk"), loaded once."""
    try:
        import pymorphy3
    except ImportError as err:  # pragma: no cover - a broken install
        raise ModelError(f"pymorphy3 is not installed ({err}); pip install spinscope") from None
    try:
        return pymorphy3.MorphAnalyzer(lang=lang)
    except (ValueError, OSError) as err:
        raise ModelError(
            f"pymorphy3 has no {lang!r} dictionary ({err}); pip install pymorphy3-dicts-{lang}"
        ) from None


def norm(word: str) -> str:
    """Matching form of a word: case folded, ё as е, one kind of apostrophe (also the
    search index's, spinscope.store.textindex)."""
    low = word.casefold().replace("ё", "е")
    for ch in "’ʼ`´‘":
        low = low.replace(ch, "'")
    return low


@lru_cache(maxsize=200_000)
def lemmas(word: str, lang: str) -> tuple[str, ...]:
    """The word itself (normalised) and every lemma the dictionary gives it, first first."""
    out = [norm(word)]
    for p in analyzer(lang).parse(word)[:6]:
        lemma = norm(p.normal_form)
        if lemma not in out:
            out.append(lemma)
    return tuple(out)


@lru_cache(maxsize=100_000)
def nominative(word: str, lang: str, prefer: frozenset[str] = frozenset()) -> str:
    """``word`` in the nominative singular, keeping its gender (Ивановой -> Иванова), cased
    as written. Parses carrying a grammeme from ``prefer`` (e.g. Surn) are tried first."""
    if not word[:1].isalpha() or (word.isupper() and len(word) > 1):
        return word  # acronyms (ВСУ, ЗСУ) and numbers stay as written
    parses = analyzer(lang).parse(word)
    ranked = sorted(parses, key=lambda p: not (prefer & set(p.tag.grammemes)))
    for p in ranked:
        if "nomn" in p.tag.grammemes:
            return word  # already nominative
        form = p.inflect({"nomn"})
        if form is not None:
            return _recase(form.word, word)
    return word


def nominative_phrase(words: list[str], lang: str) -> str:
    """An organisation's name in the nominative: the words up to the head noun are put in
    the nominative, adjectives agreeing with the noun (Збройним силам -> Збройні сили,
    Министерства обороны -> Министерство обороны); the rest stays as written."""
    parsed = [analyzer(lang).parse(w) for w in words]
    head = next((k for k, ps in enumerate(parsed)
                 if ps and ps[0].tag.POS == "NOUN"), None)  # fmt: skip
    if head is None or any(w.isupper() or w[:1] in '«"' for w in words[: head + 1]):
        return " ".join(words)
    noun = parsed[head][0]
    case, number = noun.tag.case, noun.tag.number
    out = []
    for k in range(head + 1):
        options = [p for p in parsed[k] if p.tag.case == case and p.tag.number == number]
        p = (options or parsed[k])[0]
        form = p.inflect({"nomn"}) if p.tag.case != "nomn" else None
        out.append(_recase(form.word, words[k]) if form else words[k])
    return " ".join(out + words[head + 1 :])


def name_like(word: str, lang: str) -> bool:
    """Could ``word`` be a name: unknown to the dictionary, or known with a name grammeme
    or as a noun or adjective (surnames in -ський are adjectives)."""
    parses = analyzer(lang).parse(word)
    if not any(p.is_known for p in parses):
        return True
    for p in parses:
        if NAME_TAGS & set(p.tag.grammemes) or "Geox" in p.tag.grammemes:
            return True
    return not all(p.tag.POS in FUNCTION_POS for p in parses if p.is_known)


def has_name_tag(word: str, lang: str) -> bool:
    """True when the dictionary knows ``word`` as a first name, surname or patronymic."""
    return any(NAME_TAGS & set(p.tag.grammemes) for p in analyzer(lang).parse(word))


def known_common(word: str, lang: str) -> bool:
    """True when the lower-cased word is in the dictionary as an ordinary word only (no name,
    no place grammeme): "Він", "Власником", "Страхова"."""
    parses = [p for p in analyzer(lang).parse(word.lower()) if p.is_known]
    if not parses:
        return False
    return not any((NAME_TAGS | {"Geox", "Orgn", "Abbr"}) & set(p.tag.grammemes) for p in parses)


@lru_cache(maxsize=100_000)
def function_word(word: str, lang: str) -> bool:
    """True when the lower-cased word can be a pronoun, conjunction, adverb, particle, verb
    or the like ("Він", "Там", "Усі", "Мало"): never read as a one-word place or name."""
    parses = [p for p in analyzer(lang).parse(word.lower()) if p.is_known]
    if any(p.tag.POS in CLOSED_POS or "Apro" in p.tag.grammemes for p in parses):
        return True  # pronouns, conjunctions, particles: closed classes, never names
    # A verb form is a function word only when it cannot be a noun ("Сирію" is both).
    return bool(parses) and all(p.tag.POS in FUNCTION_POS for p in parses)


def _recase(form: str, original: str) -> str:
    """Give ``form`` the capitalisation of ``original`` (first letter, per hyphen part)."""
    if original.isupper():
        return form.upper()
    if original[:1].isupper():
        return "-".join(p[:1].upper() + p[1:] for p in form.split("-"))
    return form
