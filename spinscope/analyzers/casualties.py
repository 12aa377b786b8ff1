"""Casualty counts in a clause: "killed more than twenty civilians" -> killed ``{"min": 20}``.

Shape of a count (``killed`` / ``injured`` in the events layer):

* an ``int`` when the text gives an exact number ("killed 12 people");
* ``{"min": n}`` for a lower bound ("more than twenty", "at least 5", "dozens" = 24+,
  "hundreds" = 200+, "deaths" without a number = 1+);
* ``{"max": n}`` for an upper bound ("up to 10", "fewer than 5");
* ``{"min": a, "max": b}`` for a range ("between 5 and 10", "5 to 10", "5-10");
* ``{"approx": n}`` for a hedged number ("about 30", "nearly 40", "some 15");
* ``None`` when the clause states no casualties of that kind.
"""

from __future__ import annotations

import re
from typing import Any

_UNITS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "couple": 2,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
#: Plural vagueness words and the lower bound they imply.
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "tens": 20,
          "several": 3, "many": 2, "numerous": 2}  # fmt: skip

_WORDS = "|".join(sorted((*_UNITS, *_SCALES, "dozen"), key=len, reverse=True))
_CONT = "|".join(w for w in sorted((*_UNITS, *_SCALES, "dozen"), key=len, reverse=True)
                 if w not in ("a", "an"))  # fmt: skip
_NUMWORD = rf"(?:\d[\d,]*|(?:{_WORDS})(?:[\s-]+(?:and\s+)?(?:{_CONT}))*)"
_QUAL = (
    r"(?:(?P<q>more than|over|at least|upwards of|in excess of|up to|fewer than|less than|"
    r"under|at most|about|around|approximately|nearly|almost|some|roughly|an estimated)\s+)?"
)
_COUNT = (
    rf"{_QUAL}(?:between\s+(?P<a>{_NUMWORD})\s+and\s+(?P<b>{_NUMWORD})|"
    rf"(?P<n>{_NUMWORD})(?:\s*(?:-|to)\s*(?P<n2>{_NUMWORD}))?|"
    r"(?P<vague>dozens|scores|hundreds|thousands|tens|several|many|numerous))"
)
_WHO = r"(?:\s+(?:of\s+)?[A-Za-z-]+){0,3}?"
_KILL_V = r"(?:kill(?:ed|ing|s)?|claim(?:ed|ing)? the lives of)"
_KILL_P = r"(?:(?:were|was|have been|had been|are|being)\s+)?(?:killed|dead|died|slain)"
_HURT_V = r"(?:injur(?:ed|ing|es)|wound(?:ed|ing|s)|hurt(?:ing)?)"
_HURT_P = r"(?:(?:were|was|have been|had been|are|being)\s+)?(?:injured|wounded|hurt)"

_KILLED = [
    re.compile(rf"\b{_KILL_V}\s+{_COUNT}(?P<who>{_WHO})(?:\s+dead)?\b", re.I),
    re.compile(rf"\b{_COUNT}(?P<who>{_WHO})\s+{_KILL_P}\b", re.I),
    re.compile(rf"\b(?:left|leaving)\s+{_COUNT}(?P<who>{_WHO})\s+dead\b", re.I),
    re.compile(rf"\bdeath toll\s+(?:rose to|reached|of|stands at|is|climbed to)\s+{_COUNT}", re.I),
]
_INJURED = [
    re.compile(rf"\b{_HURT_V}\s+{_COUNT}(?P<who>{_WHO})\b", re.I),
    re.compile(rf"\b{_COUNT}(?P<who>{_WHO})\s+{_HURT_P}\b", re.I),
]
#: One named victim: "injuring their daughter", "killed a policeman".
_ONE = re.compile(
    r"(?:his|her|their|its|a|an|one)\s+(?:[a-z-]+\s+)?(?:man|woman|child|boy|girl|daughter|son|"
    r"soldier|civilian|policeman|policewoman|officer|driver|resident|journalist|worker|"
    r"volunteer|teenager|baby|mother|father|wife|husband|pensioner|passenger)\b",
    re.I,
)
_DEATHS = re.compile(r"\b(?:resulted in|caused|causing|led to|leaving)\s+(?:\w+\s+)?deaths\b", re.I)
#: Words that may sit in the "who" slot; anything else means the number counts something else.
_VICTIMS = re.compile(
    r"^(?:\s+(?:of\s+)?(?:people|persons|civilians|soldiers|servicemen|troops|children|"
    r"residents|men|women|others|fighters|militants|police(?:men)?|officers|"
    r"protesters|workers|journalists|passengers|[a-z]+ians?|more|innocent|ukrainian|"
    r"russian|israeli|palestinian|wounded|injured|dead|of|them|those)){0,3}$",
    re.I,
)


def parse_number(text: str) -> int | None:
    """'twenty-five' -> 25, '1,200' -> 1200, 'a dozen' -> 12, 'two hundred' -> 200."""
    text = text.strip().lower()
    if re.fullmatch(r"\d[\d,]*", text):
        return int(text.replace(",", ""))
    total, current = 0, 0
    words = re.split(r"[\s-]+", text)
    if len(words) > 1 and words[0] in ("a", "an"):
        words = words[1:]  # "a couple" is 2, "a dozen" 12, "a hundred" 100
    for w in words:
        if w == "and":
            continue
        if w == "dozen":
            current = (current or 1) * 12
        elif w in _UNITS:
            current += _UNITS[w]
        elif w in _SCALES:
            current = (current or 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0
        else:
            return None
    return total + current or None


def _count(m: re.Match[str]) -> Any:
    g = m.groupdict()
    if g.get("vague"):
        return {"min": _VAGUE[g["vague"].lower()]}
    if g.get("a"):
        a, b = parse_number(g["a"]), parse_number(g["b"])
        return {"min": a, "max": b} if a is not None and b is not None else None
    n = parse_number(g["n"]) if g.get("n") else None
    if n is None:
        return None
    if g.get("n2"):
        n2 = parse_number(g["n2"])
        if n2 is not None and n2 > n:
            return {"min": n, "max": n2}
    q = (g.get("q") or "").lower()
    if q in ("more than", "over", "at least", "upwards of", "in excess of"):
        return {"min": n}
    if q in ("up to", "fewer than", "less than", "under", "at most"):
        return {"max": n}
    if q:
        return {"approx": n}
    return n


def _find(patterns: list[re.Pattern[str]], text: str) -> tuple[Any, tuple[int, int] | None]:
    for pat in patterns:
        for m in pat.finditer(text):
            who = m.groupdict().get("who")
            if who and not _VICTIMS.match(who):
                continue
            value = _count(m)
            if value is not None:
                return value, (m.start(), m.end())
    return None, None


def casualties(text: str) -> dict[str, Any]:
    """``{"killed", "injured", "spans"}`` found in ``text`` (spans: offsets into ``text``)."""
    killed, kspan = _find(_KILLED, text)
    if killed is None:
        m = _DEATHS.search(text)
        if m:
            killed, kspan = {"min": 1}, (m.start(), m.end())
    injured, ispan = _find(_INJURED, text)
    for kind, verb in (("killed", _KILL_V), ("injured", _HURT_V)):
        if (killed if kind == "killed" else injured) is not None:
            continue
        for m in re.finditer(rf"\b{verb}\s+", text, re.I):
            one = _ONE.match(text, m.end())
            if one:
                if kind == "killed":
                    killed, kspan = 1, (m.start(), one.end())
                else:
                    injured, ispan = 1, (m.start(), one.end())
                break
    return {"killed": killed, "injured": injured, "spans": [s for s in (kspan, ispan) if s]}
