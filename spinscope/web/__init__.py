"""The web explorer and REST API (FastAPI). Imported only by ``spinscope serve`` and tests."""

from __future__ import annotations

from spinscope.web.app import create_app
from spinscope.web.guard import AnalyzeQueue, is_loopback, resolve_token

__all__ = ["AnalyzeQueue", "create_app", "is_loopback", "resolve_token"]
