"""Corpus statistics for the dashboard and the stats API: plain rows, one query each.

Every function returns ``(columns, rows)`` so that the same result becomes a chart, a CSV
download and a JSON answer without a second representation.
"""

from __future__ import annotations

from typing import Any

from spinscope.store.db import Query, Store
from spinscope.store.query import PLACE, PLACE_SPANS, cited_sources, selection

Table = tuple[list[str], list[tuple[Any, ...]]]

#: Attribution kinds counted as vague sourcing ("sources say", "experts believe" …). The
#: claims layer's kinds are named, vague, self and none.
VAGUE_KINDS = ("vague",)
#: The least sample a rate is shown for: below it (fewer articles, or fewer words for a rate
#: per 1,000 words, or fewer claims for a share of claims) the rate is kept in the tables
#: with ``low_sample`` true, and greyed and put last on the charts; one article's quirks
#: would otherwise top a ranking ("20 per 1,000 words" from a single 300-word text).
MIN_ARTICLES = 5
MIN_WORDS = 1000
MIN_CLAIMS = 10


def _table(store: Store, sql: str, params: list[Any] | None = None,
           query: Query | None = None) -> Table:  # fmt: skip
    """Run ``sql`` over the documents ``query`` selects (all without one): the SQL reads the
    views ``docs`` (documents) and ``sp`` (their spans) instead of the tables."""
    key = ("table", sql, *(params or []), *(query.key() if query is not None else ()))
    return store.memo(key, lambda: _run(store, sql, params, query))


def _run(store: Store, sql: str, params: list[Any] | None, query: Query | None) -> Table:
    condition, scope = store.scope(query) if query is not None else ("TRUE", [])
    views = (
        "docs AS (SELECT d.key, d.outlet, d.words, d.layers, d.published_date "
        f"FROM documents d WHERE {condition}), "
        "sp AS (SELECT s.* FROM spans s WHERE s.doc_key IN (SELECT key FROM docs))"
    )
    sql = f"WITH {views}, {sql[5:]}" if sql.startswith("WITH ") else f"WITH {views} {sql}"
    cur = store.cursor()
    try:
        result = cur.execute(sql, scope + (params or []))
        return [d[0] for d in result.description], [tuple(r) for r in result.fetchall()]
    finally:
        cur.close()


#: Only articles the techniques layer ran on count towards rates per 1,000 words.
_WITH_TECHNIQUES = "list_contains(layers, 'techniques')"
_LOW = f"(articles < {MIN_ARTICLES} OR words < {MIN_WORDS})"


def techniques_per_outlet(store: Store, limit: int = 30, query: Query | None = None) -> Table:
    """Technique spans per 1,000 words of article body, per outlet (outlets with text), with
    the sample (articles, words) and whether it is below the minimum (``low_sample``)."""
    return _table(
        store,
        "WITH w AS (SELECT coalesce(outlet, '(unknown)') AS outlet, sum(words) AS words, "
        f"count(*) AS articles FROM docs WHERE {_WITH_TECHNIQUES} GROUP BY 1), "
        "t AS (SELECT coalesce(d.outlet, '(unknown)') AS outlet, count(*) AS techniques "
        "FROM sp s JOIN docs d ON d.key = s.doc_key WHERE s.layer = 'techniques' "
        "GROUP BY 1) "
        "SELECT w.outlet, w.articles, w.words, coalesce(t.techniques, 0) AS techniques, "
        "round(1000.0 * coalesce(t.techniques, 0) / nullif(w.words, 0), 2) AS per_1000_words, "
        f"{_LOW} AS low_sample "
        "FROM w LEFT JOIN t USING (outlet) WHERE w.words > 0 "
        "ORDER BY low_sample, per_1000_words DESC NULLS LAST, w.outlet LIMIT ?",
        [limit],
        query,
    )


def technique_breakdown(store: Store, query: Query | None = None) -> Table:
    """Per outlet and technique: spans and spans per 1,000 words (the CSV behind the chart),
    with the outlet's sample (articles, words) and ``low_sample``."""
    return _table(
        store,
        "WITH w AS (SELECT coalesce(outlet, '(unknown)') AS outlet, sum(words) AS words, "
        f"count(*) AS articles FROM docs WHERE {_WITH_TECHNIQUES} GROUP BY 1) "
        "SELECT coalesce(d.outlet, '(unknown)') AS outlet, s.label AS technique, "
        "count(*) AS spans, round(1000.0 * count(*) / nullif(any_value(w.words), 0), 3) "
        "AS per_1000_words, any_value(w.articles) AS articles, any_value(w.words) AS words, "
        f"any_value({_LOW.replace('articles', 'w.articles').replace('words', 'w.words')}) "
        "AS low_sample FROM sp s JOIN docs d ON d.key = s.doc_key "
        "JOIN w ON w.outlet = coalesce(d.outlet, '(unknown)') "
        "WHERE s.layer = 'techniques' GROUP BY 1, 2 ORDER BY 1, 3 DESC",
        None,
        query,
    )


