"""The analyzer protocol and the registry of layers.

An analyzer reads a Document and adds spans to the layer(s) it ``provides``. It must
skip boilerplate (use ``doc.content_ranges()``), add spans only through
``doc.add_span`` (offsets are checked), call ``doc.start_layer`` even when it finds
nothing, and append its :class:`~spinscope.document.Provenance`.

Built-in analyzers are listed in :data:`BUILTIN` as import paths so that
``import spinscope`` stays fast; third parties register factories through the
entry-point group ``spinscope.analyzers`` (name = layer, value = ``module:factory``).
"""

from __future__ import annotations

import bisect
import importlib
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from spinscope.config import Settings
from spinscope.document import Document, Provenance
from spinscope.errors import ConfigError, ModelError

if TYPE_CHECKING:
    from spinscope.language.identify import Guess

ENTRY_POINT_GROUP = "spinscope.analyzers"
T = TypeVar("T")

#: layer name -> "module:callable" taking Settings and returning an Analyzer.
BUILTIN: dict[str, str] = {
    "boilerplate": "spinscope.analyzers.boilerplate:BoilerplateAnalyzer",
    "techniques": "spinscope.analyzers.techniques:TechniquesAnalyzer",
    "claims": "spinscope.analyzers.claims:ClaimsAnalyzer",
    "entities": "spinscope.analyzers.entities:EntitiesAnalyzer",
    "events": "spinscope.analyzers.events:EventsAnalyzer",
    "wording": "spinscope.analyzers.wording:WordingAnalyzer",
    "narratives": "spinscope.analyzers.narratives:NarrativesAnalyzer",
}

#: One line per layer, shown by ``spinscope layers`` and ``analyze --help``.
DESCRIPTIONS: dict[str, str] = {
    "boilerplate": "lines that are not the article: contact, follow/subscribe, share, "
    "copyright, read-more, newsletter and donation prompts",
    "techniques": "spans using one of the 23 SemEval-2023 persuasion techniques (or PTC's 14), "
    "with a calibrated score; any language, measured on en fr de it pl ru",
    "claims": "check-worthy factual sentences with a checkworthiness score and who is cited "
    "for each (named, vague, the author's own testimony, or nobody); en, ru, uk",
    "entities": "people, organisations, places (normalised names, spelling variant, "
    "coordinates), dates, nationalities, weapons; en (ru, uk: people, organisations, places)",
    "events": "reported physical events, not figures of speech: who did what to whom, where "
    "and when (ACLED-like types), with casualties; en",
    "wording": "word choices that follow Russian or Ukrainian official usage (Kiev/Kyiv, "
    "на/в Украине, 'special military operation', 'Kiev regime'), en/ru/uk, with sources",
    "narratives": "claims that repeat an entry of a catalog of known (debunked) claims, across "
    "languages, with a calibrated probability (needs --catalog or a built default index)",
}


@runtime_checkable
class Analyzer(Protocol):
    name: str
    version: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]

    def __call__(self, doc: Document) -> None: ...

    def pipe(self, docs: Sequence[Document], batch_size: int = 8) -> None: ...


