"""``--workers N``: the same results, in input order, from N worker processes."""

from __future__ import annotations

import json
from pathlib import Path

from spinscope.workers import auto_workers


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
