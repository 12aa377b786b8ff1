"""The REST API of the real server, whose analyses run in a separate worker process."""

from __future__ import annotations

import httpx

from tests.e2e.corpus import AUTH


def test_ingest_and_analyze_go_through_the_worker_process(server: str) -> None:
    items = [
        {"text": "Invented: a ferry strike\nThe union said the ferries would stop on Monday.\n",
         "outlet": "harbour.example", "published": "2031-04-01"},
        {"url": "/etc/passwd"},
    ]  # fmt: skip
    answer = httpx.post(f"{server}/api/v1/ingest", json={"items": items}, headers=AUTH, timeout=120)
    answer = answer.json()
    assert answer["analyzed"] == 1 and answer["failed"] == 1, answer
    doc = httpx.get(f"{server}/api/v1/documents/{answer['keys'][0]}").json()
    assert doc["document"]["outlet"] == "harbour.example" and "boilerplate" in doc
    refused = httpx.post(
        f"{server}/api/v1/analyze", json={"url": "http://127.0.0.1:9/x"}, timeout=120
    )
    assert refused.status_code == 502 and "non-public address" in refused.json()["error"]
    empty = httpx.post(f"{server}/api/v1/analyze", json={"text": " "}, timeout=120)
    assert empty.status_code == 422 and empty.json()["ok"] is False
