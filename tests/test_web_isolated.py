"""`serve` analyzes in a separate process (isolate=True); what comes back is stored with the
same skips as `ingest`: an input repeated in a request, or an article stored already by the
same analyzers, is counted as skipped and not written again."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from spinscope.config import load_settings
from spinscope.store import Store
from spinscope.web.app import create_app

TOKEN = "isolated-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = "Invented: the ferry timetable\nThe ferry company said the timetable starts Monday.\n"


def test_isolated_ingest_skips_repeats_and_stored_articles_as_ingest_does(tmp_path: Path) -> None:
    db = tmp_path / "iso.duckdb"
    settings = load_settings(layers=["boilerplate"], db=db)
    with Store(db) as store, TestClient(
        create_app(settings, store, token=TOKEN, isolate=True), headers=AUTH
    ) as client:
        def ingest(*texts: str) -> dict:
            items = [{"text": t, "outlet": "ferries.example"} for t in texts]
            return client.post("/api/v1/ingest", json={"items": items}).json()

        first = ingest(ARTICLE, ARTICLE)
        assert (first["analyzed"], first["skipped"], first["failed"]) == (1, 1, 0)
        again = ingest(ARTICLE)
        assert (again["analyzed"], again["skipped"]) == (0, 1)
        other = ingest(ARTICLE.replace("Monday", "Tuesday"))
        assert other["analyzed"] == 1
        assert client.get("/healthz").json()["articles"] == 2
