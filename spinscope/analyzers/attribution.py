"""Attribution: who is cited for a statement (Source), by which words (Cue), and what (Content).

A rule system over spaCy's dependency parse, with a cue lexicon learned from PolNeAR train
(``spinscope/models/attribution/cues.tsv``): a verb whose lemma is a frequent cue ("say",
"report", "indicate", "suggest", …) makes an attribution; its source is the subject's
subtree (or the agent of a passive, or the object of "according to") and its content is its
clausal complement, or else the rest of the sentence. The source is then classed as
``named`` (a person, organisation or a definite office), ``vague`` ("reports", "evidence",
"experts", an agentless passive), or ``self`` (the author: "I", "we"). Claims with no
attribution get ``none``.

A source is always an entity or a description of one, never the cue: an agentless passive
("it is reported") is ``vague`` with no source text; a participle takes the source of the
phrase it hangs on ("statements saying", "Corbyn reacted by saying"), a relative pronoun its
antecedent ("two women who say"). :func:`is_bare_cue` is the check used by the tests and
the measurements.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spinscope.models.attribution import cue_lexicon

#: What the rules score, by evaluation set: real annotated news first, then counts on real
#: unlabeled news, then our own sentences as regression gates. Reproduce with the commands
#: in ``spinscope/models/attribution/MODEL_CARD.md``; the claims layer reports these.
METRICS: dict[str, dict[str, float | int]] = {
    "PolNeAR dev (84 US political news articles, 2,192 gold attributions)": {
        "cue_f1": 0.6923,
        "source_token_f1_found_cues": 0.8885,
        "content_token_f1_found_cues": 0.7328,
        "bare_cue_sources": 0,
        "predicted_sources": 1899,
    },
    "PTC train (371 news articles, no gold, held out from the rules): bare cue words among "
    "claim sources": {"bare_cue_sources": 0, "claim_sources": 2404},
    "PTC unlabeled (90 news articles, no gold, where the errors were studied): bare cue "
    "words among claim sources": {"bare_cue_sources": 0, "claim_sources": 470},
    "regression gate: own sentences (tests/data/claims/attribution_kinds*.jsonl)": {
        "kind_accuracy_plain": 1.0,
        "plain_sentences": 42,
        "kind_accuracy_hard": 0.7857,
        "hard_sentences": 14,
    },
}
#: Minimum share of a lemma's PolNeAR occurrences that are cues for it to count as one.
MIN_SHARE = 0.2
#: Minimum share for a cue that governs no clause ("mocked the ambitions of …").
OTHER_MIN_SHARE = 0.4
#: Perception verbs that are testimony when the subject is the author ("I saw").
SELF_WITNESS = {"see", "witness", "observe", "hear", "watch", "experience", "survive"}
#: Cues that must have a clausal complement to count (else "show up", "know him", …).
NEEDS_CLAUSE = {"know", "see", "show", "find", "think", "feel", "hear", "learn", "write"}
FIRST_PERSON = {"i", "me", "my", "we", "us", "our", "myself", "ourselves"}
#: Head nouns of sources that name nobody in particular.
VAGUE_NOUNS = {
    "report", "reports", "source", "sources", "evidence", "expert", "experts", "analyst",
    "analysts", "observer", "observers", "critic", "critics", "people", "some", "many",
    "others", "study", "studies", "witness", "witnesses", "media", "resident", "residents",
    "local", "locals", "commentator", "commentators", "rumor", "rumors", "rumour", "rumours",
    "official", "officials", "insider", "insiders", "data", "research", "researchers",
    "scientist", "scientists", "account", "accounts", "claim", "claims", "everyone",
    "someone", "they", "it", "this", "that", "pattern", "footage", "video", "videos",
    "image", "images", "document", "documents", "poll", "polls", "survey", "surveys",
    "investigation", "indication", "indications", "sign", "signs", "fact", "facts",
}
NAMED_ENTS = {"PERSON", "ORG", "GPE", "FAC", "WORK_OF_ART", "LAW"}
PRONOUN_NAMED = {"he", "she", "him", "her"}
#: Nouns that announce an attribution without a verb ("There have been reports of …").
NOUN_CUES = {"report", "claim", "allegation", "rumor", "rumour", "evidence", "account"}
NOUN_CUE_DEPS = {"attr", "nsubj", "nsubjpass", "dobj"}
#: What makes such a noun announce something: "reports of …", "claims that …", "a report
#: saying …". Without it the noun is a topic ("Mueller sent his report to Barr").
NOUN_CUE_CONTENT_PREPS = {"of", "about"}
#: Prepositions that name who made a report ("a report from the Bruges Group").
NOUN_CUE_OWNER_PREPS = {"by", "from"}
#: Parts of speech that can name or describe a source; a source without any ("All",
#: "saying", "was reported") is the cue or a fragment of it.
SOURCE_POS = {"NOUN", "PROPN", "PRON", "NUM", "X"}
#: Fixed phrases whose verb reports nothing: "All told, …", "Truth be told, …".
IDIOM_SUBJECTS = {("tell", "all"), ("tell", "truth")}
#: Words a bare cue is made of: inflected cue verbs are checked through the lexicon, these
#: are the auxiliaries, particles and adverbs that come with them ("has been widely said").
#: "May", "Will" and "Can" are left out: they are names too (Theresa May).
CUE_FILLERS = {
    "is", "was", "are", "were", "be", "been", "being", "has", "have", "had", "having", "do",
    "does", "did", "to", "not", "n't", "also", "even", "widely", "reportedly", "allegedly",
    "still", "already", "just", "further", "later", "then", "all", "might", "would",
    "could", "should", "must", "'s", "’s", "as", "so",
}  # fmt: skip


@dataclass(frozen=True)
class Attribution:
    """Character offsets into the parsed text. ``source`` is None only for kind ``none``
    or when an agentless cue has nothing to point at."""

    kind: str
    cue: tuple[int, int]
    source: tuple[int, int] | None
    content: tuple[int, int] | None
    #: How the content hangs on the cue: ``clause`` (a that-clause), ``according``,
    #: ``noun`` ("reports of"), ``witness`` ("I saw …"), ``quote`` ("“…,” she said") or
    #: ``other`` (an infinitive or object: "insists on targeting", "continues to"). Only
    #: the first five make the cue's source the source of a claim.
    frame: str = "clause"
    #: What a relative pronoun source stands for ("two women" for the "who" of "two women
    #: who say …"). PolNeAR marks the pronoun as the source; a claim shows the referent.
    referent: tuple[int, int] | None = None

    def as_dict(self, text: str, offset: int = 0) -> dict[str, Any]:
        """The contract's ``attribution`` object (offsets shifted by ``offset``)."""
        if self.source is None:
            return {"kind": self.kind, "source": None, "start": None, "end": None}
        a, b = self.referent or self.source
        return {"kind": self.kind, "source": text[a:b], "start": a + offset, "end": b + offset}


