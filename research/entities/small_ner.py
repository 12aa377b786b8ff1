"""For comparisons with entities 0.3.0: run the layers with the small English model's own
entities on the shared parse instead of the medium model's (the shipped default since
issue 17 sets the medium model's entities there, spinscope.models.parse._set_entities)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from spinscope.models import parse as P
from spinscope.models import spacy_nlp


@contextmanager
def small_model_entities() -> Iterator[None]:
    shipped = P._set_entities

    def small(sdoc: Any, _medium: Any) -> None:
        spans = [sdoc.char_span(e.start_char, e.end_char, e.label_)
                 for e in spacy_nlp()(sdoc.text).ents]  # fmt: skip
        sdoc.ents = [s for s in spans if s is not None]

    P._set_entities = small
    P.clear_cache()
    try:
        yield
    finally:
        P._set_entities = shipped
        P.clear_cache()
