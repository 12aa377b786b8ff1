"""Reading the SemEval-2023 Task 3 span data (six languages) for training and evaluation.

Layout (see ``../shared/data/semeval2023/README.md``): ``<lang>/articles/articleID.txt``
(title, empty line, one paragraph per line; many files CRLF), ``<lang>/spans.tsv``
(``ID<TAB>technique<TAB>start<TAB>end``), ``<lang>/val.txt``. Offsets count ``\\r\\n`` as two
characters and a leading BOM as one, so files are read with ``newline=''``. In the
non-English languages 25-36% of gold ends fall exactly one character short of a word end;
:func:`snap_end` extends them (used for training, and when scoring "snapped").
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

LANGS = ("en", "fr", "de", "it", "pl", "ru")
Span = tuple[str, str, int, int]  # article id, technique, start, end


def read_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


def read_articles(folder: Path) -> dict[str, str]:
    """article id -> text exactly as the offsets count it."""
    out = {}
    for p in sorted(folder.glob("article*.txt")):
        out[p.stem[len("article") :]] = read_text(p)
    return out


def snap_end(text: str, end: int) -> int:
    """Extend an end that falls inside a word to the word's end."""
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return end


def read_spans(path: Path, texts: dict[str, str] | None = None, snap: bool = False) -> list[Span]:
    """Spans of a ``spans.tsv`` (or PTC-style labels file); ends snapped when ``snap``."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\r").split("\t")
        if len(parts) != 4:
            continue
        aid, tech, s, e = parts[0], parts[1], int(parts[2]), int(parts[3])
        if snap and texts is not None and aid in texts:
            e = snap_end(texts[aid], e)
        out.append((aid, tech, s, e))
    return out


def read_ids(path: Path) -> list[str]:
    return [x.strip() for x in path.read_text().split() if x.strip()]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, without its line end: SemEval-2023's units."""
    out = []
    pos = 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while e > s and text[e - 1] in "\r \t":
            e -= 1
        while s < e and text[s] in " \t\ufeff":
            s += 1
        if e > s:
            out.append((s, e))
    return out


def paragraph_labels(text: str, spans: Iterable[tuple[str, int, int]]) -> list[set[str]]:
    """Per non-empty line (1-based over ``\\n``, as ``paragraphs.tsv``): the techniques of
    the spans touching it. Returns one set per line of ``text.split("\\n")``."""
    lines = text.split("\n")
    starts = []
    pos = 0
    for line in lines:
        starts.append((pos, pos + len(line)))
        pos += len(line) + 1
    out: list[set[str]] = [set() for _ in lines]
    for tech, s, e in spans:
        for k, (a, b) in enumerate(starts):
            if s < b and e > a:
                out[k].add(tech)
    return out


def load(root: Path, langs: Iterable[str] = LANGS, snap: bool = True):
    """{lang: (texts, spans, val ids)} for the languages present under ``root``."""
    data = {}
    for lang in langs:
        d = root / lang
        if not (d / "articles").is_dir():
            raise SystemExit(f"{d}/articles is missing (expected the semeval2023 layout)")
        texts = read_articles(d / "articles")
        spans = read_spans(d / "spans.tsv", texts, snap=snap)
        val = read_ids(d / "val.txt") if (d / "val.txt").is_file() else []
        data[lang] = (texts, spans, val)
    return data


def score_paragraphs(
    texts: dict[str, str], gold: Iterable[Span], pred: Iterable[Span]
) -> dict[str, float]:
    """SemEval-2023 subtask 3 from spans: each line gets the techniques of the spans
    touching it; micro-averaged P/R/F1 over (article, line, technique) triples."""

    def triples(spans: Iterable[Span]) -> set[tuple[str, int, str]]:
        by_art: dict[str, list[tuple[str, int, int]]] = {}
        for aid, tech, s, e in spans:
            by_art.setdefault(aid, []).append((tech, s, e))
        out = set()
        for aid, items in by_art.items():
            if aid in texts:
                for k, labels in enumerate(paragraph_labels(texts[aid], items)):
                    out.update((aid, k, t) for t in labels)
        return out

    g, p = triples(gold), triples(pred)
    tp = len(g & p)
    prec = tp / len(p) if p else 0.0
    rec = tp / len(g) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(f1, 4),
        "n_pred": len(p),
        "n_gold": len(g),
    }


def predict(model: Any, texts: dict[str, str]) -> list[Span]:
    """(article, technique, start, end) for every span the model finds in each text."""
    out: list[Span] = []
    for aid, text in texts.items():
        out += [(aid, label, s, e) for s, e, label, _ in model.predict(text)]
    return out


def evaluate(
    model: Any, root: Path, langs: Iterable[str], ids: dict[str, list[str]] | None = None
) -> dict[str, dict]:
    """Per language: span F1, end-to-end F1 and paragraph micro-F1 on the val articles
    (or ``ids[lang]``), gold ends snapped to word ends and as released."""
    from spinscope.eval import ptc as scorer

    result: dict[str, dict] = {}
    for lang in langs:
        d = Path(root) / lang
        texts = read_articles(d / "articles")
        keep = ids[lang] if ids else read_ids(d / "val.txt")
        texts = {a: texts[a] for a in keep if a in texts}
        gold_raw = [x for x in read_spans(d / "spans.tsv") if x[0] in texts]
        gold = [(a, t, s, snap_end(texts[a], e)) for a, t, s, e in gold_raw]
        pred = predict(model, texts)
        result[lang] = {
            "articles": len(texts),
            "si": scorer.score_si(gold, pred).as_dict(),
            "e2e": {
                k: v for k, v in scorer.score_e2e(gold, pred).as_dict().items() if k != "per_label"
            },
            "e2e_per_label": {
                k: v["f1"] for k, v in scorer.score_e2e(gold, pred).as_dict()["per_label"].items()
            },
            "paragraph": score_paragraphs(texts, gold, pred),
            "si_unsnapped_gold_f1": scorer.score_si(gold_raw, pred).as_dict()["f1"],
        }
    return result
