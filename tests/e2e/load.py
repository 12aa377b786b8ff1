"""A bounded load test against a spinscope server on 127.0.0.1 (never anything else).

Run: ``python -m tests.e2e.load http://127.0.0.1:8000 [requests] [concurrency]``.
Mixes search and chart pages, article pages, API reads and analyze requests (which the
server queues, answering 503 + Retry-After when its queue is full); reports status counts
and latency percentiles, overall and per kind.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

ARTICLE = (
    "Invented: the ferry to Oskar Island resumes\n"
    "The ferry company said on Friday that service would resume after repairs to the pier, "
    "officials said, while residents complained about months of delays.\n"
)


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    retry_after_missing: int = 0

    def percentile(self, p: float, kind: str | None = None) -> float:
        ordered = sorted(self.by_kind[kind] if kind else self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def summary(self) -> str:
        counts = ", ".join(
            f"{kind} {code}: {n}" for (kind, code), n in sorted(self.statuses.items())
        )
        return (
            f"{len(self.latencies)} requests; p50 {self.percentile(50) * 1000:.0f} ms, "
            f"p95 {self.percentile(95) * 1000:.0f} ms, mean "
            f"{statistics.mean(self.latencies) * 1000:.0f} ms; "
            + "; ".join(
                f"{kind} p50 {self.percentile(50, kind) * 1000:.0f} ms "
                f"p95 {self.percentile(95, kind) * 1000:.0f} ms"
                for kind in sorted(self.by_kind)
            )
            + f"; {counts}"
        )


#: Searches of the search and chart pages: words, OR, NOT, a phrase (URL-encoded), in turn.
QUERIES = ["levee", "president+OR+minister", "police+-crime", "%22port+elsby%22", "Россия"]


def requests_for(base: str, keys: list[str], n: int) -> list[tuple[str, str, str, dict | None]]:
    """(kind, method, url, json) for ``n`` requests: search pages (with snippets), chart
    pages (the dashboard, with and without a search, and attention over time), article
    pages, API reads, analyses."""
    plan = []
    for i in range(n):
        key = keys[i % len(keys)]
        q, other = QUERIES[i % len(QUERIES)], QUERIES[(i + 1) % len(QUERIES)]
        slot = i % 10
        if slot < 3:
            plan.append(("search", "GET", f"{base}/?q={q}&page=1", None))
        elif slot == 3:
            plan.append(("page", "GET", f"{base}/articles/{key}", None))
        elif slot == 4:
            dashboard = f"{base}/dashboard" + (f"?q={q}" if i % 20 >= 10 else "")
            plan.append(("chart", "GET", dashboard, None))
        elif slot == 5:
            trend = f"{base}/trends?q={q}&compare={other}&by={('all', 'outlet')[i % 2]}"
            plan.append(("chart", "GET", trend, None))
        elif slot < 8:
            plan.append(("api", "GET", f"{base}/api/v1/search?q=port+elsby&per_page=5", None))
        else:
            body = {"text": ARTICLE.replace("Friday", f"day {i}")}
            plan.append(("analyze", "POST", f"{base}/api/v1/analyze", body))
    return plan


def run_load(base: str, n: int = 200, concurrency: int = 20) -> LoadResult:
    """Send ``n`` requests, ``concurrency`` at a time, to ``base`` (must be 127.0.0.1)."""
    import httpx

    if urlsplit(base).hostname != "127.0.0.1":
        raise ValueError(f"load tests only ever target 127.0.0.1, not {base}")
    result = LoadResult()
    with httpx.Client(timeout=60, trust_env=False) as client:
        found = client.get(f"{base}/api/v1/search", params={"per_page": 50}).json()
        keys = [r["key"] for r in found["results"]] or ["none"]
        plan = requests_for(base, keys, n)

        def one(job: tuple[str, str, str, dict | None]) -> None:
            kind, method, url, body = job
            start = time.perf_counter()
            response = client.request(method, url, json=body)
            elapsed = time.perf_counter() - start
            result.latencies.append(elapsed)
            result.by_kind.setdefault(kind, []).append(elapsed)
            result.statuses[(kind, response.status_code)] += 1
            if response.status_code == 503 and kind == "analyze":
                if not response.headers.get("retry-after"):
                    result.retry_after_missing += 1
            elif response.status_code != 200:
                result.unexpected.append(f"{method} {url} -> {response.status_code}")

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, plan))
    return result


if __name__ == "__main__":
    args = sys.argv[1:]
    outcome = run_load(args[0], *(int(a) for a in args[1:3]))
    print(outcome.summary())
    if outcome.unexpected:
        print("unexpected:", *outcome.unexpected[:10], sep="\n  ")
        sys.exit(1)
