"""The one data model: a Document with its text and character-offset annotations.

Every output of spinscope (JSON, HTML, Markdown, terminal, database, API) is derived
from :meth:`Document.to_dict`; there is no second representation.

Offsets are character offsets into ``Document.text``, end exclusive, and
``text[start:end] == span text`` always. ``Document.text`` never changes after ingest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from spinscope.errors import OffsetError

SCHEMA = "spinscope/1"

#: How each layer's spans look in the JSON contract: (key holding Span.label, key holding
#: Span.score). ``None`` means the field is not emitted for that layer. Layers not listed
#: here (third-party analyzers) use ``("label", "score")``.
LAYER_KEYS: dict[str, tuple[str | None, str | None]] = {
    "boilerplate": ("kind", None),
    "techniques": ("technique", "score"),
    "claims": (None, "checkworthiness"),
    "entities": ("label", None),
    "events": ("type", None),
    "wording": ("concept", None),
    "narratives": ("entry", "probability"),
}
#: Order in which layers are emitted and rendered.
LAYER_ORDER = ("boilerplate", "techniques", "claims", "entities", "events", "wording", "narratives")
_DEFAULT_KEYS = ("label", "score")
#: Label used for spans of layers whose contract has no label field (claims).
_IMPLICIT_LABEL = {"claims": "claim"}

DOCUMENT_FIELDS = ("title", "outlet", "author", "published", "language", "genre")


class Span(BaseModel):
    """A stretch of ``Document.text`` with a label, an optional score and free attributes."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int
    label: str
    score: float | None = None
    attrs: dict[str, Any] = Field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


class Relation(BaseModel):
    """A typed link between two spans, addressed as (layer, index)."""

    model_config = ConfigDict(frozen=True)

    label: str
    head: tuple[str, int]
    tail: tuple[str, int]
    attrs: dict[str, Any] = Field(default_factory=dict)


class Provenance(BaseModel):
    """Where a layer came from: analyzer name and version, model id and its measured scores."""

    analyzer: str
    version: str
    model: str | None = None
    metrics: dict[str, Any] = Field(default_factory=dict)


class DocumentMeta(BaseModel):
    """Document-level fields of the contract plus what ingest had to say about the input."""

    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    #: How sure the language identification was (0-1); ``None`` when the language was given.
    language_confidence: float | None = None
    genre: str | None = None
    url: str | None = None
    #: e.g. the encoding that was detected, or that undecodable bytes were replaced.
    warnings: list[str] = Field(default_factory=list)
    #: Document-level findings of analyzers (e.g. toponym spelling convention).
    summary: dict[str, Any] = Field(default_factory=dict)


