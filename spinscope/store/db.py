"""The corpus store: Documents in an embedded DuckDB file, queryable by outlet, date, findings.

Each article is kept as its ``to_dict()`` JSON (the one representation) plus columns and
tables derived from it for filtering and aggregation: document fields, one row per finding
(``spans``), analyzer versions (``provenance``), a term index for full-text search and a
MinHash signature for reprint detection. Writes happen in transactions, one per batch.

An article is identified by its URL when it has one, else by the hash of its normalised
text, so re-ingesting it updates the stored row instead of adding a second one.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from spinscope.document import LAYER_KEYS, Document
from spinscope.errors import ConfigError
from spinscope.store import reprints as R
from spinscope.store import textindex as T
from spinscope.store.migrations import migrate
from spinscope.store.query import (  # noqa: F401 - SORTS, SOURCE_KINDS, TECHNIQUES: public here
    _TECHNIQUE_KEYS,
    MAX_PAGE,
    MAX_PER_PAGE,
    ORDERS,
    PLACE,
    PLACE_SPANS,
    SORTS,
    SOURCE_KINDS,
    TECHNIQUES,
    Page,
    Query,
    cited_sources,
    selection,
)
from spinscope.store.textindex import terms_of

#: Results kept by :meth:`Store.memo` (searches' matching keys, dashboard tables, trends).
_MEMO = 64
_T = TypeVar("_T")
#: Index rows added since the last sort that make it worth sorting again (see sort_index).
_UNSORTED = 50_000
#: Article texts kept in memory for search snippets (about 5 KB each) until the next write.
_TEXTS_KEPT = 2000
#: Longest span text kept in the ``spans`` table (the full text is in the JSON).
_SNIPPET = 500


class StoredCopy(NamedTuple):
    """What the store holds of an article about to be ingested."""

    key: str
    analyzers: str
    #: The stored text and title are the incoming ones: re-analysis only, no new revision.
    same_content: bool


def analyzer_versions(provenance: Iterable[Any]) -> str:
    """``name@version`` of each analyzer, sorted, comma-separated: what a result came from."""
    return ",".join(sorted(f"{p.analyzer}@{p.version}" for p in provenance))


def _date(value: str | None) -> str | None:
    if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


class Store:
    """An open corpus database. Thread-safe: each call uses its own DuckDB cursor."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        if not read_only and self.path.parent and not self.path.parent.exists():
            raise ConfigError(f"--db {self.path}: folder {self.path.parent} does not exist")
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as err:
            if "lock" in str(err).lower():
                # DuckDB allows one writing process per file.
                raise ConfigError(
                    f"database {self.path} is in use by another process (for example "
                    f"'spinscope serve'); stop it first or use another --db"
                ) from None
            raise ConfigError(f"cannot open database {self.path}: {err}") from None
        except duckdb.Error as err:
            raise ConfigError(f"{self.path} is not a spinscope database: {err}") from None
        self._write = threading.Lock()
        #: Incremented by every write transaction: what was computed under an older number
        #: (the filters' facets) is stale. DuckDB lets one process write a file, so the
        #: writes that matter all pass here.
        self.generation = 0
        self._facets: tuple[int, int, dict[str, list[tuple[str, int]]]] | None = None
        self._texts: tuple[int, dict[str, str]] = (0, {})
        self._memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._memo_generation = 0
        self._memo_lock = threading.Lock()
        self._running: dict[tuple[Any, ...], Future[Any]] = {}
        done = [] if read_only else migrate(self._con)
        if 7 in done:
            # Migration 7 empties the clusters, which were made under the old origin rule.
            self.recluster()
        if 8 in done:
            # Migration 8 empties the full-text index, made of plain words.
            self.reindex()

    # -- plumbing -------------------------------------------------------------------
    def cursor(self) -> Any:
        return self._con.cursor()

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.cursor()
        try:
            result = cur.execute(sql, list(params))
            names = [d[0] for d in result.description]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
        finally:
            cur.close()

    def _value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        cur = self.cursor()
        try:
            row = cur.execute(sql, list(params)).fetchone()
            return None if row is None else row[0]
        finally:
            cur.close()

    # -- settings kept in the database ------------------------------------------------
    def get_meta(self, name: str) -> str | None:
        return self._value("SELECT value FROM store_meta WHERE name = ?", [name])

    def set_meta(self, name: str, value: str) -> None:
        with self._write:
            cur = self.cursor()
            try:
                cur.execute("DELETE FROM store_meta WHERE name = ?", [name])
                cur.execute("INSERT INTO store_meta VALUES (?, ?)", [name, value])
            finally:
                cur.close()

    def memo(self, key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
        """``compute()``, kept under ``key`` until the next write (the last :data:`_MEMO`
        results): the same search, dashboard or trend asked again — a reload, the next page
        of results — costs nothing, while anything stored since is always counted. Callers
        asking for a key being computed wait for that computation instead of repeating it."""
        with self._memo_lock:
            if self._memo_generation != self.generation:
                self._memo.clear()
                self._memo_generation = self.generation
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]  # type: ignore[no-any-return]
            generation = self.generation
            running = self._running.get((generation, key))
            if running is None:
                mine: Future[Any] = Future()
                self._running[(generation, key)] = mine
        if running is not None:
            return running.result()  # type: ignore[no-any-return]
        try:
            value = compute()
        except BaseException as err:
            mine.set_exception(err)
            raise
        finally:
            with self._memo_lock:
                self._running.pop((generation, key), None)
        mine.set_result(value)
        with self._memo_lock:
            if generation == self.generation == self._memo_generation:
                self._memo[key] = value
                while len(self._memo) > _MEMO:
                    self._memo.popitem(last=False)
        return value

    # -- writing --------------------------------------------------------------------
    def existing(self, doc: Document) -> StoredCopy | None:
        """The stored copy of ``doc`` (same URL or text hash), or None."""
        sql, params = _match(doc, R.text_hash(doc))
        rows = self._rows(sql.replace("SELECT key", "SELECT key, analyzers, text, title"), params)
        if not rows:
            return None
        row = rows[0]
        same = (row["text"], row["title"]) == (doc.text, doc.meta.title)
        return StoredCopy(row["key"], row["analyzers"], same)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A cursor inside one write transaction: committed on success, rolled back on any
        exception (KeyboardInterrupt too), so a batch is stored whole or not at all."""
        with self._write:
            cur = self.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                yield cur
                cur.execute("COMMIT")
                self.generation += 1
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    def save_many(self, docs: Sequence[Document]) -> list[str]:
        """Insert or update ``docs`` in one transaction; returns their store keys."""
        prepared = [_prepare(doc) for doc in docs]
        keys: list[str] = []
        with self._transaction() as cur:
            for item in prepared:
                keys.append(_save_one(cur, item))
        self.sort_index()
        return keys

    def sort_index(self, force: bool = False) -> bool:
        """Rewrite the full-text index sorted by term when a quarter or more of its rows
        (and at least :data:`_UNSORTED` rows) were added since it was last sorted; True when
        it was. DuckDB skips the blocks whose term range excludes a searched term, so a
        search reads the sorted part in a few milliseconds and scans only the unsorted tail
        (112 ms -> 7 ms per search on 10,000 articles). Sorting costs seconds, but doubling
        rows at most twice as often as the index grows keeps it a small share of ingesting."""
        total = int(self._value("SELECT count(*) FROM terms"))
        done = int(self.get_meta("terms_sorted_rows") or 0)
        if not force and (total - done < _UNSORTED or total - done < done / 4):
            return False
        with self._transaction() as cur:
            cur.execute(
                "CREATE TABLE terms_sorted (doc_key VARCHAR NOT NULL, term VARCHAR NOT NULL, "
                "tf INTEGER NOT NULL)"
            )
            cur.execute("INSERT INTO terms_sorted SELECT * FROM terms ORDER BY term, doc_key")
            cur.execute("DROP TABLE terms")
            cur.execute("ALTER TABLE terms_sorted RENAME TO terms")
            cur.execute("DELETE FROM store_meta WHERE name = 'terms_sorted_rows'")
            cur.execute("INSERT INTO store_meta VALUES ('terms_sorted_rows', ?)", [str(total)])
        return True

    def save(self, doc: Document) -> str:
        return self.save_many([doc])[0]

    def delete(self, key: str) -> bool:
        """Remove a document and everything derived from it. False when there was none."""
        with self._transaction() as cur:
            found = cur.execute("SELECT count(*) FROM documents WHERE key = ?", [key])
            n = found.fetchone()[0]
            for table in ("spans", "provenance", "terms", "search_texts"):
                cur.execute(f"DELETE FROM {table} WHERE doc_key = ?", [key])
            for table in ("signatures", "reprints", "revisions"):
                cur.execute(f"DELETE FROM {table} WHERE doc_key = ?", [key])
            cur.execute("DELETE FROM documents WHERE key = ?", [key])
        return bool(n)

    def reindex(self, batch: int = 500) -> int:
        """Rebuild the full-text index from the stored texts; returns the documents indexed."""
        keys = [r["key"] for r in self._rows("SELECT key FROM documents ORDER BY key")]
        for n in range(0, len(keys), batch):
            rows = self._rows(
                "SELECT key, title, text FROM documents WHERE key IN (SELECT unnest(?))",
                [keys[n : n + batch]],
            )
            with self._transaction() as cur:
                for row in rows:
                    terms = terms_of(f"{row['title'] or ''} {row['text']}")
                    cur.execute("DELETE FROM terms WHERE doc_key = ?", [row["key"]])
                    if terms:
                        cur.execute(
                            "INSERT INTO terms SELECT ?, unnest(?), unnest(?)",
                            [row["key"], list(terms), list(terms.values())],
                        )
        self.sort_index(force=True)
        return len(keys)

    # -- reading --------------------------------------------------------------------
    def count(self) -> int:
        return int(self._value("SELECT count(*) FROM documents"))

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored ``spinscope/1`` object of ``key``, or None."""
        raw = self._value("SELECT data FROM documents WHERE key = ?", [key])
        return None if raw is None else json.loads(raw)

    def get_many(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored ``spinscope/1`` objects of ``keys`` (those that exist), in one query:
        a lookup by key scans the table, so one per document makes an export quadratic."""
        rows = self._rows(
            "SELECT key, data FROM documents WHERE key IN (SELECT unnest(?::VARCHAR[]))",
            [list(keys)],
        )
        return {r["key"]: json.loads(r["data"]) for r in rows}

    def summary(self, key: str) -> dict[str, Any] | None:
        """The stored fields of ``key``: ``ingested_at`` (first seen), ``revised_at`` (this
        version first seen), ``updated_at`` (last stored) and ``revisions`` (earlier versions)."""
        rows = self._rows(
            "SELECT key, doc_id, source, url, title, outlet, author, published, language, "
            "genre, words, analyzers, ingested_at, revised_at, updated_at, "
            "(SELECT count(*) FROM revisions v WHERE v.doc_key = d.key) AS revisions "
            "FROM documents d WHERE key = ?",
            [key],
        )
        return rows[0] if rows else None

    def revisions(self, key: str) -> list[dict[str, Any]]:
        """Earlier versions of ``key``, oldest first: number (1 = first seen), seen_at,
        replaced_at and title. Empty when the article never changed."""
        return self._rows(
            "SELECT number, seen_at, replaced_at, title FROM revisions WHERE doc_key = ? "
            "ORDER BY number",
            [key],
        )

    def revision(self, key: str, number: int) -> dict[str, Any] | None:
        """The ``spinscope/1`` object of version ``number`` of ``key`` as it was stored."""
        raw = self._value(
            "SELECT data FROM revisions WHERE doc_key = ? AND number = ?", [key, number]
        )
        return None if raw is None else json.loads(raw)

    def check(self, query: Query) -> Query:
        """``query`` checked (see :meth:`Query.check`) against this store: a technique label
        that is in neither taxonomy is accepted when stored documents carry it, and
        ``narrative``, ``place`` and ``source`` must name values stored articles have.
        Returns ``query``."""
        techniques: list[str] = []
        if query.technique and query.technique.casefold() not in _TECHNIQUE_KEYS:
            # Rare (a misspelling, or a third-party label): worth one scan of the labels.
            sql = "SELECT DISTINCT label FROM spans WHERE layer = 'techniques' ORDER BY 1"
            techniques = [r["label"] for r in self._rows(sql) if r["label"] is not None]
        stored: dict[str, list[tuple[str, int]]] = {}
        if query.narrative is not None:
            stored["narrative"] = self._pairs(
                "SELECT label AS v, count(DISTINCT doc_key) AS n FROM spans "
                "WHERE layer = 'narratives' AND label IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1"
            )
        if query.place is not None:
            stored["place"] = self._pairs(
                f"SELECT {PLACE} AS v, count(DISTINCT s.doc_key) AS n FROM spans s "
                f"WHERE {PLACE_SPANS} GROUP BY 1 ORDER BY 2 DESC, 1"
            )
        spellings: dict[str, list[str]] = {}
        if query.source is not None:
            rows = self._rows(cited_sources())
            stored["source"] = [(r["surfaces"][0], int(r["articles"])) for r in rows]
            for r in rows:
                for surface in r["surfaces"]:
                    spellings.setdefault(surface.casefold(), r["surfaces"])
            # Any spelling of a source names it: "the Kremlin" is "Kremlin".
            known = spellings.get(query.source.strip().casefold())
            if known:
                query.source = known[0]
        query.check(techniques, stored)
        if query.source is not None:
            query.source_names = spellings[query.source.casefold()]
        return query

    def _pairs(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[str, int]]:
        return [(str(r["v"]), int(r["n"])) for r in self._rows(sql, params)]

    def scope(self, query: Query) -> tuple[str, list[Any]]:
        """A cheap SQL condition on ``documents d`` for the documents ``query`` (checked)
        selects. A search is run once per query object: the index rows of its words are
        read in one scan of ``terms`` and the matching keys, with their relevance (summed
        tf-idf of the searched forms, none under NOT), kept in ``query.matched``; the
        dashboard's panels then reuse them instead of searching again each."""
        if query.tree is None:
            return selection(query)
        if query.matched is None:
            query.matched = self.memo(("matched", *query.key()), lambda: self._matched(query))
        return "d.key IN (SELECT unnest(?::VARCHAR[]))", [list(query.matched)]

    def _matched(self, query: Query) -> dict[str, float]:
        condition, params = selection(query, table="h")
        rows = self._rows(
            "WITH h AS MATERIALIZED (SELECT doc_key, term, tf FROM terms "
            "WHERE term IN (SELECT unnest(?::VARCHAR[]))), "
            "df AS (SELECT term, count(*) AS df FROM h GROUP BY term), "
            "r AS (SELECT h.doc_key, sum(h.tf * ln(1 + ? / df.df)) AS relevance FROM h "
            "JOIN df USING (term) WHERE h.term IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1) "
            "SELECT d.key, coalesce(r.relevance, 0) AS relevance FROM documents d "
            f"LEFT JOIN r ON r.doc_key = d.key WHERE {condition}",
            [sorted(T.all_forms(query.tree)), max(1, self.count()),
             sorted(T.positive_forms(query.tree)), *params],
        )  # fmt: skip
        return {r["key"]: float(r["relevance"]) for r in rows}

    def search(self, query: Query, snippets: int = 2) -> Page:
        """One page of documents matching ``query``, with counts of their findings and, for
        a search, ``hits`` (occurrences of the searched words) and ``snippets`` (up to
        ``snippets`` keyword-in-context windows, see :func:`textindex.snippets`)."""
        total, keys = self.page_keys(query)
        matched = query.matched
        ranked = bool(T.positive_forms(query.tree))
        rows = self._page_rows(keys, with_text=query.tree is not None)
        for row in rows:
            row["relevance"] = matched.get(row["key"]) if matched is not None and ranked else None
            text = row.pop("text")
            if query.tree is not None:
                found = T.hits(text, query.tree)
                row["hits"] = len(found)
                row["snippets"] = T.snippets(text, found, most=snippets)
        return Page(total, rows)

    def page_keys(self, query: Query) -> tuple[int, list[str]]:
        """(number of documents matching ``query``, the keys of its page ``query.page`` in
        its order): what a page of results or of an export holds, without the fields and
        snippets a results page shows."""
        self.check(query)
        condition, params = self.scope(query)
        matched = query.matched
        ranked = bool(T.positive_forms(query.tree))
        by = query.sort if (query.sort != "relevance" or ranked) else "published"
        offset = (query.page - 1) * query.per_page
        if matched is not None and by == "relevance":
            sign = -1 if query.order == "desc" else 1
            ordered = sorted(matched.items(), key=lambda kv: (sign * kv[1], kv[0]))
            keys = [k for k, _ in ordered[offset : offset + query.per_page]]
            total = len(matched)
        else:
            counts = ""
            if by in ("techniques", "claims"):
                counts = (
                    "LEFT JOIN (SELECT doc_key, count(*) FILTER (WHERE layer = 'techniques') "
                    "AS n_techniques, count(*) FILTER (WHERE layer = 'claims') AS n_claims "
                    "FROM spans GROUP BY 1) c ON c.doc_key = d.key"
                )
            sort = {"techniques": "coalesce(c.n_techniques, 0)",
                    "claims": "coalesce(c.n_claims, 0)"}.get(by, SORTS[by])  # fmt: skip
            total = (
                len(matched)
                if matched is not None
                else int(self._value(f"SELECT count(*) FROM documents d WHERE {condition}", params))
            )
            keys = [
                r["key"]
                for r in self._rows(
                    f"SELECT d.key FROM documents d {counts} WHERE {condition} "
                    f"ORDER BY {sort} {query.order.upper()} NULLS LAST, d.key LIMIT ? OFFSET ?",
                    [*params, query.per_page, offset],
                )
            ]
        return total, keys

    def texts(self, keys: Sequence[str]) -> dict[str, str]:
        """The texts of ``keys`` (those stored), from the uncompressed copy the search keeps
        (migration 9); the last :data:`_TEXTS_KEPT` read are kept until the next write."""
        generation, kept = self._texts
        if generation != self.generation or len(kept) > _TEXTS_KEPT:
            generation, kept = self.generation, {}
            self._texts = (generation, kept)
        missing = [k for k in dict.fromkeys(keys) if k not in kept]
        if missing:
            marks = ", ".join("?" * len(missing))
            sql = f"SELECT doc_key, text FROM search_texts WHERE doc_key IN ({marks})"
            kept.update({r["doc_key"]: r["text"] for r in self._rows(sql, missing)})
        return {k: kept[k] for k in keys if k in kept}

    def _page_rows(self, keys: list[str], with_text: bool) -> list[dict[str, Any]]:
        """The fields of ``keys`` a results page shows, in the order of ``keys``."""
        if not keys:
            return []
        rows = self._rows(
            "WITH k AS (SELECT unnest(?::VARCHAR[]) AS key) "
            "SELECT d.key, d.doc_id, d.title, d.outlet, d.published, d.language, d.words, "
            "NULL AS relevance, coalesce(c.n_techniques, 0) AS n_techniques, "
            "coalesce(c.n_claims, 0) AS n_claims, coalesce(rp.n, 0) AS n_reprints, "
            "coalesce(v.n, 0) AS n_revisions "
            "FROM documents d "
            "LEFT JOIN (SELECT doc_key, count(*) FILTER (WHERE layer = 'techniques') "
            "AS n_techniques, count(*) FILTER (WHERE layer = 'claims') AS n_claims FROM spans "
            "WHERE doc_key IN (SELECT key FROM k) GROUP BY 1) c ON c.doc_key = d.key "
            "LEFT JOIN (SELECT r.doc_key, count(*) AS n FROM reprints r JOIN reprints o "
            "USING (cluster) WHERE r.doc_key IN (SELECT key FROM k) GROUP BY 1) rp "
            "ON rp.doc_key = d.key "
            "LEFT JOIN (SELECT doc_key, count(*) AS n FROM revisions WHERE doc_key IN "
            "(SELECT key FROM k) GROUP BY 1) v ON v.doc_key = d.key "
            "WHERE d.key IN (SELECT key FROM k)",
            [keys],
        )
        texts = self.texts(keys) if with_text else {}
        for row in rows:
            row["text"] = texts.get(row["key"])
        where = {k: i for i, k in enumerate(keys)}
        return sorted(rows, key=lambda r: where[r["key"]])

    def facets(self, most: int = 200) -> dict[str, list[tuple[str, int]]]:
        """Values the filters offer, with document counts (of the open sets narrative, place
        and source: the ``most`` most frequent). Every page shows them, so they are kept
        until the next write."""
        cached = self._facets
        if cached is not None and cached[:2] == (self.generation, most):
            return cached[2]
        generation = self.generation
        found = self._facets_now(most)
        self._facets = (generation, most, found)
        return found

    def _facets_now(self, most: int) -> dict[str, list[tuple[str, int]]]:

        def pairs(sql: str) -> list[tuple[str, int]]:
            return [(r["v"], int(r["n"])) for r in self._rows(sql)]

        return {
            "outlet": pairs(
                "SELECT outlet AS v, count(*) AS n FROM documents WHERE outlet IS NOT NULL "
                "GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "language": pairs(
                "SELECT language AS v, count(*) AS n FROM documents WHERE language IS NOT NULL "
                "GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "technique": pairs(
                "SELECT label AS v, count(DISTINCT doc_key) AS n FROM spans "
                "WHERE layer = 'techniques' GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "source_kind": pairs(
                "SELECT source_kind AS v, count(DISTINCT doc_key) AS n FROM spans "
                "WHERE layer = 'claims' AND source_kind IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "narrative": pairs(
                "SELECT label AS v, count(DISTINCT doc_key) AS n FROM spans WHERE layer = "
                f"'narratives' AND label IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {most}"
            ),
            "place": pairs(
                f"SELECT {PLACE} AS v, count(DISTINCT s.doc_key) AS n FROM spans s "
                f"WHERE {PLACE_SPANS} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {most}"
            ),
            "source": [
                (r["surfaces"][0], int(r["articles"]))
                for r in self._rows(f"{cited_sources()} LIMIT {most}")
            ],
        }

    # -- reprints -------------------------------------------------------------------
    def recluster(self) -> int:
        """Recompute reprint clusters from all signatures; returns the number of clusters."""
        rows = self._rows(
            "SELECT s.doc_key, s.minhash, d.published_date FROM signatures s "
            "JOIN documents d ON d.key = s.doc_key"
        )
        sigs = {r["doc_key"]: bytes(r["minhash"]) for r in rows}
        dates = {r["doc_key"]: (str(r["published_date"]) if r["published_date"] else None)
                 for r in rows}  # fmt: skip
        clusters = R.cluster(sigs, dates)
        with self._transaction() as cur:
            cur.execute("DELETE FROM reprints")
            values = [
                (m.key, n, m.is_origin, m.similarity, c.origin_unknown)
                for n, c in enumerate(clusters, start=1)
                for m in c.members
            ]
            if values:
                cur.executemany(
                    "INSERT INTO reprints (doc_key, cluster, is_origin, similarity, "
                    "origin_unknown) VALUES (?, ?, ?, ?, ?)",
                    values,
                )
        return len(clusters)

    def relink(self, key: str) -> bool:
        """Update clusters after ``key`` was saved; True when they had to be recomputed.

        Most new articles are nobody's reprint: one vectorised comparison against every
        signature shows that, and the full (LSH) clustering runs only when it matters.
        """
        rows = self._rows("SELECT doc_key, minhash FROM signatures")
        sigs = {r["doc_key"]: bytes(r["minhash"]) for r in rows}
        mine = sigs.pop(key, None)
        was_member = self._value("SELECT count(*) FROM reprints WHERE doc_key = ?", [key])
        if not was_member and (mine is None or not R.similar(mine, sigs)):
            return False
        self.recluster()
        return True

    def clusters(self) -> list[dict[str, Any]]:
        """Every reprint cluster: ``origin`` (the presumed origin's key, or ``"unknown"``),
        ``origin_unknown`` (why, or None) and ``members`` (origin first, then by date)."""
        rows = self._rows(
            "SELECT r.cluster, r.is_origin, r.similarity, r.origin_unknown, d.key, d.doc_id, "
            "d.title, d.outlet, d.published, d.url, d.source FROM reprints r "
            "JOIN documents d ON d.key = r.doc_key "
            "ORDER BY r.cluster, r.is_origin DESC, d.published_date NULLS LAST, d.key"
        )
        out: dict[int, dict[str, Any]] = {}
        for row in rows:
            reason = row.pop("origin_unknown")
            cluster = out.setdefault(
                row["cluster"],
                {"cluster": row["cluster"], "origin": "unknown", "origin_unknown": reason,
                 "members": []},
            )  # fmt: skip
            if row["is_origin"]:
                cluster["origin"] = row["key"]
            cluster["members"].append(row)
        return list(out.values())

    def also_published(self, key: str) -> list[dict[str, Any]]:
        """The other members of ``key``'s reprint cluster (``origin_unknown`` says why no
        member is the presumed origin, or is None)."""
        return self._rows(
            "SELECT d.key, d.title, d.outlet, d.published, d.url, o.is_origin, o.similarity, "
            "o.origin_unknown "
            "FROM reprints r JOIN reprints o ON o.cluster = r.cluster AND o.doc_key <> r.doc_key "
            "JOIN documents d ON d.key = o.doc_key WHERE r.doc_key = ? "
            "ORDER BY o.is_origin DESC, d.published_date NULLS LAST, d.key",
            [key],
        )


# -- what a Document becomes in the tables ----------------------------------------------
@dataclass
class _Prepared:
    doc: Document
    data: dict[str, Any]
    digest: str
    words: int
    terms: Counter[str]
    spans: list[tuple[Any, ...]]
    signature: bytes | None


def _prepare(doc: Document) -> _Prepared:
    data = doc.to_dict()
    content = " ".join(doc.text[a:b] for a, b in doc.content_ranges())
    terms = terms_of(f"{doc.meta.title or ''} {doc.text}")
    return _Prepared(
        doc=doc,
        data=data,
        digest=R.text_hash(doc),
        words=len(content.split()),
        terms=terms,
        spans=list(_span_rows(data)),
        signature=R.signature(doc),
    )


def _span_rows(data: dict[str, Any]) -> Iterable[tuple[Any, ...]]:
    """(layer, idx, start, end, label, score, text, kind, source, place, lat, lon, date)."""
    from spinscope.render.findings import layers_in

    for layer in layers_in(data):
        label_key, score_key = LAYER_KEYS.get(layer, ("label", "score"))
        for i, item in enumerate(data[layer]):
            label = item.get(label_key) if label_key else layer.rstrip("s")
            score = item.get(score_key) if score_key else None
            attribution = item.get("attribution") or {}
            place = item.get("place") if isinstance(item.get("place"), dict) else {}
            date = item.get("date") if isinstance(item.get("date"), dict) else {}
            lat, lon = item.get("lat", place.get("lat")), item.get("lon", place.get("lon"))
            yield (
                layer,
                i,
                item["start"],
                item["end"],
                None if label is None else str(label),
                score if isinstance(score, int | float) else None,
                str(item.get("text", ""))[:_SNIPPET],
                attribution.get("kind") if isinstance(attribution, dict) else None,
                attribution.get("source") if isinstance(attribution, dict) else None,
                item.get("canonical") or place.get("name") or None,
                lat if isinstance(lat, int | float) else None,
                lon if isinstance(lon, int | float) else None,
                date.get("iso"),
            )


def _match(doc: Document, digest: str) -> tuple[str, list[Any]]:
    """SQL finding the stored copy of ``doc``: the same URL, or the same normalised text
    from the same outlet where at most one side has a URL. The same text under another URL
    or outlet is a reprint, kept as its own row so that it can be clustered."""
    url, outlet = doc.meta.url, doc.meta.outlet
    return (
        "SELECT key FROM documents WHERE (url IS NOT NULL AND url = ?) OR (text_hash = ? "
        "AND (url IS NULL OR ?::VARCHAR IS NULL) AND outlet IS NOT DISTINCT FROM ?) "
        "ORDER BY (url IS NOT DISTINCT FROM ?) DESC LIMIT 1",
        [url, digest, url, outlet, url],
    )


def _new_key(cur: Any, doc: Document, digest: str) -> str:
    """A short stable key from the URL (or text and outlet); suffixed on the rare clash."""
    basis = f"url:{doc.meta.url}" if doc.meta.url else f"text:{digest}:{doc.meta.outlet}"
    key = hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
    n = 1
    while cur.execute("SELECT 1 FROM documents WHERE key = ?", [key]).fetchone():
        n += 1
        key = hashlib.sha1(f"{basis}#{n}".encode()).hexdigest()[:16]
    return key


def _save_one(cur: Any, item: _Prepared) -> str:
    from spinscope.render.findings import layers_in

    doc, meta = item.doc, item.doc.meta
    sql, params = _match(doc, item.digest)
    found = cur.execute(sql.replace("SELECT key", "SELECT key, url, text, title"), params)
    found = found.fetchone()
    if found and meta.url is None and found[1] is not None:
        # The same text with no URL (pasted, or a file): the article keeps the URL it was
        # fetched from; the newcomer's missing URL must not erase it.
        meta.url = item.data["document"]["url"] = found[1]
    versions = analyzer_versions(doc.provenance)
    values = [
        doc.id, doc.source, meta.url, item.digest, meta.title, meta.outlet, meta.author,
        meta.published, _date(meta.published), meta.language, meta.genre, item.words,
        doc.text, json.dumps(item.data, ensure_ascii=False), versions, layers_in(item.data),
    ]  # fmt: skip
    if found:
        key = found[0]
        edited = (found[2], found[3]) != (doc.text, meta.title)
        if edited:
            # A changed article (a stealth edit is what researchers track): the stored
            # version is kept as a revision before the new one replaces it.
            cur.execute(
                "INSERT INTO revisions SELECT key, (SELECT count(*) + 1 FROM revisions "
                "WHERE doc_key = ?), revised_at, current_timestamp, title, text, data "
                "FROM documents WHERE key = ?",
                [key, key],
            )
        for table in ("spans", "provenance", "terms", "signatures", "search_texts"):
            cur.execute(f"DELETE FROM {table} WHERE doc_key = ?", [key])
        cur.execute(
            "UPDATE documents SET doc_id = ?, source = ?, url = ?, text_hash = ?, title = ?, "
            "outlet = ?, author = ?, published = ?, published_date = ?, language = ?, genre = ?, "
            "words = ?, text = ?, data = ?, analyzers = ?, layers = ?, "
            "updated_at = current_timestamp"
            + (", revised_at = current_timestamp" if edited else "")
            + " WHERE key = ?",
            [*values, key],
        )
    else:
        key = _new_key(cur, doc, item.digest)
        cur.execute(
            "INSERT INTO documents (key, doc_id, source, url, text_hash, title, outlet, author, "
            "published, published_date, language, genre, words, text, data, analyzers, layers, "
            "ingested_at, updated_at, revised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, current_timestamp, current_timestamp, current_timestamp)",
            [key, *values],
        )
    if item.spans:
        cols = list(zip(*item.spans, strict=True))
        cur.execute(
            "INSERT INTO spans SELECT ?, * FROM (SELECT unnest(?), unnest(?), unnest(?), "
            "unnest(?), unnest(?), unnest(?::DOUBLE[]), unnest(?), unnest(?), unnest(?), "
            "unnest(?), unnest(?::DOUBLE[]), unnest(?::DOUBLE[]), unnest(?))",
            [key, *[list(c) for c in cols]],
        )
    for p in doc.provenance:
        cur.execute(
            "INSERT INTO provenance VALUES (?, ?, ?, ?)", [key, p.analyzer, p.version, p.model]
        )
    if item.terms:
        cur.execute(
            "INSERT INTO terms SELECT ?, unnest(?), unnest(?)",
            [key, list(item.terms), list(item.terms.values())],
        )
    cur.execute("INSERT INTO search_texts VALUES (?, ?)", [key, doc.text])
    if item.signature is not None:
        cur.execute("INSERT INTO signatures VALUES (?, ?)", [key, item.signature])
    return key
