"""The Propaganda Techniques Corpus: reading its layout and scoring predictions.

Scoring follows the rules in the corpus README (SemEval-2020 Task 11):

- SI: overlapping spans are merged (separately in gold and prediction); a predicted span
  ``p`` earns ``|p∩g|/|p|`` precision credit and a gold span ``g`` earns ``|p∩g|/|g|``
  recall credit for every span it overlaps; sums are taken over the whole corpus.
- TC: one label per gold line; micro-F1 where lines sharing the same (article, start, end)
  are matched as multisets (the best matching of predicted to gold labels).
- E2E: as SI, but spans only earn credit against spans of the same technique, and overlaps
  are merged per technique.

Everything here is plain Python (no numpy) so that the scorer is easy to check by hand.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spinscope.errors import InputError

#: (article id, technique, start, end); technique is "" when unknown (SI files).
Line = tuple[str, str, int, int]


# -- the corpus layout ---------------------------------------------------------------------
def article_id(path: Path) -> str:
    """``article123.txt`` -> ``123`` (the id used in the label files)."""
    stem = path.stem
    return stem[len("article") :] if stem.startswith("article") else stem


def read_articles(folder: str | Path) -> dict[str, str]:
    """All ``article*.txt`` files of ``folder`` (or ``folder/articles``): id -> text.

    Files are read with ``newline=""`` so offsets match the label files exactly.
    """
    folder = Path(folder)
    if (folder / "articles").is_dir():
        folder = folder / "articles"
    if not folder.is_dir():
        raise InputError(str(folder), "not a folder of article*.txt files")
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise InputError(str(folder), "no .txt articles in this folder")
    out = {}
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            out[article_id(path)] = fh.read()
    return out


def read_labels(path: str | Path) -> list[Line]:
    """Read ``ID<TAB>technique<TAB>start<TAB>end`` (or ``ID<TAB>start<TAB>end``) lines."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "label file does not exist")
    lines: list[Line] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        parts = raw.rstrip("\n").split("\t")
        try:
            if len(parts) == 3:
                lines.append((parts[0], "", int(parts[1]), int(parts[2])))
            elif len(parts) == 4:
                lines.append((parts[0], parts[1], int(parts[2]), int(parts[3])))
            else:
                raise ValueError
        except ValueError:
            raise InputError(
                f"{path}:{n}", f"expected ID<TAB>[technique<TAB>]start<TAB>end, got {raw!r}"
            ) from None
    return lines


def find_labels(data_dir: str | Path, task: str = "TC") -> Path:
    """The ``*-task-{task}.labels`` file of a corpus folder."""
    found = sorted(Path(data_dir).glob(f"*task-{task}.labels"))
    if not found:
        raise InputError(str(data_dir), f"no *task-{task}.labels file in this folder")
    return found[0]


