"""The real server over a temporary database, shared by the browser and load tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spinscope.store import Store
from tests.e2e.corpus import DATA, E2E_TOKEN, hand_doc, served, spinscope


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
