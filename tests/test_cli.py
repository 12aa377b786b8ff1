from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import ARTICLE


def test_terminal_output_is_the_default(invoke, article_file: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("analyze", str(article_file), "--layers", "boilerplate")
    assert result.exit_code == 0, result.stderr
    assert "Ministry denies shelling reports" in result.stdout
    assert "river-times.example" in result.stdout and "Boilerplate: 2" in result.stdout


def test_json_output_follows_the_contract(invoke, article_file: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("analyze", str(article_file), "--format", "json", "--layers", "boilerplate")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "spinscope/1"
    doc = data["document"]
    assert doc["text"] == article_file.read_text(encoding="utf-8")
    assert {"id", "source", "title", "text", "outlet", "author", "published", "language",
            "genre"} <= set(doc)  # fmt: skip
    assert doc["outlet"] == "river-times.example" and doc["author"] == "Ivan"
    kinds = [b["kind"] for b in data["boilerplate"]]
    assert kinds == ["contact", "follow"]
    for item in data["boilerplate"]:
        assert doc["text"][item["start"] : item["end"]] == item["text"]
    assert "techniques" not in data  # not asked for, so absent (never faked)
    assert data["provenance"][0]["analyzer"] == "boilerplate"


def test_batch_with_bad_inputs_reports_each_and_goes_on(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 50)
    (tmp_path / "lines.jsonl").write_text(json.dumps({"id": "j", "text": ARTICLE}) + "\n{oops\n")
    out = tmp_path / "out.jsonl"
    result = invoke("analyze", str(tmp_path), str(tmp_path / "missing.txt"), "--format", "jsonl",
                    "--out", str(out), "--layers", "boilerplate")  # fmt: skip
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 4, result.stderr
    assert any("empty.txt" in e and "empty" in e for e in errors)
    assert any("binary.txt" in e and "not a text file" in e for e in errors)
    assert any("lines.jsonl:2" in e and "not valid JSON" in e for e in errors)
    assert any("missing.txt" in e and "no such file" in e for e in errors)
    assert "Traceback" not in result.stderr
    ids = [json.loads(line)["document"]["id"] for line in out.read_text().splitlines()]
    assert sorted(ids) == ["good", "j"]
    assert "2 analyzed, 4 failed, 6 inputs" in result.stderr


def test_html_reports_for_several_inputs_go_to_a_folder(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(ARTICLE, encoding="utf-8")
    result = invoke("analyze", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-f", "html", "-l",
                    "boilerplate")  # fmt: skip
    assert result.exit_code == 2 and "--out" in result.stderr
    out = tmp_path / "reports"
    result = invoke("analyze", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-f", "html",
                    "-o", str(out), "-l", "boilerplate")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.html", "b.html"]
    assert 'class="seg L-boilerplate"' in (out / "a.html").read_text()


def _csv_rows(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_output_has_one_row_per_finding(invoke, article_file: Path) -> None:  # type: ignore[no-untyped-def]
    args = (str(article_file), "--layers", "boilerplate")
    result = invoke("analyze", *args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    data = json.loads(invoke("analyze", *args, "--format", "json").stdout)
    rows = _csv_rows(result.stdout)
    assert rows[0][:9] == ["doc_id", "source", "layer", "index", "start", "end", "text",
                           "label", "score"] and rows[0][9] == "attrs"  # fmt: skip
    assert len(rows) - 1 == len(data["boilerplate"]) == 2
    for row, item in zip(rows[1:], data["boilerplate"], strict=True):
        assert row[0] == "river" and row[1] == str(article_file) and row[2] == "boilerplate"
        assert (int(row[4]), int(row[5]), row[6], row[7]) == (
            item["start"], item["end"], item["text"], item["kind"],
        )  # fmt: skip
        assert row[6] == data["document"]["text"][int(row[4]) : int(row[5])]


def test_csv_for_a_batch_is_one_table_with_one_header(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "б.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("")
    out = tmp_path / "findings.csv"
    result = invoke("analyze", str(tmp_path), "-f", "csv", "-o", str(out), "-l", "boilerplate")
    assert result.exit_code == 1 and "empty.txt" in result.stderr  # the rest went on
    rows = _csv_rows(out.read_text(encoding="utf-8"))
    assert [r[0] for r in rows] == ["doc_id", "a", "a", "б", "б"]  # UTF-8
    stdout = invoke("analyze", str(tmp_path / "a.txt"), str(tmp_path / "б.txt"), "-f", "csv",
                    "-l", "boilerplate", "-q").stdout  # fmt: skip
    assert [r[0] for r in _csv_rows(stdout)] == ["doc_id", "a", "a", "б", "б"]
    nothing = tmp_path / "none.csv"
    result = invoke("analyze", str(tmp_path / "empty.txt"), "-f", "csv", "-o", str(nothing))
    assert result.exit_code == 1 and _csv_rows(nothing.read_text())[0][0] == "doc_id"
    assert len(_csv_rows(nothing.read_text())) == 1  # a table with its columns, no rows


def test_stdin_is_read_with_a_dash(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("analyze", "-", "--format", "md", "-l", "boilerplate", input=ARTICLE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Ministry denies shelling reports")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "--format must be one of"),
        (["--layers", "nonsense"], "unknown layer"),
        (["--max-bytes", "0"], "max_bytes"),
    ],
)
def test_usage_errors_exit_2_with_a_message(invoke, article_file: Path, args, message) -> None:  # type: ignore[no-untyped-def]
    result = invoke("analyze", str(article_file), *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_oversized_file_is_refused_by_the_cap_unless_raised(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.txt"
    big.write_text((ARTICLE + "\n") * 40, encoding="utf-8")
    small_cap = str(len(ARTICLE) * 10)
    result = invoke("analyze", str(big), "--max-bytes", small_cap, "-l", "boilerplate")
    assert result.exit_code == 1 and "size cap" in result.stderr
    result = invoke("analyze", str(big), "--max-bytes", str(10**6), "-l", "boilerplate", "-q")
    assert result.exit_code == 0


def test_layers_command_lists_what_exists(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("layers")
    assert result.exit_code == 0 and result.stdout.startswith("boilerplate")


def test_python_api_matches_the_cli(article_file: Path) -> None:
    import spinscope

    doc = spinscope.analyze(article_file, layers=["boilerplate"])
    assert doc.text == article_file.read_text(encoding="utf-8")
    raw = spinscope.analyze(ARTICLE, layers=["boilerplate"])
    assert [s.label for s in raw.layer("boilerplate")] == ["contact", "follow"]


def test_running_the_pipeline_twice_replaces_every_layer() -> None:
    import spinscope

    pipe = spinscope.load_pipeline()
    doc = spinscope.analyze(ARTICLE, pipeline=pipe)
    first = {layer: len(spans) for layer, spans in doc.spans.items()}
    recorded = sorted(p.analyzer for p in doc.provenance)
    pipe.run(doc)
    assert {layer: len(spans) for layer, spans in doc.spans.items()} == first
    # One provenance per analyzer that ran (the narratives layer has no catalog here).
    assert sorted(p.analyzer for p in doc.provenance) == recorded
    assert len(recorded) == len([a for a in pipe.analyzers if set(a.provides) & set(first)])


def test_help_paragraphs_are_joined_so_the_terminal_wraps_them() -> None:
    from spinscope.cli import reflow

    text = ("Analyze articles\nquickly.\n\nEvery finding is a span\nwith exact offsets.\n\n"
            "Example:  spinscope analyze a.txt\n  --format html\n\n- one\n- two")  # fmt: skip
    assert reflow(text) == (
        "Analyze articles quickly.\n\nEvery finding is a span with exact offsets.\n\n"
        "Example:  spinscope analyze a.txt\n  --format html\n\n- one\n- two"
    )


def test_every_command_help_is_reflowed_once_the_commands_are_attached() -> None:
    from spinscope.cli import _attach
    from spinscope.cli.app import app

    _attach()
    analyze = next(c for c in app.registered_commands if c.callback.__name__ == "analyze")
    prose = analyze.help.split("\n\n")[1]
    assert prose.startswith("Every finding is a span") and "\n" not in prose