def techniques_over_time(store: Store, query: Query | None = None) -> Table:
    """Technique spans per month of publication (dated articles only)."""
    return _table(
        store,
        "SELECT strftime(d.published_date, '%Y-%m') AS month, s.label AS technique, "
        "count(*) AS spans FROM sp s JOIN docs d ON d.key = s.doc_key "
        "WHERE s.layer = 'techniques' AND d.published_date IS NOT NULL "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        None,
        query,
    )


def top_sources(store: Store, limit: int = 20, query: Query | None = None) -> Table:
    """The sources claims are attributed to, most cited first: variants of one source
    counted together (see :func:`spinscope.store.query.source_key`), shown in their most
    frequent spelling; pronouns left out."""
    sql = cited_sources().replace("FROM spans WHERE", "FROM sp WHERE")
    _, rows = _table(store, sql, None, query)
    out = [(surfaces[0], kind, claims, articles) for _k, surfaces, claims, articles, kind in rows]
    out.sort(key=lambda r: (-r[2], r[0]))
    return ["source", "kind", "claims", "articles"], out[:limit]


def vague_share(store: Store, query: Query | None = None) -> Table:
    """Per outlet: claims, claims with a vague source, the vague share in percent and the
    sample (articles with claims; ``low_sample``: fewer than the minimum articles or
    claims)."""
    kinds = ", ".join(f"'{k}'" for k in VAGUE_KINDS)
    return _table(
        store,
        "SELECT coalesce(d.outlet, '(unknown)') AS outlet, count(*) AS claims, "
        f"count(*) FILTER (WHERE s.source_kind IN ({kinds})) AS vague, "
        f"round(100.0 * count(*) FILTER (WHERE s.source_kind IN ({kinds})) / count(*), 1) "
        "AS vague_percent, count(DISTINCT s.doc_key) AS articles, "
        f"(count(DISTINCT s.doc_key) < {MIN_ARTICLES} "
        f"OR count(*) < {MIN_CLAIMS}) AS low_sample "
        "FROM sp s JOIN docs d ON d.key = s.doc_key "
        "WHERE s.layer = 'claims' GROUP BY 1 ORDER BY low_sample, vague_percent DESC, outlet",
        None,
        query,
    )


def top_places(store: Store, limit: int = 20, query: Query | None = None) -> Table:
    """Places named in articles (entities with coordinates or labelled as places)."""
    return _table(
        store,
        f"SELECT {PLACE} AS place, count(*) AS mentions, "
        "count(DISTINCT doc_key) AS articles, any_value(lat) AS lat, any_value(lon) AS lon "
        f"FROM sp s WHERE s.layer = 'entities' AND {PLACE_SPANS} "
        "GROUP BY 1 ORDER BY mentions DESC, place LIMIT ?",
        [limit],
        query,
    )


def top_events(store: Store, limit: int = 20, query: Query | None = None) -> Table:
    """Event types (with their most frequent place) by number of mentions."""
    return _table(
        store,
        "SELECT label AS event_type, count(*) AS events, count(DISTINCT doc_key) AS articles, "
        "mode(place) AS top_place FROM sp WHERE layer = 'events' "
        "GROUP BY 1 ORDER BY events DESC, event_type LIMIT ?",
        [limit],
        query,
    )


def top_narratives(store: Store, limit: int = 20, query: Query | None = None) -> Table:
    """Catalog entries the articles repeat, most repeated first (by articles), with one of
    the article sentences that repeats each."""
    return _table(
        store,
        "SELECT label AS entry, count(DISTINCT doc_key) AS articles, count(*) AS sentences, "
        "round(max(score), 3) AS best_probability, min(text) AS example "
        "FROM sp WHERE layer = 'narratives' GROUP BY 1 "
        "ORDER BY articles DESC, sentences DESC, entry LIMIT ?",
        [limit],
        query,
    )


def narratives_per_outlet(store: Store, query: Query | None = None) -> Table:
    """Per outlet: each catalog entry it repeats and in how many of its articles."""
    return _table(
        store,
        "SELECT coalesce(d.outlet, '(unknown)') AS outlet, s.label AS entry, "
        "count(DISTINCT s.doc_key) AS articles FROM sp s JOIN docs d ON d.key = s.doc_key "
        "WHERE s.layer = 'narratives' GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
        None,
        query,
    )