def read_split(path: str | Path) -> list[str]:
    """Article ids, one per line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "split file does not exist")
    return [x.strip() for x in path.read_text().splitlines() if x.strip()]


def format_lines(lines: Iterable[Line]) -> str:
    return "".join(f"{a}\t{t}\t{s}\t{e}\n" for a, t, s, e in lines)


# -- scoring -------------------------------------------------------------------------------
@dataclass
class PRF:
    """Precision, recall and F1 with the counts they come from."""

    precision: float
    recall: float
    f1: float
    n_pred: int = 0
    n_gold: int = 0
    per_label: dict[str, PRF] = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
        }
        if self.per_label:
            out["per_label"] = {k: v.as_dict() for k, v in sorted(self.per_label.items())}
        return out


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of character ranges: overlapping ranges become one (touching ones stay apart)."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _overlap_credit(
    pred: dict[str, list[tuple[int, int]]], gold: dict[str, list[tuple[int, int]]]
) -> tuple[float, float, int, int]:
    """Sum of |p∩g|/|p| and of |p∩g|/|g| over merged spans, plus the span counts."""
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for key in set(pred) | set(gold):
        ps = merge_spans(pred.get(key, []))
        gs = merge_spans(gold.get(key, []))
        n_pred += len(ps)
        n_gold += len(gs)
        for ps_, pe in ps:
            for gs_, ge in gs:
                inter = min(pe, ge) - max(ps_, gs_)
                if inter > 0:
                    p_sum += inter / (pe - ps_)
                    r_sum += inter / (ge - gs_)
    return p_sum, r_sum, n_pred, n_gold


def _prf_from_credit(p_sum: float, r_sum: float, n_pred: int, n_gold: int) -> PRF:
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    return PRF(p, r, _f1(p, r), n_pred, n_gold)


def score_si(gold: Iterable[Line], pred: Iterable[Line]) -> PRF:
    """Span identification: techniques ignored, overlaps merged, partial-overlap credit."""
    g: dict[str, list[tuple[int, int]]] = defaultdict(list)
    p: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, _, s, e in gold:
        g[a].append((s, e))
    for a, _, s, e in pred:
        p[a].append((s, e))
    return _prf_from_credit(*_overlap_credit(p, g))


def score_e2e(gold: Iterable[Line], pred: Iterable[Line]) -> PRF:
    """End-to-end: SI credit only between spans of the same technique; per-technique too."""
    g: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    p: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for a, t, s, e in gold:
        g[(a, t)].append((s, e))
    for a, t, s, e in pred:
        p[(a, t)].append((s, e))
    total = _prf_from_credit(*_overlap_credit(p, g))  # type: ignore[arg-type]
    labels = {t for _, t in g} | {t for _, t in p}
    for label in labels:
        gl = {k: v for k, v in g.items() if k[1] == label}
        pl = {k: v for k, v in p.items() if k[1] == label}
        total.per_label[label] = _prf_from_credit(*_overlap_credit(pl, gl))  # type: ignore[arg-type]
    return total


def score_tc(gold: Iterable[Line], pred: Iterable[Line]) -> PRF:
    """Technique classification on gold spans: micro P/R/F1 plus per-technique P/R/F1.

    Lines with the same (article, start, end) are compared as multisets of labels, which
    is the best possible matching of predicted to gold labels on a span that carries
    several techniques.
    """
    g: dict[tuple[str, int, int], Counter] = defaultdict(Counter)
    p: dict[tuple[str, int, int], Counter] = defaultdict(Counter)
    for a, t, s, e in gold:
        g[(a, s, e)][t] += 1
    for a, t, s, e in pred:
        p[(a, s, e)][t] += 1
    tp: Counter = Counter()
    n_pred: Counter = Counter()
    n_gold: Counter = Counter()
    for key, labels in g.items():
        n_gold.update(labels)
        tp.update(labels & p.get(key, Counter()))
    for labels in p.values():
        n_pred.update(labels)
    tps, npred, ngold = sum(tp.values()), sum(n_pred.values()), sum(n_gold.values())
    prec = tps / npred if npred else 0.0
    rec = tps / ngold if ngold else 0.0
    out = PRF(prec, rec, _f1(prec, rec), npred, ngold)
    for label in set(n_gold) | set(n_pred):
        lp = tp[label] / n_pred[label] if n_pred[label] else 0.0
        lr = tp[label] / n_gold[label] if n_gold[label] else 0.0
        out.per_label[label] = PRF(lp, lr, _f1(lp, lr), n_pred[label], n_gold[label])
    return out


SCORERS = {"si": score_si, "tc": score_tc, "e2e": score_e2e}


def select(texts: dict[str, str], ids: Iterable[str], folder: str | Path) -> dict[str, str]:
    """The articles of ``ids`` (in that order); an id with no article is an input error."""
    ids = list(ids)
    missing = [a for a in ids if a not in texts]
    if missing:
        raise InputError(str(folder), f"has no article {missing[0]} (listed in the split)")
    return {a: texts[a] for a in ids}


def restrict(lines: Iterable[Line], ids: Iterable[str]) -> list[Line]:
    """Only the lines of the given article ids."""
    keep = set(ids)
    return [x for x in lines if x[0] in keep]


def bootstrap_f1(
    task: str,
    gold: list[Line],
    pred: list[Line],
    n: int = 1000,
    seed: int = 0,
    versus: list[Line] | None = None,
) -> tuple[float, float]:
    """95% percentile interval of the F1 when the articles are resampled with replacement;
    with ``versus`` (another system's predictions), of F1(pred) - F1(versus) on the same
    resampled articles (a paired bootstrap: if the interval holds 0, the data do not tell
    the two systems apart). An article drawn k times enters as the id ``ID#k``."""
    import random

    if n < 1:
        raise ValueError("the number of bootstrap samples must be at least 1")
    other = versus or []
    ids = sorted({x[0] for x in gold} | {x[0] for x in pred} | {x[0] for x in other})
    if not ids:
        raise InputError("gold and predictions", "no lines at all, nothing to resample")
    by_g: dict[str, list[Line]] = defaultdict(list)
    by_p: dict[str, list[Line]] = defaultdict(list)
    by_o: dict[str, list[Line]] = defaultdict(list)
    for lines, by in ((gold, by_g), (pred, by_p), (other, by_o)):
        for x in lines:
            by[x[0]].append(x)
    rng = random.Random(seed)
    scores = []
    for _ in range(n):
        g: list[Line] = []
        p: list[Line] = []
        o: list[Line] = []
        for k, aid in enumerate(rng.choices(ids, k=len(ids))):
            g += [(f"{aid}#{k}", *x[1:]) for x in by_g[aid]]
            p += [(f"{aid}#{k}", *x[1:]) for x in by_p[aid]]
            o += [(f"{aid}#{k}", *x[1:]) for x in by_o[aid]]
        f1 = SCORERS[task](g, p).f1
        scores.append(f1 - SCORERS[task](g, o).f1 if versus is not None else f1)
    scores.sort()
    return scores[round(0.025 * (n - 1))], scores[round(0.975 * (n - 1))]
