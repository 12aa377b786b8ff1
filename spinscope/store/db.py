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
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from spinscope.document import LAYER_KEYS, Document
from spinscope.errors import ConfigError, ParameterError
from spinscope.store import reprints as R
from spinscope.store.migrations import migrate
from spinscope.taxonomy import LABELS as PTC_TECHNIQUES
from spinscope.taxonomy import SEMEVAL2023

_TERM = re.compile(r"\w{2,}", re.UNICODE)
SORTS = {
    "published": "d.published_date",
    "title": "lower(d.title)",
    "outlet": "lower(d.outlet)",
    "words": "d.words",
    "techniques": "n_techniques",
    "claims": "n_claims",
    "ingested": "d.updated_at",
    "relevance": "relevance",
}
ORDERS = ("asc", "desc")
#: Who a claim's source is, as the claims layer tells (the ``source_kind`` filter).
SOURCE_KINDS = ("named", "vague", "self", "none")
#: Stored documents carry the labels of either taxonomy (the ``taxonomy`` setting), so the
#: ``technique`` filter takes both sets of names.
TECHNIQUES = tuple(sorted({*SEMEVAL2023, *PTC_TECHNIQUES}))
_TECHNIQUE_KEYS = {t.casefold() for t in TECHNIQUES}
#: An ISO 639-1 or 639-3 code, as the language identifier writes them.
_LANGUAGE = re.compile(r"[a-z]{2,3}")
#: Longest span text kept in the ``spans`` table (the full text is in the JSON).
_SNIPPET = 500
#: Bounds of search paging; beyond them the OFFSET overflows DuckDB's integers.
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 200


class StoredCopy(NamedTuple):
    """What the store holds of an article about to be ingested."""

    key: str
    analyzers: str
    #: The stored text and title are the incoming ones: re-analysis only, no new revision.
    same_content: bool


def terms_of(text: str) -> Counter[str]:
    """Index terms: case-folded words of two or more characters."""
    return Counter(t.casefold() for t in _TERM.findall(text))


def analyzer_versions(provenance: Iterable[Any]) -> str:
    """``name@version`` of each analyzer, sorted, comma-separated: what a result came from."""
    return ",".join(sorted(f"{p.analyzer}@{p.version}" for p in provenance))


@dataclass
class Query:
    """What the articles page and the search API ask for."""

    q: str = ""
    outlet: str | None = None
    language: str | None = None
    technique: str | None = None
    source_kind: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "published"
    order: str = "desc"
    page: int = 1
    per_page: int = 25

    def check(self, stored_techniques: Sequence[str] = ()) -> None:
        """Raise ParameterError naming the first bad parameter and the values it takes (the
        API and the pages answer it with 400): a filter with a value nothing can have would
        otherwise match nothing, silently. Closed sets are matched ignoring case, and the
        value is put back in its stored spelling. ``stored_techniques``: labels found in the
        store besides the taxonomies' (a third-party analyzer's), also accepted."""
        self.sort = _one_of("sort", self.sort, tuple(SORTS))
        self.order = _one_of("order", self.order, ORDERS)
        if self.technique is not None:
            self.technique = _technique(self.technique, stored_techniques)
        if self.source_kind is not None:
            self.source_kind = _one_of("source_kind", self.source_kind, SOURCE_KINDS)
        if self.language is not None:
            if not _LANGUAGE.fullmatch(self.language.lower()):
                raise ParameterError(
                    "language",
                    f"{_shown(self.language)} is not a language code; use a 2- or 3-letter "
                    "ISO 639 code such as en, ru or uk",
                )
            self.language = self.language.lower()
        if not 1 <= self.page <= MAX_PAGE:
            raise ParameterError("page", f"must be from 1 to {MAX_PAGE:,}, not {self.page}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ParameterError(
                "per_page", f"must be from 1 to {MAX_PER_PAGE}, not {self.per_page}"
            )
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value and not _valid_date(value):
                example = "2024-05-31 (or a month 2024-05, a year 2024)"
                raise ParameterError(name, f"{_shown(value)} is not a date like {example}")


