"""Precision and recall of the boilerplate layer on annotated texts.

Usage: ``python -m spinscope.eval.boilerplate tests/data/boilerplate``

Annotated texts mark each boilerplate line with a ``[[kind]] `` prefix; the marker is
removed to make the analyzed text. A predicted line counts as correct when its span equals
the gold span; kind accuracy is measured on correctly found lines.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from spinscope.analyzers.boilerplate import BoilerplateAnalyzer
from spinscope.document import Document

_MARK = re.compile(r"^\[\[(\w+)\]\] ")


@dataclass
class Scores:
    tp: int
    fp: int
    fn: int
    kind_correct: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_correct / self.tp if self.tp else 1.0


def load_annotated(path: Path) -> tuple[str, dict[tuple[int, int], str]]:
    """(text without markers, {(start, end): kind}) for one annotated file."""
    lines, gold, pos = [], {}, 0
    for raw in path.read_text(encoding="utf-8").split("\n"):
        match = _MARK.match(raw)
        line = raw[match.end() :] if match else raw
        if match:
            gold[(pos, pos + len(line.rstrip()))] = match.group(1)
        lines.append(line)
        pos += len(line) + 1
    return "\n".join(lines), gold


def evaluate(folder: Path) -> tuple[Scores, list[str]]:
    """Scores over every ``*.txt`` in ``folder`` and a list of the errors made."""
    analyzer = BoilerplateAnalyzer()
    scores, errors = Scores(0, 0, 0, 0), []
    for path in sorted(folder.glob("*.txt")):
        text, gold = load_annotated(path)
        doc = Document(id=path.stem, source=str(path), text=text)
        analyzer(doc)
        pred = {(s.start, s.end): s.label for s in doc.layer("boilerplate")}
        for span, kind in pred.items():
            if span in gold:
                scores.tp += 1
                scores.kind_correct += gold[span] == kind
                if gold[span] != kind:
                    errors.append(
                        f"{path.name}: kind {kind} for {gold[span]}: {text[slice(*span)]!r}"
                    )
            else:
                scores.fp += 1
                errors.append(f"{path.name}: false positive ({kind}): {text[slice(*span)]!r}")
        for span, kind in gold.items():
            if span not in pred:
                scores.fn += 1
                errors.append(f"{path.name}: missed ({kind}): {text[slice(*span)]!r}")
    return scores, errors


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    folder = Path(args[0] if args else "tests/data/boilerplate")
    if not folder.is_dir():
        print(f"error: {folder} is not a folder of annotated texts", file=sys.stderr)
        return 2
    scores, errors = evaluate(folder)
    print(
        f"lines: tp={scores.tp} fp={scores.fp} fn={scores.fn}  precision={scores.precision:.3f} "
        f"recall={scores.recall:.3f}  kind accuracy={scores.kind_accuracy:.3f}"
    )
    for error in errors:
        print("  " + error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
