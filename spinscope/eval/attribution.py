"""Score attribution predictions against PolNeAR (or any brat folder in its conventions).

Metrics, micro-averaged over the split:

* cue precision / recall: a predicted cue matches a gold cue when their characters overlap;
* source token F1 (the issue's bar): over gold attributions whose cue was found, the word
  tokens of the predicted source against those of the gold source (a gold attribution
  without a source counts every predicted source token as a false positive);
* content token F1, likewise;
* bare cue sources: predicted sources made only of cue words ("saying", "was reported"),
  out of all predicted sources (the issue's bar: none).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spinscope.eval.brat import BratAttribution, Fragments

_WORD = re.compile(r"\w+", re.UNICODE)


def _tokens(text: str, frags: Fragments) -> set[int]:
    """Start offsets of the word tokens inside ``frags``."""
    out: set[int] = set()
    for a, b in frags:
        out.update(a + m.start() for m in _WORD.finditer(text[a:b]))
    return out


def _overlap(x: Fragments, y: Fragments) -> int:
    return sum(max(0, min(b, d) - max(a, c)) for a, b in x for c, d in y)


class Scores:
    """Running counts for cue detection and source/content token overlap."""

    def __init__(self) -> None:
        self.c = dict.fromkeys(
            ("cue_tp", "cue_pred", "cue_gold", "src_tp", "src_pred", "src_gold",
             "cnt_tp", "cnt_pred", "cnt_gold", "sources", "bare"), 0
        )
        #: The bare cue sources found, as text (for the report).
        self.bare: list[str] = []

    def add(self, text: str, gold: list[BratAttribution], pred: list[BratAttribution]) -> None:
        c = self.c
        c["cue_gold"] += len(gold)
        c["cue_pred"] += len(pred)
        for p in pred:
            if p.source:
                c["sources"] += 1
                if is_bare_source(text, p):
                    c["bare"] += 1
                    self.bare.append(" ".join(text[a:b] for a, b in p.source))
        used: set[int] = set()
        for g in gold:
            best, best_j = 0, -1
            for j, p in enumerate(pred):
                ov = _overlap(g.cue, p.cue)
                if ov > best and j not in used:
                    best, best_j = ov, j
            if best_j < 0:
                continue
            used.add(best_j)
            c["cue_tp"] += 1
            p = pred[best_j]
            for part, key in (("source", "src"), ("content", "cnt")):
                gt, pt = _tokens(text, getattr(g, part)), _tokens(text, getattr(p, part))
                c[f"{key}_tp"] += len(gt & pt)
                c[f"{key}_pred"] += len(pt)
                c[f"{key}_gold"] += len(gt)

    def report(self) -> dict[str, Any]:
        c = self.c

        def prf(tp: int, pred: int, gold: int) -> dict[str, float]:
            p = tp / pred if pred else 0.0
            r = tp / gold if gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}

        return {
            "cue": prf(c["cue_tp"], c["cue_pred"], c["cue_gold"]),
            "source_tokens_found_cues": prf(c["src_tp"], c["src_pred"], c["src_gold"]),
            "content_tokens_found_cues": prf(c["cnt_tp"], c["cnt_pred"], c["cnt_gold"]),
            "gold_attributions": c["cue_gold"],
            "found": c["cue_tp"],
            "predicted_sources": c["sources"],
            "bare_cue_sources": c["bare"],
            "bare_cue_examples": sorted(set(self.bare))[:20],
        }


def is_bare_source(text: str, attr: BratAttribution) -> bool:
    """A predicted source made only of cue words names no one ("saying", "was reported")."""
    from spinscope.analyzers.attribution import is_bare_cue

    return is_bare_cue(" ".join(text[a:b] for a, b in attr.source))


def predict_text(texts: Iterable[str]) -> Iterable[list[BratAttribution]]:
    """Brat attributions for each text (spaCy parse + rules), lazily, in order."""
    from spinscope.analyzers.attribution import doc_attributions
    from spinscope.models import spacy_nlp

    nlp = spacy_nlp()
    for doc in nlp.pipe(texts, batch_size=8):
        yield [
            BratAttribution(
                cue=(a.cue,),
                source=(a.source,) if a.source else (),
                content=(a.content,) if a.content else (),
                kind=a.kind,
            )
            for a in doc_attributions(doc)
        ]


def evaluate(split_dir: Path, limit: int | None = None, log: Any = print) -> dict[str, Any]:
    """Predict on every article of a PolNeAR split folder and score against its .ann files."""
    from spinscope.eval.brat import read_ann
    from spinscope.train.attribution import polnear_pairs

    pairs = polnear_pairs(split_dir)[:limit]
    texts = [p.read_text(encoding="utf-8") for p, _ in pairs]
    scores = Scores()
    t0 = time.time()
    for (_, ann), text, pred in zip(pairs, texts, predict_text(texts), strict=True):
        scores.add(text, read_ann(ann), pred)
    out = scores.report()
    out["articles"] = len(pairs)
    out["seconds"] = round(time.time() - t0, 1)
    return out


#: Labels of attribution parts in a ``docs.jsonl`` file (case ignored).
_PARTS = {"source": "source", "cue": "cue", "content": "content"}


def read_docs_jsonl(path: Path) -> list[tuple[str, list[BratAttribution]]]:
    """(text, gold attributions) per line of a ``docs.jsonl`` file in the format of
    ``../shared/data/realnews``: ``{"id", "text", "spans": [{"start", "end", "label",
    "attribution"}]}`` where ``label`` is Source, Cue or Content and spans with the same
    ``attribution`` value form one attribution (each needs a Cue). Other labels are skipped.
    Raises InputError naming the line of a malformed one."""
    from spinscope.errors import InputError
    from spinscope.eval.docs_jsonl import iter_docs, resolve

    out = []
    for n, row in iter_docs(path):
        where = f"{resolve(path)}:{n}"
        text = row["text"]
        groups: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for span in row["spans"]:
            part = _PARTS.get(str(span.get("label")).lower())
            if part is None:
                continue
            start, end = span["start"], span["end"]
            if "attribution" not in span:
                problem = f'{span["label"]} span {start}:{end} has no "attribution" value'
                raise InputError(where, problem)
            group = groups.setdefault(str(span["attribution"]), {})
            group.setdefault(part, []).append((start, end))
        gold = []
        for name, parts in groups.items():
            if "cue" not in parts:
                raise InputError(where, f"attribution {name!r} has no Cue span")
            gold.append(BratAttribution(
                cue=tuple(sorted(parts["cue"])),
                source=tuple(sorted(parts.get("source", []))),
                content=tuple(sorted(parts.get("content", []))),
            ))  # fmt: skip
        out.append((text, gold))
    return out


def evaluate_docs(path: Path, limit: int | None = None) -> dict[str, Any]:
    """Predict on every text of a ``docs.jsonl`` file and score against its spans."""
    rows = read_docs_jsonl(path)[:limit]
    scores = Scores()
    t0 = time.time()
    texts = [text for text, _ in rows]
    for (text, gold), pred in zip(rows, predict_text(texts), strict=True):
        scores.add(text, gold, pred)
    out = scores.report()
    out["articles"] = len(rows)
    out["seconds"] = round(time.time() - t0, 1)
    return out


def format_report(report: dict[str, Any]) -> str:
    """The scores as a readable table."""
    lines = [f"{'':36s}{'precision':>10s}{'recall':>8s}{'F1':>8s}"]
    for key, name in (("cue", "cue (overlap)"),
                      ("source_tokens_found_cues", "source tokens (found cues)"),
                      ("content_tokens_found_cues", "content tokens (found cues)")):  # fmt: skip
        r = report[key]
        lines.append(f"{name:36s}{r['precision']:10.3f}{r['recall']:8.3f}{r['f1']:8.3f}")
    lines.append(
        f"\n{report['articles']} articles, {report['gold_attributions']} gold attributions, "
        f"{report['found']} cues found; {report['bare_cue_sources']} of "
        f"{report['predicted_sources']} predicted sources are bare cue words"
        + (f" ({', '.join(report['bare_cue_examples'])})" if report["bare_cue_sources"] else "")
    )
    return "\n".join(lines)


def kind_accuracy(path: Path) -> dict[str, Any]:
    """Kind accuracy (and kind + exact source text accuracy) on a JSONL file of
    ``{"text", "kind", "source"}`` sentences, with the sentences that were missed."""
    import json

    from spinscope.analyzers.attribution import attribute
    from spinscope.errors import InputError

    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rows.append((row["text"], row["kind"], row.get("source")))
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f"{path}:{n}", 'expected {"text", "kind", "source"}') from None
    kind_ok = both_ok = 0
    missed = []
    for text, kind, source in rows:
        found = attribute(text)
        kind_ok += found["kind"] == kind
        both_ok += found["kind"] == kind and found["source"] == source
        if found["kind"] != kind or found["source"] != source:
            missed.append(
                {
                    "text": text,
                    "expected": [kind, source],
                    "found": [found["kind"], found["source"]],
                }
            )
    total = max(len(rows), 1)
    return {
        "sentences": len(rows),
        "kind_accuracy": round(kind_ok / total, 4),
        "kind_and_source_accuracy": round(both_ok / total, 4),
        "missed": missed,
    }


def survey_sources(folder: Path, top: int = 20, log: Any = print) -> dict[str, Any]:
    """Run the claims layer over every ``*.txt`` article in ``folder`` (no gold needed) and
    report the most cited sources as the dashboard counts them, the kinds, and every source
    that is a bare cue word (the issue's bar: none)."""
    import tempfile
    from collections import Counter

    from spinscope.analyzers.attribution import is_bare_cue
    from spinscope.document import Document
    from spinscope.errors import InputError
    from spinscope.pipeline import load_pipeline
    from spinscope.store import Store
    from spinscope.store import stats as S

    paths = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not paths:
        raise InputError(str(folder), "expected a folder of .txt articles")
    pipeline = load_pipeline(layers=["claims"])
    kinds: Counter[str] = Counter()
    bare: Counter[str] = Counter()
    with_source = 0
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "survey.duckdb") as store:
        for i in range(0, len(paths), 8):
            batch = []
            for path in paths[i : i + 8]:
                try:
                    text = path.read_text(encoding="utf-8")
                except (UnicodeDecodeError, OSError) as err:
                    raise InputError(str(path), f"cannot read as UTF-8 text ({err})") from None
                batch.append(Document(id=path.stem, source=str(path), text=text))
            for doc in pipeline.run_many(batch):
                for span in doc.spans.get("claims", []):
                    attribution = span.attrs.get("attribution") or {}
                    kinds[attribution.get("kind") or "none"] += 1
                    with_source += bool(attribution.get("source"))
                    if is_bare_cue(attribution.get("source")):
                        bare[attribution["source"]] += 1
                store.save_many(batch)
            log(f"{min(i + 8, len(paths))}/{len(paths)} articles")
        columns, rows = S.top_sources(store, top)
    return {
        "articles": len(paths),
        "claims": sum(kinds.values()),
        "kinds": dict(kinds.most_common()),
        "claim_sources": with_source,
        "bare_cue_sources": sum(bare.values()),
        "bare_cue_examples": dict(bare.most_common(20)),
        "top_sources": [dict(zip(columns, row, strict=True)) for row in rows],
        "seconds": round(time.time() - t0, 1),
    }
