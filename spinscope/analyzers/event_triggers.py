"""Trigger words of the events layer and the parse tests around them: which token reports
an event (:func:`is_trigger`), its type from context (:func:`type_from_context`) and whether
it is asserted, negated or hypothetical (:func:`status`). Used by
:mod:`spinscope.analyzers.events`."""

from __future__ import annotations

from typing import Any

EVENT_TYPES = (
    "armed_clash", "ground_assault", "air_drone_strike", "shelling_artillery_missile_attack",
    "shoot_down", "explosion", "attack_on_civilians", "destruction", "arrest", "abduction",
    "protest", "riot", "attack",
)  # fmt: skip

#: lemma -> event type. ``None`` marks generic triggers typed by their context.
TRIGGERS: dict[str, str | None] = {
    "clash": "armed_clash", "fight": "armed_clash", "fighting": "armed_clash",
    "battle": "armed_clash", "skirmish": "armed_clash", "firefight": "armed_clash",
    "repel": "armed_clash", "repulse": "armed_clash", "ambush": "armed_clash",
    "offensive": "ground_assault", "counteroffensive": "ground_assault",
    "counter-offensive": "ground_assault", "incursion": "ground_assault",
    "assault": "ground_assault", "raid": "ground_assault", "invasion": "ground_assault",
    "invade": "ground_assault", "storm": "ground_assault", "capture": "ground_assault",
    "seize": "ground_assault", "advance": "ground_assault", "breakthrough": "ground_assault",
    "airstrike": "air_drone_strike", "bomb": "air_drone_strike", "bombing": "air_drone_strike",
    "shell": "shelling_artillery_missile_attack", "shelling": "shelling_artillery_missile_attack",
    "bombardment": "shelling_artillery_missile_attack",
    "bombard": "shelling_artillery_missile_attack", "barrage": "shelling_artillery_missile_attack",
    "shoot": None, "down": "shoot_down", "intercept": "shoot_down",
    "explosion": "explosion", "explode": "explosion", "blast": "explosion",
    "detonate": "explosion", "detonation": "explosion",
    "massacre": "attack_on_civilians", "execute": "attack_on_civilians",
    "execution": "attack_on_civilians",
    "destroy": "destruction", "demolish": "destruction",
    "arrest": "arrest", "detain": "arrest", "detention": "arrest", "apprehend": "arrest",
    "abduct": "abduction", "kidnap": "abduction", "abduction": "abduction",
    "protest": "protest", "demonstration": "protest", "rally": "protest",
    "demonstrate": "protest", "riot": "riot",
    "attack": None, "strike": None, "hit": None, "target": None, "kill": None,
    "fire": None, "drop": None, "slam": None, "pound": "shelling_artillery_missile_attack",
    "rock": "explosion", "march": "protest", "operation": "ground_assault",
    # ACLED-style reports: shootings, lynchings, looting, sit-ins, blockades, labour strikes.
    "lynch": "attack_on_civilians", "behead": "attack_on_civilians",
    "loot": "destruction", "ransack": "destruction", "torch": "destruction",
    "vandalize": "destruction", "vandalise": "destruction", "set": "destruction",
    "burn": "destruction", "sit-in": "protest", "walkout": "protest", "picket": "protest",
    "block": "protest", "occupy": "protest", "blow": "explosion", "launch": None,
    "gunfire": None, "take": "ground_assault",
}  # fmt: skip
_AIR = {"drone", "air", "aerial", "uav", "aircraft", "warplane", "jet", "helicopter", "bomber",
        "kamikaze", "shahed", "airstrike", "glide"}  # fmt: skip
_REMOTE = {"missile", "rocket", "artillery", "shell", "mortar", "howitzer", "himars", "atacms",
           "grad", "iskander", "kalibr", "kinzhal", "cluster", "ballistic", "cruise",
           "shadow"}  # fmt: skip
_EXPLOSIVE = {"grenade", "ied", "landmine", "mine", "explosive", "bomb", "suicide"}
#: Who strikes work, not war ("miners went on strike").
_WORKERS = {"worker", "miner", "nurse", "teacher", "employee", "union", "docker", "labour",
            "labor", "general", "hunger", "walkout", "wage", "pension", "salary", "bonus",
            "strike-breaker", "picket"}  # fmt: skip
#: Those whose violence is a riot (ACLED's violent demonstration, mob violence).
RIOTERS = {"rioter", "protester", "demonstrator", "mob", "crowd", "protestor"}
#: Armed actors: their bare "killed"/"shot" is an attack.
ARMED = {"gunman", "militant", "soldier", "force", "troop", "police", "policeman", "fighter",
          "attacker", "assailant", "bandit", "rebel", "insurgent", "jihadist", "militia",
          "army", "officer", "terrorist", "gang", "sniper", "raider", "extremist"}  # fmt: skip
