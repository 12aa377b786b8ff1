"""spinscope: shows, with evidence, how news and opinion articles persuade and what they assert.

Public API::

    import spinscope
    doc = spinscope.analyze("article.txt")      # or raw text, or an http(s) URL
    doc.to_dict()                                # the spinscope/1 JSON contract

Heavy libraries (spaCy, onnxruntime) load on first use, so this import stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from spinscope.document import Document
    from spinscope.pipeline import Pipeline

__all__ = ["Document", "Pipeline", "__version__", "analyze", "load_pipeline"]


def analyze(text_or_path: Any, layers: list[str] | None = None, **settings: Any) -> Document:
    """Analyze raw text, a file path or an http(s) URL; return the analyzed Document."""
    from spinscope.service import analyze as _analyze

    return _analyze(text_or_path, layers=layers, **settings)


def load_pipeline(layers: list[str] | None = None, **settings: Any) -> Pipeline:
    """A reusable pipeline (load models once, analyze many documents)."""
    from spinscope.config import load_settings
    from spinscope.pipeline import load_pipeline as _load

    return _load(load_settings(**settings), layers=layers)


def __getattr__(name: str) -> Any:
    if name == "Document":
        from spinscope.document import Document

        return Document
    if name == "Pipeline":
        from spinscope.pipeline import Pipeline

        return Pipeline
    raise AttributeError(f"module 'spinscope' has no attribute {name!r}")
