"""What keeps the server safe: body-size cap, security headers, write tokens, analyze queue.

- Every response carries a Content-Security-Policy with a per-request nonce: only the
  page's own script runs, nothing is loaded from anywhere but this server.
- Request bodies larger than the cap are refused with 413 before they are read whole.
- Write endpoints need the token when the server listens on a non-loopback address.
- Analyses run one at a time in a worker thread; a bounded number wait, the rest get
  503 with Retry-After, so page views stay fast while the CPU is busy.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import os
import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from spinscope.errors import SpinscopeError

T = TypeVar("T")


class HTTPProblem(SpinscopeError):
    """An error with an explicit HTTP status (and optional headers) for the API and pages."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


#: Host names a loopback server answers to (others are DNS-rebinding attempts).
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

#: A Host header (RFC 9110 authority without userinfo): a name or IPv4, or an IPv6 address in
#: brackets, then an optional port.
_AUTHORITY = re.compile(
    r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._~-]+))(?::(?P<port>\d{0,5}))?"
)


def host_name(authority: str) -> str | None:
    """The host of a ``Host`` header value (``[::1]:8000`` -> ``::1``): lower-cased, IPv6
    without brackets in its compressed form. None when the value is not a well-formed host,
    e.g. brackets around anything but an IPv6 address, or an IPv6 address without them."""
    match = _AUTHORITY.fullmatch(authority.strip())
    if match is None:
        return None
    if match["v6"] is not None:
        try:
            return ipaddress.IPv6Address(match["v6"]).compressed
        except ValueError:
            return None
    return match["name"].lower()


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 (bare or in brackets) and 'localhost': the addresses only
    this machine can reach."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        name = host_name(host)  # brackets are for IPv6 only
        return name is not None and ipaddress.IPv6Address(name).is_loopback
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_hosts(listen: str) -> set[str]:
    """Host names a server listening on loopback address ``listen`` answers to."""
    own = host_name(f"[{listen}]" if ":" in listen and not listen.startswith("[") else listen)
    return LOOPBACK_HOSTS | ({own} if own else set())


def resolve_token(store: Any) -> tuple[str, bool]:
    """The write token: $SPINSCOPE_TOKEN, else the one kept in the database, else a new one.

    Returns (token, generated_now). A generated token is kept in the database so that it
    stays valid across restarts.
    """
    env = os.environ.get("SPINSCOPE_TOKEN", "").strip()
    if env:
        return env, False
    kept = store.get_meta("write_token")
    if kept:
        return kept, False
    token = secrets.token_urlsafe(24)
    store.set_meta("write_token", token)
    return token, True


def check_token(expected: str | None, request: Any, form_token: str | None = None) -> None:
    """Raise 401 unless the request carries ``expected`` (no-op when no token is required)."""
    if expected is None:
        return
    given = form_token or request.headers.get("x-spinscope-token") or ""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPProblem(
            401,
            "this endpoint writes to the store and needs the server's token "
            "(header 'Authorization: Bearer TOKEN')",
            {"WWW-Authenticate": "Bearer"},
        )


def check_origin(request: Any) -> None:
    """Refuse cross-site form posts: an Origin header must name this server."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return
    host = request.headers.get("host", "")
    if origin.split("://", 1)[-1].rstrip("/") != host:
        raise HTTPProblem(403, f"cross-origin request from {origin} refused")


class AnalyzeQueue:
    """Runs analyses ``workers`` at a time; at most ``waiting`` more wait, others get 503."""

    def __init__(self, workers: int = 1, waiting: int = 8, retry_after: int = 5) -> None:
        self.workers, self.capacity, self.retry_after = workers, workers + waiting, retry_after
        self.pending = 0
        self._sem: asyncio.Semaphore | None = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        from starlette.concurrency import run_in_threadpool

        if self.pending >= self.capacity:
            raise HTTPProblem(
                503,
                f"the server is busy analyzing ({self.pending} requests queued); retry shortly",
                {"Retry-After": str(self.retry_after)},
            )
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.workers)
        self.pending += 1
        try:
            async with self._sem:
                return await run_in_threadpool(fn, *args)
        finally:
            self.pending -= 1


class BodyLimit:
    """ASGI middleware: 413 for request bodies over ``max_bytes`` (declared or streamed)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        # A body without a (truthful) Content-Length is read here first, up to the cap,
        # so that an oversized one is answered with 413 before the app parses anything.
        messages, seen = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                await self._refuse(scope, send)
                return
            if not message.get("more_body"):
                break

        async def replay() -> dict:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def _message(self) -> str:
        return f"request body is larger than the limit of {self.max_bytes} bytes"

    async def _refuse(self, scope: dict, send: Callable) -> None:
        import json

        body = json.dumps({"ok": False, "error": self._message(), "status": 413}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def csp(nonce: str) -> str:
    return (
        "default-src 'none'; "
        f"script-src 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'"
    )


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}
