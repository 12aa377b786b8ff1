"""Text geometry shared by the techniques model and its training: inference windows, the
BIO codec over word pieces, snapping spans to whole words, sentence and line bounds, and the
non-encoder span features. No model here: :mod:`spinscope.analyzers.techniques` runs the
model, :mod:`spinscope.train.techniques` trains it, and both read text through these
functions so that training and inference agree.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence

O, B, I = 0, 1, 2  # noqa: E741 - BIO tag ids
#: Word pieces per window, without [CLS]/[SEP].
WINDOW = 254
#: Hop between inference windows: consecutive windows share WINDOW - STRIDE pieces.
STRIDE = 192
#: Extra (non-encoder) span features: see :func:`span_extra_features`.
N_EXTRA = 4

_WORD = re.compile(r"\w", re.UNICODE)


# -- windows and the BIO codec -------------------------------------------------------------
def windows(n: int, size: int = WINDOW, stride: int = STRIDE) -> list[tuple[int, int]]:
    """Cover ``range(n)`` with windows ``[a, b)`` of at most ``size`` pieces, ``stride`` apart.

    The last window is aligned with the end so that no window is needlessly short.
    """
    if n <= size:
        return [(0, n)]
    out = []
    a = 0
    while True:
        if a + size >= n:
            out.append((max(0, n - size), n))
            break
        out.append((a, a + size))
        a += stride
    return out


def bio_encode(offsets: Sequence[tuple[int, int]], spans: Iterable[tuple[int, int]]) -> list[int]:
    """BIO tag per word piece: a piece is inside a span when their characters overlap.

    Spans are merged first (SI spans never overlap); the first piece of each span gets B.
    """
    from spinscope.eval.ptc import merge_spans

    tags = [O] * len(offsets)
    merged = merge_spans(spans)
    j = 0
    for i, (s, e) in enumerate(offsets):
        while j < len(merged) and merged[j][1] <= s:
            j += 1
        if j < len(merged) and s < merged[j][1] and e > merged[j][0] and e > s:
            first = i == 0 or not (offsets[i - 1][1] > merged[j][0] and tags[i - 1] != O)
            tags[i] = B if first else I
    return tags


def bio_decode(
    offsets: Sequence[tuple[int, int]],
    p_in: Sequence[float],
    p_b: Sequence[float],
    threshold: float = 0.5,
    low: float | None = None,
    text: str | None = None,
) -> list[tuple[int, int, float]]:
    """Spans (start, end, mean inside-probability) from per-piece probabilities.

    Hysteresis: a span is a run of pieces with ``p_in >= low`` that holds at least one
    piece with ``p_in >= threshold`` (so confident cores grow into their less confident
    surroundings instead of breaking into fragments). A run is split where a piece is more
    likely a beginning than a continuation (``p_b > p_in - p_b``), and, when ``text`` is
    given, at line breaks and sentence ends (PTC spans never cross a line, and its lines
    are sentences).
    """
    low = threshold if low is None else min(low, threshold)
    spans: list[tuple[int, int, float]] = []
    cur: list[int] = []

    def close() -> None:
        if cur:
            probs = [p_in[k] for k in cur]
            if max(probs) >= threshold:
                spans.append((offsets[cur[0]][0], offsets[cur[-1]][1], sum(probs) / len(probs)))
            cur.clear()

    for i, (s, e) in enumerate(offsets):
        if e <= s or p_in[i] < low:
            close()
            continue
        split = p_b[i] > p_in[i] - p_b[i] or (text is not None and _boundary(text, offsets, i))
        if cur and split:
            close()
        cur.append(i)
    close()
    return spans


def _boundary(text: str, offsets: Sequence[tuple[int, int]], i: int) -> bool:
    """A line break or a sentence end (. ! ? then space) lies between pieces i-1 and i."""
    gap = text[offsets[i - 1][1] : offsets[i][0]]
    if "\n" in gap:
        return True
    return bool(gap) and text[offsets[i - 1][0] : offsets[i - 1][1]] in {".", "!", "?"}


def merge_close(
    text: str, spans: Sequence[tuple[int, int, float]], gap: int
) -> list[tuple[int, int, float]]:
    """Join spans separated by at most ``gap`` characters on the same line.

    The encoder often marks the loaded words of an annotated phrase but not the words
    between them; annotators mark the whole phrase.
    """
    out: list[list[float]] = []
    for s, e, c in spans:
        if out and s - out[-1][1] <= gap and "\n" not in text[int(out[-1][1]) : s]:
            ps, pe, pc = out[-1]
            w1, w2 = pe - ps, e - s
            out[-1] = [ps, max(pe, e), (pc * w1 + c * w2) / (w1 + w2)]
        else:
            out.append([s, e, c])
    return [(int(s), int(e), c) for s, e, c in out]


def _in_word(text: str, i: int) -> bool:
    """``text[i]`` is part of a word: a word character, or an apostrophe, hyphen or dot
    inside a word (``weren’t``, ``Steinle's``, ``Russia-U.S``), which the tokenizer splits
    off as its own piece."""
    if _WORD.match(text[i]):
        return True
    return (
        text[i] in "'’-."
        and 0 < i < len(text) - 1
        and bool(_WORD.match(text[i - 1]))
        and bool(_WORD.match(text[i + 1]))
    )


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span that starts or ends inside a word to the whole word; trim whitespace."""
    while start > 0 and _in_word(text, start - 1) and _in_word(text, start):
        start -= 1
    while end < len(text) and _in_word(text, end - 1) and _in_word(text, end):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]*[A-Z0-9])")
