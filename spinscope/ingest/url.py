"""Fetching an article URL safely: the only network access in spinscope.

Guards: well-formed http(s) URLs only; every hop's host is resolved once (with a timeout),
and refused when any address it resolves to is not globally routable: loopback, private,
shared (100.64.0.0/10), link-local, multicast, reserved, documentation, unspecified, or
an IPv6 form that embeds such an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64,
6to4, Teredo), unless ``allow_private``. The connection is then made to an address that
was checked, never to a second DNS answer, so a name that resolves to a public address
for the check and to 127.0.0.1 for the connection (DNS rebinding) cannot reach a private
service; the Host header, TLS SNI and the certificate check still use the URL's host
name. Redirects are followed by hand (so each hop is checked) up to ``max_redirects``; a
timeout per operation and an overall deadline; the body is streamed and cut at
``max_bytes``; only text-like content types are accepted.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from spinscope import __version__
from spinscope.config import Settings
from spinscope.errors import FetchError, InputError
from spinscope.ingest.decode import human_size

ACCEPTED_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
)
USER_AGENT = f"spinscope/{__version__} (+article analysis; respects size caps)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
#: Special-purpose blocks (IANA registries) that no article is served from, refused even
#: where the running Python's ``is_global`` is older than the registry.
_SPECIAL = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
        "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16", "fc00::/7",
        "fec0::/10",
    )
)  # fmt: skip


@dataclass(frozen=True)
class Fetched:
    url: str
    content_type: str
    charset: str | None
    body: bytes


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def check_url(url: str) -> None:
    """Raise InputError unless ``url`` is a well-formed http(s) URL with a host name."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise InputError(url, "not a valid URL: it contains spaces or control characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError as err:
        raise InputError(url, f"not a valid URL ({err})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(url, f"only http and https URLs can be fetched, not {parts.scheme!r}")
    if not host:
        raise InputError(url, "not a valid URL: it has no host name")
    import httpx

    try:
        httpx.URL(url)
    except httpx.InvalidURL as err:
        raise InputError(url, f"not a valid URL ({err})") from None


def embedded_ipv4(addr: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo)."""
    if not isinstance(addr, ipaddress.IPv6Address):
        return None
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr.teredo is not None:
        return addr.teredo[1]
    if addr in _NAT64 or addr in _NAT64_LOCAL or int(addr) >> 32 == 0:
        # NAT64 (64:ff9b::a.b.c.d) and the deprecated IPv4-compatible form (::a.b.c.d).
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def non_public(addr: IPAddress) -> str | None:
    """Why ``addr`` is not a public unicast address (None when it is one)."""
    inner = embedded_ipv4(addr)
    if inner is not None and int(addr) not in (0, 1):
        why = non_public(inner)
        if why:
            return f"it embeds the IPv4 address {inner}, which is {why}"
    if addr.is_loopback:
        return "loopback"
    if addr.is_multicast:
        return "multicast"
    if addr.is_link_local:
        return "link-local"
    if addr.is_unspecified:
        return "unspecified"
    if addr.is_private:
        return "private"
    if not addr.is_global or any(addr in net for net in _SPECIAL):
        return "not globally routable"
    return None


class _Refused(Exception):
    """Raised inside the HTTP client when a host may not be connected to; ``fetch`` turns it
    into a FetchError that names the URL given and the hop."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def resolve(host: str, port: int, timeout: float) -> list[tuple[Any, str]]:
    """(address family, address) for each address of ``host``, looked up with a timeout.

    ``getaddrinfo`` has no timeout of its own, so it runs in a daemon thread that is left
    behind (and never blocks exit) when the resolver does not answer in time.
    """
    found: dict[str, Any] = {}

    def lookup() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as err:
            found["error"] = err

    worker = threading.Thread(target=lookup, name="spinscope-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _Refused(f"looking up the host {host!r} took longer than {timeout:g} s")
    if "error" in found:
        raise _Refused(f"cannot resolve host {host!r}: {found['error']}")
    out: list[tuple[Any, str]] = []
    for family, _type, _proto, _name, sockaddr in found["infos"]:
        if (family, sockaddr[0]) not in out:
            out.append((family, sockaddr[0]))
    if not out:
        raise _Refused(f"cannot resolve host {host!r}: no addresses")
    return out


def checked_addresses(host: str, port: int, settings: Settings) -> list[str]:
    """The addresses of ``host`` to connect to; every one checked unless ``allow_private``."""
    addresses = [address for _family, address in resolve(host, port, settings.timeout)]
    if settings.allow_private:
        return addresses
    for address in addresses:
        addr = ipaddress.ip_address(address.split("%")[0])
        why = non_public(addr)
        if why:
            raise _Refused(
                f"{host} resolves to the non-public address {addr} ({why}); refusing to fetch "
                f"(pass --allow-private to allow loopback/private addresses)"
            )
    return addresses


def _pinned_backend(settings: Settings) -> Any:
    import httpcore

    class PinnedBackend(httpcore.SyncBackend):
        """Resolves and checks the host itself, then connects to a checked address."""

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> Any:
            error: Exception | None = None
            for address in checked_addresses(host, port, settings):
                try:
                    return super().connect_tcp(
                        address, port, timeout, local_address, socket_options
                    )
                except httpcore.ConnectError as err:  # try the host's next address
                    error = err
            assert error is not None
            raise error

    return PinnedBackend()


def _ssl_context() -> Any:
    """The TLS context: certifi's roots, hostname checks on (a function so tests can swap it)."""
    import ssl

    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _client(settings: Settings) -> Any:
    import httpcore
    import httpx

    context = _ssl_context()
    transport = httpx.HTTPTransport(verify=context, trust_env=False)
    # httpx has no public hook for the connect step; its pool is an httpcore ConnectionPool,
    # which takes a network backend: ours resolves, checks and connects in one place. TLS
    # is started by the pool with the URL's host name (SNI and certificate check).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context, network_backend=_pinned_backend(settings),
        max_connections=10, max_keepalive_connections=5, keepalive_expiry=5.0,
    )  # fmt: skip
    return httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=False,
        trust_env=False,
    )


