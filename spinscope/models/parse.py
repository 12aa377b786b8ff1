"""One spaCy parse per Document, shared by every analyzer that needs it.

The entities, events, claims and attribution analyzers all read spaCy's dependency parse;
parsing an article takes most of their time, so the parse is cached here, keyed by the document id
and a hash of its text (the text never changes after ingest). The whole text is parsed
so that spaCy's character offsets are offsets into ``Document.text``; analyzers still
keep only what falls inside ``doc.content_ranges()``. Curly quotes and no-break spaces are
replaced one-for-one by ASCII before parsing (offsets unchanged), so a token's ``text`` may
show ``'`` where the document has ``’``: slice ``Document.text`` for what the article says.

The parse is the small English model's (tagger, parser, lemmas); its entities are the medium
model's NER (:func:`spinscope.models.spacy_ner`, measured better on real news: README "People,
organisations and places"), so every layer reads the same people, organisations and dates
and the small model's own NER is not run.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.models import spacy_ner, spacy_nlp

#: How many parsed documents are kept (a batch of articles, not a whole corpus).
_CACHE_SIZE = 64
_cache: OrderedDict[tuple[str, int, int], Any] = OrderedDict()
#: Documents being parsed ahead in a background thread (:func:`parse_ahead`), by cache key.
_pending: dict[tuple[str, int, int], threading.Event] = {}
#: Guards the cache and the pending set.
_state = threading.Lock()
#: One spaCy parse at a time: the pipelines share a vocabulary that is not thread-safe.
_spacy = threading.Lock()


def _mark_line_starts(sdoc: Any) -> Any:
    """Start a sentence after every line break.

    Articles arrive as lines (title, boilerplate, paragraphs); without this the parser can
    join a contact line and the next paragraph into one sentence. Done on our own copy of
    the tokens rather than as a component added to the shared pipeline, so that other
    users of ``spacy_nlp()`` see the same pipeline whatever ran before them.
    """
    for i in range(1, len(sdoc)):
        if "\n" in sdoc[i - 1].text or "\n" in sdoc[i - 1].whitespace_:
            sdoc[i].is_sent_start = True
    return sdoc


def _parse_texts(texts: list[str], batch_size: int) -> list[Any]:
    with _spacy:
        nlp = spacy_nlp()
        sdocs = [_mark_line_starts(nlp.make_doc(t)) for t in texts]
        for name, proc in nlp.pipeline:
            if name == "ner":  # replaced by the medium model's entities below
                continue
            if hasattr(proc, "pipe"):
                sdocs = list(proc.pipe(sdocs, batch_size=batch_size))
            else:
                sdocs = [proc(d) for d in sdocs]
        # The medium NER reads its own tokens (its tok2vec needs its own vocabulary's
        # vectors); its entities are mapped onto the small model's tokens by offsets.
        ners = spacy_ner().pipe(texts, batch_size=batch_size)
        for sdoc, ner in zip(sdocs, ners, strict=True):
            _set_entities(sdoc, ner)
    return sdocs


def parse_text(text: str) -> Any:
    """A parse of ``text`` alone (not cached, no sentence start at line breaks), with the
    same entities as :func:`parse_many`: for callers that parse pieces of a document."""
    with _spacy:
        nlp = spacy_nlp()
        sdoc = nlp(text, disable=["ner"])
        _set_entities(sdoc, spacy_ner()(text))
    return sdoc


#: Typographic characters the small English model parses badly ("Ukraine’s" is not read as
#: a possessive), each replaced by one ASCII character so that every offset stays valid.
_ASCII = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def _key(doc: Document) -> tuple[str, int, int]:
    return (doc.id, len(doc.text), hash(doc.text))


def _check_length(docs: Sequence[Document]) -> None:
    limit = spacy_nlp().max_length
    for doc in docs:
        if len(doc.text) > limit:
            # spaCy needs about 1 GB per 100,000 characters to parse; refuse clearly.
            raise InputError(
                doc.source,
                f"text of {len(doc.text):,} characters is too long to parse (limit "
                f"{limit:,}); split it or leave out the spaCy layers with --layers",
            )


def _parse_into_cache(docs: Sequence[Document], batch_size: int) -> None:
    texts = [d.text.translate(_ASCII) for d in docs]
    parsed = _parse_texts(texts, batch_size)
    with _state:
        for doc, sdoc in zip(docs, parsed, strict=True):
            _cache[_key(doc)] = sdoc


def parse_many(docs: Sequence[Document], batch_size: int = 8) -> list[Any]:
    """The spaCy ``Doc`` of each document (cached; uncached ones are parsed with ``nlp.pipe``;
    those being parsed ahead are waited for)."""
    with _state:
        waits = {_pending[k] for d in docs if (k := _key(d)) in _pending}
    for event in waits:
        event.wait()
    with _state:
        missing = list({_key(d): d for d in docs if _key(d) not in _cache}.values())
    if missing:
        _check_length(missing)
        _parse_into_cache(missing, batch_size)
    with _state:
        out = []
        for doc in docs:
            key = _key(doc)
            _cache.move_to_end(key)
            out.append(_cache[key])
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return out


def parse_ahead(docs: Sequence[Document], batch_size: int = 8) -> threading.Thread | None:
    """Start parsing ``docs`` in a background thread and return it (None when there is
    nothing to parse). spaCy works in C most of the time and lets the other thread run, so
    the parse of a batch overlaps the techniques encoder instead of following it.
    :func:`parse_many` waits for these documents; if the background parse fails (a text
    too long), it leaves them unparsed and the caller's own parse raises the error."""
    with _state:
        todo = [d for d in docs if _key(d) not in _cache and _key(d) not in _pending]
        todo = list({_key(d): d for d in todo}.values())
        if not todo or any(len(d.text) > spacy_nlp().max_length for d in todo):
            return None
        event = threading.Event()
        for doc in todo:
            _pending[_key(doc)] = event

    def run() -> None:
        try:
            with contextlib.suppress(Exception):  # the caller's own parse_many reports it
                _parse_into_cache(todo, batch_size)
        finally:
            with _state:
                for doc in todo:
                    _pending.pop(_key(doc), None)
            event.set()

    thread = threading.Thread(target=run, name="spinscope-parse-ahead", daemon=True)
    thread.start()
    return thread


