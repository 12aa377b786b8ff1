"""Corpus statistics for the dashboard and the stats API: plain rows, one query each.

Every function returns ``(columns, rows)`` so that the same result becomes a chart, a CSV
download and a JSON answer without a second representation.
"""

from __future__ import annotations

from typing import Any

from spinscope.store.db import Store

Table = tuple[list[str], list[tuple[Any, ...]]]

#: Attribution kinds counted as vague sourcing ("sources say", "experts believe" …). The
#: claims layer's kinds are named, vague, self and none.
VAGUE_KINDS = ("vague",)


def _table(store: Store, sql: str, params: list[Any] | None = None) -> Table:
    cur = store.cursor()
    try:
        result = cur.execute(sql, params or [])
        return [d[0] for d in result.description], [tuple(r) for r in result.fetchall()]
    finally:
        cur.close()


#: Only articles the techniques layer ran on count towards rates per 1,000 words.
_WITH_TECHNIQUES = "list_contains(layers, 'techniques')"


def techniques_per_outlet(store: Store, limit: int = 30) -> Table:
    """Technique spans per 1,000 words of article body, per outlet (outlets with text)."""
    return _table(
        store,
        "WITH w AS (SELECT coalesce(outlet, '(unknown)') AS outlet, sum(words) AS words, "
        f"count(*) AS articles FROM documents WHERE {_WITH_TECHNIQUES} GROUP BY 1), "
        "t AS (SELECT coalesce(d.outlet, '(unknown)') AS outlet, count(*) AS techniques "
        "FROM spans s JOIN documents d ON d.key = s.doc_key WHERE s.layer = 'techniques' "
        "GROUP BY 1) "
        "SELECT w.outlet, w.articles, w.words, coalesce(t.techniques, 0) AS techniques, "
        "round(1000.0 * coalesce(t.techniques, 0) / nullif(w.words, 0), 2) AS per_1000_words "
        "FROM w LEFT JOIN t USING (outlet) WHERE w.words > 0 "
        "ORDER BY per_1000_words DESC NULLS LAST, w.outlet LIMIT ?",
        [limit],
    )


def technique_breakdown(store: Store) -> Table:
    """Per outlet and technique: spans and spans per 1,000 words (the CSV behind the chart)."""
    return _table(
        store,
        "WITH w AS (SELECT coalesce(outlet, '(unknown)') AS outlet, sum(words) AS words "
        f"FROM documents WHERE {_WITH_TECHNIQUES} GROUP BY 1) "
        "SELECT coalesce(d.outlet, '(unknown)') AS outlet, s.label AS technique, "
        "count(*) AS spans, round(1000.0 * count(*) / nullif(any_value(w.words), 0), 3) "
        "AS per_1000_words FROM spans s JOIN documents d ON d.key = s.doc_key "
        "JOIN w ON w.outlet = coalesce(d.outlet, '(unknown)') "
        "WHERE s.layer = 'techniques' GROUP BY 1, 2 ORDER BY 1, 3 DESC",
    )


def techniques_over_time(store: Store) -> Table:
    """Technique spans per month of publication (dated articles only)."""
    return _table(
        store,
        "SELECT strftime(d.published_date, '%Y-%m') AS month, s.label AS technique, "
        "count(*) AS spans FROM spans s JOIN documents d ON d.key = s.doc_key "
        "WHERE s.layer = 'techniques' AND d.published_date IS NOT NULL "
        "GROUP BY 1, 2 ORDER BY 1, 2",
    )


#: Words that stand for a source but name none (the claim's sentence holds the antecedent);
#: counting them would put "he" and "they" at the top of every corpus.
PRONOUNS = (
    "he", "she", "it", "they", "we", "i", "you", "who", "which", "that", "this", "these",
    "those", "him", "her", "them", "us", "me", "one", "his", "its", "their", "our",
)  # fmt: skip


def _source_key() -> str:
    """SQL for the key under which variants of one source are counted together: case
    folded, a leading article and a possessive dropped ("The report", "Mueller's"), and
    for vague sources (common nouns) the plural folded too ("reports" = "report"). Names
    keep their final s: "Williams" is not "William"."""
    key = "regexp_replace(lower(trim(source_name)), '^(the|a|an)\\s+', '')"
    key = f"regexp_replace({key}, '[''’]s?$', '')"
    plural = f"regexp_replace({key}, '([a-z])ies$', '\\1y')"
    plural = f"regexp_replace({plural}, '(ss|sh|ch|x)es$', '\\1')"
    plural = f"regexp_replace({plural}, '([^s])s$', '\\1')"
    return f"CASE WHEN source_kind = 'vague' THEN {plural} ELSE {key} END"


def top_sources(store: Store, limit: int = 20) -> Table:
    """The sources claims are attributed to, most cited first: variants of one source
    counted together (see :func:`_source_key`), shown in their most frequent spelling;
    pronouns left out."""
    stop = ", ".join(f"'{w}'" for w in PRONOUNS)
    return _table(
        store,
        f"WITH s AS (SELECT {_source_key()} AS k, trim(source_name) AS surface, source_kind, "
        "doc_key FROM spans WHERE layer = 'claims' AND source_name IS NOT NULL "
        f"AND trim(source_name) <> '' AND lower(trim(source_name)) NOT IN ({stop})), "
        "f AS (SELECT k, surface, count(*) AS n FROM s GROUP BY 1, 2), "
        "shown AS (SELECT k, first(surface ORDER BY n DESC, length(surface), surface) "
        "AS source FROM f GROUP BY k) "
        "SELECT any_value(shown.source) AS source, mode(s.source_kind) AS kind, "
        "count(*) AS claims, count(DISTINCT s.doc_key) AS articles FROM s JOIN shown USING (k) "
        "GROUP BY s.k ORDER BY claims DESC, source LIMIT ?",
        [limit],
    )


