"""The URL guard: which addresses are refused, DNS rebinding, DNS timeouts, TLS names, bad URLs.

Host names are answered by a fake resolver (``socket.getaddrinfo`` replaced); the only
server is on 127.0.0.1, and ``loopback_only`` refuses, before any packet is sent, every
connection to another address, so a test that fails can still never reach the network.
"""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spinscope.config import Settings
from spinscope.errors import FetchError, InputError
from spinscope.ingest import url as U

from . import netguard

PAGE = b"<html><body><article><p>" + b"The secret intranet page. " * 10 + b"</p></article></html>"
PUBLIC = "93.184.215.14"  # a globally routable address: never connected to, see loopback_only

_real_getaddrinfo = socket.getaddrinfo


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Answer the names in ``answers`` (one address per call, the last one repeated);
    numeric hosts go to the real resolver (which does not use the network for them).
    Returns the list of names looked up."""
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kw: Any) -> Any:
        if isinstance(host, bytes):
            host = host.decode()
        if host in answers:
            asked.append(host)
            queue = answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (
                (address, int(port or 0), 0, 0) if ":" in address else (address, int(port or 0))
            )
            return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]
        return _real_getaddrinfo(host, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.fixture()
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Connections to anything but 127.0.0.1 are refused; the refused addresses."""
    return netguard.loopback_only(monkeypatch)


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, str]]

    def do_GET(self) -> None:
        self.seen.append({"path": self.path, "host": self.headers.get("Host", "")})
        if self.path == "/to-intranet":
            self.send_response(302)
            self.send_header("Location", "http://intranet.test/admin")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(tls: ssl.SSLContext | None = None) -> Iterator[tuple[int, list[dict[str, str]]]]:
    """A 127.0.0.1 server (HTTPS with ``tls``) that records each request's path and Host."""
    seen: list[dict[str, str]] = []
    handler = type("H", (_Recorder,), {"seen": seen})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    if tls is not None:
        srv.socket = tls.wrap_socket(srv.socket, server_side=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.server_address[1], seen
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture()
def server() -> Iterator[tuple[int, list[dict[str, str]]]]:
    with serving() as found:
        yield found


@pytest.mark.parametrize(
    "address",
    [
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "100.100.100.200",  # a cloud metadata service in the shared space
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "0.0.0.0", "192.0.0.8", "198.18.0.1", "203.0.113.9", "240.0.0.1", "224.0.0.1",
        "::1", "::", "fc00::1", "fe80::1", "2001:db8::1", "ff0e::1",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
        "::ffff:10.0.0.1",  # IPv4-mapped
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)  # fmt: skip
def test_addresses_that_are_not_public_are_refused(address: str) -> None:
    assert U.non_public(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", [PUBLIC, "2606:4700:4700::1111", "2002:5db8:d70e::"])
def test_public_addresses_pass(address: str) -> None:
    assert U.non_public(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("address", ["100.100.100.200", "2002:7f00:1::", "::ffff:127.0.0.1"])
def test_a_host_resolving_to_a_hidden_private_address_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, loopback_only: list[str], address: str
) -> None:
    fake_dns(monkeypatch, {"metadata.test": [address]})
    with pytest.raises(FetchError, match="non-public address") as err:
        U.fetch("http://metadata.test/latest/meta-data/", Settings(timeout=2))
    assert "allow-private" in str(err.value)
    assert loopback_only == []  # refused by the guard, not by the test's safety net


def test_dns_rebinding_cannot_reach_loopback(
    monkeypatch: pytest.MonkeyPatch, loopback_only: list[str], server: Any
) -> None:
    """The resolver answers a public address for the check and 127.0.0.1 afterwards: the
    connection must go to the checked address, never to the second answer."""
    port, seen = server
    asked = fake_dns(monkeypatch, {"rebind.test": [PUBLIC, "127.0.0.1"]})
    with pytest.raises(FetchError):
        U.fetch(f"http://rebind.test:{port}/secret", Settings(timeout=2))
    assert seen == []  # the loopback page was never requested
    assert loopback_only == [PUBLIC]  # the connection went to the checked address
    assert asked == ["rebind.test"]  # resolved once, for the check


def test_the_pinned_connection_keeps_the_url_host_name_in_the_host_header(
    monkeypatch: pytest.MonkeyPatch, server: Any
) -> None:
    port, seen = server
    fake_dns(monkeypatch, {"news.test": ["127.0.0.1"]})
    page = U.fetch(f"http://news.test:{port}/story", Settings(timeout=2, allow_private=True))
    assert page.body == PAGE and page.url == f"http://news.test:{port}/story"
    assert seen == [{"path": "/story", "host": f"news.test:{port}"}]


def _self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    cert, key = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.parametrize(("cert_name", "ok"), [("news.test", True), ("other.test", False)])
def test_tls_uses_the_url_host_name_for_sni_and_the_certificate_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cert_name: str, ok: bool
) -> None:
    cert, key = _self_signed(tmp_path, cert_name)
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,func-returns-value]

    def trusting() -> ssl.SSLContext:
        client = ssl.create_default_context(cafile=str(cert))
        client.verify_flags &= ~getattr(ssl, "VERIFY_X509_STRICT", 0)
        return client

    monkeypatch.setattr(U, "_ssl_context", trusting)
    fake_dns(monkeypatch, {"news.test": ["127.0.0.1"]})
    settings = Settings(timeout=2, allow_private=True)
    with serving(context) as (port, seen):
        if ok:
            assert U.fetch(f"https://news.test:{port}/tls", settings).body == PAGE
            assert seen == [{"path": "/tls", "host": f"news.test:{port}"}]
        else:
            with pytest.raises(FetchError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
                U.fetch(f"https://news.test:{port}/tls", settings)
            assert seen == []
    assert names[:1] == ["news.test"]  # SNI names the URL's host, not 127.0.0.1


def test_a_dns_lookup_that_hangs_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hanging(*args: Any, **kw: Any) -> Any:
        release.wait(30)
        raise socket.gaierror("released")

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    try:
        with pytest.raises(FetchError, match=r"took longer than 0\.3 s"):
            U.fetch("http://slow-dns.test/a", Settings(timeout=0.3))
    finally:
        release.set()


def test_a_refused_redirect_names_the_url_given_and_the_hop(
    monkeypatch: pytest.MonkeyPatch, loopback_only: list[str], server: Any
) -> None:
    port, _seen = server
    fake_dns(monkeypatch, {"news.test": ["127.0.0.1"], "intranet.test": ["10.0.0.5"]})
    real = U.non_public
    # The test server stands in for a public host; the redirect target stays private.
    monkeypatch.setattr(U, "non_public", lambda a: None if str(a) == "127.0.0.1" else real(a))
    given = f"http://news.test:{port}/to-intranet"
    with pytest.raises(FetchError) as err:
        U.fetch(given, Settings(timeout=2))
    message = str(err.value)
    assert message.startswith(given + ": ")
    assert "redirect to http://intranet.test/admin refused" in message
    assert "10.0.0.5" in message and loopback_only == []


@pytest.mark.parametrize(
    "bad",
    ["http://[::1/", "http://[::1", "http://exa mple.test/", "http://host.test:99999/",
     "http://host.test:port/", "http://", "https:///path", "http://a\nb.test/"],
)  # fmt: skip
def test_malformed_urls_are_input_errors_not_crashes(bad: str) -> None:
    with pytest.raises(InputError, match="not a valid URL") as err:
        U.fetch(bad, Settings(timeout=1))
    assert "\n" not in str(err.value)
