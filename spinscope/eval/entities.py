"""Evaluate place recognition and toponym normalisation (``tests/data/entities/places.jsonl``).

``python -m spinscope.eval.entities [PLACES.jsonl]`` prints a JSON report: precision and
recall of PLACE mentions (exact offsets of the written name), and for the places found,
the share with the right canonical name and country. Each input line is
``{"id", "text", "places": [[written, canonical, country], …]}``.

The sentences were written by the developer of the analyzer (a development set): the
scores are optimistic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from spinscope.document import Document

DEFAULT = Path(__file__).resolve().parents[2] / "tests" / "data" / "entities" / "places.jsonl"


def evaluate(path: Path = DEFAULT) -> dict[str, Any]:
    """Scores of the PLACE entities on the annotated sentences at ``path``."""
    from spinscope.analyzers.entities import EntitiesAnalyzer

    analyzer = EntitiesAnalyzer()
    gold_n = pred_n = hits = canon = country = 0
    errors: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        doc = Document(id=item["id"], source=item["id"], text=item["text"])
        doc.start_layer("boilerplate")
        analyzer(doc)
        preds = {doc.span_text(s): s for s in doc.layer("entities") if s.label == "PLACE"}
        gold = {w: (c, cc) for w, c, cc in item["places"]}
        gold_n += len(gold)
        pred_n += len(preds)
        for written, (canonical, cc) in gold.items():
            span = preds.get(written)
            if span is None:
                errors.append({"id": item["id"], "missed": written})
                continue
            hits += 1
            canon += span.attrs.get("canonical") == canonical
            country += (span.attrs.get("country") or "") == cc
            got = [span.attrs.get("canonical"), span.attrs.get("country") or ""]
            if got != [canonical, cc]:
                errors.append({"id": item["id"], "written": written, "gold": [canonical, cc],
                               "got": got})  # fmt: skip
        for written in preds.keys() - gold.keys():
            errors.append({"id": item["id"], "spurious": written})
    precision = hits / pred_n if pred_n else 0.0
    recall = hits / gold_n if gold_n else 0.0
    return {
        "sentences_file": str(path),
        "gold_places": gold_n,
        "predicted_places": pred_n,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if hits else 0.0,
        "canonical_accuracy": round(canon / hits, 3) if hits else 0.0,
        "country_accuracy": round(country / hits, 3) if hits else 0.0,
        "errors": errors,
        "note": "development set written alongside the analyzer; scores are optimistic",
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    print(json.dumps(evaluate(Path(args[0]) if args else DEFAULT), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
