"""Romanisation of Cyrillic place names, used to tell spelling conventions apart.

GeoNames alternate names carry no language tag, so the build step works out which Latin
spellings come from the Russian name and which from the Ukrainian one by romanising the
Cyrillic alternates itself:

* ``ukrainian_official``: Ukraine's national system (Cabinet of Ministers resolution 55 of
  2010), the one behind Kyiv, Kharkiv, Odesa, Mykolaiv, Zaporizhzhia. A Cyrillic alternate
  whose romanisation is the GeoNames name of a Ukrainian place is the Ukrainian form.
* ``russian``: the spellings English-language media have used for Russian names
  (BGN/PCGN-like, soft and hard signs dropped): Kiev, Kharkov, Odessa, Nikolaev or
  Nikolayev, Zaporozhye, Lugansk. Several renderings are generated for the letters whose
  romanisation varies (е, й, ё, х, ье).
"""

from __future__ import annotations

import itertools
import unicodedata

UKRAINIAN_LETTERS = set("іїєґІЇЄҐ")
#: Letters that exist in Russian but not in Ukrainian.
RUSSIAN_ONLY_LETTERS = set("ыэёъЫЭЁЪ")
_OTHER_CYRILLIC = set("ўјљњћђџѓќѕӳꙑѥ")

_UK_MAP = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
#: At the start of a word these letters are written differently (Yevhen, Yizhakevych).
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

#: Russian letters with one rendering, and those with several in common use.
_RU_MAP: dict[str, tuple[str, ...]] = {
    "а": ("a",), "б": ("b",), "в": ("v",), "г": ("g",), "д": ("d",), "е": ("e", "ye"),
    "ё": ("e", "yo"), "ж": ("zh",), "з": ("z",), "и": ("i",), "й": ("y", "i", ""),
    "к": ("k",), "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",),
    "р": ("r",), "с": ("s",), "т": ("t",), "у": ("u",), "ф": ("f",), "х": ("kh", "h"),
    "ц": ("ts",), "ч": ("ch",), "ш": ("sh",), "щ": ("shch",), "ъ": ("",), "ы": ("y",),
    "ь": ("",), "э": ("e",), "ю": ("yu",), "я": ("ya",),
}  # fmt: skip


def is_cyrillic(name: str) -> bool:
    """True when ``name`` is written in Cyrillic letters (spaces, hyphens allowed)."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all("\u0400" <= c <= "\u04ff" or c in _OTHER_CYRILLIC for c in letters)


def looks_ukrainian(name: str) -> bool:
    return any(c in UKRAINIAN_LETTERS for c in name) and not any(
        c in RUSSIAN_ONLY_LETTERS for c in name
    )


def looks_russian(name: str) -> bool:
    """Could be Russian: no letters that Russian lacks (Ukrainian і/ї/є/ґ, Belarusian ў …)."""
    return not any(c in UKRAINIAN_LETTERS or c in _OTHER_CYRILLIC for c in name)


def ukrainian_official(name: str) -> str:
    """Romanise a Ukrainian name with the national system of 2010 (``Київ`` -> ``Kyiv``)."""
    out: list[str] = []
    prev_letter = False
    low = name.lower()
    for i, ch in enumerate(low):
        if ch == "г" and i > 0 and low[i - 1] == "з":
            out.append("gh")  # зг -> zgh (Zghurivka), to keep it apart from ж (zh)
        elif not prev_letter and ch in _UK_INITIAL:
            out.append(_UK_INITIAL[ch])
        else:
            out.append(_UK_MAP.get(ch, ch))
        if ch not in "'’ʼ":  # after an apostrophe a letter is mid-word (Слов'янськ: Sloviansk)
            prev_letter = ch.isalpha()
    return _recase("".join(out), name)


def russian_variants(name: str, limit: int = 64) -> set[str]:
    """The Latin spellings a Russian name commonly gets (``Харьков`` -> Kharkov, Harkov)."""
    low = name.lower().replace("ье", "\x01")  # Zaporozhye: ье is written 'ye' as a unit
    options: list[tuple[str, ...]] = []
    for ch in low:
        if ch == "\x01":
            options.append(("ye", "ie", "e"))
        else:
            options.append(_RU_MAP.get(ch, (ch,)))
    out: set[str] = set()
    for combo in itertools.islice(itertools.product(*options), limit):
        out.add(_recase("".join(combo), name))
    return out


def fold(name: str) -> str:
    """Matching key: case-folded, accents and apostrophes removed, hyphens as spaces."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    for ch in "'’ʼ`´‘":
        text = text.replace(ch, "")
    return " ".join(text.replace("-", " ").replace("‐", " ").casefold().split())


def _recase(latin: str, original: str) -> str:
    """Capitalise each word as the original is capitalised."""
    words = latin.split(" ")
    owords = original.split(" ")
    if len(words) != len(owords):
        return latin.title()
    return " ".join(
        "-".join(p[:1].upper() + p[1:] for p in w.split("-")) if o[:1].isupper() else w
        for w, o in zip(words, owords, strict=True)
    )
