"""Helpers shared by the store, web and end-to-end tests: hand-built documents, a server.

Documents are built by hand through ``Document.add_span`` so that every layer of the
contract (techniques, claims with sources, places, events) is present without loading
any model; the fixture corpus in ``tests/data/corpus`` is ingested for real.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spinscope.document import Document, DocumentMeta, Provenance

DATA = Path(__file__).parent.parent / "data" / "corpus"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Containers often have a 64 MB /dev/shm, too small for Chromium's shared memory.
    "--disable-dev-shm-usage",
]  # fmt: skip


#: The API token of the end-to-end server (passed as $SPINSCOPE_TOKEN).
E2E_TOKEN = "e2e-api-token"
AUTH = {"Authorization": f"Bearer {E2E_TOKEN}"}

#: The real command line, run in a subprocess with this interpreter.
CLI = [sys.executable, "-c", "import sys; from spinscope.cli import main; sys.exit(main())"]


def find(doc: Document, needle: str) -> tuple[int, int]:
    start = doc.text.index(needle)
    return start, start + len(needle)


def hand_doc(
    n: int,
    outlet: str = "kremlin-watch.example",
    published: str | None = "2031-02-10",
    technique: str = "Loaded_Language",
    source_kind: str = "vague",
    url: str | None = None,
) -> Document:
    """An invented article with one span in every layer, at checked offsets."""
    text = (
        f"Invented report {n}: shelling near Lysohirka\n"
        f"Sources say the shameful attack on Lysohirka killed {n + 2} civilians on Sunday, "
        f"a crime the regime will never admit. Governor Anna Petrenko said repairs would "
        f"take weeks (report number {n}).\n"
        "Contact us: desk@kremlin-watch.example\n"
    )
    doc = Document(
        id=f"hand-{n}",
        source=f"hand-{n}.txt",
        text=text,
        meta=DocumentMeta(
            title=f"Invented report {n}: shelling near Lysohirka",
            outlet=outlet,
            published=published,
            language="en",
            url=url,
        ),
    )
    doc.add_span("boilerplate", *find(doc, "Contact us: desk@kremlin-watch.example"), "contact")
    doc.add_span("techniques", *find(doc, "shameful attack"), technique, 0.91)
    doc.add_span("techniques", *find(doc, "a crime the regime will never admit"), "Smears", 0.7)
    start, end = find(doc, f"Sources say the shameful attack on Lysohirka killed {n + 2}")
    doc.add_span(
        "claims", start, end, "claim", 0.83,
        attribution={"kind": source_kind, "source": "Sources", "start": start,
                     "end": start + 7},
    )  # fmt: skip
    start, end = find(doc, "Governor Anna Petrenko said repairs would take weeks")
    doc.add_span(
        "claims", start, end, "claim", 0.6,
        attribution={"kind": "named", "source": "Anna Petrenko",
                     "start": start + 9, "end": start + 22},
    )  # fmt: skip
    start, _ = find(doc, "Lysohirka killed")
    doc.add_span(
        "entities", start, start + 9, "PLACE", canonical="Lysohirka", variant="uk",
        lat=50.3, lon=36.9,
    )  # fmt: skip
    doc.add_span(
        "events", *find(doc, f"attack on Lysohirka killed {n + 2} civilians on Sunday"),
        "attack", actor=None, target="civilians",
        place={"name": "Lysohirka", "lat": 50.3, "lon": 36.9},
        date={"text": "Sunday", "iso": published}, killed=n + 2, injured=None,
    )  # fmt: skip
    doc.provenance = [
        Provenance(analyzer="boilerplate", version="1.0"),
        Provenance(analyzer="handmade", version="0.1", model="none"),
    ]
    return doc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spinscope(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    """Run the real command line in a subprocess."""
    return subprocess.run(
        [*CLI, *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300, **kw,
    )  # fmt: skip


@contextmanager
def served(db: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``spinscope serve`` in a subprocess on a free loopback port; yields its base URL."""
    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--db", str(db), "--port", str(port), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