_GROUND = {"ground", "infantry", "tank", "armored", "armoured", "troop", "commando"}
_CROWDS = {"thousand", "thousands", "hundred", "hundreds", "people", "protester", "protesters",
           "demonstrator", "demonstrators", "crowd", "crowds", "resident", "residents",
           "student", "students", "supporter", "supporters", "activist", "activists"}  # fmt: skip
_CIVILIAN = {"civilian", "civilians", "resident", "residents", "child", "children", "bus",
             "worshippers", "villager", "villagers", "student", "students", "chief",
             "family", "man", "woman", "men", "women", "farmer", "farmers",
             "passenger", "passengers", "shopper", "worshipper", "wedding", "funeral",
             "concert",
             "people", "school", "hospital", "celebration", "market"}  # fmt: skip
_ARG_DEPS = {"compound", "amod", "nmod", "poss", "nummod", "quantmod"}

#: Triggers that news does not use figuratively: kept without asking the gate.
UNAMBIGUOUS = {"shell", "shelling", "bombard", "bombardment", "airstrike", "counteroffensive",
                "counter-offensive", "incursion", "firefight", "skirmish", "block", "walkout",
                "picket"}  # fmt: skip
#: Triggers that are events only as verbs ("lynched a man", not "Loretta Lynch").
_VERB_ONLY = {"lynch", "behead", "ransack", "torch", "vandalize", "vandalise", "launch",
              "block", "occupy", "burn", "set", "take", "blow", "kidnap", "abduct"}  # fmt: skip
#: Objects that make a strike / hit / attack verb an idiom: "strike a deal", "strike fear",
#: "hit the headlines", "hit a record".
_IDIOM_OBJECTS = {"fear", "terror", "deal", "chord", "note", "balance", "bargain", "agreement",
                  "compromise", "tone", "nerve", "home", "jackpot", "record", "high", "low",
                  "button", "wall", "roadblock", "snag", "ground", "road", "book", "target",
                  "mark", "shelf", "headline", "stride", "pose", "match", "gold",
                  "accord", "pact", "truce", "treaty", "problem", "issue", "question",
                  "ball", "shot", "goal", "run", "homer", "sweet", "spot", "milestone",
                  "level", "peak", "limit", "hurdle", "bottom", "ceiling", "paydirt"}  # fmt: skip


def _idiom(tok: Any, lemma: str) -> bool:
    """A conflict verb in a fixed figurative phrase ("strike fear", "seized on the claim",
    "hit out at critics", "fight back tears")."""
    if tok.pos_ != "VERB":
        return False
    kids = list(tok.children)
    if lemma in ("strike", "hit", "attack", "target", "fire", "shoot", "blow"):
        obj = next((k for k in kids if k.dep_ in ("dobj", "nsubjpass")), None)
        if obj is not None and obj.lemma_.lower() in _IDIOM_OBJECTS:
            return True
    if lemma in ("seize", "capture") and any(
        k.dep_ == "prep" and k.lower_ in ("on", "upon") and k.i == tok.i + 1 for k in kids
    ):
        return True
    if lemma == "hit" and any(k.dep_ == "prt" and k.lower_ == "out" for k in kids):
        return True
    # "fired up the crowd", "fired off a letter"
    return lemma == "fire" and any(k.dep_ == "prt" and k.lower_ in ("up", "off", "away")
                                   for k in kids)  # fmt: skip