#: The same, never crossing a line break: run once over a whole text, it finds exactly the
#: matches that ``_SENTENCE_END`` finds line by line.
_SENTENCE_END_IN_LINE = re.compile(r"[.!?…][\"'”’)\]]*[^\S\n]+(?=[\"'“‘(\[]*[A-Z0-9])")


_ABBREVIATION_WORDS = (
    "mr mrs ms dr prof st jr sr sen rep gen gov col lt sgt capt no vs etc inc co corp "
    "u.s u.k u.n e.g i.e jan feb mar apr aug sept sep oct nov dec"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())


def _ends(text: str, m: re.Match) -> bool:
    """A match of _SENTENCE_END really ends a sentence: not "Mr.", "U.S." or an initial."""
    if text[m.start()] != ".":
        return True
    word = re.search(r"[\w.]*$", text[max(0, m.start() - 12) : m.start()])
    w = word.group().lower() if word else ""
    return not (w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha()))


class TextIndex:
    """What per-span work needs to know about one text, computed once: line breaks,
    sentence ends and the normalised text for repetition counts. Without it each span
    rescanned its line (or the whole text), which made long texts quadratic."""

    #: Repetitions of a phrase are counted within this many characters of normalised text
    #: on either side of it: the whole text for any text up to this long (every text under
    #: the default ``max_chars``), and a cost linear in the length beyond.
    REPEAT_WINDOW = 200_000

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        ends = [m for m in _SENTENCE_END_IN_LINE.finditer(text) if _ends(text, m)]
        #: Where a sentence may start (after a sentence end), and where each one closes
        #: (right after its punctuation); both ascending.
        self.starts = [m.end() for m in ends]
        self.closes = [m.start() + len(m.group().rstrip()) for m in ends]
        self.first_newline = self.newlines[0] if self.newlines else -1
        words = list(re.finditer(r"\S+", text))
        lowered = [w.group().lower() for w in words]
        #: ``_norm(text)``: lower-cased words joined by single spaces.
        self.normed = " ".join(lowered)
        self._word_ends = [w.end() for w in words]
        self._word_starts = [w.start() for w in words]
        self._normed_at: list[int] = []
        pos = 0
        for word in lowered:
            self._normed_at.append(pos)
            pos += len(word) + 1
        self._lowered_len = [len(w) for w in lowered]

    def line(self, start: int, end: int) -> tuple[int, int]:
        """(start, end) of the line(s) holding ``text[start:end]``, line breaks excluded."""
        i = bisect.bisect_left(self.newlines, start)
        j = bisect.bisect_left(self.newlines, end)
        return (self.newlines[i - 1] + 1 if i else 0), (
            self.newlines[j] if j < len(self.newlines) else len(self.text)
        )

    def occurrences(self, phrase: str, start: int, end: int) -> int:
        """``normed.count(phrase)`` within REPEAT_WINDOW of the words of ``text[start:end]``."""
        first = bisect.bisect_right(self._word_ends, start)
        last = bisect.bisect_left(self._word_starts, end) - 1
        if first > last:  # no word in the span: count in the whole window around it
            last = first = min(first, len(self._normed_at) - 1)
        lo = self._normed_at[first] if self._normed_at else 0
        hi = self._normed_at[last] + self._lowered_len[last] if self._normed_at else 0
        window = self.REPEAT_WINDOW
        return self.normed.count(phrase, max(0, lo - window), hi + window)