def narratives_over_time(store: Store, query: Query | None = None) -> Table:
    """Articles repeating each catalog entry per month of publication (dated articles)."""
    return _table(
        store,
        "SELECT strftime(d.published_date, '%Y-%m') AS month, s.label AS entry, "
        "count(DISTINCT s.doc_key) AS articles FROM sp s JOIN docs d ON d.key = s.doc_key "
        "WHERE s.layer = 'narratives' AND d.published_date IS NOT NULL "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        None,
        query,
    )


def overview(store: Store, query: Query | None = None) -> dict[str, Any]:
    """Counts for the dashboard header and the stats API (of the selected articles;
    ``stored``: all articles in the store)."""
    cols, rows = _table(
        store,
        "SELECT count(*) AS articles, count(DISTINCT outlet) AS outlets, "
        "coalesce(sum(words), 0) AS words, min(published_date) AS first_published, "
        "max(published_date) AS last_published FROM docs",
        None,
        query,
    )
    out = dict(zip(cols, rows[0], strict=True))
    for key in ("first_published", "last_published"):
        out[key] = None if out[key] is None else str(out[key])
    _, layer_rows = _table(store, "SELECT layer, count(*) FROM sp GROUP BY 1 ORDER BY 1",
                           None, query)  # fmt: skip
    out["findings"] = {layer: n for layer, n in layer_rows}
    out["reprint_clusters"] = _table(
        store,
        "SELECT count(DISTINCT cluster) FROM reprints WHERE doc_key IN (SELECT key FROM docs)",
        None,
        query,
    )[1][0][0]
    out["stored"] = store.count()
    return out


#: The periods attention is counted in, as SQL over ``d.published_date``.
INTERVALS = {
    "day": "strftime(d.published_date, '%Y-%m-%d')",
    "week": "strftime(date_trunc('week', d.published_date), '%Y-%m-%d')",
    "month": "strftime(d.published_date, '%Y-%m')",
}


def attention(store: Store, query: Query, interval: str = "month",
              by_outlet: bool = True) -> Table:  # fmt: skip
    """Attention over time: per period (and outlet, with ``by_outlet``) the dated articles
    ``query`` selects (``matching``), all dated articles of the outlet in that period
    (``total``: the articles the outlet, language and date filters leave, whatever the
    search and the findings filters), the share in percent and ``low_sample`` (``total``
    below :data:`MIN_ARTICLES`). A period in which an outlet published nothing has no row:
    its share is undefined, not 0."""
    return store.memo(
        ("attention", interval, by_outlet, *query.key()),
        lambda: _attention(store, query, interval, by_outlet),
    )


def _attention(store: Store, query: Query, interval: str, by_outlet: bool) -> Table:
    period = INTERVALS[interval]
    condition, params = store.scope(query)
    base = Query(outlet=query.outlet, language=query.language, date_from=query.date_from,
                 date_to=query.date_to)  # fmt: skip
    base_condition, base_params = selection(base)
    outlet = "coalesce(d.outlet, '(unknown)')" if by_outlet else "'(all outlets)'"
    cur = store.cursor()
    try:
        result = cur.execute(
            f"WITH m AS (SELECT {period} AS period, {outlet} AS outlet, count(*) AS matching "
            f"FROM documents d WHERE d.published_date IS NOT NULL AND {condition} "
            "GROUP BY 1, 2), "
            f"t AS (SELECT {period} AS period, {outlet} AS outlet, count(*) AS total "
            f"FROM documents d WHERE d.published_date IS NOT NULL AND {base_condition} "
            "GROUP BY 1, 2) "
            "SELECT t.period, t.outlet, coalesce(m.matching, 0) AS matching, t.total, "
            "round(100.0 * coalesce(m.matching, 0) / t.total, 2) AS share_percent, "
            f"t.total < {MIN_ARTICLES} AS low_sample "
            "FROM t LEFT JOIN m USING (period, outlet) ORDER BY t.period, t.outlet",
            params + base_params,
        )
        return [d[0] for d in result.description], [tuple(r) for r in result.fetchall()]
    finally:
        cur.close()


def undated(store: Store, query: Query) -> int:
    """Articles ``query`` selects that have no publication date (left out of the trends)."""
    condition, params = store.scope(query)
    cur = store.cursor()
    try:
        sql = f"SELECT count(*) FROM documents d WHERE d.published_date IS NULL AND {condition}"
        return int(cur.execute(sql, params).fetchone()[0])
    finally:
        cur.close()


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