NONE = {"kind": "none", "source": None, "start": None, "end": None}


def _span(tokens: list[Any]) -> tuple[int, int] | None:
    """Character extent of tokens, trimmed of punctuation at both ends."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].is_punct or toks[0].is_space):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks = toks[:-1]
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _subtree(tok: Any) -> list[Any]:
    return list(tok.subtree)


def _is_cue(tok: Any, lex: dict[tuple[str, str], float]) -> bool:
    lemma = tok.lemma_.lower()
    if tok.pos_ in {"VERB", "AUX"}:
        if lex.get((lemma, tok.pos_), 0.0) < MIN_SHARE and lemma not in SELF_WITNESS:
            return False
        has_clause = any(c.dep_ in {"ccomp", "xcomp"} for c in tok.children)
        if lemma in NEEDS_CLAUSE and not has_clause:
            return lemma in SELF_WITNESS and _subject(tok) is not None and _first_person(
                _subtree(_subject(tok))
            )
        if lemma in SELF_WITNESS and lex.get((lemma, tok.pos_), 0.0) < MIN_SHARE:
            subj = _subject(tok)
            return subj is not None and _first_person(_subtree(subj))
        return True
    return False


def _subject(verb: Any) -> Any | None:
    """The subject of ``verb``, inherited from a coordinated or governing verb if needed."""
    for _ in range(3):
        for child in verb.children:
            if child.dep_ in {"nsubj", "nsubjpass", "csubj"}:
                return child
        if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head is not verb:
            verb = verb.head
        else:
            return None
    return None


#: Irregular past forms of cue verbs (the regular ones are built by :func:`_verb_forms`).
_IRREGULAR = {
    "say": ("said",), "tell": ("told",), "write": ("wrote", "written"), "think": ("thought",),
    "find": ("found",), "know": ("knew", "known"), "see": ("saw", "seen"), "hear": ("heard",),
    "show": ("shown",), "feel": ("felt",), "speak": ("spoke", "spoken"), "read": ("read",),
    "forecast": ("forecast",), "cast": ("cast",), "lay": ("laid",), "paint": ("painted",),
}  # fmt: skip
#: Cue verbs whose base and third-person forms are never a noun that could name a source
#: ("reports", "claims", "polls" are sources; "says", "suggests" never are).
_VERB_ONLY = {
    "say", "tell", "suggest", "argue", "insist", "indicate", "believe", "add", "announce",
    "explain", "assert", "allege", "reveal", "confirm", "deny", "admit", "warn", "write",
    "acknowledge", "declare", "emphasize", "reiterate", "contend", "speculate", "predict",
    "accuse", "describe",
}  # fmt: skip


def _verb_forms(lemma: str) -> set[str]:
    """Inflected forms of a regular English verb, plus the irregular ones we know."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms = {f"{stem}ing", f"{stem}ed", f"{lemma}d" if lemma.endswith("e") else f"{lemma}ed"}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {f"{lemma[:-1]}ied", f"{lemma[:-1]}ies"}
    if lemma in _VERB_ONLY:
        forms |= {lemma, f"{lemma}es" if lemma.endswith(("s", "sh", "ch", "x")) else f"{lemma}s"}
        if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
            forms.discard(f"{lemma}s")
    return forms | set(_IRREGULAR.get(lemma, ()))


