"""Builds analyzers from settings, orders them by requires/provides, and runs them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from spinscope.analyzers.base import Analyzer, available_layers, create
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
        """Run every analyzer over ``docs`` (batched). Raises AnalyzerError on a failure."""
        for analyzer in self.analyzers:
            try:
                analyzer.pipe(docs, batch_size=self.settings.batch_size)
            except SpinscopeError:
                raise
            except Exception as err:  # an analyzer bug: name it, never swallow it
                raise AnalyzerError(analyzer.name, ",".join(d.id for d in docs), err) from err
        for doc in docs:
            doc.sort_layers()
        return list(docs)


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