class Document(BaseModel):
    """An article: immutable text plus layers of spans that point into it."""

    id: str
    source: str
    text: str
    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    spans: dict[str, list[Span]] = Field(default_factory=dict)
    relations: list[Relation] = Field(default_factory=list)
    provenance: list[Provenance] = Field(default_factory=list)

    # -- building -------------------------------------------------------------------
    def check_offsets(self, start: int, end: int, expected: str | None = None) -> None:
        """Raise :class:`OffsetError` unless ``start:end`` is a valid span of the text."""
        if not (0 <= start < end <= len(self.text)):
            raise OffsetError(
                f"span {start}:{end} is outside the document text (length {len(self.text)}) "
                f"or empty, in document {self.id!r}"
            )
        if expected is not None and self.text[start:end] != expected:
            raise OffsetError(
                f"span {start}:{end} of document {self.id!r} reads "
                f"{self.text[start:end]!r}, not {expected!r}"
            )

    def start_layer(self, layer: str) -> list[Span]:
        """Mark ``layer`` as computed (it will appear in the output even if empty)."""
        return self.spans.setdefault(layer, [])

    def add_span(
        self,
        layer: str,
        start: int,
        end: int,
        label: str,
        score: float | None = None,
        **attrs: Any,
    ) -> Span:
        """Add a validated span to ``layer`` and return it."""
        self.check_offsets(start, end)
        span = Span(start=start, end=end, label=label, score=score, attrs=attrs)
        self.start_layer(layer).append(span)
        return span

    def sort_layers(self) -> None:
        for layer, spans in self.spans.items():
            self.spans[layer] = sorted(spans, key=lambda s: (s.start, -s.end, s.label))

    # -- reading --------------------------------------------------------------------
    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def layer(self, name: str) -> list[Span]:
        return self.spans.get(name, [])

    def is_boilerplate(self, start: int, end: int) -> bool:
        """True when ``start:end`` lies (even partly) inside a boilerplate span."""
        return any(s.overlaps(start, end) for s in self.layer("boilerplate"))

    def content_ranges(self) -> list[tuple[int, int]]:
        """Stretches of the text that are article content (the text minus boilerplate).

        Analyzers run on these so that contact lines or share widgets never yield findings.
        """
        cuts = sorted((s.start, s.end) for s in self.layer("boilerplate"))
        ranges: list[tuple[int, int]] = []
        pos = 0
        for start, end in cuts:
            if start > pos:
                ranges.append((pos, start))
            pos = max(pos, end)
        if pos < len(self.text):
            ranges.append((pos, len(self.text)))
        return [(a, b) for a, b in ranges if self.text[a:b].strip()]

    def lines(self) -> Iterator[tuple[int, int]]:
        """(start, end) of each line, without the line break."""
        pos = 0
        text = self.text
        while pos <= len(text):
            nl = text.find("\n", pos)
            end = len(text) if nl == -1 else nl
            line_end = end - 1 if end > pos and text[end - 1] == "\r" else end
            yield pos, line_end
            if nl == -1:
                break
            pos = nl + 1

    # -- the JSON contract ----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The ``spinscope/1`` JSON contract. Layers that were not computed are absent."""
        self.sort_layers()
        meta = self.meta
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "document": {
                "id": self.id,
                "source": self.source,
                "title": meta.title,
                "text": self.text,
                "outlet": meta.outlet,
                "author": meta.author,
                "published": meta.published,
                "language": meta.language,
                "language_confidence": meta.language_confidence,
                "genre": meta.genre,
                "url": meta.url,
                "warnings": list(meta.warnings),
            },
        }
        if meta.summary:
            out["summary"] = meta.summary
        for layer in _ordered(self.spans):
            out[layer] = [self._span_dict(layer, s) for s in self.spans[layer]]
        if self.relations:
            out["relations"] = [r.model_dump(mode="json") for r in self.relations]
        out["provenance"] = [p.model_dump(mode="json") for p in self.provenance]
        return out

    def _span_dict(self, layer: str, span: Span) -> dict[str, Any]:
        label_key, score_key = LAYER_KEYS.get(layer, _DEFAULT_KEYS)
        item: dict[str, Any] = {"start": span.start, "end": span.end, "text": self.span_text(span)}
        if label_key:
            item[label_key] = span.label
        if score_key:
            item[score_key] = None if span.score is None else round(span.score, 4)
        item.update(span.attrs)
        return item

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Inverse of :meth:`to_dict`; checks every offset against the text."""
        if data.get("schema") != SCHEMA:
            raise OffsetError(f"not a {SCHEMA} object (schema is {data.get('schema')!r})")
        d = data["document"]
        meta = DocumentMeta(
            **{k: d.get(k) for k in DOCUMENT_FIELDS},
            url=d.get("url"),
            language_confidence=d.get("language_confidence"),
            warnings=d.get("warnings") or [],
            summary=data.get("summary") or {},
        )
        doc = cls(id=d["id"], source=d.get("source") or d["id"], text=d["text"], meta=meta)
        reserved = {"schema", "document", "summary", "relations", "provenance"}
        for layer, items in data.items():
            if layer in reserved:
                continue
            label_key, score_key = LAYER_KEYS.get(layer, _DEFAULT_KEYS)
            doc.start_layer(layer)
            for item in items:
                attrs = dict(item)
                start, end, text = attrs.pop("start"), attrs.pop("end"), attrs.pop("text")
                label = attrs.pop(label_key) if label_key else _IMPLICIT_LABEL.get(layer, layer)
                score = attrs.pop(score_key, None) if score_key else None
                doc.check_offsets(start, end, expected=text)
                doc.spans[layer].append(
                    Span(start=start, end=end, label=label, score=score, attrs=attrs)
                )
        doc.relations = [Relation(**r) for r in data.get("relations", [])]
        doc.provenance = [Provenance(**p) for p in data.get("provenance", [])]
        return doc


def _ordered(layers: Iterable[str]) -> list[str]:
    names = list(layers)
    known = [n for n in LAYER_ORDER if n in names]
    return known + sorted(n for n in names if n not in LAYER_ORDER)
