"""Weapons and military equipment: a hand-written lexicon (names as used in war reporting).

Each entry maps a regular expression to a canonical name. Model designations
(F-16, Su-34, MiG-29) are caught by a pattern; generic kinds (tanks, drones) are
canonicalised to their singular.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: (pattern, canonical). Longer, more specific entries come first.
_LEXICON: list[tuple[str, str]] = [
    (r"Storm Shadows?", "Storm Shadow"), (r"SCALP(?:-EG)?", "SCALP"),
    (r"ATACMS", "ATACMS"), (r"HIMARS", "HIMARS"), (r"M142", "HIMARS"),
    (r"Patriot (?:missiles?|systems?|batter(?:y|ies))", "Patriot"), (r"IRIS-T", "IRIS-T"),
    (r"NASAMS", "NASAMS"), (r"S-[34]00s?", None), (r"Iskanders?(?:-M)?", "Iskander"),
    (r"Kinzhals?", "Kinzhal"), (r"Kalibrs?", "Kalibr"), (r"Shaheds?(?:-136)?", "Shahed"),
    (r"Geran(?:-2)?s?", "Geran-2"), (r"Lancets?", "Lancet"),
    (r"Bayraktars?(?: TB2)?", "Bayraktar TB2"),
    (r"Javelins?", "Javelin"), (r"NLAWs?", "NLAW"), (r"Stingers?", "Stinger"),
    (r"Leopard(?: 2(?:A\d)?)? tanks?", "Leopard 2"), (r"Leopard 2(?:A\d)?", "Leopard 2"),
    (r"Abrams(?: tanks?)?", "M1 Abrams"), (r"Challenger 2(?: tanks?)?", "Challenger 2"),
    (r"Bradley(?: fighting vehicles?| IFVs?)?", "Bradley"), (r"Caesar howitzers?", "CAESAR"),
    (r"Grad(?: rockets?| launchers?)?", "BM-21 Grad"), (r"Tochka(?:-U)?", "Tochka-U"),
    (r"Oniks", "Oniks"), (r"Zircon", "Zircon"), (r"Sarmat", "Sarmat"),
    (r"(?:F|Su|MiG|Tu|Ka|Mi|Il|A|B)-\d{1,3}[A-Z]{0,2}(?: (?:fighter )?jets?| fighters?"
     r"| bombers?| helicopters?| warplanes?)?", None),
    (r"T-(?:6[24]|72|80|90)[A-Z0-9]{0,3}(?: tanks?)?", None),
    (r"(?:cruise|ballistic|hypersonic|anti-aircraft|anti-tank|long-range|short-range)"
     r" missiles?", None),
    (r"cluster (?:munitions?|bombs?)", "cluster munition"), (r"glide bombs?", "glide bomb"),
    (r"fighter jets?", "fighter jet"), (r"warplanes?", "warplane"), (r"helicopters?", "helicopter"),
    (r"armou?red vehicles?", "armoured vehicle"), (r"tanks?", "tank"),
    (r"drones?", "drone"), (r"UAVs?", "drone"), (r"missiles?", "missile"),
    (r"rockets?", "rocket"), (r"artillery", "artillery"), (r"howitzers?", "howitzer"),
    (r"mortars?", "mortar"), (r"landmines?|mines", "mine"), (r"grenades?", "grenade"),
    (r"air defen[cs]e systems?", "air defence system"), (r"bombs?", "bomb"),
]  # fmt: skip


@lru_cache(maxsize=1)
def _compiled() -> re.Pattern[str]:
    # Generic kinds (lower-case entries) also match capitalised at a sentence start.
    alternatives = "|".join(
        f"(?i:{pat})" if pat[:1].islower() else f"(?:{pat})" for pat, _ in _LEXICON
    )
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _canonical(match: str) -> str:
    for pat, canonical in _LEXICON:
        if re.fullmatch(pat, match, flags=re.I if pat[:1].islower() else 0):
            if canonical:
                return canonical
            # Designations: drop the trailing kind ("F-16 fighter jet" -> "F-16"), and
            # plurals of generic phrases ("cruise missiles" -> "cruise missile").
            head = re.match(r"[A-Za-z]+-\d+[A-Z0-9]*", match)
            if head:
                return head.group(0)
            return match.lower()[:-1] if match.endswith("s") else match.lower()
    return match


def find_weapons(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, canonical) of each weapon mention in ``text[start:end]``."""
    out = []
    for m in _compiled().finditer(text, start, len(text) if end is None else end):
        if text[max(0, m.start() - 6) : m.start()].lower() == "think ":
            continue  # "think tanks"
        out.append((m.start(), m.end(), _canonical(m.group(0))))
    return out
