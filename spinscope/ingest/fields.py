"""Document fields read off the text itself: title, outlet, author, published date, genre.

Used for pasted or plain-text articles, and to fill what HTML metadata lacks. Each rule
reads one kind of evidence a human would use: the first line as a title, the domain of a
contact e-mail (``Contact us: info@strategic-culture.su`` -> ``strategic-culture.su``), a
byline or a follow prompt (``You can follow Lucas on X`` -> ``Lucas``), a dated line.
"""

from __future__ import annotations

import re
from datetime import datetime

from spinscope.analyzers.boilerplate import _DATE, _NAME, classify_line

_EMAIL_DOMAIN = re.compile(r"[\w.+-]+@((?:[\w-]+\.)+[a-z]{2,})", re.I)
_URL_DOMAIN = re.compile(r"(?:https?://|\bwww\.)((?:[\w-]+\.)+[a-z]{2,})", re.I)
_FREE_MAIL = {
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "proton.me", "protonmail.com",
    "mail.ru", "yandex.ru", "icloud.com", "aol.com", "gmx.com", "gmx.de", "ukr.net",
}  # fmt: skip
_BYLINE = re.compile(
    rf"^(?:By|BY|Written by|Author:|Authored by)\s+({_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)"
)
_FOLLOW_NAME = re.compile(
    rf"^(?i:you\s+can\s+|please\s+)?(?i:follow)\s+(?!us\b|me\b|our\b)({_NAME})\s+(?i:on|at|via)\b"
)
_COPYRIGHT_NAME = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:[-–]\d{4})?\s*)?([^.|]{3,60})", re.I
)
_DATE_RE = re.compile(_DATE, re.I)
_OPINION_MARKERS = re.compile(
    r"\b(?:I\s+(?:believe|think|personally|can\s+say|saw|witnessed|argue)|in\s+my\s+(?:view|opinion)|"
    r"as\s+an\s+analyst|op-ed|opinion|editorial|column(?:ist)?|the\s+views\s+expressed)\b",
    re.I,
)
_QUOTED = re.compile(r"“[^”]{0,2000}”|\"[^\"\n]{0,2000}\"")
_WIRE_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][a-z]+\.?\s*\d{1,2})?\s*"
    r"\((?:Reuters|AP|AFP|TASS|RIA|Xinhua|Bloomberg|UNIAN|Interfax)[^)]*\)\s*[-–—]",
)


def infer_title(text: str) -> str | None:
    """The first line, when it reads as a title: short, one sentence, followed by more text."""
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    first = first.strip()
    if not first or not rest.strip() or classify_line(first):
        return None
    words = first.split()
    if len(words) > 30 or len(first) > 250:
        return None
    # One sentence at most: no sentence break inside the line.
    if re.search(r"[.!?][\"”’)]?\s+[A-Z]", first):
        return None
    return first


def outlet_from_lines(lines: list[str]) -> str | None:
    """The outlet named by contact e-mails, URLs or copyright notices in boilerplate lines."""
    for line in lines:
        for match in _EMAIL_DOMAIN.finditer(line):
            domain = match.group(1).lower()
            if domain not in _FREE_MAIL:
                return domain[5:] if domain.startswith("mail.") else domain
    for line in lines:
        match = _URL_DOMAIN.search(line)
        if match:
            domain = match.group(1).lower()
            return domain[4:] if domain.startswith("www.") else domain
    for line in lines:
        match = _COPYRIGHT_NAME.match(line.strip())
        if match:
            name = match.group(1).strip(" ,;-–")
            name = re.sub(r"\s*all\s+rights\s+reserved.*$", "", name, flags=re.I).strip(" ,;-–")
            # "Los Angeles Times, Distributed by …", "The Virginian-Pilot (Norfolk, Va.)"
            name = re.split(r",|\s\(", name)[0].strip()
            if name:
                return name
    return None


def author_from_lines(lines: list[str]) -> str | None:
    """The author named by a byline (``By Jane Roe``) or a follow prompt (``follow Lucas on X``)."""
    for line in lines:
        match = _BYLINE.match(line.strip())
        if match:
            return match.group(1).strip()
    for line in lines:
        match = _FOLLOW_NAME.match(line.strip())
        if match and match.group(1).lower() not in {"x", "twitter", "telegram"}:
            return match.group(1).strip()
    return None


def published_from_lines(lines: list[str]) -> str | None:
    """An ISO date from a dateline (``Published: 5 March 2024``) among boilerplate lines."""
    for line in lines:
        match = _DATE_RE.search(line)
        if match:
            iso = to_iso_date(match.group(0))
            if iso:
                return iso
    return None


def to_iso_date(value: str | None) -> str | None:
    """Normalise a date string to ISO 8601 (``YYYY-MM-DD`` or a full timestamp)."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.date().isoformat() if len(value) <= 10 else parsed.isoformat()
    except ValueError:
        pass
    import dateparser

    parsed = dateparser.parse(
        value, languages=["en"], settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"}
    )
    return parsed.date().isoformat() if parsed else None


def infer_genre(text: str, hint: str | None = None) -> tuple[str | None, str]:
    """('opinion' | 'news' | None, evidence). A transparent heuristic, not a trained model."""
    if hint and re.search(r"opinion|column|editorial|blog", hint, re.I):
        return "opinion", f"page type {hint!r}"
    # The author's voice only: "I think" inside a quotation is the speaker's, not the writer's.
    own = _QUOTED.sub(" ", text)
    markers = _OPINION_MARKERS.findall(own)
    first_person = len(re.findall(r"\bI\b", own))
    if len(markers) >= 2 or (markers and first_person >= 3):
        sample = ", ".join(sorted({m.strip() for m in markers})[:4])
        return "opinion", f"first-person stance markers ({sample}); {first_person}× 'I'"
    head = text.lstrip()[:400]
    for line in head.splitlines()[:4]:
        if _WIRE_DATELINE.match(line.strip()):
            return "news", "wire-service dateline"
    return None, "no clear evidence"
