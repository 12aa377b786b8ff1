"""The ``wording`` layer: word choices that follow Russian or Ukrainian official usage.

Matches the versioned lexicon of :mod:`spinscope.language.wording` in the article's content
(boilerplate lines excluded), in English, Russian and Ukrainian text. Each item: ``concept``
(``kyiv``, ``ukraine_preposition``, ``war_naming``, ``label_ukrainian_government`` …),
``convention`` (``russian_official`` or ``ukrainian_official``), ``entry`` (the lexicon
id), ``technique`` (for labels such as "Kiev regime", else ``None``) and ``source`` (where
the convention is documented).

Document summary ``wording_convention``: ``russian_official`` or ``ukrainian_official`` when
at least 80% of the hits follow it, ``mixed`` otherwise, ``undetermined`` with no hit; the
counts, the lexicon version and the evidence (each written form with its count).

This is a signal of the conventions a text follows, not a verdict on its author: Ukrainian
media quote Russian officials, and "на Украине" was the Russian norm long before 2014.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from spinscope.analyzers.base import BaseAnalyzer, language_of
from spinscope.document import Document
from spinscope.language import wording


class WordingAnalyzer(BaseAnalyzer):
    name: ClassVar[str] = "wording"
    version: ClassVar[str] = f"1.0.0+lexicon{wording.version()}"
    requires: ClassVar[tuple[str, ...]] = ("boilerplate",)
    provides: ClassVar[tuple[str, ...]] = ("wording",)
    languages: ClassVar[frozenset[str] | None] = wording.LANGUAGES
    model: ClassVar[str | None] = "spinscope/wording-lexicon"
    metrics: ClassVar[dict[str, Any]] = {
        "SemEval-2023 ru train+val (real news; label entries vs Name_Calling gold)": {
            "label_hits": 33,
            "share_inside_gold_span_of_same_technique": 0.364,
        },
    }

    def __call__(self, doc: Document) -> None:
        self.pipe([doc])

    def pipe(self, docs: Sequence[Document], batch_size: int = 8) -> None:
        self.reset(docs)
        for doc in self.readable(docs):
            lang = language_of(doc).code
            found: list[tuple[str, wording.Hit]] = []
            for a, b in doc.content_ranges():
                for hit in wording.find(doc.text, lang, a, b):
                    e = hit.entry
                    doc.add_span("wording", hit.start, hit.end, e.concept, None,
                                 convention=e.convention, entry=e.id, technique=e.technique,
                                 source=e.source)  # fmt: skip
                    found.append((doc.text[hit.start : hit.end], hit))
            doc.meta.summary["wording_convention"] = wording.convention(found)
            self.record(doc)