def clear_cache() -> None:
    """Forget every parse (a benchmark's second pass must parse again)."""
    with _state:
        _cache.clear()


def parse(doc: Document) -> Any:
    """The spaCy ``Doc`` for ``doc.text`` (parsed once per document and cached)."""
    return parse_many([doc])[0]


#: Month names: the medium model reads "May" in "Theresa May" and "Mrs May" as a DATE.
_MONTHS = frozenset(("january", "february", "march", "april", "may", "june", "july", "august",
                     "september", "october", "november", "december"))  # fmt: skip
#: Titles before a surname: "Mrs May" is a person, whatever the medium model says.
_TITLES = frozenset(("mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.", "ms.", "dr.", "minister",
                     "president", "premier", "chancellor", "lady", "sir", "lord"))  # fmt: skip


#: Words before a month name that make it a date ("in May", "since May", "last May").
_BEFORE_DATE = frozenset(("in", "on", "since", "until", "till", "by", "from", "of", "last", "next",
                          "early", "late", "mid", "this", "through", "before", "after",
                          "during", "between", "and", "to", "-"))  # fmt: skip


def _set_entities(sdoc: Any, ner: Any) -> None:
    """Give ``sdoc`` (the small model's parse) the entities of ``ner`` (the medium model's
    reading of the same text), repairing people the medium model reads as months:
    "Theresa" PERSON + "May" (no day after it) is one person; a month name after a title
    ("Mrs May") is a PERSON with its title; and a lone month name that is not a date by its
    neighbours ("May said") is a PERSON where the article names that person in full
    ("Theresa May"), the model itself reads it as one elsewhere, or it is the subject of a
    verb ("May said")."""
    from spacy.util import filter_spans

    spans = [sdoc.char_span(e.start_char, e.end_char, e.label_, alignment_mode="expand")
             for e in ner.ents]  # fmt: skip
    spans = [s for s in spans if s is not None]
    for name in [s for s in spans if s.label_ == "PERSON" and s.end + 1 < len(sdoc)]:
        month, after = sdoc[name.end], sdoc[name.end + 1]
        if month.text.istitle() and month.lower_ in _MONTHS and not after.like_num:
            spans = [s for s in spans if s is not name and s.start != name.end]
            spans.append(sdoc[name.start : name.end + 1])
            spans[-1].label_ = "PERSON"
    person_months = {s[-1].lower_ for s in spans if s.label_ == "PERSON"} & _MONTHS
    for date in [s for s in spans if s.label_ == "DATE" and s.start > 0]:
        words = [t for t in date if t.lower_ not in ("'s", "'")]
        if len(words) != 1 or words[0].lower_ not in _MONTHS or not words[0].text.istitle():
            continue
        before, last = sdoc[date.start - 1], words[0].i
        after = sdoc[last + 1] if last + 1 < len(sdoc) else None
        if before.lower_ in _TITLES:
            person = sdoc.char_span(before.idx, words[0].idx + len(words[0]), "PERSON")
        elif ((words[0].lower_ in person_months or _subject_of_a_verb(words[0]))
              and before.lower_ not in _BEFORE_DATE and not before.like_num
              and not (after is not None and after.like_num)):  # fmt: skip
            person = sdoc[last : last + 1]
            person.label_ = "PERSON"
        else:
            continue
        spans = [s for s in spans if s is not date]
        spans.append(person)
    sdoc.ents = filter_spans(spans)


def _subject_of_a_verb(token: Any) -> bool:
    """"May" in "May refused": a month name does not refuse, say or argue. A capitalised
    "May" inside a sentence that the small model tags as the modal ("…," May said) is one too."""
    if token.tag_ == "MD":
        return not token.is_sent_start
    return token.dep_ in ("nsubj", "nsubjpass") and token.head.pos_ == "VERB"
