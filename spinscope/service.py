"""ingest -> analyze (-> store): the one path shared by the CLI, the API and batch runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spinscope.config import Settings, load_settings
from spinscope.document import Document
from spinscope.errors import InputError, SpinscopeError
from spinscope.ingest.sources import Source, expand, from_text, load
from spinscope.ingest.url import is_url
from spinscope.pipeline import Pipeline, load_pipeline


@dataclass
class Outcome:
    """The result for one input: a Document, or the error that stopped it."""

    source: str
    document: Document | None = None
    error: SpinscopeError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def plan(args: list[str], settings: Settings) -> list[Source | InputError]:
    """Expand the user's arguments into inputs (cheap; gives progress bars their total)."""
    return list(expand(args, settings))


def run(
    items: list[Source | InputError],
    settings: Settings,
    pipeline: Pipeline | None = None,
) -> Iterator[Outcome]:
    """Analyze every input in batches; yields one Outcome per input, in input order."""
    pipeline = pipeline or load_pipeline(settings)
    batch: list[tuple[str, Document]] = []
    for item in items:
        failure: Outcome | None = None
        if isinstance(item, InputError):
            failure = Outcome(item.source, error=item)
        else:
            try:
                batch.append((item.location, load(item, settings)))
            except SpinscopeError as err:
                failure = Outcome(item.location, error=err)
        # Flush before reporting a failure so that outcomes keep the input order.
        if failure is not None or len(batch) >= settings.batch_size:
            yield from analyze_batch(batch, pipeline)
            batch = []
        if failure is not None:
            yield failure
    yield from analyze_batch(batch, pipeline)


def analyze_batch(batch: list[tuple[str, Document]], pipeline: Pipeline) -> list[Outcome]:
    """Run the pipeline over loaded documents; one failing document does not sink the rest."""
    if not batch:
        return []
    try:
        pipeline.run_many([doc for _, doc in batch])
        return [Outcome(where, document=doc) for where, doc in batch]
    except SpinscopeError as err:
        # An analyzer bug (AnalyzerError) or a document it refuses (InputError: too long to
        # parse) belongs to one document, not to the batch.
        if len(batch) == 1:
            return [Outcome(batch[0][0], error=err)]
    # One document broke the batch: run them one by one so the others still get results.
    outcomes = []
    for where, doc in batch:
        try:
            pipeline.run(doc)
            outcomes.append(Outcome(where, document=doc))
        except SpinscopeError as err:
            outcomes.append(Outcome(where, error=err))
    return outcomes


def analyze(
    text_or_path: str | Path,
    layers: list[str] | None = None,
    pipeline: Pipeline | None = None,
    **overrides: Any,
) -> Document:
    """Analyze raw text, a file path or an http(s) URL. Raises SpinscopeError on bad input."""
    settings = load_settings(**overrides, layers=layers)
    pipeline = pipeline or load_pipeline(settings)
    if isinstance(text_or_path, Path) or _names_a_file(text_or_path) or is_url(text_or_path):
        items = plan([str(text_or_path)], settings)
        if len(items) != 1:
            raise InputError(
                str(text_or_path), "names a folder or JSONL file: use run() for batches"
            )
        outcome = next(run(items, settings, pipeline))
        if outcome.error:
            raise outcome.error
        assert outcome.document is not None
        return outcome.document
    if _looks_like_a_path(text_or_path):
        raise InputError(
            text_or_path,
            "no such file (it looks like a path, not article text; to analyze this string "
            "itself, pass it as Document text to Pipeline.run)",
        )
    return pipeline.run(from_text(text_or_path, settings))


_PATH_LIKE = re.compile(r"^[\w~./\\:-]*[\w-]\.(?:txt|html?|jsonl|json|md|xml)$", re.IGNORECASE)


def _looks_like_a_path(value: str) -> bool:
    """One "word" ending in an input file extension ("artcle.txt", "data/a.html"): a typo'd
    path, not an article."""
    return bool(_PATH_LIKE.match(value.strip()))


def _names_a_file(value: str) -> bool:
    if "\n" in value or len(value) > 4096:
        return False
    try:
        return Path(value).is_file()
    except OSError:
        return False
