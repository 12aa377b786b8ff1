"""Builds analyzers from settings, orders them by requires/provides, and runs them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from spinscope.analyzers.base import Analyzer, BaseAnalyzer, available_layers, create
from spinscope.config import Settings
from spinscope.document import Document
from spinscope.errors import ConfigError, SpinscopeError, printable


class AnalyzerError(SpinscopeError):
    """An analyzer failed on one document. Reported for that document; the batch goes on."""

    def __init__(self, analyzer: str, doc_id: str, err: Exception) -> None:
        super().__init__(
            printable(f"{doc_id}: analyzer {analyzer!r} failed: {type(err).__name__}: {err}")
        )


class Pipeline:
    """An ordered list of analyzers; ``run`` applies them to documents in place."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        wanted = self.settings.layers or list(available_layers())
        self.analyzers: list[Analyzer] = _build(wanted, self.settings)

    @property
    def layers(self) -> list[str]:
        return [layer for a in self.analyzers for layer in a.provides]

    @contextmanager
    def options(self, **values: Any) -> Iterator[Pipeline]:
        """Run with some settings changed (e.g. ``any_language`` asked for by one API request);
        the analyzers share this pipeline's Settings, so they see the change. Not for
        concurrent use: the server's analyses run one at a time."""
        old = {k: getattr(self.settings, k) for k in values}
        for key, value in values.items():
            setattr(self.settings, key, value)
        try:
            yield self
        finally:
            for key, value in old.items():
                setattr(self.settings, key, value)

    def run(self, doc: Document | str) -> Document:
        """Analyze ``doc`` in place and return it; a string is taken as article text (plain
        or HTML) and made into a Document first."""
        if isinstance(doc, str):
            from spinscope.ingest.sources import from_text

            doc = from_text(doc, self.settings)
        self.run_many([doc])
        return doc

    def run_many(self, docs: Sequence[Document]) -> list[Document]:
        """Run every analyzer over ``docs`` (batched). Raises AnalyzerError on a failure.

        The spaCy parse that later layers share is started in a background thread as soon
        as boilerplate has marked the content, so it runs beside the techniques encoder
        (:func:`spinscope.models.parse.parse_ahead`); results are the same either way."""
        ahead = None
        try:
            for i, analyzer in enumerate(self.analyzers):
                if ahead is None and self._parse_ahead_before(i):
                    from spinscope.models.parse import parse_ahead

                    later = self.analyzers[i:]
                    wanted = {id(d): d for a in later for d in docs_to_parse(a, docs)}
                    ahead = parse_ahead(list(wanted.values()), self.settings.batch_size) or False
                try:
                    analyzer.pipe(docs, batch_size=self.settings.batch_size)
                except SpinscopeError:
                    raise
                except Exception as err:  # an analyzer bug: name it, never swallow it
                    raise AnalyzerError(analyzer.name, ",".join(d.id for d in docs), err) from err
        finally:
            if ahead:
                ahead.join()  # never leave a parse running into the next batch
        for doc in docs:
            doc.sort_layers()
        return list(docs)

    def _parse_ahead_before(self, i: int) -> bool:
        """Whether to start the shared parse before analyzer ``i``: boilerplate (which the
        language guess and the content ranges come from) has run, ``i`` does not parse, and
        a later analyzer does."""
        done = {layer for a in self.analyzers[:i] for layer in a.provides}
        if "boilerplate" not in done and any("boilerplate" in a.provides for a in self.analyzers):
            return False
        later = self.analyzers[i + 1 :]
        return not uses_shared_parse(self.analyzers[i]) and any(map(uses_shared_parse, later))


def uses_shared_parse(analyzer: Analyzer) -> bool:
    """Whether ``analyzer`` says which documents it parses (BaseAnalyzer.parses overridden)."""
    method = getattr(type(analyzer), "parses", None)
    return method is not None and method is not BaseAnalyzer.parses


def docs_to_parse(analyzer: Analyzer, docs: Sequence[Document]) -> list[Document]:
    """The documents of ``docs`` whose shared parse ``analyzer`` will ask for."""
    return analyzer.parses(docs) if uses_shared_parse(analyzer) else []  # type: ignore[attr-defined]


def _build(wanted: list[str], settings: Settings) -> list[Analyzer]:
    """Create analyzers for ``wanted`` plus what they require, in dependency order."""
    known = available_layers()
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ConfigError(f"unknown layer(s) {', '.join(unknown)}; available: {', '.join(known)}")
    built: dict[str, Analyzer] = {}
    order: list[Analyzer] = []

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in built:
            return
        if name in chain:
            raise ConfigError(f"analyzers require each other in a cycle: {' -> '.join(chain)}")
        analyzer = create(name, settings)
        for req in analyzer.requires:
            if req not in known:
                raise ConfigError(f"layer {name!r} requires {req!r}, which no analyzer provides")
            visit(req, (*chain, name))
        for layer in analyzer.provides:
            built[layer] = analyzer
        built[name] = analyzer
        order.append(analyzer)

    for name in wanted:
        visit(name, ())
    return order


def load_pipeline(settings: Settings | None = None, layers: list[str] | None = None) -> Pipeline:
    """A ready pipeline. ``layers`` (if given) overrides ``settings.layers``."""
    settings = settings or Settings()
    if layers is not None:
        settings = settings.merged(layers=layers)
    return Pipeline(settings)