def is_trigger(tok: Any) -> bool:
    lemma = tok.lemma_.lower()
    if lemma not in TRIGGERS or tok.pos_ not in ("VERB", "NOUN", "PROPN", "ADP"):
        return False
    if tok.pos_ == "PROPN" and lemma in _VERB_ONLY:
        return False  # "Loretta Lynch", "Storm Ciara"
    if lemma in _VERB_ONLY and tok.pos_ != "VERB":
        return False
    if _idiom(tok, lemma):
        return False
    if lemma == "down":  # the particle of "shoot down", or the verb "downed"
        if tok.pos_ == "VERB":
            return True
        return tok.dep_ == "prt" and tok.head.lemma_ in ("shoot", "bring", "knock")
    if lemma == "riot" and tok.dep_ == "compound":
        return False  # "riot police"
    if lemma == "fire":  # "exchanged fire", "opened fire", "artillery fire"; not "a fire"
        if tok.pos_ == "VERB":  # "fired missiles at a post", "fired on protesters"
            obj = next((k for k in tok.children if k.dep_ == "dobj"), None)
            at = any(k.dep_ == "prep" and k.lower_ in ("at", "on", "into") for k in tok.children)
            shot = {"missile", "rocket", "shell", "round", "bullet", "gas", "shot", "drone",
                    "mortar", "grenade", "projectile", "weapon", "gun", "rifle"}  # fmt: skip
            return (obj is not None and obj.lemma_.lower() in shot) or (obj is None and at)
        if tok.pos_ != "NOUN":
            return False
        return tok.head.lemma_ in ("exchange", "open") or any(
            k.lemma_.lower() in _REMOTE for k in tok.children if k.i < tok.i
        )
    if lemma == "slam":  # "missiles slammed into a hotel"
        return tok.pos_ == "VERB" and any(k.lower_ == "into" for k in tok.children)
    if lemma == "rock":  # "explosions rocked the city"
        subj = next((k for k in tok.children if k.dep_ == "nsubj"), None)
        return subj is not None and subj.lemma_.lower() in ("explosion", "blast")
    if lemma == "march" and tok.pos_ == "NOUN":  # "took part in a march", not "in March"
        return tok.text.islower() and any(k.lower_ in ("a", "the") for k in tok.lefts)
    if lemma == "march":  # "thousands marched through Kyiv", not "in March"
        subj = next((k for k in tok.children if k.dep_ == "nsubj"), None)
        return (
            tok.pos_ == "VERB"
            and subj is not None
            and (subj.lemma_.lower() in _CROWDS or subj.pos_ == "NUM")
        )
    if lemma == "operation":  # a military operation somewhere, not "the plant's operation"
        if tok.pos_ != "NOUN":
            return False
        lefts = {t.lower_ for t in tok.lefts}
        if lefts & {"military", "ground", "special", "offensive", "counter-terrorist"}:
            return True
        military = {"troop", "force", "army", "military", "soldier", "artillery", "brigade",
                    "front", "border", "offensive", "regiment", "battalion"}  # fmt: skip
        if not any(t.lemma_.lower() in military for t in tok.sent):
            return False  # "surgeons performed an operation in Kyiv"
        for prep in (k for k in tok.children if k.dep_ == "prep" and k.lower_ in ("in", "on")):
            obj = next((g for g in prep.children if g.dep_ == "pobj"), None)
            if obj is not None and (obj.lemma_ in ("soil", "territory") or obj.pos_ == "PROPN"
                                    or any(c.pos_ == "PROPN" for c in obj.lefts)):  # fmt: skip
                return True
        return False
    if lemma == "drop":  # "dropped glide bombs on Vovchansk"
        dobj = next((k for k in tok.children if k.dep_ == "dobj"), None)
        return tok.pos_ == "VERB" and dobj is not None and dobj.lemma_.lower() in (
            "bomb", "munition", "explosive", "grenade")  # fmt: skip
    if lemma == "shoot":  # "shoot down" is typed through its particle; "shot a man" is not
        subj = next((k for k in tok.children if k.dep_ == "nsubj"), None)
        return (
            tok.pos_ == "VERB"
            and not any(k.dep_ == "prt" for k in tok.children)
            and (
                any(k.dep_ in ("dobj", "nsubjpass") for k in tok.children)
                or (subj is not None and subj.lemma_.lower() in ARMED)  # "gunmen shot and killed"
            )
        )
    if lemma in ("set", "take"):  # "set fire to a church", "took control of Avdiivka"
        obj = next((k for k in tok.children if k.dep_ == "dobj"), None)
        want = "fire" if lemma == "set" else "control"
        return tok.pos_ == "VERB" and obj is not None and obj.lemma_.lower() == want
    if lemma == "blow":  # "blew himself up", "blew up a bridge"
        return tok.pos_ == "VERB" and any(k.lower_ == "up" for k in tok.children)
    if lemma == "launch":  # "launched 40 missiles at Kyiv"; an offensive is its own trigger
        obj = next((k for k in tok.children if k.dep_ == "dobj"), None)
        return (
            tok.pos_ == "VERB"
            and obj is not None
            and (obj.lemma_.lower() in _REMOTE | _AIR | {"projectile", "munition"})
        )
    if lemma == "block":  # "residents blocked the highway"
        obj = next((k for k in tok.children if k.dep_ == "dobj"), None)
        subj = next((k for k in tok.children if k.dep_ == "nsubj"), None)
        return (
            tok.pos_ == "VERB"
            and obj is not None
            and subj is not None
            and (
                obj.lemma_.lower() in ("road", "highway", "street", "bridge", "entrance", "railway")
            )
        )
    if lemma == "occupy":  # "students occupied a campus building", not troops holding land
        subj = next((k for k in tok.children if k.dep_ == "nsubj"), None)
        return (
            tok.pos_ == "VERB"
            and subj is not None
            and (subj.lemma_.lower() in _CROWDS | RIOTERS | {"student", "worker", "activist"})
        )
    if lemma == "gunfire":  # "gunfire hit the convoy"; the verb "fire" is its own trigger
        return tok.pos_ == "NOUN"
    if lemma == "burn":  # "burned houses", "burned tyres"; not "burned out"
        obj = next((k for k in tok.children if k.dep_ in ("dobj", "nsubjpass")), None)
        return tok.pos_ == "VERB" and obj is not None and obj.pos_ == "NOUN"
    if _hypothetical(tok):
        return False
    if lemma in ("demonstrate", "rally", "protest") and tok.pos_ == "VERB":
        return not any(k.dep_ in ("dobj", "ccomp") for k in tok.children)
    if lemma == "bomb":  # "aircraft bombed the town", not "a car bomb"
        return tok.pos_ == "VERB"
    if lemma in ("target", "hit", "strike", "advance", "storm", "capture"):
        return tok.pos_ == "VERB" or lemma in ("strike",)
    return True


