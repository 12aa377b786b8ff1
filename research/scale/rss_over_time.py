"""Resident memory of one process running all layers over a JSONL of articles, batch by
batch (does it grow with the number of articles?).

    python research/scale/rss_over_time.py /work/cache/h-batch/variants-2000.jsonl 320

Measured 2026-11-28 on the first 320 of the 2,000 variants (research/scale/make_variants.py):
1.5 GB after the first batch, then 1.9-2.1 GB, the highest at a 43,000-character article.
"""

from __future__ import annotations

import json
import sys
import time

from spinscope.config import Settings
from spinscope.ingest.sources import from_text
from spinscope.pipeline import Pipeline


def rss_mb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


def main(path: str, n: int) -> None:
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for _, line in zip(range(n), f, strict=False)]
    settings = Settings()
    pipeline = Pipeline(settings)
    start = time.perf_counter()
    for i in range(0, len(rows), 8):
        docs = [from_text(r["text"], settings) for r in rows[i : i + 8]]
        pipeline.run_many(docs)
        if (i // 8) % 6 == 0:
            longest = max(len(d.text) for d in docs)
            print(f"{i + len(docs):5d} articles  RSS {rss_mb()} MB  longest {longest:,} chars  "
                  f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 320)
