"""One module per capability; each provides one or more layers of spans."""

from spinscope.analyzers.base import Analyzer, BaseAnalyzer, available_layers, create

__all__ = ["Analyzer", "BaseAnalyzer", "available_layers", "create"]
