"""The full-text index, chosen by measurement: the store's own term table against tantivy.

Run: ``python research/search_index/compare.py STORE.duckdb [repeats]`` (tantivy is not a
spinscope dependency: ``pip install tantivy`` to include it). Reads every stored article,
then for each query times what a results page needs: the count, the first 25 by relevance
and their keyword-in-context snippets. The term table is timed through ``Store.search``
(the code the explorer runs); tantivy through an index built here in a temporary folder
(its English-stemming tokenizer; it has no Ukrainian stemmer). DuckDB's own ``fts``
extension is not measured: it downloads at run time (``INSTALL fts``), which fails offline,
and the ``duckdb-ext-fts`` wheel requires duckdb==1.4.4, older than ours.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

#: (spinscope's syntax, tantivy's for the same search: its words default to OR).
QUERIES = [
    ("president", "president"),
    ("president OR minister", "president OR minister"),
    ('"the government"', '"the government"'),
    ("police -crime", "+police -crime"),
    ("(Trump OR Clinton) AND election", "(Trump OR Clinton) AND election"),
    ("Россия", "Россия"),
    ("fake news", "+fake +news"),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def term_table(path: Path, repeats: int) -> dict[str, list[float]]:
    from spinscope.store import Query, Store

    times: dict[str, list[float]] = {}
    with Store(path, read_only=True) as store:
        for q, _ in QUERIES:
            for _ in range(repeats):
                start = time.perf_counter()
                # A new Store.memo generation each time: timed cold, as after a write.
                store.generation += 1
                page = store.search(Query(q=q, sort="relevance"))
                times.setdefault(q, []).append(time.perf_counter() - start)
            print(f"  term table {q!r}: {page.total} articles", file=sys.stderr)
    return times


def tantivy_index(path: Path, repeats: int) -> tuple[float, dict[str, list[float]]]:
    import tantivy

    from spinscope.store import Store

    with Store(path, read_only=True) as store:
        rows = store._rows("SELECT key, coalesce(title, '') AS title, text FROM documents")
    folder = tempfile.mkdtemp(prefix="tantivy-")
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    schema = builder.build()
    index = tantivy.Index(schema, path=folder)
    start = time.perf_counter()
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for row in rows:
        writer.add_document(tantivy.Document(key=row["key"], body=f"{row['title']}\n{row['text']}"))
    writer.commit()
    writer.wait_merging_threads()
    built = time.perf_counter() - start
    index.reload()
    searcher = index.searcher()
    times: dict[str, list[float]] = {}
    for q, theirs in QUERIES:
        query = index.parse_query(theirs, ["body"])
        for _ in range(repeats):
            start = time.perf_counter()
            found = searcher.search(query, limit=25, count=True)
            snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
            for _score, address in found.hits:
                snippets.snippet_from_doc(searcher.doc(address)).to_html()
            times.setdefault(q, []).append(time.perf_counter() - start)
        print(f"  tantivy {q!r}: {found.count} articles", file=sys.stderr)
    return built, times


def report(name: str, times: dict[str, list[float]]) -> str:
    every = [t for ts in times.values() for t in ts]
    worst = max(times, key=lambda q: percentile(times[q], 95))
    return (
        f"{name}: p50 {percentile(every, 50) * 1000:.0f} ms, p95 {percentile(every, 95) * 1000:.0f}"
        f" ms, mean {statistics.mean(every) * 1000:.0f} ms over {len(every)} searches; slowest "
        f"query {worst!r} p95 {percentile(times[worst], 95) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    store_path = Path(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(report("term table (Store.search, with snippets)", term_table(store_path, repeats)))
    try:
        built, times = tantivy_index(store_path, repeats)
    except ImportError:
        print("tantivy: not installed (pip install tantivy)")
    else:
        print(f"tantivy: index built in {built:.1f} s")
        print(report("tantivy (search, count, snippets)", times))