@lru_cache(maxsize=1)
def bare_cue_words() -> frozenset[str]:
    """Verb forms of the cue lexicon's verbs that cannot name a source on their own."""
    lemmas = {lemma for (lemma, pos), share in cue_lexicon().items() if pos == "VERB"}
    words: set[str] = set()
    for lemma in lemmas | _VERB_ONLY:
        words |= _verb_forms(lemma)
    return frozenset(words)


_WORDS = re.compile(r"[\w'’]+", re.UNICODE)


def is_bare_cue(source: str | None) -> bool:
    """True when a predicted source is made only of cue verbs and the words around them
    ("saying", "was reported", "is widely believed", the "All" of "All told") instead of
    naming or describing anyone."""
    words = [w.lower() for w in _WORDS.findall(source or "")]
    cues = bare_cue_words()
    return bool(words) and all(w in cues or w in CUE_FILLERS for w in words)


def _first_person(tokens: list[Any]) -> bool:
    return any(t.lower_ in FIRST_PERSON for t in tokens) and len(tokens) <= 3


def classify_source(tokens: list[Any], passive: bool = False) -> str:
    """``named``, ``vague`` or ``self`` for the tokens of a source noun phrase."""
    if not tokens:
        return "vague" if passive else "none"
    if _first_person(tokens):
        return "self"
    root = next((t for t in tokens if t.head not in tokens or t.head is t), tokens[0])
    head = root.lower_
    if root.pos_ == "PRON":
        return "named" if head in PRONOUN_NAMED else "vague"
    if head in VAGUE_NOUNS and not root.ent_type_:
        # A capitalised "Reports" or "Sources" at the start of a line is tagged PROPN.
        return "vague"
    if any(t.ent_type_ in NAMED_ENTS for t in tokens) or root.pos_ == "PROPN":
        # "Western media", "Ukrainian sources": a nationality does not name anyone.
        return "vague" if head in VAGUE_NOUNS and root.pos_ != "PROPN" else "named"
    if head in VAGUE_NOUNS or root.lemma_.lower() in VAGUE_NOUNS:
        return "vague"
    # "the governor", "the ministry" point at one identifiable body; "a spokesman" does not.
    det = next((c for c in root.children if c.dep_ == "det"), None)
    if det is not None and det.lower_ == "the" and root.tag_ in {"NN", "NNP"}:
        return "named"
    return "vague"