_DENY = {"deny", "refute", "reject", "dismiss"}
_MODALS = {"could", "would", "might", "may", "will", "shall", "can", "should", "must"}
_PLANS = {"plan", "threaten", "intend", "prepare", "vow", "want", "seek", "try", "attempt",
          "aim", "hope", "warn", "promise", "expect"}  # fmt: skip


def status(tok: Any) -> str:
    """``asserted``, ``negated`` ("did not shell", "denied shelling") or ``hypothetical``
    ("could strike", "threatened to attack")."""
    chain = [tok, *list(tok.ancestors)[:3]]
    for i, t in enumerate(chain):
        if any(k.dep_ == "neg" for k in t.children) and (i == 0 or t.pos_ in ("VERB", "AUX")):
            return "negated"
        if t.lemma_.lower() in _DENY and i > 0:
            return "negated"
        if any(k.dep_ == "aux" and k.lower_ in _MODALS for k in t.children):
            return "hypothetical"
        if t.lemma_.lower() in _PLANS and i > 0:
            return "hypothetical"
        if t.dep_ not in ("xcomp", "ccomp", "dobj", "pcomp", "prep", "pobj", "conj", "acl"):
            break  # an "acl" goes on: "denies the claim that a missile hit MH17"
    return "asserted"


def _hypothetical(tok: Any) -> bool:
    """A capacity or aim, not an event: "reserves to repel invasions", "ability to launch
    ground attacks"."""
    cur = tok
    for _ in range(3):
        if cur.pos_ == "VERB":
            return cur.dep_ in ("acl", "relcl") and any(
                k.dep_ == "aux" and k.lower_ == "to" for k in cur.children
            )
        if cur.dep_ not in ("dobj", "conj") or cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def type_from_context(tok: Any, actor: Any, target: Any, weapon: str | None) -> str | None:
    """Type of a generic trigger (attack, strike, hit, kill) from its modifiers and weapon."""
    words = {t.lemma_.lower() for k in tok.lefts for t in k.subtree}
    for side in (actor, target):
        if side is not None:
            words |= {t.lemma_.lower() for t in phrase_tokens(side)}
    if weapon:
        words |= set(weapon.lower().replace("-", " ").split())
    preps = {k.lower_: k for k in tok.children if k.dep_ == "prep"}
    with_what = [g.lemma_.lower() for p in ("with", "by") if p in preps
                 for g in preps[p].subtree]  # fmt: skip
    words |= set(with_what)
    sentence = {t.lemma_.lower() for t in tok.sent}
    if tok.lemma_.lower() == "strike" and (words | sentence) & _WORKERS:
        return "protest"  # a labour strike ("miners went on strike"), which ACLED counts
    if tok.lemma_.lower() == "strike" and tok.head.lemma_.lower() in ("go", "walk", "stage"):
        return "protest"
    if words & _AIR:
        return "air_drone_strike"
    if words & _REMOTE:
        return "shelling_artillery_missile_attack"
    if words & _EXPLOSIVE:
        return "explosion"
    if words & _GROUND:
        return "ground_assault"
    victims = {t.lower_ for t in phrase_tokens(target)} if target is not None else set()
    if victims & _CIVILIAN:
        return "attack_on_civilians"
    if tok.lemma_.lower() == "kill":
        return None
    return "attack"


_VIOLENT_CONTEXT = {"attack", "strike", "massacre", "bombardment", "shelling", "shell",
                    "airstrike", "bombing", "explosion", "blast", "missile", "drone", "rocket",
                    "raid", "ambush", "shooting", "gunfire"}  # fmt: skip


def has_trigger_context(tok: Any) -> bool:
    return any(t.lemma_.lower() in _VIOLENT_CONTEXT for t in tok.sent)


def phrase_tokens(tok: Any) -> list:
    """A noun with its modifiers and conjuncts ("troops and armored vehicles")."""
    if tok is None:
        return []
    toks = [tok]
    for k in tok.children:
        if k.dep_ in _ARG_DEPS and k.i < tok.i:
            toks.extend(k.subtree)
        elif k.dep_ == "conj":
            toks.extend(phrase_tokens(k))
    return sorted(set(toks), key=lambda t: t.i)