def vague_share(store: Store) -> Table:
    """Per outlet: claims, claims with a vague source, and the vague share in percent."""
    kinds = ", ".join(f"'{k}'" for k in VAGUE_KINDS)
    return _table(
        store,
        "SELECT coalesce(d.outlet, '(unknown)') AS outlet, count(*) AS claims, "
        f"count(*) FILTER (WHERE s.source_kind IN ({kinds})) AS vague, "
        f"round(100.0 * count(*) FILTER (WHERE s.source_kind IN ({kinds})) / count(*), 1) "
        "AS vague_percent FROM spans s JOIN documents d ON d.key = s.doc_key "
        "WHERE s.layer = 'claims' GROUP BY 1 ORDER BY vague_percent DESC, outlet",
    )


def top_places(store: Store, limit: int = 20) -> Table:
    """Places named in articles (entities with coordinates or labelled as places)."""
    return _table(
        store,
        "SELECT coalesce(place, text) AS place, count(*) AS mentions, "
        "count(DISTINCT doc_key) AS articles, any_value(lat) AS lat, any_value(lon) AS lon "
        "FROM spans WHERE layer = 'entities' AND (lat IS NOT NULL OR label IN "
        "('PLACE', 'GPE', 'LOC')) GROUP BY 1 ORDER BY mentions DESC, place LIMIT ?",
        [limit],
    )


def top_events(store: Store, limit: int = 20) -> Table:
    """Event types (with their most frequent place) by number of mentions."""
    return _table(
        store,
        "SELECT label AS event_type, count(*) AS events, count(DISTINCT doc_key) AS articles, "
        "mode(place) AS top_place FROM spans WHERE layer = 'events' "
        "GROUP BY 1 ORDER BY events DESC, event_type LIMIT ?",
        [limit],
    )


def top_narratives(store: Store, limit: int = 20) -> Table:
    """Catalog entries the articles repeat, most repeated first (by articles), with one of
    the article sentences that repeats each."""
    return _table(
        store,
        "SELECT label AS entry, count(DISTINCT doc_key) AS articles, count(*) AS sentences, "
        "round(max(score), 3) AS best_probability, min(text) AS example "
        "FROM spans WHERE layer = 'narratives' GROUP BY 1 "
        "ORDER BY articles DESC, sentences DESC, entry LIMIT ?",
        [limit],
    )


def narratives_per_outlet(store: Store) -> Table:
    """Per outlet: each catalog entry it repeats and in how many of its articles."""
    return _table(
        store,
        "SELECT coalesce(d.outlet, '(unknown)') AS outlet, s.label AS entry, "
        "count(DISTINCT s.doc_key) AS articles FROM spans s JOIN documents d ON d.key = s.doc_key "
        "WHERE s.layer = 'narratives' GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
    )


def narratives_over_time(store: Store) -> Table:
    """Articles repeating each catalog entry per month of publication (dated articles)."""
    return _table(
        store,
        "SELECT strftime(d.published_date, '%Y-%m') AS month, s.label AS entry, "
        "count(DISTINCT s.doc_key) AS articles FROM spans s JOIN documents d ON d.key = s.doc_key "
        "WHERE s.layer = 'narratives' AND d.published_date IS NOT NULL "
        "GROUP BY 1, 2 ORDER BY 1, 2",
    )


def overview(store: Store) -> dict[str, Any]:
    """Counts for the dashboard header and the stats API."""
    cols, rows = _table(
        store,
        "SELECT count(*) AS articles, count(DISTINCT outlet) AS outlets, "
        "coalesce(sum(words), 0) AS words, min(published_date) AS first_published, "
        "max(published_date) AS last_published FROM documents",
    )
    out = dict(zip(cols, rows[0], strict=True))
    for key in ("first_published", "last_published"):
        out[key] = None if out[key] is None else str(out[key])
    _, layer_rows = _table(store, "SELECT layer, count(*) FROM spans GROUP BY 1 ORDER BY 1")
    out["findings"] = {layer: n for layer, n in layer_rows}
    out["reprint_clusters"] = _table(store, "SELECT count(DISTINCT cluster) FROM reprints")[1][0][0]
    return out


#: name -> (title, function) for every dashboard table; also the CSV download names.
TABLES = {
    "techniques-per-outlet": ("Persuasion techniques per 1,000 words, by outlet",
                              techniques_per_outlet),
    "technique-breakdown": ("Techniques by outlet", technique_breakdown),
    "techniques-over-time": ("Technique use over time", techniques_over_time),
    "top-sources": ("Top sources cited in claims", top_sources),
    "vague-sources": ("Share of claims with a vague source, by outlet", vague_share),
    "places": ("Most frequent places", top_places),
    "events": ("Most frequent events", top_events),
    "narratives": ("Most repeated known narratives", top_narratives),
    "narratives-per-outlet": ("Known narratives by outlet", narratives_per_outlet),
    "narratives-over-time": ("Known narratives over time", narratives_over_time),
}  # fmt: skip
