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
from functools import lru_cache
from typing import Any

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.models import spacy_nlp

#: How many parsed documents are kept (a batch of articles, not a whole corpus).
_CACHE_SIZE = 64
_cache: OrderedDict[tuple[str, int, int], Any] = OrderedDict()


@lru_cache(maxsize=1)
def _newline_component() -> str:
    """Register a spaCy component that starts a sentence after every line break.

    Articles arrive as lines (title, boilerplate, paragraphs); without this the parser
    can join a contact line and the next paragraph into one sentence.
    """
    from spacy.language import Language

    name = "spinscope_newline_sentences"
    if not Language.has_factory(name):

        @Language.component(name)
        def newline_sentences(sdoc: Any) -> Any:
            for i in range(1, len(sdoc)):
                if "\n" in sdoc[i - 1].text or "\n" in sdoc[i - 1].whitespace_:
                    sdoc[i].is_sent_start = True
            return sdoc

    return name


def _nlp() -> Any:
    nlp = spacy_nlp()
    name = _newline_component()
    if name not in nlp.pipe_names:
        nlp.add_pipe(name, before="parser")
    return nlp


#: Typographic characters the small English model parses badly ("Ukraine’s" is not read as
#: a possessive), each replaced by one ASCII character so that every offset stays valid.
_ASCII = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def _key(doc: Document) -> tuple[str, int, int]:
    return (doc.id, len(doc.text), hash(doc.text))


def parse_many(docs: Sequence[Document], batch_size: int = 8) -> list[Any]:
    """The spaCy ``Doc`` of each document (cached; uncached ones are parsed with ``nlp.pipe``)."""
    missing = [d for d in docs if _key(d) not in _cache]
    if missing:
        nlp = _nlp()
        for doc in missing:
            if len(doc.text) > nlp.max_length:
                # spaCy needs about 1 GB per 100,000 characters to parse; refuse clearly.
                raise InputError(
                    doc.source,
                    f"text of {len(doc.text):,} characters is too long to parse (limit "
                    f"{nlp.max_length:,}); split it or leave out the spaCy layers with --layers",
                )
        for doc, parsed in zip(
            missing,
            nlp.pipe((d.text.translate(_ASCII) for d in missing), batch_size=batch_size),
            strict=True,
        ):
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
