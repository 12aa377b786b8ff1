"""Score the entities layer on annotated news in the ``docs.jsonl`` format of realnews.

One JSON object a line: ``id``, ``text``, ``spans`` [{``start``, ``end``, ``label``, …}]
with character offsets into ``text`` (end exclusive); toponym spans may carry ``lat`` and
``lon``, NER spans a ``coarse`` label (PER ORG LOC MISC). ``spinscope entities eval`` is
the command; :func:`score_places` and :func:`score_ner` are the scorers.

Scoring rules (the same for every set, written down so that numbers can be compared):

Places
    A predicted mention is an entity of label PLACE. It *detects* a gold toponym when
    their character ranges overlap; each gold and each predicted span is matched at most
    once (longest overlap first). Precision = matched predictions / predictions, recall =
    matched gold / gold. Nationality words ("American", "Palestinians") are annotated as
    toponyms in LGL but are not places in spinscope's data model (they are NORP entities
    with a ``country``): gold spans whose text is a demonym (:data:`DEMONYM_WORDS`,
    decided from the gold text alone, never from the prediction) are left out of the
    gold set, and their number is reported. Distance: for each matched pair where the
    gold has coordinates, the great-circle distance from the predicted ``lat``/``lon``;
    a matched place without coordinates counts as beyond every threshold. The share
    within 161 km (100 miles, the usual geoparsing accuracy radius) and the median error
    are over those pairs.
NER
    Gold type = ``coarse`` (or ``label``); predicted PERSON -> PER, ORG -> ORG, PLACE ->
    LOC, NORP and EVENT -> MISC (CoNLL-2003 conventions). A prediction is correct when it
    overlaps an unmatched gold span of the same type (one-to-one); places nested in an
    organisation's name are left out (CoNLL has flat entities only). Per-type and overall
    (PER, ORG, LOC) precision, recall and F1.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinscope.errors import InputError
from spinscope.eval.docs_jsonl import haversine_km, iter_docs, resolve
from spinscope.geo.gazetteer import DEMONYM_WORDS

__all__ = ["GoldDoc", "haversine_km", "predict", "read_docs", "score_ner", "score_places"]


@dataclass
class GoldDoc:
    """One annotated document: its id, text and gold spans (dicts as in the file)."""

    id: str
    text: str
    spans: list[dict[str, Any]] = field(default_factory=list)


def read_docs(path: Path, part: str = "all") -> list[GoldDoc]:
    """The documents of a ``docs.jsonl`` file (or of a folder holding one).

    ``part`` picks a fixed half for tune/check work: ``a`` = lines 1, 3, 5 …, ``b`` =
    lines 2, 4, 6 … (counting non-empty lines), ``all`` = every line. Raises
    :class:`InputError` naming the file and line for anything malformed
    (:mod:`spinscope.eval.docs_jsonl` checks the lines).
    """
    if part not in ("all", "a", "b"):
        raise InputError(str(path), f"unknown part {part!r}; use all, a or b")
    docs = [
        GoldDoc(str(item.get("id", n)), item["text"], item["spans"])
        for k, (n, item) in enumerate(iter_docs(path))
        if part == "all" or k % 2 == (0 if part == "a" else 1)
    ]
    if not docs:
        raise InputError(str(resolve(path)), "no documents in the file")
    return docs


def predict(docs: list[GoldDoc], batch_size: int = 8) -> Iterator[tuple[GoldDoc, list[Any]]]:
    """Each document with the entity spans the entities analyzer finds in its text."""
    from spinscope.analyzers.entities import EntitiesAnalyzer
    from spinscope.document import Document

    analyzer = EntitiesAnalyzer()
    for i in range(0, len(docs), batch_size):
        batch = docs[i : i + batch_size]
        sdocs = [Document(id=d.id, source=d.id, text=d.text) for d in batch]
        for sdoc in sdocs:
            sdoc.start_layer("boilerplate")  # whole text is content
        analyzer.pipe(sdocs, batch_size)
        for gold, sdoc in zip(batch, sdocs, strict=True):
            yield gold, sdoc.layer("entities")


def _match(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one overlap matching (longest overlap first): (gold index, pred index) pairs."""
    pairs = []
    for gi, (gs, ge) in enumerate(gold):
        for pi, (ps, pe) in enumerate(pred):
            overlap = min(ge, pe) - max(gs, ps)
            if overlap > 0:
                pairs.append((-overlap, gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def _prf(hits_p: int, n_pred: int, hits_g: int, n_gold: int) -> dict[str, float]:
    p = hits_p / n_pred if n_pred else 0.0
    r = hits_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def score_places(
    predicted: Iterator[tuple[GoldDoc, list[Any]]], errors: int = 0, km: float = 161.0
) -> dict[str, Any]:
    """Detection P/R/F1 and geocoding accuracy of PLACE entities (see the module doc).

    ``errors``: how many worst mistakes (misses, false places, far geocodes) to list.
    """
    n_gold = n_pred = hits = demonyms = 0
    dists: list[float] = []
    examples: dict[str, list[dict[str, Any]]] = {"missed": [], "false": [], "far": []}
    for gold, spans in predicted:
        text = gold.text
        gspans = []
        for g in gold.spans:
            if text[g["start"] : g["end"]].lower().strip() in DEMONYM_WORDS:
                demonyms += 1
            else:
                gspans.append(g)
        preds = [s for s in spans if s.label == "PLACE"]
        pairs = _match([(g["start"], g["end"]) for g in gspans], [(p.start, p.end) for p in preds])
        n_gold += len(gspans)
        n_pred += len(preds)
        hits += len(pairs)
        for gi, pi in pairs:
            g, p = gspans[gi], preds[pi]
            if g.get("lat") is None or g.get("lon") is None:
                continue
            lat, lon = p.attrs.get("lat"), p.attrs.get("lon")
            d = (
                math.inf
                if lat is None or lon is None
                else haversine_km(g["lat"], g["lon"], lat, lon)
            )
            dists.append(d)
            if d > km:
                examples["far"].append({
                    "id": gold.id, "text": text[p.start : p.end],
                    "canonical": p.attrs.get("canonical"),
                    "country": p.attrs.get("country"), "km": None if d == math.inf else round(d),
                    "gold": [g["lat"], g["lon"], g.get("name") or g.get("wikipedia")],
                })  # fmt: skip
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        examples["missed"] += [
            {"id": gold.id, "text": text[g["start"] : g["end"]]}
            for i, g in enumerate(gspans) if i not in matched_g
        ]  # fmt: skip
        examples["false"] += [
            {"id": gold.id, "text": text[p.start : p.end], "canonical": p.attrs.get("canonical")}
            for i, p in enumerate(preds) if i not in matched_p
        ]  # fmt: skip
    within = sum(d <= km for d in dists)
    finite = [d for d in dists if d != math.inf]
    report: dict[str, Any] = {
        "gold_places": n_gold,
        "predicted_places": n_pred,
        "matched": hits,
        "demonyms_left_out": demonyms,
        **_prf(hits, n_pred, hits, n_gold),
        "geocoded_pairs": len(dists),
        f"within_{km:g}km": round(within / len(dists), 3) if dists else 0.0,
        "median_error_km": round(statistics.median(dists), 1)
        if dists and len(finite) * 2 > len(dists)
        else None,
        "no_coordinates": len(dists) - len(finite),
    }
    if errors:
        report["errors"] = {k: v[:errors] for k, v in examples.items()}
    return report


#: spinscope entity label -> CoNLL-2003 coarse type.
CONLL = {"PERSON": "PER", "ORG": "ORG", "PLACE": "LOC", "NORP": "MISC", "EVENT": "MISC"}
#: The types that the overall NER score averages over (micro).
NER_TYPES = ("PER", "ORG", "LOC")


def score_ner(predicted: Iterator[tuple[GoldDoc, list[Any]]], errors: int = 0) -> dict[str, Any]:
    """Overlap precision / recall / F1 per type and over PER, ORG, LOC (module doc)."""
    counts: dict[str, list[int]] = {}  # type -> [pred, gold, hits]
    examples: list[dict[str, Any]] = []
    for gold, spans in predicted:
        text = gold.text
        for typ in ("PER", "ORG", "LOC", "MISC"):
            g = [s for s in gold.spans if (s.get("coarse") or s.get("label")) == typ]
            p = [s for s in spans if CONLL.get(s.label) == typ and not s.attrs.get("nested")]
            pairs = _match([(s["start"], s["end"]) for s in g], [(s.start, s.end) for s in p])
            c = counts.setdefault(typ, [0, 0, 0])
            c[0] += len(p)
            c[1] += len(g)
            c[2] += len(pairs)
            mg = {gi for gi, _ in pairs}
            mp = {pi for _, pi in pairs}
            if errors:
                examples += [{"id": gold.id, "missed": typ, "text": text[s["start"]:s["end"]]}
                             for i, s in enumerate(g) if i not in mg]  # fmt: skip
                examples += [{"id": gold.id, "false": typ, "text": text[s.start:s.end]}
                             for i, s in enumerate(p) if i not in mp]  # fmt: skip
    per_type = {
        t: {"gold": c[1], "predicted": c[0], **_prf(c[2], c[0], c[2], c[1])}
        for t, c in counts.items()
    }
    tot = [sum(counts.get(t, [0, 0, 0])[k] for t in NER_TYPES) for k in range(3)]
    report: dict[str, Any] = {
        "overall_PER_ORG_LOC": {
            "gold": tot[1],
            "predicted": tot[0],
            **_prf(tot[2], tot[0], tot[2], tot[1]),
        },
        "per_type": per_type,
    }
    if errors:
        report["errors"] = examples[: errors * 4]
    return report