def sentence_bounds(
    text: str, start: int, end: int, index: TextIndex | None = None
) -> tuple[int, int]:
    """The sentence around ``text[start:end]``: from the last sentence end (or line start)
    before it to the next sentence end (or line end) after it, whitespace trimmed.

    Techniques that argue (Doubt, Causal_Oversimplification, Appeal_to_Authority, ...) are
    annotated over whole sentences or clauses while the encoder's confident pieces are the
    few words that give them away; this widens such spans to the sentence. ``index``
    (the text's :class:`TextIndex`) makes each call cost a lookup instead of a line scan.
    """
    if index is not None:
        line_start, line_end = index.line(start, end)
        k = bisect.bisect_right(index.starts, start) - 1
        s = max(line_start, index.starts[k]) if k >= 0 else line_start
        c = bisect.bisect_left(index.closes, end)
        e = min(line_end, index.closes[c]) if c < len(index.closes) else line_end
    else:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end == -1 else line_end
        ends = [m for m in _SENTENCE_END.finditer(text, line_start, line_end) if _ends(text, m)]
        s = max((m.end() for m in ends if m.end() <= start), default=line_start)
        closes = [m.start() + len(m.group().rstrip()) for m in ends]  # after the punctuation
        e = min((c for c in closes if c >= end), default=line_end)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return min(s, start), max(e, end)


_FUNCTION_WORD_LIST = (
    "a an the of to in on at for by with from as into than and or but nor so yet that "
    "which who whom whose this these those is are was were be been being it its"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())


def has_content_word(span: str) -> bool:
    """False for spans made only of function words ("a", "the", "in the"): the encoder
    sometimes marks one next to a loaded phrase, and no technique lives in them alone."""
    return any(w not in _FUNCTION_WORDS for w in re.findall(r"\w+", span.lower()))


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def span_extra_features(
    text: str, start: int, end: int, n_pieces: int, index: TextIndex | None = None
) -> list[float]:
    """Features the encoder cannot see inside one window.

    [log word pieces, log(1 + other occurrences of the phrase in the article), repeated?,
    in the first line (the title)?]. Repetition is the technique that needs them most.
    ``index`` is the text's :class:`TextIndex`, passed in when many spans of one text are
    featurized (the values are the same for any text up to ``REPEAT_WINDOW`` long).
    """
    phrase = _norm(text[start:end])
    others = 0
    if phrase and len(phrase) >= 3:
        if index is None:
            others = max(0, _norm(text).count(phrase) - 1)
        else:
            others = max(0, index.occurrences(phrase, start, end) - 1)
    first_nl = text.find("\n") if index is None else index.first_newline
    in_title = 1.0 if first_nl == -1 or start < first_nl else 0.0
    return [math.log1p(n_pieces), math.log1p(others), 1.0 if others else 0.0, in_title]