def _shown(value: str, limit: int = 60) -> str:
    """``value`` quoted for an error message, cut when long (it comes from a URL)."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _pick(name: str, value: str, allowed: Iterable[str]) -> str | None:
    """The member of ``allowed`` spelt ``value``, else the one equal to it ignoring case;
    None when there is none. Two members that differ only in case (PTC's
    ``Appeal_to_fear-prejudice``, SemEval's ``Appeal_to_Fear-Prejudice``) need the exact one."""
    allowed = list(dict.fromkeys(allowed))
    if value in allowed:
        return value
    found = [a for a in allowed if a.casefold() == value.casefold()]
    if len(found) > 1:
        raise ParameterError(
            name, f"{_shown(value)} could be {' or '.join(found)}; give one exactly"
        )
    return found[0] if found else None


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """The member of ``allowed`` that ``value`` names (ignoring case), else ParameterError."""
    found = _pick(name, value, allowed)
    if found is None:
        raise ParameterError(
            name, f"unknown {name} {_shown(value)}; use one of {', '.join(allowed)}"
        )
    return found


def _technique(value: str, stored: Sequence[str]) -> str:
    found = _pick("technique", value, [*TECHNIQUES, *stored])
    if found is None:
        others = sorted(set(stored) - set(TECHNIQUES))
        also = f", or one found in this store ({', '.join(others)})" if others else ""
        raise ParameterError(
            "technique",
            f"unknown technique {_shown(value)}; use one of the {len(SEMEVAL2023)} SemEval-2023 "
            f"names ({', '.join(SEMEVAL2023)}) or the {len(PTC_TECHNIQUES)} PTC names "
            f"({', '.join(PTC_TECHNIQUES)}){also}",
        )
    return found


@dataclass
class Page:
    total: int
    rows: list[dict[str, Any]] = field(default_factory=list)


def _date(value: str | None) -> str | None:
    if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _valid_date(value: str) -> bool:
    """A real calendar date, month or year (``2024-05-31``, ``2024-05``, ``2024``)."""
    import datetime as dt

    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return False
    try:
        dt.date.fromisoformat(_pad_date(value, end=False))
        dt.date.fromisoformat(_pad_date(value, end=True))
    except ValueError:
        return False
    return True


def _pad_date(value: str, end: bool) -> str:
    if len(value) == 4:
        return value + ("-12-31" if end else "-01-01")
    if len(value) == 7:
        return _month_end(value) if end else value + "-01"
    return value


def _like_literal(text: str) -> str:
    """``text`` for a LIKE pattern with ``ESCAPE '\\'``: its wildcards match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _month_end(month: str) -> str:
    import calendar

    year, mon = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, mon)[1]:02d}"


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
        if not read_only and 7 in migrate(self._con):
            # Migration 7 empties the clusters, which were made under the old origin rule.
            self.recluster()

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
        return keys

    def save(self, doc: Document) -> str:
        return self.save_many([doc])[0]

    def delete(self, key: str) -> bool:
        """Remove a document and everything derived from it. False when there was none."""
        with self._transaction() as cur:
            found = cur.execute("SELECT count(*) FROM documents WHERE key = ?", [key])
            n = found.fetchone()[0]
            for table in ("spans", "provenance", "terms"):
                cur.execute(f"DELETE FROM {table} WHERE doc_key = ?", [key])
            for table in ("signatures", "reprints", "revisions"):
                cur.execute(f"DELETE FROM {table} WHERE doc_key = ?", [key])
            cur.execute("DELETE FROM documents WHERE key = ?", [key])
        return bool(n)

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
        """``query`` checked (see :meth:`Query.check`); a technique label that is in neither
        taxonomy is also accepted when stored documents carry it. Returns ``query``."""
        stored: list[str] = []
        if query.technique and query.technique.casefold() not in _TECHNIQUE_KEYS:
            # Rare (a misspelling, or a third-party label): worth one scan of the labels.
            sql = "SELECT DISTINCT label FROM spans WHERE layer = 'techniques' ORDER BY 1"
            stored = [r["label"] for r in self._rows(sql) if r["label"] is not None]
        query.check(stored)
        return query

    def search(self, query: Query) -> Page:
        """One page of documents matching ``query``, with counts of their findings."""
        self.check(query)
        where, params = ["TRUE"], []
        terms = list(dict.fromkeys(terms_of(query.q)))
        with_terms = bool(terms)
        if query.q.strip() and not terms:
            return Page(0)
        for col, value in (("d.outlet", query.outlet), ("d.language", query.language)):
            if value:
                where.append(f"{col} = ?")
                params.append(value)
        if query.date_from:
            where.append("d.published_date >= CAST(? AS DATE)")
            params.append(_pad_date(query.date_from, end=False))
        if query.date_to:
            where.append("d.published_date <= CAST(? AS DATE)")
            params.append(_pad_date(query.date_to, end=True))
        if query.technique:
            where.append(
                "EXISTS (SELECT 1 FROM spans s WHERE s.doc_key = d.key "
                "AND s.layer = 'techniques' AND s.label = ?)"
            )
            params.append(query.technique)
        if query.source_kind:
            where.append(
                "EXISTS (SELECT 1 FROM spans s WHERE s.doc_key = d.key "
                "AND s.layer = 'claims' AND s.source_kind = ?)"
            )
            params.append(query.source_kind)
        for phrase in re.findall(r'"([^"]+)"', query.q):
            # DuckDB's LIKE has no default escape character: without ESCAPE a "%" or "_"
            # in the phrase would be a wildcard.
            where.append("d.text ILIKE ? ESCAPE '\\'")
            params.append("%" + _like_literal(phrase) + "%")
        hits = ""
        head: list[Any] = []
        if with_terms:
            # Ranked by summed tf-idf over the query terms; every term must occur.
            hits = (
                "JOIN (SELECT t.doc_key, sum(t.tf * ln(1 + n.total / df.df)) AS relevance "
                "FROM terms t JOIN (SELECT term, count(*) AS df FROM terms "
                "WHERE term IN (SELECT unnest(?)) GROUP BY term) df USING (term) "
                "CROSS JOIN (SELECT count(*) AS total FROM documents) n "
                "GROUP BY t.doc_key HAVING count(*) = ?) h ON h.doc_key = d.key"
            )
            head = [terms, len(terms)]
        relevance = "h.relevance" if with_terms else "NULL"
        by = query.sort if (query.sort != "relevance" or with_terms) else "published"
        sort = SORTS[by]
        base = f"FROM documents d {hits} WHERE {' AND '.join(where)}"
        total = int(self._value(f"SELECT count(*) {base}", head + params))
        sql = (
            f"SELECT d.key, d.doc_id, d.title, d.outlet, d.published, d.language, d.words, "
            f"{relevance} AS relevance, "
            "(SELECT count(*) FROM spans s WHERE s.doc_key = d.key "
            "AND s.layer = 'techniques') AS n_techniques, "
            "(SELECT count(*) FROM spans s WHERE s.doc_key = d.key "
            "AND s.layer = 'claims') AS n_claims, "
            "(SELECT count(*) FROM reprints r JOIN reprints o USING (cluster) "
            "WHERE r.doc_key = d.key) AS n_reprints, "
            "(SELECT count(*) FROM revisions v WHERE v.doc_key = d.key) AS n_revisions "
            f"{base} ORDER BY {sort} {query.order.upper()} NULLS LAST, d.key "
            "LIMIT ? OFFSET ?"
        )
        offset = (query.page - 1) * query.per_page
        rows = self._rows(sql, [*head, *params, query.per_page, offset])
        return Page(total, rows)

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Values the filters offer, with document counts."""

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
        for table in ("spans", "provenance", "terms", "signatures"):
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
    if item.signature is not None:
        cur.execute("INSERT INTO signatures VALUES (?, ?)", [key, item.signature])
    return key
