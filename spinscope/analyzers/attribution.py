"""Attribution: who is cited for a statement (Source), by which words (Cue), and what (Content).

A rule system over spaCy's dependency parse, with a cue lexicon learned from PolNeAR train
(``spinscope/models/attribution/cues.tsv``): a verb whose lemma is a frequent cue ("say",
"report", "indicate", "suggest", …) makes an attribution; its source is the subject's
subtree (or the agent of a passive, or the object of "according to") and its content is its
clausal complement, or else the rest of the sentence. The source is then classed as
``named`` (a person, organisation or a definite office), ``vague`` ("reports", "evidence",
"experts", an agentless passive), or ``self`` (the author: "I", "we"). Claims with no
attribution get ``none``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spinscope.models.attribution import cue_lexicon

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

    def as_dict(self, text: str, offset: int = 0) -> dict[str, Any]:
        """The contract's ``attribution`` object (offsets shifted by ``offset``)."""
        if self.source is None:
            return {"kind": self.kind, "source": None, "start": None, "end": None}
        a, b = self.source
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
            # "X's claim", or "the claim, made by X, …"
            owner = next((c for c in tok.children if c.dep_ == "poss"), None)
            for acl in (c for c in tok.children if c.dep_ == "acl"):
                for agent in (c for c in acl.children if c.dep_ == "agent"):
                    owner = next((c for c in agent.children if c.dep_ == "pobj"), owner)
            src_toks = _subtree(owner) if owner is not None else [tok]
            kind = classify_source(src_toks) if owner is not None else "vague"
            content = next((c for c in tok.children if c.dep_ in {"prep", "acl", "ccomp"}), None)
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
            passive = subj is not None and subj.dep_ == "nsubjpass"
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            if agent is not None:
                pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                src_toks = _subtree(pobj) if pobj is not None else []
            elif subj is not None and not passive and subj.dep_ != "csubj":
                src_toks = _subtree(subj)
            else:
                src_toks = []
            # Expletive "it" ("it is said that …") names no source.
            if len(src_toks) == 1 and src_toks[0].dep_ == "expl":
                src_toks = []
            cue = _cue_span(tok)
            kind = classify_source(src_toks, passive=not src_toks)
            excl = {t.i for t in src_toks} | {tok.i}
            src = _span(src_toks)
            if src is None:
                kind = "vague"
            frame = _frame(tok, kind, src_toks)
            if frame == "other" and lex.get((lemma, tok.pos_), 0.0) < OTHER_MIN_SHARE:
                # Without a clause, a weak cue ("support", "release", "continue") is
                # usually an ordinary verb: on PolNeAR dev these were 56 % false cues.
                continue
            out.append(Attribution(kind, cue, src, _content(tok, excl), frame))
    return out


def _cue_span(verb: Any) -> tuple[int, int]:
    """The verb with its auxiliaries, negation and particles ("has been reported")."""
    toks = [verb] + [
        c for c in verb.children if c.dep_ in {"aux", "auxpass", "neg", "prt"} and c.i < verb.i + 2
    ]
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
        # An agentless cue ("it is reported") is vague; point at the cue as the source.
        return {
            "kind": "vague",
            "source": text[attr.cue[0] : attr.cue[1]],
            "start": attr.cue[0] + offset,
            "end": attr.cue[1] + offset,
        }
    return attr.as_dict(text, offset)


def attribute(text: str) -> dict[str, Any]:
    """The attribution of a whole sentence or passage (parses ``text`` with spaCy)."""
    from spinscope.models import spacy_nlp

    doc = spacy_nlp()(text)
    best = dict(NONE)
    for sent in doc.sents:
        found = claim_attribution(sent, sent.start_char, sent.end_char, text, 0)
        if found["kind"] != "none":
            return found
    return best


def is_testimony(sent: Any) -> bool:
    """True when the author reports, in the first person, what they saw or heard."""
    return any(a.frame == "witness" for a in sentence_attributions(sent))
