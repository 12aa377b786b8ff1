"""Fetching an article URL safely: the only network access in spinscope.

Guards: http(s) only; every hop's host is resolved and refused when it is loopback,
private, link-local, multicast, reserved or unspecified (unless ``allow_private``);
redirects are followed by hand (so each hop is checked) up to ``max_redirects``; a
timeout per operation and an overall deadline; the body is streamed and cut at
``max_bytes``; only text-like content types are accepted.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from spinscope import __version__
from spinscope.config import Settings
from spinscope.errors import FetchError
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


@dataclass(frozen=True)
class Fetched:
    url: str
    content_type: str
    charset: str | None
    body: bytes


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _check_host(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(url, f"only http and https URLs can be fetched, not {parts.scheme!r}")
    host = parts.hostname
    if not host:
        raise FetchError(url, "the URL has no host name")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 80, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise FetchError(url, f"cannot resolve host {host!r}: {err}") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if (
            addr.is_loopback
            or addr.is_private
            or addr.is_link_local
            or addr.is_multicast
            or addr.is_reserved
            or addr.is_unspecified
        ):
            raise FetchError(
                url,
                f"refusing to fetch: {host} resolves to the non-public address {addr} "
                f"(pass --allow-private to allow loopback/private addresses)",
            )


def fetch(url: str, settings: Settings) -> Fetched:
    """GET ``url`` under the guards above. Raises FetchError with a one-line reason."""
    import httpx

    deadline = time.monotonic() + settings.timeout * 2
    timeout = httpx.Timeout(settings.timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": ", ".join(ACCEPTED_TYPES)}
    current = url
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _hop in range(settings.max_redirects + 1):
            _check_host(current, settings.allow_private)
            try:
                with client.stream("GET", current, headers=headers) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("location")
                        if not location:
                            raise FetchError(url, f"HTTP {resp.status_code} without a Location")
                        current = urljoin(current, location)
                        continue
                    if resp.status_code >= 400:
                        raise FetchError(
                            url, f"the server answered HTTP {resp.status_code} {resp.reason_phrase}"
                        )
                    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                    if ctype and ctype not in ACCEPTED_TYPES:
                        raise FetchError(
                            url, f"unsupported content type {ctype!r} (expected HTML or text)"
                        )
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
                            raise FetchError(
                                url, f"download took longer than {settings.timeout * 2:g} s"
                            )
                    return Fetched(
                        url=str(resp.url),
                        content_type=ctype or "text/html",
                        charset=resp.charset_encoding,
                        body=bytes(body),
                    )
            except httpx.TimeoutException:
                raise FetchError(url, f"timed out after {settings.timeout:g} s") from None
            except httpx.HTTPError as err:
                raise FetchError(url, f"fetch failed: {type(err).__name__}: {err}") from None
    raise FetchError(url, f"more than {settings.max_redirects} redirects")
