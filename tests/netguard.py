"""A safety net for tests that fetch URLs: connections go to 127.0.0.1 only.

``socket.create_connection`` (what the HTTP client connects with) is replaced by one that
resolves the address as the code under test would and refuses, before any packet is sent,
everything but 127.0.0.1. A broken guard then fails a test instead of reaching the network.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

_real_create_connection = socket.create_connection


def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Install the net; returns the list of addresses it refused (filled as tests run)."""
    refused: list[str] = []

    def create_connection(address: Any, *args: Any, **kw: Any) -> Any:
        host, port = address[0], address[1]
        resolved = {info[4][0] for info in socket.getaddrinfo(host, port)}
        if resolved != {"127.0.0.1"}:
            refused.extend(sorted(resolved))
            raise ConnectionRefusedError(f"test: no connection to {sorted(resolved)}")
        return _real_create_connection(("127.0.0.1", port), *args, **kw)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return refused