def _phrase_before(head: Any, cut: Any) -> list[Any]:
    """``head``'s phrase up to where ``cut`` (a clause hanging on it) begins."""
    skip = {t.i for t in cut.subtree}
    return [t for t in head.subtree if t.i not in skip and t.i < cut.i]


def _misparsed_modal(verb: Any) -> Any | None:
    """The name read as a modal: in '"…," May said' the small model tags "May" as an
    auxiliary. A modal never governs a past or third-person form, so it is the subject."""
    if verb.tag_ not in {"VBD", "VBZ"}:
        return None
    return next(
        (c for c in verb.children
         if c.dep_ == "aux" and c.tag_ == "MD" and c.text[:1].isupper() and c.i < verb.i),
        None,
    )  # fmt: skip


def _implicit_source(verb: Any) -> list[Any]:
    """The source of a cue that has no subject of its own: the noun a participle describes
    ("statements saying …"), the subject of the clause a gerund hangs on ("Corbyn reacted by
    saying …"), or the subject a gerund has after its preposition ("despite the PM
    insisting …")."""
    head = verb.head
    if verb.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN"}:
        return _phrase_before(head, verb)
    if verb.dep_ == "pcomp" and head.dep_ in {"prep", "advcl"}:
        pobj = next((c for c in head.children if c.dep_ == "pobj" and c.i < verb.i), None)
        if pobj is not None:
            return _subtree(pobj)
        governor = head.head
        subj = _subject(governor) if governor.pos_ in {"VERB", "AUX"} else None
        if subj is not None and subj.dep_ == "nsubj":
            return _subtree(subj)
    return []


def _antecedent(subj: Any, verb: Any) -> list[Any] | None:
    """For a relative pronoun subject ("two women who say …"), the phrase it stands for."""
    if verb.dep_ != "relcl" or not (
        subj.tag_ in {"WP", "WDT"} or (subj.lower_ == "that" and subj.pos_ == "PRON")
    ):
        return None
    return _phrase_before(verb.head, verb)


def _names_someone(tokens: Sequence[Any]) -> bool:
    """Whether the tokens can name or describe a source (a noun, name, pronoun, number)."""
    return any(t.pos_ in SOURCE_POS or t.ent_type_ in NAMED_ENTS for t in tokens) and not (
        is_bare_cue(" ".join(t.text for t in tokens))
    )


def _content(verb: Any, exclude: set[int]) -> tuple[int, int] | None:
    for child in verb.children:
        if child.dep_ in {"ccomp", "xcomp"}:
            return _span(_subtree(child))
    # Quotation-style: "'…,' he said." Content is the sentence minus source and cue.
    rest = [t for t in verb.sent if t.i not in exclude and t.i != verb.i]
    before = [t for t in rest if t.i < verb.i]
    after = [t for t in rest if t.i > verb.i]
    side = after if len(after) >= len(before) else before
    return _span(side)


#: Recorded evidence that "shows" or "appears to show" something: a vague source.
MEDIA_EVIDENCE = {"footage", "video", "videos", "image", "images", "photo", "photos",
                  "photograph", "photographs", "picture", "pictures", "recording", "clip"}
_CHARGE = {"accuse", "blame", "deny", "admit", "criticize", "criticise", "condemn", "charge",
           "suspect", "credit", "praise", "warn", "confirm", "report"}
_SHOW = {"show", "appear", "seem", "suggest", "indicate", "confirm", "reveal", "depict"}


