"""The corpus store: DuckDB schema with numbered migrations, Documents in and out, queries.

Imported lazily by the ``ingest``, ``reprints`` and ``serve`` commands; nothing here loads
at ``import spinscope``.
"""

from __future__ import annotations

from spinscope.store.db import Page, Query, Store

__all__ = ["Page", "Query", "Store"]
