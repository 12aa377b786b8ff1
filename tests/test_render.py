from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from spinscope.document import Document
from spinscope.render import render
from spinscope.render.html import render_html
from spinscope.render.terminal import render_plain

HOSTILE = (
    "Headline with <script>document.title='pwned'</script> inside\n"
    "Body: <img src=x onerror=\"document.title='pwned'\"> and [bold]markup[/bold] & more.\n"
    "A closing tag </script><script>document.title='pwned'</script> in the text.\n"
)


def hostile_doc() -> dict:
    doc = Document(id="evil", source="evil.txt", text=HOSTILE)
    doc.meta.title = "<script>document.title='pwned'</script>"
    start = HOSTILE.index("<img")
    end = HOSTILE.index("and [bold]")
    doc.add_span("techniques", start, end, "Loaded_Language", 0.9)
    doc.add_span("claims", 0, 20, "claim", 0.7, attribution={"kind": "vague", "source": "<b>x</b>"})
    doc.start_layer("boilerplate")
    return doc.to_dict()


def test_html_report_escapes_every_piece_of_article_content() -> None:
    page = render_html(hostile_doc())
    assert "<script>document.title" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;document.title=" in page
    assert "&lt;img src=x onerror=" in page
    # The only scripts are the report's own (JSON data + nonce'd script).
    assert page.count("<script") == 2
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_html_report_highlights_spans_with_a_legend() -> None:
    page = render_html(hostile_doc())
    assert 'class="seg L-techniques' in page or 'class="seg L-claims L-techniques' in page
    assert "Loaded_Language (1)" in page
    assert "Persuasion techniques (1)" in page and "Check-worthy claims (1)" in page


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_hostile_article_renders_as_text_in_a_real_browser(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(render_html(hostile_doc()), encoding="utf-8")
    out = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         path.as_uri()],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    dom = out.stdout
    title = dom.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title != "pwned" and title.endswith("spinscope report")  # no script changed it
    assert 'data-ready="1"' in dom  # the report's own script ran under the CSP
    assert "&lt;img src=x onerror=" in dom  # the hostile markup is shown as text
    assert '<img src="x"' not in dom


def test_markdown_escapes_html_and_markdown() -> None:
    md = render(hostile_doc(), "md")
    assert "<script>" not in md and "<img" not in md
    assert "&lt;img src=x onerror=" in md


def test_terminal_shows_brackets_literally() -> None:
    text = render_plain(hostile_doc())
    assert "Loaded_Language" in text
    assert "Techniques" in text or "techniques" in text
    plain = render_plain(
        Document(id="b", source="b", text="[bold]x[/bold] said\nmore").model_copy().to_dict()
    )
    assert "b" in plain
    doc = Document(id="b", source="b", text="He said [red]no[/red] twice.\nEnd")
    doc.add_span("techniques", 8, 21, "Repetition", 0.5)
    assert "[red]no[/red]" in render_plain(doc.to_dict())


def test_places_map_and_timeline_come_from_entities_and_events() -> None:
    text = "Shelling hit Belgorod on 30 December 2023, killing more than twenty people.\nEnd."
    doc = Document(id="m", source="m", text=text)
    doc.add_span("entities", 13, 21, "PLACE", canonical="Belgorod", variant="official",
                 lat=50.6, lon=36.58, feature="town")  # fmt: skip
    doc.add_span("events", 0, 21, "shelling_artillery_missile_attack", actor=None,
                 target="Belgorod", place={"name": "Belgorod", "lat": 50.6, "lon": 36.58},
                 date={"text": "30 December 2023", "iso": "2023-12-30"}, killed={"min": 20},
                 injured=None)  # fmt: skip
    page = render_html(doc.to_dict())
    assert '<svg class="map"' in page and ">Belgorod</text>" in page
    assert "2023-12-30" in page.split("Timeline of dated events", 1)[1]
    assert "killed: ≥20" in page


def test_without_places_there_is_no_map() -> None:
    doc = Document(id="n", source="n", text="Nothing located here.\nEnd.")
    doc.start_layer("entities")
    assert '<svg class="map"' not in render_html(doc.to_dict())


@pytest.mark.parametrize(
    ("value", "shown"),
    [(7, "7"), ({"min": 20}, "≥20"), ({"min": 5, "max": 10}, "5–10"), ({"max": 3}, "≤3"),
     (None, None)],
)  # fmt: skip
def test_casualty_counts_read_as_bounds(value: object, shown: str | None) -> None:
    from spinscope.render.findings import casualties

    assert casualties(value) == shown


def test_findings_below_the_minimum_score_start_hidden_with_a_filter_to_show_them() -> None:
    text = "They are vile thugs. The weather was mild today, said officials.\n"
    doc = Document(id="w", source="w.txt", text=text)
    doc.add_span("techniques", 9, 19, "Name_Calling-Labeling", 0.8)
    doc.add_span("techniques", 21, 32, "Loaded_Language", 0.1)
    doc.add_span("claims", text.index("was mild"), len(text) - 2, "claim", 0.4)
    page = render_html(doc.to_dict(), min_score=0.3)
    # The strong span is highlighted; the weak one is in the page, not highlighted, and its
    # row is hidden until the reader lowers the technique filter (which starts at 0.30).
    assert page.count('class="seg L-techniques"') == 1
    assert 'class="seg off" id="f-techniques-1"' in page
    assert 'title="Loaded_Language"' not in page
    assert page.count('class="below"') == 1
    assert 'value="0.30" data-min="techniques"' in page and "1 of 2 shown" in page
    assert 'value="0.00" data-min="claims"' in page  # every scored layer has a filter
    assert "calibrated probability that annotators" in page
    # With the threshold at 0 everything is highlighted and nothing is hidden.
    page = render_html(doc.to_dict(), min_score=0.0)
    assert page.count('class="seg L-techniques"') == 2 and 'class="below"' not in page


