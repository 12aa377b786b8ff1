"""Precision and recall of the boilerplate layer on annotated texts.

Usage: ``python -m spinscope.eval.boilerplate tests/data/boilerplate``

``python -m spinscope.eval.boilerplate --survey FOLDER...`` lists every line the rules flag
in real, unannotated articles (``*.txt``) with counts per kind, so a person can judge the
precision on real text line by line.

Annotated texts mark each boilerplate line with a ``[[kind]] `` prefix; the marker is
removed to make the analyzed text. A predicted line counts as correct when its span equals
the gold span; kind accuracy is measured on correctly found lines.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
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


def survey(folders: list[Path]) -> tuple[int, int, Counter[str], list[tuple[str, str, str]]]:
    """(files, lines, flagged lines per kind, [(file, kind, line)]) over ``*.txt`` files."""
    from spinscope.analyzers.boilerplate import classify_line

    kinds: Counter[str] = Counter()
    flagged, files, lines = [], 0, 0
    for folder in folders:
        for path in sorted(folder.rglob("*.txt")):
            files += 1
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                lines += 1
                kind = classify_line(line)
                if kind:
                    kinds[kind] += 1
                    flagged.append((path.name, kind, line.strip()))
    return files, lines, kinds, flagged


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["--survey"]:
        folders = [Path(a) for a in args[1:]]
        missing = [str(f) for f in folders if not f.is_dir()]
        if not folders or missing:
            print(f"error: --survey needs folders of .txt articles ({', '.join(missing)})",
                  file=sys.stderr)  # fmt: skip
            return 2
        files, lines, kinds, flagged = survey(folders)
        for name, kind, line in flagged:
            print(f"{kind}\t{name}\t{line}")
        print(f"{files} files, {lines} lines, {sum(kinds.values())} flagged: {dict(kinds)}")
        return 0
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
