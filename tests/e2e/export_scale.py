"""Does an export stream in constant memory? A store of N generated articles, exported.

Build: ``python -m tests.e2e.export_scale build ANALYSES.jsonl OUT.duckdb N``. ANALYSES is
``spinscope analyze ... --format jsonl`` output (real analyses, every layer). Each stored
article is one of them with copied layers: its own id, URL, outlet (one of 12), title and
publication date (spread over 2024), and a last line naming the variant appended to the
text, so that no two texts are equal and every finding's offsets still hold.

Measure: ``python -m tests.e2e.export_scale measure STORE.duckdb [STORE.duckdb …]`` runs
``spinscope export`` (csv of the techniques, jsonl of the documents, parquet of every
table) in a child process per store and prints its peak RSS (``ru_maxrss``), time and size.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from spinscope.document import Document
from spinscope.store import Store

OUTLETS = [f"outlet{n:02d}.example" for n in range(12)]


def variant(data: dict, n: int) -> Document:
    """Copy ``n`` of an analysed article: other fields and an extra last line."""
    doc = Document.from_dict(data)
    suffix = f"\n(variant {n})"
    doc.text += suffix
    doc.id = f"{doc.id}-v{n}"
    doc.meta.outlet = OUTLETS[n % len(OUTLETS)]
    doc.meta.url = f"https://{doc.meta.outlet}/{n}"
    doc.meta.title = f"{doc.meta.title or doc.id} ({n})"
    doc.meta.published = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"
    return doc


def build(analyses: Path, out: Path, count: int) -> str:
    sources = [json.loads(line) for line in analyses.read_text(encoding="utf-8").splitlines()]
    for path in (out, out.with_name(out.name + ".wal")):
        path.unlink(missing_ok=True)
    start = time.perf_counter()
    with Store(out) as store:
        for first in range(0, count, 250):
            batch = [
                variant(sources[n % len(sources)], n) for n in range(first, min(count, first + 250))
            ]
            store.save_many(batch)
        stored = store.count()
        spans = store._value("SELECT count(*) FROM spans")
    seconds = time.perf_counter() - start
    return (
        f"{stored} articles ({spans} findings) in {out} in {seconds:.0f} s; "
        f"{out.stat().st_size / 1e6:.0f} MB"
    )


def _child(args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``spinscope ARGS`` run as a child of a fresh process."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    spinscope = str(Path(sys.executable).with_name("spinscope"))
    done = subprocess.run(
        [sys.executable, "-c", code, spinscope, "export", *args],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    seconds, rss = done.stdout.split()
    return float(seconds), float(rss)


def measure(stores: list[Path]) -> str:
    lines = []
    for db in stores:
        with Store(db, read_only=True) as store:
            n = store.count()
        tmp = Path(tempfile.mkdtemp(prefix="export-scale-"))
        try:
            for label, args in (
                (
                    "csv techniques",
                    ["--what", "techniques", "--format", "csv", "--out", str(tmp / "t.csv")],
                ),
                ("jsonl documents", ["--format", "jsonl", "--out", str(tmp / "d.jsonl")]),
                ("parquet all", ["--format", "parquet", "--out", str(tmp / "ds")]),
            ):
                seconds, rss = _child(["--db", str(db), *args])
                target = tmp / {"csv techniques": "t.csv", "jsonl documents": "d.jsonl"}.get(
                    label, "ds"
                )
                size = (
                    sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
                    if target.is_dir()
                    else target.stat().st_size
                )
                lines.append(
                    f"{n:>6} articles  {label:16s} {seconds:6.1f} s  peak RSS {rss:6.0f} MB  "
                    f"{size / 1e6:7.1f} MB out"
                )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return "\n".join(lines)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cmd, *rest = sys.argv[1:]
    if cmd == "build":
        print(build(Path(rest[0]), Path(rest[1]), int(rest[2])))
    else:
        print(measure([Path(p) for p in rest]))
