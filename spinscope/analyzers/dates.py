"""Normalise date expressions to ISO 8601, against the publication date when relative.

``normalize_date("December 30, 2023")`` -> ``{"text": ..., "iso": "2023-12-30",
"precision": "day", "relative": False, "resolved": True}``. The ISO string is as precise
as the text: ``2024-03`` for "March 2024", ``2022`` for "since 2022". Relative
expressions ("yesterday", "last year", "in recent days", "on Monday") are resolved
against the publication date when it is known; otherwise ``iso`` is ``None`` and
``resolved`` is ``False`` (never guessed from today's date). "In recent days" and
"recently" resolve to the publication date with ``precision: "approximate"``. A bound
("since 2022", "until March") is kept as ``qualifier``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for m in names
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1}  # fmt: skip

_M = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|" \
     r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = [
    re.compile(rf"\b{_M}\s+{_DAY},?\s+{_YEAR}\b", re.I),  # December 30, 2023
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_M},?\s+{_YEAR}\b", re.I),  # 30 December 2023
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),  # 2023-12-30
    re.compile(rf"\b{_M},?\s+{_YEAR}\b", re.I),  # March 2024
    re.compile(rf"\b{_M}\s+{_DAY}\b(?!,?\s*\d)", re.I),  # December 30 (year from context)
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_M}\b(?!,?\s*\d)", re.I),  # 30 December
    re.compile(rf"\b{_YEAR}\b"),  # 2022
]


def _result(text: str, iso: str | None, precision: str | None, relative: bool) -> dict[str, Any]:
    return {"text": text, "iso": iso, "precision": precision, "relative": relative,
            "resolved": iso is not None}  # fmt: skip


def parse_published(published: str | None) -> dt.date | None:
    """The publication date as a ``date`` (``None`` when unknown or unreadable)."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def normalize_date(text: str, published: str | None = None) -> dict[str, Any]:
    """``{"text", "iso", "precision", "relative", "resolved"}`` for a date expression, plus
    ``"qualifier"`` (since/until/before/after/by) when the text bounds a period
    ("Since 2022" -> iso ``2022``, qualifier ``since``)."""
    out = _normalize(text, published)
    m = re.match(r"\s*(since|until|till|before|after|by|from)\b", text, re.I)
    if m:
        out["qualifier"] = m.group(1).lower()
    return out


def _normalize(text: str, published: str | None) -> dict[str, Any]:
    base = parse_published(published)
    low = text.lower()
    for i, pat in enumerate(_PATTERNS):
        m = pat.search(text)
        if not m:
            continue
        g = m.groupdict()
        year = int(g["year"]) if g.get("year") else None
        month = int(g["mnum"]) if g.get("mnum") else MONTHS.get((g.get("month") or "").lower())
        day = int(g["day"]) if g.get("day") else None
        if i in (4, 5):  # no year written: take it from the publication date
            if base is None:
                return _result(text, None, "day", True)
            year = base.year if (month, day) <= (base.month, base.day) else base.year - 1
        try:
            if day is not None and month is not None and year is not None:
                return _result(text, dt.date(year, month, day).isoformat(), "day", i in (4, 5))
        except ValueError:
            continue
        if month is not None and year is not None:
            return _result(text, f"{year:04d}-{month:02d}", "month", False)
        if year is not None:
            return _result(text, f"{year:04d}", "year", False)
    return _relative(text, low, base)


def _relative(text: str, low: str, base: dt.date | None) -> dict[str, Any]:
    def out(iso: str | None, precision: str) -> dict[str, Any]:
        return _result(text, iso if base is not None else None, precision, True)

    # A placeholder base keeps the branches below simple; ``out`` drops its result.
    base_ = dt.date(2000, 1, 1) if base is None else base
    if re.search(r"\btoday\b|\btonight\b|\bthis (morning|afternoon|evening)\b", low):
        return out(base_.isoformat(), "day")
    if "yesterday" in low or re.search(r"\blast night\b", low):
        return out((base_ - dt.timedelta(days=1)).isoformat(), "day")
    m = re.search(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\s+"
                  r"(day|week|month|year)s?\s+ago\b", low)  # fmt: skip
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUM_WORDS[m.group(1)]
        unit = m.group(2)
        if unit == "day":
            return out((base_ - dt.timedelta(days=n)).isoformat(), "day")
        if unit == "week":
            return out((base_ - dt.timedelta(weeks=n)).isoformat(), "week")
        if unit == "month":
            y, mo = divmod(base_.year * 12 + base_.month - 1 - n, 12)
            return out(f"{y:04d}-{mo + 1:02d}", "month")
        return out(f"{base_.year - n:04d}", "year")
    m = re.search(r"\b(last|this|next|previous|past)\s+(week|month|year)\b", low)
    if m:
        shift = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1}[m.group(1)]
        if m.group(2) == "year":
            return out(f"{base_.year + shift:04d}", "year")
        if m.group(2) == "month":
            y, mo = divmod(base_.year * 12 + base_.month - 1 + shift, 12)
            return out(f"{y:04d}-{mo + 1:02d}", "month")
        monday = base_ - dt.timedelta(days=base_.weekday()) + dt.timedelta(weeks=shift)
        return out(monday.isoformat(), "week")
    for i, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name}\b", low):
            back = (base_.weekday() - i) % 7  # the last such weekday up to publication
            return out((base_ - dt.timedelta(days=back)).isoformat(), "day")
    if re.search(r"\brecent(ly)?\b|\blately\b|\bthese days\b|\bpast few days\b", low):
        return out(base_.isoformat(), "approximate")
    return _result(text, None, None, True)