def test_csv_has_one_row_per_finding_quoted_so_that_it_reads_back_exactly() -> None:
    import csv
    import io
    import json

    from spinscope.render.table import render_csv

    text = 'Он сказал: "нет, никогда"\nи ушёл.\n=SUM(A1) was typed, -5 degrees.\n'
    doc = Document(id="csv-1", source="in/csv 1.txt", text=text)
    doc.add_span("techniques", 0, text.index("и ушёл") + 6, "Loaded_Language", 0.8125)
    doc.add_span(
        "claims", text.index("нет"), text.index("никогда") + 7, "claim", 0.5,
        attribution={"kind": "named", "source": "Он", "start": 0, "end": 2},
    )  # fmt: skip
    doc.add_span("entities", text.index("=SUM"), text.index("=SUM") + 8, "MISC")
    doc.add_span("entities", text.index("-5"), text.index("-5") + 10, "QUANTITY")
    doc.start_layer("boilerplate")  # computed, found nothing: no rows
    out = render_csv(doc.to_dict())
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == ["doc_id", "source", "layer", "index", "start", "end", "text", "label",
                       "score", "attrs"]  # fmt: skip
    assert [(r[2], r[3], r[7]) for r in rows[1:]] == [
        ("techniques", "0", "Loaded_Language"), ("claims", "0", "claim"),
        ("entities", "0", "MISC"), ("entities", "1", "QUANTITY"),
    ]  # fmt: skip
    for row in rows[1:3]:
        assert row[:2] == ["csv-1", "in/csv 1.txt"]
        assert row[6] == text[int(row[4]) : int(row[5])]  # newline, quotes, comma kept
    assert "\n" in rows[1][6] and float(rows[1][8]) == 0.8125 and rows[1][9] == ""
    assert json.loads(rows[2][9]) == {"attribution": {"kind": "named", "source": "Он",
                                                       "start": 0, "end": 2}}  # fmt: skip
    # A spreadsheet must not run article text as a formula.
    assert rows[3][6] == "'=SUM(A1)" and rows[4][6] == "'-5 degrees"
    assert rows[3][8] == ""  # entities have no score


def _kyiv_doc() -> dict:
    text = (
        "Shelling hit Kiev and Kharkiv overnight. In Kyiv, officials said a very long and "
        "carefully worded statement about the repairs to the power station would follow "
        "later today, after the damage in Kiev had been assessed by engineers.\nEnd."
    )
    doc = Document(id="k", source="k.txt", text=text)
    for written, canonical, lat in (("Kiev", "Kyiv", 50.45), ("Kharkiv", "Kharkiv", 49.99)):
        start = 0
        while (start := text.find(written, start)) != -1:
            doc.add_span("entities", start, start + len(written), "PLACE", canonical=canonical,
                         lat=lat, lon=30.5, feature="town")  # fmt: skip
            start += len(written)
    doc.add_span("entities", text.index("Kyiv"), text.index("Kyiv") + 4, "PLACE",
                 canonical="Kyiv", lat=50.45, lon=30.5, feature="town")  # fmt: skip
    doc.add_span("claims", text.index("officials"), text.index("engineers") + 9, "claim", 0.9)
    return doc.to_dict()


def test_entities_are_grouped_by_canonical_name_with_counts_in_html_and_markdown() -> None:
    data = _kyiv_doc()
    page = render_html(data)
    groups = page.split('class="ss-table ss-groups"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td[^>]*><a[^>]*>([^<]+)</a></td><td[^>]*>(\w+)</td>"
                      r"<td[^>]*>(\d+)</td><td[^>]*>([^<]+)</td></tr>", groups)  # fmt: skip
    assert rows == [("Kyiv", "PLACE", "3", "Kiev ×2, Kyiv"), ("Kharkiv", "PLACE", "1", "Kharkiv")]
    md = render(data, "md")
    assert "| Kyiv | PLACE | 3 | Kiev ×2, Kyiv |" in md
    assert "| Kharkiv | PLACE | 1 | Kharkiv |" in md


def test_markdown_quotes_claims_whole() -> None:
    data = _kyiv_doc()
    claim = data["claims"][0]["text"]
    assert len(claim) > 160
    md = render(data, "md")
    assert " ".join(claim.split()) in md and "…" not in md


def test_the_map_has_a_legend_of_its_marker_sizes() -> None:
    from spinscope.render.html import map_legend

    page = render_html(_kyiv_doc())
    legend = page.split('class="ss-map-legend"', 1)[1].split("</div>", 1)[0]
    # Kyiv is mentioned 3 times, Kharkiv once: the legend runs from 1 to 3 mentions, with
    # the radii the markers have.
    assert re.findall(r'r="(\d+)"/></svg> ([^<]+)</span>', legend) == [
        ("4", "1 mention"), ("5", "2 mentions"), ("6", "3 mentions"),
    ]  # fmt: skip
    svg = page.split('<svg class="map"', 1)[1].split("</svg>", 1)[0]
    markers = re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="(\d+)"/>', svg)
    assert sorted(set(markers)) == ["4", "6"]
    many = [{"canonical": "A", "lat": 1, "lon": 1}] * 30
    assert map_legend(many)[-1] == {"r": 11, "label": "8+ mentions"}
