"""Score the Russian/Ukrainian entities pass on annotated news in the ``docs.jsonl`` format.

``docs.jsonl``: one JSON object a line, ``{"id", "text", "spans": [{"start", "end",
"label", "coarse"?, "lat"?, "lon"?}]}`` (as in ``../shared/data/realnews``). Scores:

* entities: PER/ORG/LOC overlap precision, recall and F1. A predicted mention is right when
  it shares a character with a gold mention of the same type (PERSON=PER, ORG=ORG,
  PLACE=LOC; the gold type is ``coarse`` when given, else ``label``); a gold mention is
  found when a predicted one of its type overlaps it. Gold spans of other types are ignored.
* places: on gold spans carrying ``lat``/``lon`` only (sets annotated with coordinates).
  Precision: share of predicted PLACE mentions that overlap a gold place *and* lie within
  50 km of it; recall: share of gold places overlapped by a prediction within 50 km; also
  the within-50-km share of the overlapping pairs and the median error.
* throughput: characters of text per second of the entities pass (model loading excluded).

Halves: ``half="a"`` or ``"b"`` keeps the documents whose id's CRC-32 is even or odd, a
fixed split to tune on one half and report the other.
"""

from __future__ import annotations

import statistics
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinscope.errors import ConfigError, InputError
from spinscope.eval.docs_jsonl import DocsLineError, haversine_km, iter_docs, resolve

_TYPES = {"PERSON": "PER", "ORG": "ORG", "PLACE": "LOC"}
WITHIN_KM = 50.0


def read_docs(path: Path) -> list[dict[str, Any]]:
    """The documents of ``path`` (a docs.jsonl file or a folder holding one)."""
    docs = []
    try:
        for n, doc in iter_docs(path):
            doc.setdefault("id", f"line-{n}")
            docs.append(doc)
    except DocsLineError as err:
        problem = f"line {err.line}: not a document ({err.problem})"
        raise InputError(str(resolve(path)), problem) from None
    return docs


km = haversine_km


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> dict[str, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "predicted": n_p, "gold": n_g}  # fmt: skip


@dataclass
class Scores:
    """Running counts over documents."""

    ner: dict[str, list[int]] = field(default_factory=dict)  # type -> [tp_p, n_p, tp_g, n_g]
    place: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    errors_km: list[float] = field(default_factory=list)
    pairs: int = 0
    chars: int = 0
    seconds: float = 0.0
    docs: int = 0

    def add(self, gold: list[dict[str, Any]], pred: list[tuple[int, int, str, Any]]) -> None:
        for kind in ("PER", "ORG", "LOC"):
            g = [s for s in gold if (s.get("coarse") or s["label"]) == kind]
            p = [x for x in pred if _TYPES.get(x[2]) == kind]
            c = self.ner.setdefault(kind, [0, 0, 0, 0])
            c[0] += sum(any(a < s["end"] and s["start"] < b for s in g) for a, b, _, _ in p)
            c[1] += len(p)
            c[2] += sum(any(a < s["end"] and s["start"] < b for a, b, _, _ in p) for s in g)
            c[3] += len(g)
        geo = [s for s in gold if s.get("lat") is not None and s.get("lon") is not None]
        if not geo:
            return
        places = [x for x in pred if x[2] == "PLACE"]
        good_g: set[int] = set()
        for a, b, _, attrs in places:
            ok = False
            for k, s in enumerate(geo):
                if a < s["end"] and s["start"] < b:
                    self.pairs += 1
                    if attrs.get("lat") is None:
                        continue
                    err = km(attrs["lat"], attrs["lon"], s["lat"], s["lon"])
                    self.errors_km.append(err)
                    if err <= WITHIN_KM:
                        ok = True
                        good_g.add(k)
            self.place[0] += ok
        self.place[1] += len(places)
        self.place[2] += len(good_g)
        self.place[3] += len(geo)

    def report(self) -> dict[str, Any]:
        tot = [sum(c[i] for c in self.ner.values()) for i in range(4)]
        out: dict[str, Any] = {
            "documents": self.docs,
            "entities": {"all": _prf(*tot), **{k: _prf(*c) for k, c in self.ner.items()}},
            "chars_per_second": round(self.chars / self.seconds) if self.seconds else None,
        }
        if self.place[3]:
            within = sum(e <= WITHIN_KM for e in self.errors_km)
            out["places"] = {
                **_prf(*self.place),
                "within_50km_of_overlapping": round(within / self.pairs, 3) if self.pairs else None,
                "median_error_km": round(statistics.median(self.errors_km), 1)
                if self.errors_km else None,
            }  # fmt: skip
        return out


def evaluate(
    path: Path, lang: str | None = None, half: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Scores of :func:`spinscope.slavic.entities.annotate_slavic` on ``path``.

    ``lang``: "ru" or "uk" for every document; None: each document's ``lang`` field, else
    the language identifier's guess.
    """
    from spinscope.document import Document
    from spinscope.language.identify import identify
    from spinscope.slavic.entities import annotate_slavic
    from spinscope.slavic.ner import tagger

    if half not in (None, "a", "b"):
        raise ConfigError(f"--half must be 'a' or 'b', not {half!r}")
    if lang not in (None, "ru", "uk"):
        raise ConfigError(f"--lang must be 'ru' or 'uk', not {lang!r}")
    docs = read_docs(path)
    if half:
        docs = [d for d in docs if zlib.crc32(str(d["id"]).encode()) % 2 == (half == "b")]
    docs = docs[:limit] if limit else docs
    tagger()  # load the model before timing
    scores = Scores()
    for d in docs:
        code = lang or d.get("lang") or identify(d["text"]).code
        if code not in ("ru", "uk"):
            raise InputError(
                str(path),
                f"document {d['id']}: language {code!r} is not ru or uk (give --lang to override)",
            )
        doc = Document(id=str(d["id"]), source=str(path), text=d["text"])
        t = time.perf_counter()
        annotate_slavic(doc, code)
        scores.seconds += time.perf_counter() - t
        scores.chars += len(d["text"])
        scores.docs += 1
        pred = [(s.start, s.end, s.label, s.attrs) for s in doc.layer("entities")]
        scores.add(d.get("spans", []), pred)
    return scores.report()


def table(report: dict[str, Any]) -> str:
    """A readable table of :func:`evaluate`'s report."""
    lines = [f"{report['documents']} documents, {report['chars_per_second']} chars/s",
             f"{'':10}{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}{'gold':>7}"]  # fmt: skip
    rows = [(f"ent {k}", v) for k, v in report["entities"].items()]
    if "places" in report:
        rows.append(("places", report["places"]))
    for name, r in rows:
        lines.append(f"{name:10}{r['precision']:7.3f}{r['recall']:7.3f}{r['f1']:7.3f}"
                     f"{r['predicted']:7d}{r['gold']:7d}")  # fmt: skip
    if "places" in report:
        p = report["places"]
        lines.append(f"places overlapping gold within 50 km: {p['within_50km_of_overlapping']}, "
                     f"median error {p['median_error_km']} km")  # fmt: skip
    return "\n".join(lines)
