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


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _served_export(db: Path, url: str) -> tuple[float, float, float, int]:
    """(seconds, server RSS before, peak server RSS during, bytes) of one GET of ``url``
    from ``spinscope serve --db DB`` (sampled every 50 ms from /proc)."""
    import threading

    import httpx

    from tests.e2e.corpus import CLI, free_port

    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--db", str(db), "--port", str(port), "--layers", "boilerplate"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        httpx.get(base + "/api/v1/search", timeout=60)  # warm: the first query's allocations
        before = _rss_mb(proc.pid)
        peak, done = [before], threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak.append(_rss_mb(proc.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        start, size = time.perf_counter(), 0
        with httpx.stream("GET", base + url, timeout=600) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_bytes():
                size += len(chunk)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        return seconds, before, max(peak), size
    finally:
        proc.terminate()
        proc.wait(30)


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
        url = "/api/v1/export?what=techniques&format=csv"
        seconds, before, peak, size = _served_export(db, url)
        lines.append(
            f"{n:>6} articles  {'GET ' + url:16s} {seconds:6.1f} s  server RSS {before:.0f} MB "
            f"before, {peak:.0f} MB peak  {size / 1e6:7.1f} MB out"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cmd, *rest = sys.argv[1:]
    if cmd == "build":
        print(build(Path(rest[0]), Path(rest[1]), int(rest[2])))
    else:
        print(measure([Path(p) for p in rest]))
