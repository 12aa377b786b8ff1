"""Scoring a run (``query_id<TAB>catalog_id<TAB>rank<TAB>score``) against relevance judgements.

MAP@k as the CheckThat! 2020 Task 2 scorer computes it (precision at each relevant rank up to
k, summed and divided by the number of relevant entries), MRR over the whole run, Recall@1
and Recall@5. A query without a line in the run counts 0; queries absent from the
judgements are left out.
"""

from __future__ import annotations

from pathlib import Path

from spinscope.errors import ConfigError, printable


def _bad(path: Path, problem: str) -> ConfigError:
    return ConfigError(printable(f"{path}: {problem}"))


def read_qrels(path: Path) -> dict[str, set[str]]:
    """``query_id 0 catalog_id 1`` lines (TREC style; tabs or spaces) -> relevant ids."""
    gold: dict[str, set[str]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise _bad(path, f"cannot be read as UTF-8 judgements ({err})") from None
    for n, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            continue
        try:
            relevance = float(parts[3]) if len(parts) == 4 else None
        except ValueError:
            relevance = None
        if relevance is None:
            raise _bad(path, f"line {n}: expected 'query_id 0 catalog_id relevance'")
        if relevance > 0:
            gold.setdefault(parts[0], set()).add(parts[2])
    if not gold:
        raise _bad(path, "no relevant pairs")
    return gold


def read_run(path: Path) -> dict[str, list[str]]:
    """A run file -> ranked catalog ids per query (ordered by rank)."""
    ranked: dict[str, list[tuple[int, str]]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise _bad(path, f"cannot be read as a UTF-8 run ({err})") from None
    for n, line in enumerate(lines, 1):
        parts = line.split("\t")
        if not line.strip():
            continue
        if len(parts) < 3 or not parts[2].strip().isdigit():
            raise _bad(path, f"line {n}: expected 'query_id<TAB>catalog_id<TAB>rank…'")
        ranked.setdefault(parts[0], []).append((int(parts[2]), parts[1]))
    return {q: [c for _, c in sorted(items)] for q, items in ranked.items()}


def score_run(run: dict[str, list[str]], gold: dict[str, set[str]], k: int = 5) -> dict:
    """MAP@k, MRR, Recall@1, Recall@5 over the judged queries."""
    total = {f"map@{k}": 0.0, "mrr": 0.0, "recall@1": 0.0, "recall@5": 0.0}
    for query, relevant in gold.items():
        ranked = run.get(query, [])
        found, precision = 0, 0.0
        for i, cid in enumerate(ranked[:k]):
            if cid in relevant:
                found += 1
                precision += found / (i + 1)
        total[f"map@{k}"] += precision / len(relevant)
        first = next((i for i, cid in enumerate(ranked) if cid in relevant), None)
        total["mrr"] += 0.0 if first is None else 1.0 / (first + 1)
        total["recall@1"] += len(set(ranked[:1]) & relevant) / len(relevant)
        total["recall@5"] += len(set(ranked[:5]) & relevant) / len(relevant)
    n = len(gold)
    return {"queries": n, **{m: round(v / n, 4) for m, v in total.items()}}