def _frame(verb: Any, kind: str, src_toks: Sequence[Any] = ()) -> str:
    deps = {c.dep_ for c in verb.children}
    if "ccomp" in deps:
        return "clause"
    # "accused each other of shelling the plant": a gerund clause under a preposition, for
    # speech acts only ("insists on targeting" is conduct, not a report).
    if verb.lemma_.lower() in _CHARGE and (
        "pcomp" in deps
        or any(g.dep_ == "pcomp" for c in verb.children if c.dep_ == "prep" for g in c.children)
    ):
        return "clause"
    if verb.lemma_.lower() in _SHOW and any(t.lower_ in MEDIA_EVIDENCE for t in src_toks):
        return "clause"
    if kind == "self" and verb.lemma_.lower() in SELF_WITNESS:
        return "witness"
    # "“…,” the central bank announced." The quoted clause before the cue hangs on it.
    if any(c.i < verb.i and c.dep_ in {"parataxis", "dep"} and c.pos_ in {"VERB", "AUX"}
           for c in verb.children):
        return "quote"
    return "other"


def sentence_attributions(sent: Any) -> list[Attribution]:
    """All attributions whose cue lies in the spaCy sentence ``sent``."""
    lex = cue_lexicon()
    out: list[Attribution] = []
    for tok in sent:
        lemma = tok.lemma_.lower()
        if (lemma == "accord" and tok.dep_ == "prep") or tok.lower_ == "according":
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
            if pobj is None:
                continue
            src_toks = _subtree(pobj)
            src = _span(src_toks)
            excl = {t.i for t in _subtree(tok)}
            rest = [t for t in sent if t.i not in excl]
            out.append(
                Attribution(
                    classify_source(src_toks),
                    (tok.idx, to.idx + len(to.text)),
                    src,
                    _span(rest),
                    "according",
                )
            )
        elif tok.pos_ == "NOUN" and lemma in NOUN_CUES and tok.dep_ in NOUN_CUE_DEPS:
            # "There have been reports of …", "Reports of …": the reports are the source.
            if tok.dep_ == "nsubj" and _is_cue(tok.head, lex):
                continue  # handled as the subject of the verb cue
            content = next(
                (c for c in tok.children
                 if c.dep_ in {"acl", "ccomp"}
                 or (c.dep_ == "prep" and c.lower_ in NOUN_CUE_CONTENT_PREPS)),
                None,
            )  # fmt: skip
            if content is None or any(c.lower_ == "no" for c in tok.children):
                # A topic, not a report ("Mueller sent his report to Barr"), or the author
                # saying there is none ("there is no evidence of …").
                continue
            # "X's claim", "the claim, made by X, …", "a report from X"
            owner = next((c for c in tok.children if c.dep_ == "poss"), None)
            for acl in (c for c in tok.children if c.dep_ == "acl"):
                for agent in (c for c in acl.children if c.dep_ == "agent"):
                    owner = next((c for c in agent.children if c.dep_ == "pobj"), owner)
            for prep in (c for c in tok.children if c.lower_ in NOUN_CUE_OWNER_PREPS):
                owner = next((c for c in prep.children if c.dep_ == "pobj"), owner)
            if owner is not None:
                src_toks, kind = _subtree(owner), classify_source(_subtree(owner))
            else:
                # The noun with its own modifiers is the source: "a new report", "reports".
                src_toks = [tok] + [
                    t for t in tok.lefts if t.dep_ in {"det", "amod", "compound", "nummod"}
                ]
                kind = "vague"
            out.append(
                Attribution(
                    kind,
                    (tok.idx, tok.idx + len(tok.text)),
                    _span(src_toks),
                    _span(_subtree(content)) if content is not None else None,
                    "noun",
                )
            )
        elif _is_cue(tok, lex):
            subj = _subject(tok)
            if subj is not None and (lemma, subj.lower_) in IDIOM_SUBJECTS:
                continue  # "All told, …"
            if (
                subj is None
                and tok.dep_ == "ROOT"
                and tok.tag_ == "VB"
                and not any(c.dep_ in {"aux", "auxpass"} for c in tok.children)
            ):
                continue  # an imperative ("Read more", "Share this story") reports nothing
            modal = _misparsed_modal(tok) if subj is None else None
            passive = subj is not None and subj.dep_ == "nsubjpass"
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            if agent is not None:
                pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                src_toks = _subtree(pobj) if pobj is not None else []
            elif modal is not None:
                src_toks = [modal]
            elif subj is not None and not passive and subj.dep_ != "csubj":
                src_toks = _subtree(subj)
            elif subj is None:
                src_toks = _implicit_source(tok)
            else:
                src_toks = []
            # Expletive "it" ("it is said that …") names no source; nor does a fragment
            # made of the cue's own words.
            if len(src_toks) == 1 and src_toks[0].dep_ == "expl":
                src_toks = []
            if src_toks and not _names_someone(src_toks):
                src_toks = []
            cue = _cue_span(tok, skip=modal)
            referent = _antecedent(subj, tok) if subj is not None and src_toks else None
            kind = classify_source(referent or src_toks, passive=not src_toks)
            excl = {t.i for t in src_toks} | {tok.i}
            src = _span(src_toks)
            if src is None:
                kind = "vague"
            frame = _frame(tok, kind, src_toks)
            if frame == "other" and lex.get((lemma, tok.pos_), 0.0) < OTHER_MIN_SHARE:
                # Without a clause, a weak cue ("support", "release", "continue") is
                # usually an ordinary verb: on PolNeAR dev these were 56 % false cues.
                continue
            content = _content(tok, excl)
            out.append(Attribution(kind, cue, src, content, frame, _span(referent or [])))
    return out