def fetch(url: str, settings: Settings) -> Fetched:
    """GET ``url`` under the guards above. Raises FetchError with a one-line reason."""
    import httpx

    check_url(url)
    deadline = time.monotonic() + settings.timeout * 2
    headers = {"User-Agent": USER_AGENT, "Accept": ", ".join(ACCEPTED_TYPES)}
    current = url

    def hop(problem: str) -> str:
        return problem if current == url else f"redirect to {current} refused: {problem}"

    with _client(settings) as client:
        for _hop in range(settings.max_redirects + 1):
            try:
                with client.stream("GET", current, headers=headers) as resp:
                    if resp.is_redirect:
                        current = _next_hop(url, current, resp)
                        continue
                    return _read(url, resp, settings, deadline)
            except _Refused as err:
                raise FetchError(url, hop(err.problem)) from None
            except httpx.TimeoutException:
                raise FetchError(url, hop(f"timed out after {settings.timeout:g} s")) from None
            except (httpx.HTTPError, httpx.InvalidURL) as err:
                problem = f"fetch failed: {type(err).__name__}: {err}"
                raise FetchError(url, hop(problem)) from None
    raise FetchError(url, f"more than {settings.max_redirects} redirects")


def _next_hop(url: str, current: str, resp: Any) -> str:
    """The checked URL a redirect points to."""
    location = resp.headers.get("location")
    if not location:
        raise FetchError(url, f"HTTP {resp.status_code} without a Location")
    try:
        target = urljoin(current, location)
        check_url(target)
    except (ValueError, InputError) as err:
        problem = err.problem if isinstance(err, InputError) else str(err)
        raise FetchError(url, f"redirect to {location!r} refused: {problem}") from None
    return target


def _read(url: str, resp: Any, settings: Settings, deadline: float) -> Fetched:
    """The body of a final (non-redirect) response, under the type and size checks."""
    if resp.status_code >= 400:
        raise FetchError(url, f"the server answered HTTP {resp.status_code} {resp.reason_phrase}")
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and ctype not in ACCEPTED_TYPES:
        raise FetchError(url, f"unsupported content type {ctype!r} (expected HTML or text)")
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_bytes:
        raise FetchError(
            url,
            f"response is {human_size(int(declared))}, over the size cap of "
            f"{human_size(settings.max_bytes)} (raise it with --max-bytes)",
        )
    body = bytearray()
    for chunk in resp.iter_bytes():
        body.extend(chunk)
        if len(body) > settings.max_bytes:
            raise FetchError(
                url,
                f"response is larger than the size cap of "
                f"{human_size(settings.max_bytes)} (raise it with --max-bytes)",
            )
        if time.monotonic() > deadline:
            raise FetchError(url, f"download took longer than {settings.timeout * 2:g} s")
    return Fetched(
        url=str(resp.url),
        content_type=ctype or "text/html",
        charset=resp.charset_encoding,
        body=bytes(body),
    )
