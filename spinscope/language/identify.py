"""Which language a text is in, with Russian and Ukrainian told apart on short posts.

py3langid (its model ships in the wheel) names the language. Texts mostly in Cyrillic get
a second look, because a Telegram post is short, often quotes the other language and
carries links and hashtags:

1. URLs, ``#hashtags`` and ``@handles`` are dropped (``#новини`` is not the author's prose).
2. Quoted passages (``«…»``, ``„…“``, ``"…"``) are dropped when at least 30 letters remain:
   a Ukrainian post quoting a Russian official is Ukrainian.
3. Letters only one of the two alphabets has decide when the other's are absent: ``ы э ё``
   are Russian, ``і ї є ґ`` Ukrainian (unless letters of another Cyrillic alphabet, such
   as Serbian ``ј`` or Belarusian ``ў``, are there too).
4. Otherwise py3langid chooses among Russian, Ukrainian and the Cyrillic languages whose
   own letters occur in the text (Bulgarian: ``ъ`` as a vowel, "към", "България").

Measured by ``python research/language/evaluate.py`` on 3,600 texts of real news
(Russian: SemEval-2023 ru articles and factRuEval-2016; Ukrainian: NER-UK 2.0; one
sentence, a 2-4 sentence post, a post with a quote of the other language, a URL, a
hashtag and an emoji): see :data:`MEASURED`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: Accuracy on ru vs uk texts of real news (research/language/evaluate.py, seed 13).
MEASURED = {
    "set": "ru/uk real news: SemEval-2023 ru + factRuEval-2016 vs NER-UK 2.0 (3,600 texts)",
    "accuracy": 0.9917,
    "accuracy_sentence": 0.9925,
    "accuracy_post": 1.0,
    "accuracy_mixed_post": 0.9825,
}

#: A guess below this confidence on Latin-script text is not trusted ("Drones hit Kursk."
#: reads as Norwegian): such a text counts as English for the layers that read English.
CONFIDENT = 0.8

_NOT_PROSE = re.compile(r"https?://\S+|www\.\S+|[#@]\w+")
_QUOTED = re.compile(r"«[^«»]*»|„[^„“”]*[“”]|\"[^\"\n]*\"")
_RU_ONLY = frozenset("ыэё")  # not ъ: Bulgarian writes it in most sentences
_UK_ONLY = frozenset("їєґі")
#: Letters a Cyrillic language other than Russian, Ukrainian and Bulgarian writes often:
#: without one of them, that language is not a candidate (a short Russian sentence with
#: no ы/э/ё otherwise reads as Macedonian).
_OWN_LETTERS = {
    "mk": frozenset("ѓќѕџјљњ"),
    "sr": frozenset("ђћџјљњ"),
    "be": frozenset("ў"),
    "kk": frozenset("әғқңөұүһі"),
    "ky": frozenset("ңөү"),
    "mn": frozenset("өү"),
}
#: Bulgarian writes ъ as a vowel (към, във, България); Russian only before е, ё, ю, я.
_BULGARIAN_HARD_SIGN = re.compile(r"ъ(?![еёюяЕЁЮЯ])", re.IGNORECASE)
_OTHER_CYRILLIC = frozenset().union(*_OWN_LETTERS.values()) - _UK_ONLY


@dataclass(frozen=True)
class Guess:
    """The language of a text (ISO 639-1), how sure, and its main script."""

    code: str
    confidence: float
    script: str  # "latin", "cyrillic" or "other"

    @property
    def reliable(self) -> bool:
        return self.confidence >= CONFIDENT or self.script == "cyrillic"


@lru_cache(maxsize=16)
def _identifier(languages: tuple[str, ...] = ()) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        ident.set_languages(list(languages))
    return ident


def script_of(text: str) -> str:
    """ "latin", "cyrillic" or "other": the script of most letters of ``text``."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "other"
    latin = sum(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters)
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    if latin * 2 >= len(letters):
        return "latin"
    if cyrillic * 2 >= len(letters):
        return "cyrillic"
    return "other"


def identify(text: str) -> Guess:
    """The language of ``text`` (its first 5,000 characters: enough for any article, and
    py3langid's time grows with the length)."""
    sample = _NOT_PROSE.sub(" ", re.sub(r"\s+", " ", text[:5000]))
    script = script_of(sample)
    if script != "cyrillic":
        code, prob = _identifier().classify(sample)
        return Guess(code, float(prob), script)
    unquoted = _QUOTED.sub(" ", sample)
    if sum(c.isalpha() for c in unquoted) >= 30:
        sample = unquoted
    letters = set(sample.lower())
    ru = sum(c in _RU_ONLY for c in sample.lower())
    uk = sum(c in _UK_ONLY for c in sample.lower())
    if not letters & _OTHER_CYRILLIC:
        if ru and not uk:
            return Guess("ru", 1.0, script)
        if uk and not ru:
            return Guess("uk", 1.0, script)
    candidates = ["ru", "uk"] + [c for c, own in _OWN_LETTERS.items() if letters & own]
    if _BULGARIAN_HARD_SIGN.search(sample) or sum(c.isalpha() for c in sample) >= 200:
        candidates.append("bg")  # a long text is told apart from Russian by the model alone
    code, prob = _identifier(tuple(candidates)).classify(sample)
    return Guess(code, float(prob), script)
