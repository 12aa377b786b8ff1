"""A bounded load test: 200 requests at concurrency 20 against the real server on loopback."""

from __future__ import annotations

from tests.e2e.load import run_load


def test_200_requests_at_concurrency_20_fail_only_with_intended_503s(server: str) -> None:
    result = run_load(server, n=200, concurrency=20)
    print("\nload test:", result.summary())
    assert result.unexpected == []
    assert result.retry_after_missing == 0
    assert len(result.latencies) == 200
    # Page views and API reads are never refused, whatever the analyze queue is doing.
    assert all(code == 200 for (kind, code) in result.statuses if kind != "analyze")
    assert result.percentile(95) < 10.0
