"""What keeps the server safe: body-size cap, security headers, write tokens, analyze queue.

- Every response carries a Content-Security-Policy with a per-request nonce: only the
  page's own script runs, nothing is loaded from anywhere but this server.
- Request bodies larger than the cap are refused with 413 before they are read whole.
- Writes (every method but GET/HEAD/OPTIONS) from another origin are refused, ``Origin: null``
  included. The web form needs a token of the page that rendered it (CSRF); API writes need
  the API token; a server on a non-loopback address needs the API token for the form too.
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
import time
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


def has_token(expected: str, request: Any, form_token: str | None = None) -> bool:
    """True when the request carries the API token (``Authorization: Bearer``, the
    ``X-Spinscope-Token`` header, or the form's token field)."""
    given = form_token or request.headers.get("x-spinscope-token") or ""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def check_token(expected: str, request: Any, form_token: str | None = None) -> None:
    """Raise 401 unless the request carries the API token ``expected``."""
    if not has_token(expected, request, form_token):
        raise HTTPProblem(
            401,
            "this endpoint writes to the store and needs the server's API token (header "
            "'Authorization: Bearer TOKEN'; 'spinscope serve' prints it when it starts)",
            {"WWW-Authenticate": "Bearer"},
        )


#: Methods that never write; every other method must not come from another origin.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _authority(scheme: str, netloc: str) -> tuple[str, int] | None:
    """(host, port) of ``netloc`` with the scheme's default port filled in."""
    host = host_name(netloc)
    if host is None:
        return None
    port = netloc.rsplit(":", 1)[1] if re.search(r":\d*$", netloc) else ""
    return host, int(port) if port else (443 if scheme == "https" else 80)


def same_origin(origin: str, host_header: str) -> bool:
    """True when an ``Origin`` header names the server that ``Host`` names (host and port; the
    scheme may differ behind a TLS proxy). ``null`` (sent by sandboxed frames, data: URLs and
    cross-site redirects) names no one and is never trusted."""
    match = re.fullmatch(r"(https?)://([^/?#@]+)", origin.strip())
    if match is None:
        return False
    theirs = _authority(match[1], match[2])
    return theirs is not None and theirs == _authority(match[1], host_header)


def foreign_origin(request: Any) -> str | None:
    """The Origin header of a write request that does not come from this server's pages."""
    if request.method in SAFE_METHODS:
        return None
    origin = request.headers.get("origin")
    if origin is None:
        return None  # not a browser: curl and API clients, which the tokens check instead
    host = request.headers.get("host") or ""
    return None if same_origin(origin, host) else origin


class FormTokens:
    """Tokens that prove a form post comes from a page this server rendered (CSRF).

    A token is ``issued.nonce.mac``: the MAC binds the form's action and the issue time to
    the server's secret. Pages of another origin cannot read ours, so they cannot get one.
    No cookie is involved: cookies are shared by every port of 127.0.0.1, pages are not.
    """

    def __init__(self, secret: str, max_age: int = 24 * 3600) -> None:
        self._key = hmac.new(secret.encode(), b"spinscope form tokens", "sha256").digest()
        self.max_age = max_age

    def _mac(self, action: str, issued: str, nonce: str) -> str:
        message = f"{action}|{issued}|{nonce}".encode()
        return hmac.new(self._key, message, "sha256").hexdigest()[:32]

    def issue(self, action: str, now: float | None = None) -> str:
        issued = f"{int(time.time() if now is None else now):x}"
        nonce = secrets.token_urlsafe(9)
        return f"{issued}.{nonce}.{self._mac(action, issued, nonce)}"

    def valid(self, token: str, action: str, now: float | None = None) -> bool:
        parts = (token or "").split(".")
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{1,12}", parts[0]):
            return False
        issued, nonce, mac = parts
        age = int(time.time() if now is None else now) - int(issued, 16)
        return 0 <= age <= self.max_age and hmac.compare_digest(
            mac.encode(), self._mac(action, issued, nonce).encode()
        )

    def check(self, token: str | None, action: str) -> None:
        """Raise 403 unless ``token`` was issued by this server for the form at ``action``."""
        if not self.valid(token or "", action):
            raise HTTPProblem(
                403,
                "this form must be sent from this server's own page, and the page's form token "
                "is missing, forged or older than a day: open the page again and resend",
            )


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
    # Not no-referrer: under it browsers send "Origin: null" even for the page's own form posts,
    # which the origin check refuses. Other sites still get no referrer.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}
