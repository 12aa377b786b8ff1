"""The real server over a temporary database, shared by the browser and load tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from spinscope.store import Store
from tests.e2e.corpus import CHROMIUM, CHROMIUM_ARGS, DATA, E2E_TOKEN, hand_doc, served, spinscope


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``spinscope serve`` on a free 127.0.0.1 port, after a real ingest."""
    db = tmp_path_factory.mktemp("e2e") / "e2e.duckdb"
    done = spinscope("ingest", str(DATA), "--db", str(db), "--layers", "boilerplate", "-q")
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        store.save_many([hand_doc(1), hand_doc(2, outlet="b.example", published="2031-03-01")])
        store.recluster()
    with served(db, "--layers", "boilerplate", env={"SPINSCOPE_TOKEN": E2E_TOKEN}) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's), one per test module; test modules skip without it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
