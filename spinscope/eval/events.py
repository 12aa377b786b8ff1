"""Evaluate the events layer: on news in the realnews ``docs.jsonl`` format (:func:`evaluate_docs`,
``spinscope events eval``), and on annotated sentences (:func:`evaluate`, a regression gate).

**Document-level rates** (:func:`evaluate_docs`), each document put in one group by its
``kind`` field when present, else by its spans:

* ``conflict``: spans labelled with an event type (ours or ACLED's sub-event type, e.g.
  "Peaceful protest"): *found* when the layer fires; *type accuracy* among those found when
  one predicted event has a type compatible with a gold span's label;
* ``metaphor``: only spans labelled ``metaphor`` (conflict words used figuratively, the
  realnews ``vua-conflict-train`` layout): a *false alarm* when the layer fires;
* ``literal``: only spans labelled ``literal`` (conflict words in their literal sense, not
  necessarily a reported event): the firing rate is shown for information;
* ``nonconflict``: no spans: a *false alarm* when the layer fires.

"Fires" means any event in the layer, whatever its ``status`` (hypothetical and negated
events count against the layer); the rate over asserted events only is shown beside it.

**Sentence set** (:func:`evaluate`):

``python -m spinscope.eval.events [SENTENCES.jsonl]`` prints a JSON report:

* ``detection``: precision / recall / F1 of events, an event counting as found when a
  predicted event of the same sentence has the gold type;
* ``type_accuracy``: share of gold events for which an event of the right type is found;
* ``arguments``: for events found with the right type, the share of slots (actor, target,
  place, date, killed, injured) that agree with the gold annotation, per slot and overall.
  Actor/target agree when one text contains the other (case-insensitive); place by
  canonical name; date by ISO string; casualties exactly (ints or bound dicts).

Those sentences were written by the developer of the rules, while writing them: they are a
regression gate, not a measure of accuracy.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from spinscope.analyzers.events import EVENT_TYPES
from spinscope.document import Document, DocumentMeta
from spinscope.errors import InputError

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


# ACLED sub-event types (and a few coarse names) -> the event types of this layer that
# count as right for them. Keys are lower-case with non-letters collapsed to "_".
ACLED_TYPES: dict[str, set[str]] = {
    "armed_clash": {"armed_clash"},
    "battles": {"armed_clash", "ground_assault"},
    "government_regains_territory": {"ground_assault", "armed_clash"},
    "non_state_actor_overtakes_territory": {"ground_assault", "armed_clash"},
    "air_drone_strike": {"air_drone_strike"},
    "shelling_artillery_missile_attack": {"shelling_artillery_missile_attack"},
    "remote_explosive_landmine_ied": {"explosion"},
    "suicide_bomb": {"explosion"},
    "grenade": {"explosion"},
    "chemical_weapon": {"attack", "shelling_artillery_missile_attack", "air_drone_strike"},
    "explosions_remote_violence": {"air_drone_strike", "shelling_artillery_missile_attack",
                                   "explosion", "shoot_down"},
    "attack": {"attack", "attack_on_civilians"},
    "sexual_violence": {"attack_on_civilians", "attack"},
    "abduction_forced_disappearance": {"abduction"},
    "violence_against_civilians": {"attack", "attack_on_civilians", "abduction"},
    "peaceful_protest": {"protest"},
    "protest_with_intervention": {"protest", "riot", "arrest"},
    "excessive_force_against_protesters": {"protest", "riot", "attack_on_civilians"},
    "protests": {"protest"},
    "violent_demonstration": {"riot", "protest"},
    "mob_violence": {"riot", "attack_on_civilians", "attack"},
    "riots": {"riot"},
    "arrests": {"arrest"},
    "looting_property_destruction": {"destruction"},
    "disrupted_weapons_use": {"shoot_down", "explosion"},
}  # fmt: skip
GROUPS = ("conflict", "metaphor", "literal", "nonconflict")


def accepted_types(label: str) -> set[str]:
    """Event types of this layer that count as right for a gold ``label``."""
    key = re.sub(r"[^a-z]+", "_", label.lower()).strip("_")
    if key in EVENT_TYPES:
        return {key} | ({"attack_on_civilians"} if key == "attack" else set())
    return ACLED_TYPES.get(key, set())


def group_of(item: dict[str, Any]) -> str:
    """The group a realnews document belongs to (see the module docstring)."""
    kind = item.get("kind")
    if kind in GROUPS:
        return kind
    labels = {s.get("label") for s in item.get("spans") or []}
    if not labels:
        return "nonconflict"
    if labels == {"metaphor"}:
        return "metaphor"
    if labels <= {"literal", "metaphor"}:
        return "literal"
    return "conflict"


def read_docs(path: Path) -> list[dict[str, Any]]:
    """Documents of a realnews ``docs.jsonl`` file (or a folder holding one), each span with
    a ``label`` (an event type, ``metaphor`` …). Raises :class:`InputError` naming the file
    (and line) for a missing file or a bad line."""
    from spinscope.eval.docs_jsonl import iter_docs, resolve

    docs = []
    for n, item in iter_docs(path):
        if not all(isinstance(s.get("label"), str) for s in item["spans"]):
            problem = '"spans" must be a list of objects with a "label"'
            raise InputError(f"{resolve(path)}:{n}", problem)
        item.setdefault("id", f"line-{n}")
        docs.append(item)
    return docs


def run_layer(texts: list[str], batch_size: int = 16,
              gated: bool = True) -> list[list[dict[str, Any]]]:  # fmt: skip
    """The events (``to_dict()`` items) of each text, with the entities layer they need."""
    from spinscope.analyzers.entities import EntitiesAnalyzer
    from spinscope.analyzers.events import EventsAnalyzer

    ents, events = EntitiesAnalyzer(), EventsAnalyzer(gated=gated)
    out: list[list[dict[str, Any]]] = []
    for i in range(0, len(texts), batch_size):
        docs = [Document(id=f"d{i + k}", source=f"d{i + k}", text=t)
                for k, t in enumerate(texts[i : i + batch_size])]  # fmt: skip
        for doc in docs:
            doc.start_layer("boilerplate")
        ents.pipe(docs)
        events.pipe(docs)
        out.extend(d.to_dict()["events"] for d in docs)
    return out


def evaluate_docs(paths: list[Path], gated: bool = True) -> dict[str, Any]:
    """Document-level firing rates and type accuracy of the events layer on ``paths``
    (``gated=False``: the rules without the literal-event gate)."""
    items = [(p, d) for p in paths for d in read_docs(p)]
    preds = run_layer([d["text"] for _, d in items], gated=gated)
    stats = {g: {"docs": 0, "fired": 0, "fired_asserted": 0} for g in GROUPS}
    typed = right = 0
    misses: list[dict[str, Any]] = []
    for (_path, item), events in zip(items, preds, strict=True):
        group = group_of(item)
        st = stats[group]
        st["docs"] += 1
        fired = bool(events)
        st["fired"] += fired
        st["fired_asserted"] += any(e.get("status") == "asserted" for e in events)
        got = sorted({e["type"] for e in events})
        if group == "conflict":
            accept = set().union(*(accepted_types(s["label"]) for s in item["spans"]))
            if fired and accept:
                typed += 1
                right += bool(accept & set(got))
            if not fired or (accept and not accept & set(got)):
                want = sorted(accept) or [s["label"] for s in item["spans"]]
                misses.append({"id": item["id"], "group": group, "want": want, "got": got,
                               "text": item["text"][:160]})  # fmt: skip
        elif fired:
            misses.append({"id": item["id"], "group": group, "got": got,
                           "events": [e["text"] for e in events],
                           "text": item["text"][:160]})  # fmt: skip
    rates: dict[str, Any] = {}
    for g, st in stats.items():
        if st["docs"]:
            rates[g] = {**st, "rate": round(st["fired"] / st["docs"], 3),
                        "rate_asserted": round(st["fired_asserted"] / st["docs"], 3)}  # fmt: skip
    return {
        "files": [str(p) for p in paths],
        "gated": gated,
        "groups": rates,
        "conflict_found": rates.get("conflict", {}).get("rate"),
        "metaphor_false_alarms": rates.get("metaphor", {}).get("rate"),
        "nonconflict_false_alarms": rates.get("nonconflict", {}).get("rate"),
        "type_accuracy": round(right / typed, 3) if typed else None,
        "typed_docs": typed,
        "errors": misses,
    }


def format_table(report: dict[str, Any]) -> str:
    """A readable table of :func:`evaluate_docs`'s report."""
    names = {"conflict": "conflict/protest reports found",
             "metaphor": "metaphor false alarms",
             "literal": "literal conflict words, fired",
             "nonconflict": "non-conflict false alarms"}  # fmt: skip
    rows = [f"{'group':<34} {'docs':>5} {'fired':>6} {'rate':>6} {'asserted':>9}"]
    for g, st in report["groups"].items():
        rows.append(f"{names[g]:<34} {st['docs']:>5} {st['fired']:>6} {st['rate']:>6.1%} "
                    f"{st['rate_asserted']:>9.1%}")  # fmt: skip
    if report["type_accuracy"] is not None:
        rows.append(f"type accuracy (of {report['typed_docs']} found reports): "
                    f"{report['type_accuracy']:.1%}")  # fmt: skip
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    report = evaluate(Path(args[0]) if args else DEFAULT)
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
