"""``spinscope ingest``: counts, resume without duplicates, failure report, feeds, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from spinscope.ingest import feeds
from spinscope.store import Store
from tests.e2e.corpus import CLI, DATA

ARTICLE = (
    "Invented article {n}: the ferry to Oskar Island\n"
    "The ferry company said on Friday that service number {n} would resume after repairs to "
    "the pier, which was damaged in a storm. Passengers were told to expect delays of "
    "about {n} minutes, and officials said the harbour master had approved the work.\n"
    "Contact us: desk@island-news.example\n"
)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Invented feed</title>
<item><title>One</title><link>{base}/a1</link></item>
<item><title>Two</title><link>{base}/a2</link></item>
<item><title>Dup</title><link>{base}/a1</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>x</title><link href="https://example.org/x"/><id>1</id></entry></feed>"""

SITEMAP_INDEX = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-1.xml</loc></sitemap></sitemapindex>"""

SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/a3</loc></url></urlset>"""


def _folder(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(ARTICLE.format(n=i), encoding="utf-8")
    return folder


def test_ingest_counts_and_a_rerun_skips_what_is_stored(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.duckdb"
    first = invoke("ingest", str(DATA), "--db", str(db), "--layers", "boilerplate", "-q")
    assert first.exit_code == 0, first.output
    assert "7 analyzed, 0 skipped, 0 failed of 7 inputs" in first.output
    assert "1 reprint clusters" in first.output
    second = invoke("ingest", str(DATA), "--db", str(db), "--layers", "boilerplate", "-q")
    assert "0 analyzed, 7 skipped, 0 failed" in second.output
    with Store(db) as store:
        assert store.count() == 7
        assert store._rows("SELECT count(DISTINCT text_hash) AS n FROM documents")[0]["n"] == 7


def test_failures_are_counted_and_listed_in_a_report_file(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.duckdb"
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"text": "Fine title\\nA short but fine article about the harbour."}\nnot json\n'
    )
    result = invoke(
        "ingest", str(empty), str(bad), str(tmp_path / "missing.txt"), "--db", str(db),
        "--layers", "boilerplate",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "1 analyzed, 0 skipped, 3 failed of 4 inputs" in result.output
    report = (tmp_path / "c.duckdb.failures.tsv").read_text().splitlines()
    assert report[0] == "input\treason"
    reasons = "\n".join(report[1:])
    assert "empty.txt" in reasons and "bad.jsonl:2" in reasons and "missing.txt" in reasons
    assert len(report) == 4
    fixed = invoke("ingest", str(bad), "--db", str(db), "--layers", "boilerplate")
    assert "0 failed" not in fixed.output  # line 2 is still not JSON
    empty.write_text("Now a title\nAnd an invented article about the harbour.\n")
    bad.write_text('{"text": "Fine title\\nA short but fine article about the harbour."}\n')
    clean = invoke("ingest", str(empty), str(bad), "--db", str(db), "--layers", "boilerplate")
    assert clean.exit_code == 0 and "0 failed" in clean.output
    assert not (tmp_path / "c.duckdb.failures.tsv").exists()


def test_feeds_and_sitemaps_list_article_urls() -> None:
    rss = feeds.parse_listing(RSS.replace(b"{base}", b"https://n.example"), "")
    assert rss.kind == "feed" and rss.urls == ["https://n.example/a1", "https://n.example/a2"]
    assert feeds.parse_listing(ATOM).urls == ["https://example.org/x"]
    index = feeds.parse_listing(SITEMAP_INDEX.replace(b"{base}", b"https://n.example"))
    assert index.sitemaps == ["https://n.example/sitemap-1.xml"] and index.urls == []
    assert not feeds.is_listing(b"<!DOCTYPE html><html><body><p>x</p></body></html>")
    with pytest.raises(Exception, match="not an RSS/Atom feed"):
        feeds.parse_listing(b"<html></html>", "page")


def test_a_feed_url_ingests_its_articles_and_keeps_the_private_address_refusal(
    invoke, http_server, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    base, routes = http_server
    for i in (1, 2, 3):
        page = f"<html><head><title>Invented story {i}</title></head><body><article><p>"
        page += ARTICLE.format(n=i * 7).replace("\n", "</p><p>") + "</p></article></body></html>"
        routes[f"/a{i}"] = (200, "text/html", page.encode(), 0)
    routes["/feed.xml"] = (200, "application/rss+xml", RSS.replace(b"{base}", base.encode()), 0)
    routes["/sitemap.xml"] = (
        200, "application/xml", SITEMAP_INDEX.replace(b"{base}", base.encode()), 0
    )  # fmt: skip
    sitemap = SITEMAP.replace(b"{base}", base.encode())
    routes["/sitemap-1.xml"] = (200, "application/xml", sitemap, 0)
    db = tmp_path / "f.duckdb"
    refused = invoke("ingest", f"{base}/feed.xml", "--db", str(db), "--layers", "boilerplate")
    assert refused.exit_code == 1 and "non-public address" in refused.output
    result = invoke(
        "ingest", f"{base}/feed.xml", f"{base}/sitemap.xml", "--db", str(db),
        "--layers", "boilerplate", "--allow-private",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 analyzed" in result.output
    with Store(db) as store:
        urls = sorted(r["url"] for r in store._rows("SELECT url FROM documents"))
    assert urls == [f"{base}/a1", f"{base}/a2", f"{base}/a3"]


def test_a_page_whose_canonical_names_a_stored_article_never_replaces_it(
    invoke, http_server, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    import json

    base, routes = http_server
    victim = "https://victim.example/2031/harbour"
    original = {"text": ARTICLE.format(n=1), "url": victim, "outlet": "victim.example"}
    forged = (
        f'<html><head><link rel="canonical" href="{victim}"><title>Forged</title></head><body>'
        "<article><p>The harbour master resigned in disgrace on Friday, officials said, after "
        "the pier collapsed under the weight of the new ferry.</p></article></body></html>"
    )
    routes["/copy"] = (200, "text/html", forged.encode(), 0)
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps(original) + "\n" + json.dumps({"html": forged}) + "\n")
    db = tmp_path / "v.duckdb"
    first = invoke("ingest", str(records), "--db", str(db), "--layers", "boilerplate")
    assert "2 analyzed" in first.output, first.output
    fetched = invoke(
        "ingest", f"{base}/copy", "--db", str(db), "--layers", "boilerplate", "--allow-private"
    )
    assert "1 analyzed" in fetched.output, fetched.output
    with Store(db) as store:
        rows = {r["url"]: r for r in store._rows("SELECT key, url, outlet, text FROM documents")}
        assert set(rows) == {victim, f"{base}/copy", None}
        assert rows[victim]["text"] == original["text"]
        assert rows[victim]["outlet"] == "victim.example"
        assert rows[f"{base}/copy"]["outlet"] == "127.0.0.1"
        copy = store.get(rows[f"{base}/copy"]["key"])
        assert copy is not None and copy["summary"]["canonical_claimed"] == victim


def test_reingesting_a_changed_article_updates_it_and_keeps_the_old_version(
    invoke, http_server, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    base, routes = http_server

    def page(text: str) -> bytes:
        body = text.replace("\n", "</p><p>")
        head = "<html><head><title>Ferry</title></head><body><article>"
        return f"{head}<p>{body}</p></article></body></html>".encode()

    original = ARTICLE.format(n=3)
    routes["/story"] = (200, "text/html", page(original), 0)
    args = ["ingest", f"{base}/story", "--db", str(tmp_path / "e.duckdb"), "--layers",
            "boilerplate", "--allow-private"]  # fmt: skip
    assert "1 analyzed, 0 skipped" in invoke(*args).output
    # A stealth edit: same URL, one figure changed.
    routes["/story"] = (200, "text/html", page(original.replace("about 3 minutes", "3 hours")), 0)
    edited = invoke(*args)
    assert "1 analyzed, 0 skipped" in edited.output, edited.output
    assert "1 changed since stored" in edited.output
    assert "0 analyzed, 1 skipped" in invoke(*args).output  # unchanged: skipped as before
    with Store(tmp_path / "e.duckdb") as store:
        [key] = [r["key"] for r in store._rows("SELECT key FROM documents")]
        assert "3 hours" in store.get(key)["document"]["text"]
        [old] = store.revisions(key)
        assert "about 3 minutes" in store.revision(key, old["number"])["document"]["text"]


def test_sigkill_mid_ingest_loses_at_most_a_batch_and_a_rerun_resumes(tmp_path: Path) -> None:
    n, every = 240, 10
    folder = _folder(tmp_path, n)
    db = tmp_path / "crash.duckdb"
    args = [*CLI, "ingest", str(folder), "--db", str(db), "--layers", "boilerplate",
            "--commit-every", str(every), "--verbose"]  # fmt: skip
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    committed = 0
    for line in proc.stderr:
        if line.startswith("committed batch"):
            committed += 1
            if committed == 3:
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "ingest finished before it could be killed"
    with Store(db) as store:
        stored = store.count()
        assert stored % every == 0 and 3 * every <= stored < n
        # Every stored article is whole: its terms and signature were committed with it.
        orphans = store._rows(
            "SELECT count(*) AS n FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM signatures s WHERE s.doc_key = d.key) OR NOT EXISTS "
            "(SELECT 1 FROM terms t WHERE t.doc_key = d.key)"
        )
        assert orphans[0]["n"] == 0
    rerun = subprocess.run(args[:-1], capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{n - stored} analyzed, {stored} skipped, 0 failed of {n} inputs" in rerun.stderr
    with Store(db) as store:
        assert store.count() == n
        dups = store._rows("SELECT count(DISTINCT text_hash) AS n FROM documents")[0]["n"]
        assert dups == n
