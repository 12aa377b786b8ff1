"""Numbered schema migrations of the corpus database, applied in order, each in a transaction.

A migration is never edited once released: a schema change is a new number at the end.
``schema_migrations`` records which numbers a database has, so opening an old database
upgrades it and opening a current one does nothing.
"""

from __future__ import annotations

from typing import Any

#: (number, name, SQL statements). Append only.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "documents and spans",
        [
            # ``key`` is the store's own identity: stable across re-ingests of the same
            # article (same URL or same normalised text), unlike file-stem document ids.
            """CREATE TABLE documents (
                key VARCHAR PRIMARY KEY,
                doc_id VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                url VARCHAR,
                text_hash VARCHAR NOT NULL,
                title VARCHAR,
                outlet VARCHAR,
                author VARCHAR,
                published VARCHAR,
                published_date DATE,
                language VARCHAR,
                genre VARCHAR,
                words INTEGER NOT NULL,
                text VARCHAR NOT NULL,
                data VARCHAR NOT NULL,
                analyzers VARCHAR NOT NULL,
                ingested_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            "CREATE INDEX documents_url ON documents (url)",
            "CREATE INDEX documents_hash ON documents (text_hash)",
            # One row per finding, with the fields the UI filters and aggregates on. Tables
            # keyed by doc_key have no index: DuckDB's scans with zone maps are fast enough,
            # and the indexes doubled the file (31 -> 16 MB per 1,000 articles without them).
            """CREATE TABLE spans (
                doc_key VARCHAR NOT NULL,
                layer VARCHAR NOT NULL,
                idx INTEGER NOT NULL,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                label VARCHAR,
                score DOUBLE,
                text VARCHAR,
                source_kind VARCHAR,
                source_name VARCHAR,
                place VARCHAR,
                lat DOUBLE,
                lon DOUBLE,
                date_iso VARCHAR
            )""",
            """CREATE TABLE provenance (
                doc_key VARCHAR NOT NULL,
                analyzer VARCHAR NOT NULL,
                version VARCHAR NOT NULL,
                model VARCHAR
            )""",
        ],
    ),
    (
        2,
        "full-text index",
        [
            # DuckDB's fts extension would need a download at run time, so the store keeps
            # its own inverted index: term frequencies per document.
            """CREATE TABLE terms (
                doc_key VARCHAR NOT NULL,
                term VARCHAR NOT NULL,
                tf INTEGER NOT NULL
            )""",
        ],
    ),
    (
        3,
        "reprint signatures and clusters",
        [
            "CREATE TABLE signatures (doc_key VARCHAR PRIMARY KEY, minhash BLOB NOT NULL)",
            """CREATE TABLE reprints (
                doc_key VARCHAR PRIMARY KEY,
                cluster INTEGER NOT NULL,
                is_origin BOOLEAN NOT NULL,
                similarity DOUBLE
            )""",
        ],
    ),
    (
        4,
        "store settings",
        ["CREATE TABLE store_meta (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"],
    ),
    (
        5,
        "layers computed per document",
        [
            # Rates such as techniques per 1,000 words must count only the words of articles
            # the layer was run on; the JSON says which layers were (a computed layer is
            # present even when empty), this column makes it cheap to ask.
            "ALTER TABLE documents ADD COLUMN layers VARCHAR[]",
            "UPDATE documents SET layers = [k FOR k IN json_keys(data) IF k NOT IN "
            "('schema', 'document', 'summary', 'relations', 'provenance')]",
        ],
    ),
    (
        6,
        "revisions of edited articles",
        [
            # An article re-ingested with another text (a stealth edit) keeps each earlier
            # version here, whole (its spinscope/1 JSON with the analysis made of it), with
            # the time it was first stored and the time a changed version replaced it.
            """CREATE TABLE revisions (
                doc_key VARCHAR NOT NULL,
                number INTEGER NOT NULL,
                seen_at TIMESTAMP NOT NULL,
                replaced_at TIMESTAMP NOT NULL,
                title VARCHAR,
                text VARCHAR NOT NULL,
                data VARCHAR NOT NULL
            )""",
            # Since when the stored version is the current one (ingested_at: first seen).
            "ALTER TABLE documents ADD COLUMN revised_at TIMESTAMP",
            "UPDATE documents SET revised_at = ingested_at",
        ],
    ),
    (
        7,
        "reprint clusters whose origin is unknown",
        [
            # Why a cluster has no presumed origin (undated members, a shared earliest
            # date); NULL when its first member is the origin. Clusters are recomputed
            # from the signatures, so existing rows are simply recomputed on next use.
            "ALTER TABLE reprints ADD COLUMN origin_unknown VARCHAR",
            "DELETE FROM reprints",
        ],
    ),
    (
        8,
        "index terms are matching forms",
        [
            # Words are indexed under their stems and lemmas now (textindex.forms), so that
            # "Белгород" finds "Белгорода"; the store rebuilds the emptied index on opening.
            "DELETE FROM terms",
        ],
    ),
    (
        9,
        "texts for search snippets",
        [
            # The documents' text column is ZSTD-compressed in blocks: reading the 25 texts
            # of a results page (for their snippets) cost 0.2 s on 10,000 articles. Kept
            # uncompressed here it costs 0.02 s, for about 5 KB per article.
            """CREATE TABLE search_texts (
                doc_key VARCHAR NOT NULL,
                text VARCHAR NOT NULL USING COMPRESSION uncompressed
            )""",
            "INSERT INTO search_texts SELECT key, text FROM documents",
        ],
    ),
]


def applied(con: Any) -> set[int]:
    """Migration numbers already applied to the database behind ``con``."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "number INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    return {row[0] for row in con.execute("SELECT number FROM schema_migrations").fetchall()}


def migrate(con: Any) -> list[int]:
    """Apply the missing migrations in order; returns the numbers applied now."""
    done = applied(con)
    newest = max(n for n, _, _ in MIGRATIONS)
    if done and max(done) > newest:
        from spinscope.errors import ConfigError

        raise ConfigError(
            f"the database has schema version {max(done)}, newer than this spinscope knows "
            f"({newest}); upgrade spinscope"
        )
    now_applied = []
    for number, name, statements in MIGRATIONS:
        if number in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for sql in statements:
                con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [number, name]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        now_applied.append(number)
    return now_applied
