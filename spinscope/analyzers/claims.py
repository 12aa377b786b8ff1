"""The ``claims`` layer: check-worthy factual sentences, each with who is cited for it.

A sentence is scored by frozen MiniLM-L6 features and a logistic head trained on
ClaimBuster (ONNX, 4-bit weights, see ``spinscope/models/claims/MODEL_CARD.md``);
sentences at or above the threshold chosen in cross-validation become spans. Questions,
first-person opinion frames, predictions, the author's interpretations ("this pattern
suggests …", "X's insistence reveals …") and intentions ("Kiev aims to …") are filtered
by rule: ClaimBuster's debate sentences rarely contain them in the form opinion columns
use, and the model scores them as facts. Each claim carries its attribution from
:mod:`spinscope.analyzers.attribution`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from spinscope.analyzers import claims_slavic
from spinscope.analyzers.attribution import METRICS as ATTRIBUTION_METRICS
from spinscope.analyzers.base import BaseAnalyzer, SpanIndex, language_of
from spinscope.config import Settings
from spinscope.document import Document
from spinscope.models import MODELS_DIR, onnx_session, tokenizer

MODEL_DIR = MODELS_DIR / "claims"
MAX_LENGTH = 128


def _load_meta(model_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


class ClaimScorer:
    """Check-worthiness probability for sentences (ONNX MiniLM-L6 + linear head)."""

    def __init__(self, model_dir: Path = MODEL_DIR, batch_size: int = 64) -> None:
        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self.meta = _load_meta(self.model_dir)
        #: Decision threshold chosen on out-of-fold CV scores (0.5 when unknown).
        self.threshold = float(self.meta.get("threshold", 0.5))

    @cached_property
    def _session(self) -> Any:
        return onnx_session(str(self.model_dir / "model.onnx"))

    @cached_property
    def _tok(self) -> Any:
        tok = tokenizer(str(self.model_dir / "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(MAX_LENGTH)
        return tok

    def score(self, texts: Sequence[str], needed: Sequence[bool] | None = None) -> np.ndarray:
        """Probability that each text is a check-worthy factual claim; texts not ``needed``
        are not scored (NaN).

        A score depends on the text alone, to the last bit: texts are scored in groups of
        the same length in word pieces, so no row is padded, and a lone text is run twice
        (onnxruntime's one-row path rounds differently). Measured: the same scores whether
        a batch holds 8 or 45 articles; a third less time than padded per-article batches
        (research/scale/claims_batching.py)."""
        out = np.full(len(texts), np.nan, dtype=np.float64)
        if not texts:
            return out
        encs = self._tok.encode_batch([t if t.strip() else "." for t in texts])
        by_length: dict[int, list[int]] = {}
        for i, enc in enumerate(encs):
            if needed is None or needed[i]:
                by_length.setdefault(len(enc.ids), []).append(i)
        for length in sorted(by_length):
            same = by_length[length]
            for b in range(0, len(same), self.batch_size):
                idx = same[b : b + self.batch_size]
                rows = idx * 2 if len(idx) == 1 else idx
                ids = np.array([encs[i].ids for i in rows], dtype=np.int64)
                mask = np.ones_like(ids)
                (logits,) = self._session.run(
                    ["logits"], {"input_ids": ids, "attention_mask": mask}
                )
                out[idx] = 1.0 / (1.0 + np.exp(-logits[: len(idx)].astype(np.float64)))
        return out


#: First-person eyewitness sentences ("I saw the missile hit …") are claims of fact by
#: construction, but ClaimBuster's debaters rarely testify, so the model scores them low
#: (0.06-0.44 on our fixtures). They are kept from this score up, which only drops chit-chat
#: ("I have seen many sunsets": 0.000). Set by hand on fixtures and the Belgorod column.
WITNESS_MIN_SCORE = 0.05

#: Frames that make a sentence the author's opinion rather than a checkable fact.
_OPINION = re.compile(
    r"\b(I|we)\s+(personally\s+)?(think|believe|feel|hope|guess|suppose|doubt|fear|"
    r"can\s+say|would\s+argue|am\s+(sure|convinced|certain))\b|\bin\s+my\s+(view|opinion)\b|"
    r"\bit\s+is\s+(safe|fair)\s+to\s+say\b",
    re.IGNORECASE,
)
#: Modal frames of predictions ("will certainly be encircled", "is doomed to fail").
_PREDICTION = re.compile(
    r"\b(will|shall|is\s+going\s+to|are\s+going\s+to|is\s+doomed\s+to|are\s+doomed\s+to|"
    r"is\s+likely\s+to|are\s+likely\s+to|is\s+bound\s+to)\b",
    re.IGNORECASE,
)


def non_claim_reason(sentence: str) -> str | None:
    """``question``, ``opinion`` or ``prediction`` when the sentence is not a factual claim.

    ClaimBuster labels some predictions and first-person stances as check-worthy (debate
    promises); a fact-checker reading news wants them out, so they are filtered by rule."""
    stripped = sentence.rstrip(" \"'”’)»")
    if stripped.endswith("?"):
        return "question"
    if _OPINION.search(sentence):
        return "opinion"
    if _PREDICTION.search(sentence):
        return "prediction"
    return None


#: Verbs by which the author reads meaning into facts ("this choice reflects a brutal approach").
_INTERPRET = {"reveal", "reflect", "demonstrate", "show", "suggest", "indicate", "mean",
              "prove", "signal", "illustrate", "expose", "betray", "emblematic"}
#: Subjects for which such verbs report evidence rather than the author's reading of it.
_EVIDENCE = {"report", "evidence", "data", "study", "source", "document", "footage", "video",
             "image", "poll", "survey", "investigation", "record", "figure", "statistic",
             "analysis", "photo", "photograph", "satellite", "intercept", "test", "result"}
#: Verbs that read minds ("Kiev aims to create a narrative"): intentions are not checkable.
_INTENT = {"aim", "intend", "seek", "want", "wish", "plan", "strive"}


def interpretation_reason(sent: Any) -> str | None:
    """``interpretation`` or ``intention`` when the sentence's main verb makes it the author's
    reading of events rather than a checkable fact; needs the spaCy parse."""
    root = sent.root
    verbs = [(root, next((c for c in root.children if c.dep_ in {"nsubj", "csubj"}), None))]
    if root.pos_ in {"NOUN", "PROPN"}:
        # spaCy's small model sometimes makes the subject noun the root and hangs the verb
        # on it ("Kiev's insistence … reveals a desperate strategy").
        verbs += [(c, root) for c in root.children if c.dep_ in {"advcl", "acl", "relcl"}]
    for verb, subj in verbs:
        lemma = verb.lemma_.lower()
        if (
            lemma in _INTERPRET
            and subj is not None
            # Line-initial "Reports" is tagged PROPN with lemma "Reports": check the word too.
            and not {subj.lemma_.lower(), subj.lower_, subj.lower_.removesuffix("s")} & _EVIDENCE
            and subj.ent_type_ not in {"PERSON", "ORG"}
        ):
            return "interpretation"
        if lemma in _INTENT and any(c.dep_ == "xcomp" for c in verb.children):
            return "intention"
    return None


def is_hard_wrapped(text: str) -> bool:
    """True when single line breaks fall inside sentences (text wrapped at a fixed width):
    a quarter or more of the lines are followed by a line that starts in lower case."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < 4:
        return False
    continued = sum(1 for nxt in lines[1:] if nxt.lstrip()[:1].islower())
    return continued / (len(lines) - 1) >= 0.25


def _sentences(nlp_doc: Any, wrapped: bool = False) -> list[Any]:
    """spaCy sentences, cut again at line breaks (titles and list items have no full stop);
    in hard-wrapped text only at blank lines."""
    out = []
    for sent in nlp_doc.sents:
        start = sent.start
        for tok in sent:
            brk = tok.text.count("\n") >= (2 if wrapped else 1)
            if brk:
                if tok.i > start:
                    out.append(nlp_doc[start : tok.i])
                start = tok.i + 1
        if start < sent.end:
            out.append(nlp_doc[start : sent.end])
    return [s for s in out if s.text.strip()]


class ClaimsAnalyzer(BaseAnalyzer):
    """Check-worthy factual sentences with their attribution (see module docstring)."""

    name = "claims"
    #: 2: a source is never the cue ("saying", "was reported"); stored articles analyzed by
    #: version 1 are analyzed again on the next ingest.
    version = "2"
    requires = ("boilerplate",)
    provides = ("claims",)
    languages: ClassVar[frozenset[str] | None] = frozenset({"en", "ru", "uk"})
    model = _load_meta(MODEL_DIR).get("model", "claims-minilm")
    #: By evaluation set (real annotated text first): check-worthiness on ClaimBuster, then
    #: the sources of claims (the attribution rules' sets, see their model card).
    metrics: ClassVar[dict[str, Any]] = {
        "ClaimBuster (US presidential debates, 5-fold CV out-of-fold; news is out of domain)": {
            **_load_meta(MODEL_DIR).get("cv", {}).get("pooled_at_threshold", {}),
            "sentences": _load_meta(MODEL_DIR).get("cv", {}).get("n"),
            "threshold": _load_meta(MODEL_DIR).get("threshold"),
        },
        **ATTRIBUTION_METRICS,
        # Russian and Ukrainian (spinscope/models/claims_e5/MODEL_CARD.md): measured blind.
        "ru/uk real news annotated by the project after the rules were frozen, test2 split "
        "(research/claims)": {
            "ru_checkworthiness_f1": 0.686,
            "uk_checkworthiness_f1": 0.826,
            "ru_attribution_kind_accuracy_with_cue": 0.935,
            "uk_attribution_kind_accuracy_with_cue": 0.815,
            "sentences_per_language": 40,
        },
    }

    def __init__(self, settings: Settings | None = None, model_dir: Path = MODEL_DIR) -> None:
        super().__init__(settings)
        self.scorer = ClaimScorer(model_dir)
        self.threshold = self.scorer.threshold

    def __call__(self, doc: Document) -> None:
        self.pipe([doc])

    def parses(self, docs: Sequence[Document]) -> list[Document]:
        return [d for d in docs if self.reads(d) and language_of(d).code not in ("ru", "uk")
                and not _hard_wrapped(d)]  # fmt: skip

    def pipe(self, docs: Sequence[Document], batch_size: int = 8) -> None:
        from spinscope.analyzers.attribution import claim_attribution, is_testimony
        from spinscope.models.parse import parse_many

        self.reset(docs)
        # English: the model and rules below; Russian and Ukrainian: claims_slavic; other
        # languages get no layer and a note.
        docs = self.readable(docs)
        for doc in docs:
            self.record(doc)
        slavic = [d for d in docs if language_of(d).code in ("ru", "uk")]
        for doc in slavic:
            claims_slavic.annotate(doc, language_of(doc).code)
        docs = [d for d in docs if all(d is not x for x in slavic)]
        wrapped = [_hard_wrapped(d) for d in docs]
        # The shared parse (also used by entities and events) starts a sentence at every line
        # break, which cuts hard-wrapped text into fragments: those documents parse their own.
        shared = iter(parse_many([d for d, w in zip(docs, wrapped, strict=True) if not w],
                                 batch_size))
        per_doc = [self._own_sentences(doc) if wrap else self._shared_sentences(doc, next(shared))
                   for doc, wrap in zip(docs, wrapped, strict=True)]  # fmt: skip
        # The sentences of the whole batch are scored at once (a score depends on its text
        # alone); those the rules below drop whatever their score are not scored.
        texts = [chunk[s:e] for items in per_doc for _, s, e, _, chunk in items]
        all_scores = iter(self.scorer.score(texts, [non_claim_reason(t) is None for t in texts]))
        for doc, items in zip(docs, per_doc, strict=True):
            scores = [next(all_scores) for _ in items]
            for (sent, s, e, a, chunk), score in zip(items, scores, strict=True):
                if score < WITNESS_MIN_SCORE or non_claim_reason(chunk[s:e]):
                    continue
                if score < self.threshold and not is_testimony(sent):
                    continue
                if interpretation_reason(sent):
                    continue
                attribution = claim_attribution(sent, s, e, chunk, a)
                doc.add_span(
                    "claims", a + s, a + e, "claim", score=float(score), attribution=attribution
                )

    @staticmethod
    def _shared_sentences(doc: Document, sdoc: Any) -> list[tuple[Any, int, int, int, str]]:
        """(sentence, start, end, 0, doc.text) for sentences of the shared parse that lie in
        the content ranges (offsets are already offsets into ``doc.text``)."""
        ranges = SpanIndex(doc.content_ranges(), lambda r: r)
        items = []
        for sent in sdoc.sents:
            s, e = sent.start_char, sent.end_char
            while s < e and doc.text[s].isspace():
                s += 1
            while e > s and doc.text[e - 1].isspace():
                e -= 1
            if e > s and ranges.covers(s, e):
                items.append((sent, s, e, 0, doc.text))
        return items

    @staticmethod
    def _own_sentences(doc: Document) -> list[tuple[Any, int, int, int, str]]:
        """(sentence, start, end, range start, range text), each content range parsed alone."""
        from spinscope.models.parse import parse_text

        items = []
        for a, b in doc.content_ranges():
            # Leading line breaks change spaCy's tags of the first word ("Reports": PROPN).
            a += len(doc.text[a:b]) - len(doc.text[a:b].lstrip())
            chunk = doc.text[a:b]
            for sent in _sentences(parse_text(chunk), is_hard_wrapped(chunk)):
                s, e = sent.start_char, sent.end_char
                while e > s and chunk[e - 1].isspace():
                    e -= 1
                items.append((sent, s, e, a, chunk))
        return items


def _hard_wrapped(doc: Document) -> bool:
    """Whether a content range of ``doc`` is hard-wrapped text (parsed range by range)."""
    return any(is_hard_wrapped(doc.text[a:b]) for a, b in doc.content_ranges())
