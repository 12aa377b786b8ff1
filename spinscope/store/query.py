"""What the articles page, the search API, the dashboard and the trends ask of the store.

A :class:`Query` is a search (see :mod:`spinscope.store.textindex` for its syntax) plus
filters. :meth:`Query.check` refuses a value a parameter cannot take, naming the values it
does take (the web answers 400): a filter that matched nothing silently would read as "no
such article". :func:`selection` turns a checked query into one SQL condition on
``documents d`` that every consumer shares, so a dashboard panel counts exactly the
articles the search lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spinscope.errors import ParameterError
from spinscope.store import textindex as T
from spinscope.taxonomy import LABELS as PTC_TECHNIQUES
from spinscope.taxonomy import SEMEVAL2023

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
#: Bounds of search paging; beyond them the OFFSET overflows DuckDB's integers.
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 200


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
    #: Least score of a technique finding (with ``technique``: of that technique's).
    min_score: float | None = None
    #: A narrative catalog entry the article repeats (the narratives layer's label).
    narrative: str | None = None
    #: A place the article names (entities with coordinates or a place label; events).
    place: str | None = None
    #: Who a claim in the article is attributed to (as the top-sources table counts them).
    source: str | None = None
    #: The parsed ``q`` (set by :meth:`check`).
    tree: Any = field(default=None, repr=False, compare=False)
    #: The stored spellings of ``source`` that count as it (set by :meth:`check`).
    source_names: list[str] = field(default_factory=list, repr=False, compare=False)
    #: Store key -> relevance of every selected document (set by ``Store.scope``).
    matched: dict[str, float] | None = field(default=None, repr=False, compare=False)

    def key(self) -> tuple[Any, ...]:
        """What selects the documents (the search and the filters, not sort or page): equal
        for two queries that select the same documents. Call after :meth:`check`."""
        return (self.q, self.outlet, self.language, self.technique, self.min_score,
                self.source_kind, self.date_from, self.date_to, self.narrative, self.place,
                self.source)  # fmt: skip

    def check(
        self,
        stored_techniques: Sequence[str] = (),
        stored: dict[str, Sequence[tuple[str, int]]] | None = None,
    ) -> None:
        """Raise ParameterError naming the first bad parameter and the values it takes (the
        API and the pages answer it with 400): a filter with a value nothing can have would
        otherwise match nothing, silently. Closed sets are matched ignoring case, and the
        value is put back in its stored spelling. ``stored_techniques``: labels found in the
        store besides the taxonomies' (a third-party analyzer's), also accepted. ``stored``:
        for ``narrative``, ``place`` and ``source`` (open sets), the values found in the
        store with their article counts, most frequent first."""
        self.tree, self.matched = T.parse(self.q), None
        if self.tree is None and self.q.strip():
            # Otherwise it would list every article as if it matched.
            raise ParameterError(
                "q", f"{_shown(self.q)} has no word to search for (two or more letters or digits)"
            )
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
        if self.min_score is not None and not 0 <= self.min_score <= 1:
            raise ParameterError(
                "min_score", f"must be a probability from 0 to 1, not {self.min_score:g}"
            )
        for name in ("narrative", "place", "source"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, _stored_value(name, value, (stored or {}).get(name, ())))


#: What each open-set filter reads, for its error message when the store has none.
_OPEN_SETS = {
    "narrative": "narrative catalog entries (the narratives layer)",
    "place": "places (the entities or events layer)",
    "source": "claims with a source (the claims layer)",
}
#: Values listed in the message for an unknown open-set value.
_LISTED = 25


def _stored_value(name: str, value: str, found: Sequence[tuple[str, int]]) -> str:
    """The stored value ``value`` names (ignoring case), else ParameterError listing the most
    frequent stored values: these sets are whatever the stored articles hold."""
    picked = _pick(name, value, [v for v, _ in found])
    if picked is not None:
        return picked
    if not found:
        raise ParameterError(
            name, f"unknown {name} {_shown(value)}: no stored article has {_OPEN_SETS[name]}"
        )
    listed = ", ".join(v for v, _ in found[:_LISTED])
    more = f" … ({len(found):,} in all, most frequent first)" if len(found) > _LISTED else ""
    return _raise(name, f"unknown {name} {_shown(value)}; use one found in this store: "
                  f"{listed}{more}")  # fmt: skip


def _raise(name: str, message: str) -> str:
    raise ParameterError(name, message)


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


def _month_end(month: str) -> str:
    import calendar

    year, mon = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, mon)[1]:02d}"


#: Words that stand for a source but name none (the claim's sentence holds the antecedent);
#: counting them would put "he" and "they" at the top of every corpus.
PRONOUNS = (
    "he", "she", "it", "they", "we", "i", "you", "who", "which", "that", "this", "these",
    "those", "him", "her", "them", "us", "me", "one", "his", "its", "their", "our",
)  # fmt: skip


def source_key() -> str:
    """SQL (over ``spans``' ``source_name`` and ``source_kind``) for the key under which
    variants of one source are counted together: case folded, a leading article and a
    possessive dropped ("The report", "Mueller's"), and for vague sources (common nouns) the
    plural folded too ("reports" = "report"). Names keep their final s: "Williams" is not
    "William"."""
    key = "regexp_replace(lower(trim(source_name)), '^(the|a|an)\\s+', '')"
    key = f"regexp_replace({key}, '[''’]s?$', '')"
    plural = f"regexp_replace({key}, '([a-z])ies$', '\\1y')"
    plural = f"regexp_replace({plural}, '(ss|sh|ch|x)es$', '\\1')"
    plural = f"regexp_replace({plural}, '([^s])s$', '\\1')"
    return f"CASE WHEN source_kind = 'vague' THEN {plural} ELSE {key} END"


def cited_sources() -> str:
    """SQL: the claims' sources, one row per source key (``k``) with its spellings, most
    frequent first (``surfaces``: the first is the one shown), ``claims`` and ``articles``;
    pronouns left out. Shared by the top-sources table and the ``source`` filter."""
    stop = ", ".join(f"'{w}'" for w in PRONOUNS)
    return (
        f"WITH s AS (SELECT {source_key()} AS k, trim(source_name) AS surface, source_kind, "
        "doc_key FROM spans WHERE layer = 'claims' AND source_name IS NOT NULL "
        f"AND trim(source_name) <> '' AND lower(trim(source_name)) NOT IN ({stop})), "
        "f AS (SELECT k, surface, count(*) AS n FROM s GROUP BY 1, 2) "
        "SELECT f.k, list(f.surface ORDER BY f.n DESC, length(f.surface), f.surface) "
        "AS surfaces, any_value(a.claims) AS claims, any_value(a.articles) AS articles, "
        "any_value(a.kind) AS kind FROM f JOIN (SELECT k, count(*) AS claims, "
        "count(DISTINCT doc_key) AS articles, mode(source_kind) AS kind FROM s GROUP BY k) a "
        "USING (k) GROUP BY f.k ORDER BY articles DESC, f.k"
    )


#: Spans that name a place: entities with coordinates or a place label, and events with a
#: place; ``PLACE`` is the name they are counted (and filtered) under.
PLACE_SPANS = (
    "((s.layer = 'events' AND s.place IS NOT NULL) OR (s.layer = 'entities' AND "
    "(s.lat IS NOT NULL OR s.label IN ('PLACE', 'GPE', 'LOC'))))"
)
PLACE = "coalesce(s.place, s.text)"


def _spans_exist(condition: str) -> str:
    return f"EXISTS (SELECT 1 FROM spans s WHERE s.doc_key = d.key AND {condition})"


def selection(query: Query, table: str = "terms") -> tuple[str, list[Any]]:
    """One SQL condition on ``documents d`` (with its parameters) that holds for exactly the
    documents ``query`` (checked) selects: its search and every filter. ``table``: where the
    search looks words up (see :func:`textindex.to_sql`)."""
    where, params = ["TRUE"], []
    if query.tree is not None:
        sql, found = T.to_sql(query.tree, table)
        where.append(sql)
        params += found
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
    if query.technique or query.min_score is not None:
        condition = "s.layer = 'techniques'"
        if query.technique:
            condition += " AND s.label = ?"
            params.append(query.technique)
        if query.min_score is not None:
            condition += " AND s.score >= ?"
            params.append(query.min_score)
        where.append(_spans_exist(condition))
    if query.source_kind:
        where.append(_spans_exist("s.layer = 'claims' AND s.source_kind = ?"))
        params.append(query.source_kind)
    if query.narrative:
        where.append(_spans_exist("s.layer = 'narratives' AND s.label = ?"))
        params.append(query.narrative)
    if query.place:
        where.append(_spans_exist(f"{PLACE_SPANS} AND {PLACE} = ?"))
        params.append(query.place)
    if query.source:
        where.append(
            _spans_exist(
                "s.layer = 'claims' AND trim(s.source_name) IN (SELECT unnest(?::VARCHAR[]))"
            )
        )
        params.append(query.source_names or [query.source])
    return " AND ".join(where), params
