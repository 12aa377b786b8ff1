"""Evaluate the events layer on annotated sentences (``tests/data/events/sentences.jsonl``).

``python -m spinscope.eval.events [SENTENCES.jsonl]`` prints a JSON report:

* ``detection``: precision / recall / F1 of events, an event counting as found when a
  predicted event of the same sentence has the gold type;
* ``type_accuracy``: share of gold events for which an event of the right type is found;
* ``arguments``: for events found with the right type, the share of slots (actor, target,
  place, date, killed, injured) that agree with the gold annotation, per slot and overall.
  Actor/target agree when one text contains the other (case-insensitive); place by
  canonical name; date by ISO string; casualties exactly (ints or bound dicts).

Those sentences were written by the developer of the rules, while writing them: they are a
development set, not a held-out test, and the scores are optimistic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from spinscope.document import Document, DocumentMeta

SLOTS = ("actor", "target", "place", "date", "killed", "injured")
DEFAULT = Path(__file__).resolve().parents[2] / "tests" / "data" / "events" / "sentences.jsonl"


def predict(text: str, published: str | None = None, doc_id: str = "s") -> list[dict[str, Any]]:
    """Events of one text as ``to_dict()`` items (entities and events analyzers only)."""
    from spinscope.analyzers.entities import EntitiesAnalyzer
    from spinscope.analyzers.events import EventsAnalyzer

    doc = Document(id=doc_id, source=doc_id, text=text, meta=DocumentMeta(published=published))
    doc.start_layer("boilerplate")
    EntitiesAnalyzer()(doc)
    EventsAnalyzer()(doc)
    return doc.to_dict()["events"]


def _text_agrees(gold: str | None, pred: str | None) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    g, p = gold.lower(), pred.lower()
    return g in p or p in g


def slot_agrees(slot: str, gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """Does the predicted event fill ``slot`` as the gold annotation does?"""
    if slot in ("actor", "target"):
        return _text_agrees(gold.get(slot), pred.get(slot))
    if slot == "place":
        return gold.get("place") == ((pred.get("place") or {}).get("name"))
    if slot == "date":
        return gold.get("date_iso") == ((pred.get("date") or {}).get("iso"))
    return gold.get(slot) == pred.get(slot)


def evaluate(path: Path = DEFAULT) -> dict[str, Any]:
    """Scores of the events layer on the annotated sentences at ``path``."""
    gold_n = pred_n = found = 0
    slot_hits = dict.fromkeys(SLOTS, 0)
    matched = 0
    errors: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        preds = predict(item["text"], item.get("published"), item["id"])
        gold_n += len(item["events"])
        pred_n += len(preds)
        free = list(preds)
        for gold in item["events"]:
            same = [p for p in free if p["type"] == gold["type"]]
            if not same:
                errors.append({"id": item["id"], "missing": gold["type"],
                               "got": [p["type"] for p in preds]})  # fmt: skip
                continue
            best = max(same, key=lambda p: sum(slot_agrees(s, gold, p) for s in SLOTS))
            free.remove(best)
            found += 1
            matched += 1
            for s in SLOTS:
                ok = slot_agrees(s, gold, best)
                slot_hits[s] += ok
                if not ok:
                    errors.append({"id": item["id"], "slot": s, "gold": gold.get(
                        "date_iso" if s == "date" else s), "got": best.get(s)})  # fmt: skip
        for p in free:
            errors.append({"id": item["id"], "spurious": p["type"], "text": p["text"]})
    precision = found / pred_n if pred_n else 0.0
    recall = found / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_slot = {s: round(slot_hits[s] / matched, 3) if matched else 0.0 for s in SLOTS}
    overall = round(sum(slot_hits.values()) / (matched * len(SLOTS)), 3) if matched else 0.0
    detection = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}
    return {
        "sentences_file": str(path),
        "gold_events": gold_n,
        "predicted_events": pred_n,
        "detection": detection,
        "type_accuracy": round(found / gold_n, 3) if gold_n else 0.0,
        "arguments": {"per_slot": per_slot, "overall": overall},
        "errors": errors,
        "note": "development set written alongside the rules; scores are optimistic",
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    report = evaluate(Path(args[0]) if args else DEFAULT)
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