def _cue_span(verb: Any, skip: Any = None) -> tuple[int, int]:
    """The verb with its auxiliaries, negation and particles ("has been reported")."""
    toks = [verb] + [
        c for c in verb.children
        if c.dep_ in {"aux", "auxpass", "neg", "prt"} and c.i < verb.i + 2 and c is not skip
    ]  # fmt: skip
    toks = [t for t in toks if abs(t.i - verb.i) <= 3]
    first = min(toks, key=lambda t: t.i)
    last = max(toks, key=lambda t: t.i)
    return first.idx, last.idx + len(last.text)


def doc_attributions(doc: Any) -> list[Attribution]:
    """Attributions of every sentence of a spaCy ``Doc``."""
    out: list[Attribution] = []
    for sent in doc.sents:
        out.extend(sentence_attributions(sent))
    return out


def claim_attribution(sent: Any, start: int, end: int, text: str, offset: int) -> dict[str, Any]:
    """The attribution for a claim spanning ``start:end`` of the parsed text: the cue whose
    content covers most of the claim; a self-testimony or vague source wins ties."""
    best: tuple[int, Attribution] | None = None
    for attr in sentence_attributions(sent):
        if attr.frame == "other":
            continue
        a, b = attr.content or attr.cue
        cover = max(0, min(b, end) - max(a, start))
        if attr.cue[0] >= start and attr.cue[1] <= end:
            cover += 1  # the cue itself sits in the claim
        if cover > 0 and (best is None or cover > best[0]):
            best = (cover, attr)
    if best is None:
        return dict(NONE)
    attr = best[1]
    if attr.source is None:
        # An agentless cue ("it is reported") is vague, and names no one: the cue itself
        # is not a source.
        return {"kind": "vague", "source": None, "start": None, "end": None}
    return attr.as_dict(text, offset)


def attribute(text: str) -> dict[str, Any]:
    """The attribution of a whole sentence or passage (parses ``text`` with spaCy)."""
    from spinscope.models.parse import parse_text

    doc = parse_text(text)
    best = dict(NONE)
    for sent in doc.sents:
        found = claim_attribution(sent, sent.start_char, sent.end_char, text, 0)
        if found["kind"] != "none":
            return found
    return best


def is_testimony(sent: Any) -> bool:
    """True when the author reports, in the first person, what they saw or heard."""
    return any(a.frame == "witness" for a in sentence_attributions(sent))
