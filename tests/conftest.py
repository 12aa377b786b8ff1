"""Shared fixtures: a CLI runner, small invented articles, and a loopback HTTP server."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

DATA = Path(__file__).parent / "data"

ARTICLE = (
    "Ministry denies shelling reports near the river crossing\n"
    "Contact us: desk@river-times.example\n"
    "You can follow Ivan on X and Telegram.\n"
    "Officials said on Tuesday that artillery fire damaged a pumping station near the river "
    "crossing, leaving two villages without water.\n"
    "The ministry called the reports “fabricated” and said its troops had not fired in the area.\n"
    "Independent observers have not been able to reach the site.\n"
)


@pytest.fixture()
def cli() -> CliRunner:
    from spinscope.cli import _attach

    _attach()
    return CliRunner()


@pytest.fixture()
def invoke(cli: CliRunner):  # type: ignore[no-untyped-def]
    from spinscope.cli.app import app

    def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
        return cli.invoke(app, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture()
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "river.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes, float]]] = {}

    def do_GET(self) -> None:
        status, ctype, body, delay = self.routes.get(self.path, (404, "text/plain", b"nope", 0))
        if delay:
            time.sleep(delay)
        self.send_response(status)
        if status in (301, 302):
            self.send_header("Location", body.decode())
            body = b""
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def http_server() -> Iterator[tuple[str, dict[str, tuple[int, str, bytes, float]]]]:
    """A server on 127.0.0.1 only; tests fill routes: path -> (status, type, body, delay)."""
    routes: dict[str, tuple[int, str, bytes, float]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", routes
    finally:
        server.shutdown()
        server.server_close()
