"""``spinscope bench``: per-layer timings and memory for a set of articles."""

from __future__ import annotations

import json
from pathlib import Path


def test_bench_reports_every_layer_in_pipeline_order(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        (tmp_path / f"a{n}.txt").write_text(
            f"Title {n}\n\nThe Kiev regime said on Monday that {n} drones were launched.\n"
        )
    result = invoke("bench", str(tmp_path), "--layers", "boilerplate,wording", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["articles"] == 3
    assert [r["layer"] for r in report["layers"]] == ["boilerplate", "wording"]
    assert report["peak_mb"] > 0 and all(r["run_s"] >= 0 for r in report["layers"])
    assert abs(sum(r["share"] for r in report["layers"]) - 1) < 0.01 or report["analyze_s"] == 0
    limited = invoke("bench", str(tmp_path), "--layers", "boilerplate", "--limit", "1", "--json")
    assert json.loads(limited.output)["articles"] == 1


def test_bench_refuses_a_missing_folder_with_one_line(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("bench", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.output and "Traceback" not in result.output


def test_bench_times_the_shared_parse_on_its_own_row_and_the_pipeline_as_analyze_runs_it(
    invoke, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    for n in range(2):
        (tmp_path / f"a{n}.txt").write_text(
            f"Title {n}\n\nOfficials said on Monday that {n + 2} drones hit Belgorod.\n"
        )
    result = invoke("bench", str(tmp_path), "--layers", "claims,entities", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    names = [r["layer"] for r in report["layers"]]
    assert names == ["boilerplate", "(parse)", "claims", "entities"]  # before its first reader
    assert report["pipeline_s"] > 0 and report["pipeline_articles_per_s"] > 0
