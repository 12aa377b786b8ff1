"""One spaCy parse per Document, shared by every analyzer that needs it.

The entities, events and claims analyzers all read spaCy's dependency parse; parsing an
article takes most of their time, so the parse is cached here, keyed by the document id
and a hash of its text (the text never changes after ingest). The whole text is parsed
so that spaCy's character offsets are offsets into ``Document.text``; analyzers still
keep only what falls inside ``doc.content_ranges()``. Curly quotes and no-break spaces are
replaced one-for-one by ASCII before parsing (offsets unchanged), so a token's ``text`` may
show ``'`` where the document has ``’``: slice ``Document.text`` for what the article says.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.models import spacy_ner, spacy_nlp

#: How many parsed documents are kept (a batch of articles, not a whole corpus).
_CACHE_SIZE = 64
_cache: OrderedDict[tuple[str, int, int], Any] = OrderedDict()


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
    nlp = spacy_nlp()
    sdocs = [_mark_line_starts(nlp.make_doc(t)) for t in texts]
    for _, proc in nlp.pipeline:
        if hasattr(proc, "pipe"):
            sdocs = list(proc.pipe(sdocs, batch_size=batch_size))
        else:
            sdocs = [proc(d) for d in sdocs]
    return sdocs


#: Typographic characters the small English model parses badly ("Ukraine’s" is not read as
#: a possessive), each replaced by one ASCII character so that every offset stays valid.
_ASCII = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def _key(doc: Document) -> tuple[str, int, int]:
    return (doc.id, len(doc.text), hash(doc.text))


def parse_many(docs: Sequence[Document], batch_size: int = 8) -> list[Any]:
    """The spaCy ``Doc`` of each document (cached; uncached ones are parsed with ``nlp.pipe``)."""
    missing = [d for d in docs if _key(d) not in _cache]
    if missing:
        limit = spacy_nlp().max_length
        for doc in missing:
            if len(doc.text) > limit:
                # spaCy needs about 1 GB per 100,000 characters to parse; refuse clearly.
                raise InputError(
                    doc.source,
                    f"text of {len(doc.text):,} characters is too long to parse (limit "
                    f"{limit:,}); split it or leave out the spaCy layers with --layers",
                )
        texts = [d.text.translate(_ASCII) for d in missing]
        for doc, parsed in zip(missing, _parse_texts(texts, batch_size), strict=True):
            _cache[_key(doc)] = parsed
    out = []
    for doc in docs:
        key = _key(doc)
        _cache.move_to_end(key)
        out.append(_cache[key])
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return out


def parse(doc: Document) -> Any:
    """The spaCy ``Doc`` for ``doc.text`` (parsed once per document and cached)."""
    return parse_many([doc])[0]


#: Month names: the medium model reads "May" in "Theresa May" and "Mrs May" as a DATE.
_MONTHS = frozenset(("january", "february", "march", "april", "may", "june", "july", "august",
                     "september", "october", "november", "december"))  # fmt: skip


def with_ner(docs: Sequence[Document], parsed: Sequence[Any], batch_size: int = 8) -> list[Any]:
    """Copies of the parses ``parsed`` of ``docs`` whose entities are those of the medium
    model's NER (:func:`spinscope.models.spacy_ner`); the shared parses stay as they are, so
    claims and events keep the small model's entities their rules were tuned on.

    One exception: where the small model reads a PERSON and the medium one a lone month
    name inside it ("Theresa May": PERSON "Theresa" + DATE "May") or cuts off its last word,
    a month name ("Theresa"), the PERSON is kept."""
    from spacy.util import filter_spans

    texts = [d.text.translate(_ASCII) for d in docs]
    out = []
    for sdoc, ner in zip(parsed, spacy_ner().pipe(texts, batch_size=batch_size), strict=True):
        copy = sdoc.copy()
        spans = [copy.char_span(e.start_char, e.end_char, e.label_, alignment_mode="expand")
                 for e in ner.ents]  # fmt: skip
        spans = [s for s in spans if s is not None]
        for person in (e for e in sdoc.ents if e.label_ == "PERSON"):
            inside = [s for s in spans if s.start < person.end and person.start < s.end]
            months = (s for s in inside if s.label_ == "DATE")
            cut = person[-1].lower_ in _MONTHS and all(s.label_ == "PERSON" for s in inside)
            if cut or any(s.text.lower().removesuffix("'s") in _MONTHS for s in months):
                spans = [s for s in spans if s not in inside]
                spans.append(copy.char_span(person.start_char, person.end_char, "PERSON"))
        for name in [s for s in spans if s.label_ == "PERSON" and s.end + 1 < len(copy)]:
            month, after = copy[name.end], copy[name.end + 1]
            if month.text.istitle() and month.lower_ in _MONTHS and not after.like_num:
                # "Theresa" PERSON + "May" (no day after it): one name
                spans = [s for s in spans if s is not name and s.start != name.end]
                spans.append(copy[name.start : name.end + 1])
                spans[-1].label_ = "PERSON"
        copy.ents = filter_spans(spans)
        out.append(copy)
    return out