class BaseAnalyzer:
    """Convenience base: ``pipe`` loops over ``__call__``; subclasses batch when it pays."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "0"
    requires: ClassVar[tuple[str, ...]] = ()
    provides: ClassVar[tuple[str, ...]] = ()
    #: Languages (ISO 639-1) the layer reads; ``None``: any. A document in another language
    #: gets no layer (absent, not empty) and a note, unless ``any_language`` is set and the
    #: text is in the Latin script (rules over English text make no sense over Cyrillic).
    languages: ClassVar[frozenset[str] | None] = None
    #: Model identifier and measured metrics, recorded in each document's provenance.
    model: ClassVar[str | None] = None
    metrics: ClassVar[dict[str, Any]] = {}

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    def __call__(self, doc: Document) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def pipe(self, docs: Sequence[Document], batch_size: int = 8) -> None:
        for doc in docs:
            self(doc)

    def reads(self, doc: Document) -> bool:
        """Whether this layer reads ``doc`` (what :meth:`readable` keeps, without notes).

        A guess made with low confidence on Latin-script text counts as English ("Drones
        hit Kursk." reads as Norwegian), so short English texts are still read."""
        if self.languages is None:
            return True
        guess = language_of(doc)
        if guess.code in self.languages:
            return True
        if guess.script == "latin" and "en" in self.languages and not guess.reliable:
            return True
        return guess.script == "latin" and bool(self.settings.any_language)

    def readable(self, docs: Sequence[Document]) -> list[Document]:
        """The documents in a language this layer reads (:meth:`reads`); the others get a
        note, as do those read only because ``any_language`` is set."""
        if self.languages is None:
            return list(docs)
        out = []
        reads = "/".join(sorted(self.languages))
        for doc in docs:
            guess = language_of(doc)
            if self.reads(doc):
                out.append(doc)
                if guess.code in self.languages or guess.script != "latin" or (
                    "en" in self.languages and not guess.reliable
                ):
                    continue
                note = (f"{self.name}: run on {guess.code!r} text although it reads {reads} "
                        "(any_language): unmeasured")  # fmt: skip
            else:
                note = (f"{self.name}: not computed, the text is in {guess.code!r} and this "
                        f"layer reads {reads} only")  # fmt: skip
            if note not in doc.meta.warnings:
                doc.meta.warnings.append(note)
        return out

    def parses(self, docs: Sequence[Document]) -> list[Document]:
        """The documents of ``docs`` whose shared spaCy parse (spinscope.models.parse) this
        layer will ask for; the pipeline parses them ahead, beside the layers before it.
        None by default; a layer that parses says which, or the parse just waits for it."""
        return []

    def provenance(self) -> Provenance:
        return Provenance(
            analyzer=self.name, version=self.version, model=self.model, metrics=dict(self.metrics)
        )

    def reset(self, docs: Sequence[Document]) -> None:
        """Drop this analyzer's layers from ``docs``: running again replaces, never duplicates."""
        for doc in docs:
            for layer in self.provides:
                doc.spans.pop(layer, None)

    def record(self, doc: Document) -> None:
        """Mark this analyzer's layers as computed and add its provenance to ``doc``."""
        for layer in self.provides:
            doc.start_layer(layer)
        doc.provenance = [p for p in doc.provenance if p.analyzer != self.name]
        doc.provenance.append(self.provenance())


def language_of(doc: Document) -> Guess:
    """The language of ``doc``: what ingest found (``meta.language`` with its confidence),
    else identified now (also for documents stored before the confidence was recorded)."""
    from spinscope.language.identify import Guess, identify, script_of

    if doc.meta.language and doc.meta.language_confidence is not None:
        script = script_of(doc.text[:5000])
        return Guess(doc.meta.language, doc.meta.language_confidence, script)
    return identify(doc.text)


class SpanIndex(Generic[T]):
    """Items with character extents (spans, content ranges, spaCy entities) found by
    position with a binary search, so that per-sentence or per-mention lookups do not scan
    every item of a long document. Answers keep the items' original order, like the loops
    over lists they replace. Fast when the extents are disjoint (the usual case); exact
    for any extents."""

    def __init__(self, items: Iterable[T], extent: Callable[[T], tuple[int, int]]) -> None:
        listed = list(items)
        order = sorted(range(len(listed)), key=lambda i: extent(listed[i])[0])
        self._items = [(i, listed[i], *extent(listed[i])) for i in order]
        self._starts = [start for _, _, start, _ in self._items]
        self._reach: list[int] = []  # the largest end among items up to here
        for _, _, _, end in self._items:
            self._reach.append(max(end, self._reach[-1]) if self._reach else end)

    def _before(self, pos: int, reach_above: int) -> list[tuple[int, T, int, int]]:
        """Items that start at or before ``pos`` and might end after ``reach_above``."""
        out = []
        k = bisect.bisect_right(self._starts, pos) - 1
        while k >= 0 and self._reach[k] > reach_above:
            out.append(self._items[k])
            k -= 1
        return out

    def containing(self, pos: int) -> T | None:
        """The first item (in original order) with ``start <= pos < end``."""
        hits = [x for x in self._before(pos, pos) if x[3] > pos]
        return min(hits, key=lambda x: x[0])[1] if hits else None

    def covers(self, start: int, end: int) -> bool:
        """True when one item holds all of ``start:end``."""
        return any(x[3] >= end for x in self._before(start, end - 1))

    def overlapping(self, start: int, end: int) -> list[T]:
        """Items that share a character with ``start:end``, in original order."""
        hits = [x for x in self._before(end - 1, start) if x[3] > start and x[2] < end]
        return [x[1] for x in sorted(hits, key=lambda x: x[0])]

    def starting_in(self, lo: int, hi: int) -> list[T]:
        """Items that start in ``lo:hi``, in original order."""
        a = bisect.bisect_left(self._starts, lo)
        b = bisect.bisect_left(self._starts, hi)
        return [x[1] for x in sorted(self._items[a:b], key=lambda x: x[0])]


def _entry_points() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available_layers() -> dict[str, str]:
    """Every layer that can be computed: name -> one-line description."""
    names = {**BUILTIN, **_entry_points()}
    return {name: DESCRIPTIONS.get(name, "third-party analyzer") for name in names}


def create(name: str, settings: Settings) -> Analyzer:
    """Instantiate the analyzer for layer ``name``."""
    target = {**BUILTIN, **_entry_points()}.get(name)
    if target is None:
        raise ConfigError(
            f"unknown layer {name!r}; available layers: {', '.join(available_layers())}"
        )
    module_name, _, attr = target.partition(":")
    try:
        factory: Callable[[Settings], Analyzer] = getattr(
            importlib.import_module(module_name), attr
        )
    except (ImportError, AttributeError) as err:
        raise ModelError(
            f"layer {name!r} is registered as {target} but cannot be loaded ({err}); "
            f"reinstall spinscope or leave the layer out with --layers"
        ) from None
    return factory(settings)
