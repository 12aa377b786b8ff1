"""``spinscope batch``: a Parquet dataset from many inputs; failures kept, nothing lost or
written twice when a worker or the whole run is killed; the same bytes whichever engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from spinscope.config import load_settings
from spinscope.dataset.parquet import done_shards, read_dataset, read_failures
from spinscope.scale import batch as B

LAYERS = "boilerplate,wording"


def _inputs(folder: Path, n: int = 6) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i}.txt").write_text(
            f"Title {i}\n\nThe Kiev regime said {i} drones flew over the city.\n", encoding="utf-8"
        )
    return folder


def _sources(out: Path) -> list[str]:
    glob = str(out / "documents" / "*" / "*.parquet")
    return [r[0] for r in duckdb.sql(f"SELECT source FROM read_parquet('{glob}')").fetchall()]


def test_batch_writes_documents_and_failures_and_a_rerun_skips_done_shards(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path
) -> None:
    folder = _inputs(tmp_path / "in", 3)
    contract = {"schema": "spinscope/1", "document": {"id": "c1", "text": "The junta lied."}}
    (folder / "rows.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Officials said the bridge was shelled."})
        + "\nnot json\n" + json.dumps(contract) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    table = tmp_path / "rows.parquet"
    duckdb.sql(
        f"COPY (SELECT 'p1' AS id, 'A quiet day in the port, the mayor said.' AS text "
        f"UNION ALL SELECT 'p2', NULL) TO '{table}' (FORMAT parquet)"
    )
    out = tmp_path / "out"
    args = ["batch", str(folder), str(table), "--out", str(out), "-l", LAYERS]
    result = invoke(*args, "--shard-size", "3", "--workers", "1", "-q")
    assert result.exit_code == 1, result.output  # two inputs failed; the rest were written
    ids = sorted(d["document"]["id"] for d in read_dataset(out))
    assert ids == ["a0", "a1", "a2", "c1", "j1", "p1"]
    reasons = {where: reason for _, where, reason in read_failures(out)}
    assert set(reasons) == {f"{folder / 'rows.jsonl'}:2", f"{table}#1"}
    assert "not valid JSON" in reasons[f"{folder / 'rows.jsonl'}:2"]
    assert "'text' or 'html'" in reasons[f"{table}#1"]
    # A layer table holds one row per finding ("Kiev regime" is loaded wording).
    glob = str(out / "wording" / "*" / "*.parquet")
    [(rows,)] = duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}')").fetchall()
    assert rows == sum(len(d["wording"]) for d in read_dataset(out)) > 0

    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "_done").iterdir()}
    again = invoke(*args, "--shard-size", "3", "--workers", "1")
    assert again.exit_code == 1  # the dataset still holds failed inputs of these inputs
    assert "0 shards written, 3 done already" in again.output
    assert "2 failed in an earlier run" in again.output
    assert {p.name: p.stat().st_mtime_ns for p in (out / "_done").iterdir()} == stamps


def test_shards_are_the_same_for_the_same_inputs_and_change_with_them(tmp_path: Path) -> None:
    folder = _inputs(tmp_path / "in", 5)
    settings = load_settings(None, layers=["boilerplate"])
    first = [s.name for s in B.shards_of(B.expand([str(folder)], settings), 2)]
    assert first == [s.name for s in B.shards_of(B.expand([str(folder)], settings), 2)]
    (folder / "a9.txt").write_text("Another article entirely.\n", encoding="utf-8")
    changed = [s.name for s in B.shards_of(B.expand([str(folder)], settings), 2)]
    assert changed[:2] == first[:2] and changed[2] != first[2]


def test_a_killed_worker_has_its_shard_run_again_and_no_document_is_lost_or_twice(
    tmp_path: Path,
) -> None:
    folder = _inputs(tmp_path / "in", 8)
    out = tmp_path / "out"
    settings = load_settings(None, layers=LAYERS.split(","))
    killed: list[int] = []

    def kill_first_worker(result: B.ShardResult) -> None:
        if not killed:
            killed.append(result.pid)
            os.kill(result.pid, signal.SIGKILL)

    report = B.run([str(folder)], out, settings, "local", 2, 1, on_shard=kill_first_worker)
    assert killed and report.restarts >= 1
    assert not report.errors
    sources = _sources(out)
    assert sorted(sources) == sorted(str(p) for p in folder.iterdir())  # all, once each
    assert len(done_shards(out)) == 8


def test_a_killed_batch_resumes_where_it_stopped(tmp_path: Path) -> None:
    folder = _inputs(tmp_path / "in", 12)
    out = tmp_path / "out"
    cmd = [
        str(Path(sys.executable).parent / "spinscope"), "batch", str(folder), "--out", str(out),
        "-l", LAYERS, "--shard-size", "1", "--workers", "1", "-q",
    ]  # fmt: skip
    run = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while len(done_shards(out)) < 2 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)  # the run and its workers, as a killed job
    run.wait()
    before = len(done_shards(out))
    assert 2 <= before < 12, "the run finished before it could be killed; use more inputs"
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{12 - before} shards written, {before} done already" in again.stderr
    sources = _sources(out)
    assert sorted(sources) == sorted(str(p) for p in folder.iterdir())


def test_batch_refuses_a_folder_that_is_not_a_dataset_and_an_unknown_engine(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path
) -> None:
    folder = _inputs(tmp_path / "in", 1)
    result = invoke("batch", str(folder), "--out", str(folder))
    assert result.exit_code == 2 and "other files" in result.output
    result = invoke("batch", str(folder), "--out", str(tmp_path / "o"), "--engine", "spark")
    assert result.exit_code == 2 and "choose 'local' or 'ray'" in result.output


def test_ingest_from_a_dataset_stores_its_documents_once_without_analyzing(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path
) -> None:
    folder = _inputs(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert (
        invoke("batch", str(folder), "--out", str(out), "-l", LAYERS, "--workers", "1").exit_code
        == 0
    )
    db = tmp_path / "s.duckdb"
    # --layers entities would load models if --from analyzed; the documents keep their layers.
    first = invoke("ingest", "--from", str(out), "--db", str(db), "-l", "entities")
    assert first.exit_code == 0, first.output
    second = invoke("ingest", "--from", str(out), "--db", str(db))
    assert "0 stored, 3 skipped" in second.output
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT data FROM documents").fetchall()
    stored = {json.loads(r[0])["document"]["id"]: json.loads(r[0]) for r in rows}
    expected = {d["document"]["id"]: d for d in read_dataset(out)}
    assert json.dumps(stored, sort_keys=True) == json.dumps(expected, sort_keys=True)
    bad = invoke("ingest", "--from", str(folder), "--db", str(db))
    assert bad.exit_code == 2 and "not a spinscope dataset" in bad.output


def test_the_same_article_gives_the_same_bytes_sequential_workers_and_ray(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path
) -> None:
    folder = _inputs(tmp_path / "in", 4)
    jsonl = tmp_path / "seq.jsonl"
    result = invoke("analyze", str(folder), "-l", LAYERS, "--format", "jsonl", "--out", str(jsonl),
                    "--workers", "1", "-q")  # fmt: skip
    assert result.exit_code == 0
    sequential = {
        json.loads(line)["document"]["id"]: line for line in jsonl.read_text().splitlines()
    }

    def dumped(out: Path) -> dict[str, str]:
        return {d["document"]["id"]: json.dumps(d, ensure_ascii=False) for d in read_dataset(out)}

    expected = {k: json.dumps(json.loads(v), ensure_ascii=False) for k, v in sequential.items()}
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        args = ["batch", str(folder), "--out", str(out), "-l", LAYERS, "--workers", workers]
        assert invoke(*args, "--shard-size", "2", "-q").exit_code == 0
        assert dumped(out) == expected
    pytest.importorskip("ray", reason="the ray extra is not installed (CI installs it)")
    import ray

    out = tmp_path / "ray"
    settings = load_settings(None, layers=LAYERS.split(","))
    killed: list[int] = []

    def kill_first_actor(result: B.ShardResult) -> None:
        if not killed:
            killed.append(result.pid)
            os.kill(result.pid, signal.SIGKILL)

    try:
        report = B.run([str(folder)], out, settings, "ray", 2, 1, on_shard=kill_first_actor)
    finally:
        ray.shutdown()
    assert killed and not report.errors
    assert sorted(_sources(out)) == sorted(
        str(p) for p in folder.iterdir()
    )  # none lost, none twice
    assert dumped(out) == expected


def test_a_dataset_folder_that_cannot_be_written_is_one_line_not_a_traceback(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path
) -> None:
    folder = _inputs(tmp_path / "in", 1)
    out = tmp_path / "out"
    (out / "_done").mkdir(parents=True)
    (out / "_tmp").write_text("a file where the dataset's work folder goes", encoding="utf-8")
    result = invoke("batch", str(folder), "--out", str(out), "-l", LAYERS, "--workers", "1")
    assert result.exit_code == 1
    assert "cannot write the dataset in" in result.output and "Traceback" not in result.output
