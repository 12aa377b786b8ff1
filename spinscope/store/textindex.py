"""The store's full-text index: index terms, the search syntax and keyword-in-context snippets.

Words are indexed under their *matching forms*, so that an inflected word finds the others:
a Latin-script word under its Snowball English stem ("attacks", "attacked" -> ``attack``),
a Cyrillic word under itself and the lemmas pymorphy3's Russian and Ukrainian dictionaries
give it ("Белгорода" -> ``белгорода``, ``белгород``; "Харкова" -> ``харків`` too). A query
word matches a document that has any of its forms. Quoted phrases match the words exactly
(case aside), in order.

The syntax: words (all must occur), ``"quoted phrases"``, ``OR``, ``AND``, ``NOT`` (or a
leading ``-``) and parentheses; ``AND`` binds tighter than ``OR``. Operators are upper case:
a lower-case "and" is a word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spinscope.errors import ParameterError
from spinscope.slavic.morph import norm

#: A word as the index sees it: two or more letters or digits.
WORD = re.compile(r"\w{2,}", re.UNICODE)
_ANY_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
#: Longest query accepted (characters): a query is parsed and compiled to SQL.
MAX_QUERY = 1000
#: Most words and phrases in one query.
MAX_LEAVES = 30
#: Characters of context shown on each side of a hit.
CONTEXT = 80


@lru_cache(maxsize=1)
def _english() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=300_000)
def forms(word: str) -> tuple[str, ...]:
    """The matching forms of one word (see the module docstring), most specific first."""
    low = norm(word)
    if _CYRILLIC.search(low):
        from spinscope.slavic.morph import analyzer

        out = [low]
        for lang in ("ru", "uk"):
            for n, parse in enumerate(analyzer(lang).parse(low)[:4]):
                # A guessed parse of an unknown word (a name) adds a made-up lemma; the
                # first guess is kept, further guesses would only add noise.
                if n and not parse.is_known:
                    continue
                lemma = norm(parse.normal_form)
                if lemma not in out:
                    out.append(lemma)
        return tuple(out)
    if _LATIN.search(low):
        return (_english().stemWord(low),)
    return (low,)


def terms_of(text: str) -> Counter[str]:
    """Index terms of ``text`` with their counts: every matching form of every word."""
    words = Counter(WORD.findall(text))
    out: Counter[str] = Counter()
    for word, n in words.items():
        for form in forms(word):
            out[form] += n
    return out


# -- the query language ------------------------------------------------------------------
@dataclass
class Word:
    text: str
    forms: tuple[str, ...]


@dataclass
class Phrase:
    """Words that must stand next to each other, exactly (case aside)."""

    text: str
    words: list[str]
    #: A bare word with joints ("Port-Elsby"): any non-letters may stand between its words.
    loose: bool = False


@dataclass
class Op:
    kind: str  # "and", "or", "not"
    children: list[Any] = field(default_factory=list)


Node = Word | Phrase | Op
_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"?|(-)(?=[\w"(])|([^\s()"]+))')


def parse(q: str) -> Node | None:
    """The query ``q`` as a tree; None when it has nothing to search for. A query that
    cannot be read (an unbalanced parenthesis, an operator with nothing to join) is a
    ParameterError naming ``q``."""
    if len(q) > MAX_QUERY:
        raise ParameterError("q", f"is {len(q):,} characters long; at most {MAX_QUERY:,}")
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        opening, closing, phrase, minus, bare = m.groups()
        if opening:
            tokens.append(("(", "("))
        elif closing:
            tokens.append((")", ")"))
        elif phrase is not None:
            tokens.append(("phrase", phrase))
        elif minus:
            tokens.append(("NOT", "-"))
        elif bare in ("AND", "OR", "NOT"):
            tokens.append((bare, bare))
        elif bare:
            tokens.append(("word", bare))
    parser = _Parser(tokens, q)
    node = parser.expression()
    if parser.pos < len(tokens):
        raise ParameterError("q", f"{_shown(q)}: unexpected ')'; parentheses must pair up")
    if node is not None and _count(node) > MAX_LEAVES:
        raise ParameterError("q", f"has more than {MAX_LEAVES} words and phrases")
    return node


def _shown(q: str) -> str:
    return repr(q if len(q) <= 60 else q[:60] + "…")


def _count(node: Node) -> int:
    return sum(_count(c) for c in node.children) if isinstance(node, Op) else 1


class _Parser:
    """Recursive descent: or := and ("OR" and)*; and := unary ("AND"? unary)*;
    unary := ("NOT" | "-") unary | "(" or ")" | phrase | word."""

    def __init__(self, tokens: list[tuple[str, str]], q: str) -> None:
        self.tokens, self.pos, self.q = tokens, 0, q

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def expression(self) -> Node | None:
        parts = [self.conjunction()]
        while self.peek() == "OR":
            self.pos += 1
            right = self.conjunction()
            if right is None or parts[-1] is None:
                raise ParameterError("q", f"{_shown(self.q)}: OR needs a word on each side")
            parts.append(right)
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Op("or", kept)

    def conjunction(self) -> Node | None:
        parts: list[Node] = []
        while self.peek() not in (None, "OR", ")"):
            if self.peek() == "AND":
                self.pos += 1
                if not parts or self.peek() in (None, "OR", ")", "AND"):
                    raise ParameterError("q", f"{_shown(self.q)}: AND needs a word on each side")
                continue
            node = self.unary()
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Op("and", parts)

    def unary(self) -> Node | None:
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "NOT":
            if self.peek() in (None, "OR", ")", "AND"):
                raise ParameterError("q", f"{_shown(self.q)}: NOT needs a word after it")
            inner = self.unary()
            return None if inner is None else Op("not", [inner])
        if kind == "(":
            inner = self.expression()
            if self.peek() != ")":
                raise ParameterError(
                    "q", f"{_shown(self.q)}: a '(' is not closed; parentheses must pair up"
                )
            self.pos += 1
            return inner
        if kind == ")":  # pragma: no cover - conjunction stops before ")"
            return None
        if not WORD.search(value):
            return None  # punctuation, a one-letter word: nothing to look up
        words = _ANY_WORD.findall(value)
        if kind == "phrase" or len(words) > 1:
            # "Port-Elsby" is the phrase "Port Elsby", as the index splits it.
            return Phrase(value, words, loose=kind != "phrase")
        return Word(words[0], forms(words[0]))


def positive_forms(node: Node | None, phrases: bool = True) -> set[str]:
    """Index forms of the words (and with ``phrases`` the phrase words) that must or may
    occur: not those under NOT."""
    if node is None:
        return set()
    if isinstance(node, Word):
        return set(node.forms)
    if isinstance(node, Phrase):
        return {f for w in node.words if WORD.fullmatch(w) for f in forms(w)} if phrases else set()
    if node.kind == "not":
        return set()
    return set().union(*(positive_forms(c, phrases) for c in node.children))


def positive_phrases(node: Node | None) -> list[Phrase]:
    if node is None or isinstance(node, Word):
        return []
    if isinstance(node, Phrase):
        return [node]
    if node.kind == "not":
        return []
    return [p for c in node.children for p in positive_phrases(c)]


def _pattern(phrase: Phrase, dialect: str) -> str:
    """A case-insensitive pattern for ``phrase`` in RE2 (DuckDB, ``"re2"``) or Python's
    ``re``: its characters literally, any run of white space for a space (any run of
    non-letters for a bare word's joints, "Port-Elsby"), not inside a longer word. RE2's
    ``\\b`` is ASCII-only, so the word bounds are spelt out."""
    re2 = dialect == "re2"
    gap = (r"[^\pL\pN]+" if re2 else r"[\W_]+") if phrase.loose else r"\s+"
    text = " ".join(phrase.words) if phrase.loose else phrase.text.strip()
    body = gap.join(re.escape(part) for part in text.split())
    if re.match(r"\w", text):
        body = (r"(?:^|[^\pL\pN_])" if re2 else r"(?<!\w)") + body
    if re.search(r"\w$", text):
        body += r"(?:$|[^\pL\pN_])" if re2 else r"(?!\w)"
    return "(?i)" + body


def all_forms(node: Node | None) -> set[str]:
    """Every index form the query looks up, those under NOT included."""
    if node is None:
        return set()
    if isinstance(node, Word):
        return set(node.forms)
    if isinstance(node, Phrase):
        return {f for w in node.words if WORD.fullmatch(w) for f in forms(w)}
    return set().union(*(all_forms(c) for c in node.children))


def to_sql(node: Node, table: str = "terms") -> tuple[str, list[Any]]:
    """A condition on ``documents d`` that holds for the documents matching ``node``;
    ``table``: the index rows to look words up in (the ``terms`` table, or a view of the
    rows of the query's forms, see ``Store.scope``)."""
    if isinstance(node, Word):
        return (
            f"d.key IN (SELECT doc_key FROM {table} WHERE term IN (SELECT unnest(?::VARCHAR[])))",
            [list(node.forms)],
        )
    if isinstance(node, Phrase):
        # The index narrows the candidates; the text decides, read only for them (CASE
        # evaluates its THEN for the rows its WHEN holds: a regular expression over every
        # article would cost a second per search on 10,000).
        parts, params = [], []
        for w in dict.fromkeys(norm(w) for w in node.words if WORD.fullmatch(w)):
            sql, p = to_sql(Word(w, forms(w)), table)
            parts.append(sql)
            params += p
        params.append(_pattern(node, "re2"))
        text = (
            "regexp_matches(coalesce(d.title, '') || chr(10) || "
            "(SELECT t.text FROM search_texts t WHERE t.doc_key = d.key), ?)"
        )
        if not parts:
            return text, params
        return f"(CASE WHEN {' AND '.join(parts)} THEN {text} ELSE false END)", params
    if node.kind == "not":
        sql, params = to_sql(node.children[0], table)
        return f"NOT {sql}", params
    joined, params = [], []
    for child in node.children:
        sql, p = to_sql(child, table)
        joined.append(sql)
        params += p
    return "(" + f" {node.kind.upper()} ".join(joined) + ")", params


# -- keyword in context ------------------------------------------------------------------
def hits(text: str, node: Node | None) -> list[tuple[int, int]]:
    """Character ranges of ``text`` where the query's words and phrases occur (words in
    any of their forms; nothing under NOT), in order."""
    if node is None:
        return []
    wanted = positive_forms(node, phrases=False)
    found = []
    if wanted:
        # Only words that begin like a wanted form can have it (stems and lemmas keep the
        # first two letters, but for rare suppletive forms: "людей" -> "человек"): looking
        # up every word of a long article would cost more than the query.
        found = [
            (m.start(), m.end()) for m in _starts(frozenset(wanted)).finditer(text)
            if wanted.intersection(forms(m.group()))
        ]  # fmt: skip
    for phrase in positive_phrases(node):
        found += [(m.start(), m.end()) for m in re.finditer(_pattern(phrase, "python"), text)]
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


@lru_cache(maxsize=256)
def _starts(wanted: frozenset[str]) -> re.Pattern[str]:
    heads = sorted({re.escape(f[:2]).replace("е", "[её]") for f in wanted})
    return re.compile(rf"(?<!\w)(?:{'|'.join(heads)})\w*", re.IGNORECASE)


def snippets(
    text: str, found: list[tuple[int, int]], most: int = 2, context: int = CONTEXT
) -> list[dict[str, Any]]:
    """Up to ``most`` keyword-in-context windows around the first hits in ``found``:
    ``start``/``end`` of the window in ``text``, its ``text`` and the ``hits`` inside it
    (offsets into ``text``, like every offset in spinscope)."""
    out: list[dict[str, Any]] = []
    for a, b in found:
        if out and a < out[-1]["end"]:
            continue
        if len(out) == most:
            break
        start, end = max(0, a - context), min(len(text), b + context)
        # Whole words at the edges: move inwards to the next space when one is near.
        if start > 0:
            space = text.find(" ", start, a)
            start = space + 1 if space != -1 else start
        if end < len(text):
            space = text.rfind(" ", b, end)
            end = space if space != -1 else end
        inside = [(x, y) for x, y in found if x >= start and y <= end]
        window = text[start:end]
        out.append(
            {"start": start, "end": end, "text": window, "hits": [list(h) for h in inside],
             "cut_end": end < len(text)}
        )  # fmt: skip
    return out


def segments(snippet: dict[str, Any]) -> list[tuple[str, bool]]:
    """A snippet as (text, is_hit) pieces, whitespace runs collapsed: what a page renders
    (escaped) with the hits marked."""
    start, text = snippet["start"], snippet["text"]
    out: list[tuple[str, bool]] = []
    pos = 0
    for a, b in snippet["hits"]:
        if a - start > pos:
            out.append((text[pos : a - start], False))
        out.append((text[a - start : b - start], True))
        pos = b - start
    if pos < len(text):
        out.append((text[pos:], False))
    return [(re.sub(r"\s+", " ", part), hit) for part, hit in out]
