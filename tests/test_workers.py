"""``--workers N``: the same results, in input order, from N worker processes."""

from __future__ import annotations

import json
from pathlib import Path

from spinscope.scale.workers import auto_workers


def test_workers_give_byte_identical_results_in_input_order(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"a{n}.txt").write_text(f"Title {n}\n\nThe Kiev regime said {n} drones flew.\n")
    (folder / "a2.txt").write_bytes(b"")  # an empty input fails in the middle
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.jsonl"
        args = ["--layers", "boilerplate,wording", "--format", "jsonl", "--out", str(out)]
        result = invoke("analyze", str(folder), *args, "--workers", workers, "-q")
        assert result.exit_code == 1  # one input failed, the others were written
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    ids = [json.loads(line)["document"]["id"] for line in outs[0].decode().splitlines()]
    assert ids == ["a0", "a1", "a3", "a4"]


def test_auto_starts_one_worker_for_a_small_job() -> None:
    assert auto_workers(3) == 1
    assert auto_workers(10_000) >= 1


def test_ingest_with_workers_stores_the_same_documents_in_the_same_order(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path
) -> None:
    import duckdb

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(6):
        (folder / f"a{n}.txt").write_text(f"Title {n}\n\nThe Kiev regime said {n} drones flew.\n")
    (folder / "a3.txt").write_bytes(b"")  # fails; the others are stored
    stored = []
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.duckdb"
        args = ["--layers", "boilerplate,wording", "--db", str(db), "--commit-every", "2"]
        result = invoke("ingest", str(folder), *args, "--workers", workers, "-q")
        assert result.exit_code == 1, result.output
        with duckdb.connect(str(db), read_only=True) as con:
            stored.append(
                con.execute("SELECT doc_id, data FROM documents ORDER BY rowid").fetchall()
            )
    assert [doc_id for doc_id, _ in stored[0]] == ["a0", "a1", "a2", "a4", "a5"]
    assert stored[0] == stored[1]


def test_the_servers_analysis_process_starts_with_the_server_not_on_first_use() -> None:
    """``serve`` starts its analysis process (and loads the models in it) at start-up: on
    first use the spawn and the loading ran while page views waited (load test p95 500-600
    ms on the first round after start, 120-150 ms later)."""
    from spinscope.config import Settings
    from spinscope.web.worker import AnalysisProcess

    proc = AnalysisProcess(Settings(layers=["boilerplate"]))
    try:
        proc.start()
        pool = proc._pool
        assert pool is not None and len(pool._processes) == 1  # running before any analysis
        data = proc.analyze("Invented: a title\nThe pier reopens on Friday.\n", "", {})
        assert data["document"]["title"] == "Invented: a title"
        assert proc._pool is pool  # the same process served the analysis
    finally:
        proc.close()
