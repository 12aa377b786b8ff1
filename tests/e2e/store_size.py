"""Database size per 1,000 articles and store speed, measured by replicating a real store.

Run: ``python -m tests.e2e.store_size SOURCE.duckdb OUT.duckdb [copies]``. Every article of
SOURCE is saved ``copies`` times (default 11) under other outlets and URLs, so nothing is
deduplicated and the findings are those the installed layers really produced.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from spinscope.document import Document
from spinscope.store import Store


def measure(source: Path, out: Path, copies: int = 11) -> str:
    with Store(source, read_only=True) as src:
        data = [src.get(r["key"]) for r in src._rows("SELECT key FROM documents ORDER BY key")]
    for path in (out, out.with_name(out.name + ".wal")):
        path.unlink(missing_ok=True)
    start = time.perf_counter()
    with Store(out) as store:
        for i in range(copies):
            batch = []
            for item in data:
                doc = Document.from_dict(item)
                doc.meta.outlet = f"copy{i}.example"
                doc.meta.url = f"https://copy{i}.example/{doc.id}"
                batch.append(doc)
            store.save_many(batch)
        seconds = time.perf_counter() - start
        count = store.count()
    size = out.stat().st_size
    return (
        f"{count} articles stored in {seconds:.1f} s ({count / seconds:.0f} articles/s); "
        f"{size / 1e6:.1f} MB, {size / count * 1000 / 1e6:.1f} MB per 1,000 articles"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    print(measure(Path(args[0]), Path(args[1]), *(int(a) for a in args[2:3])))
