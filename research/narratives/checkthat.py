"""Tune the narratives search on CheckThat! 2020 Task 2 train, report it on dev.

    python research/narratives/checkthat.py [--data ../shared/data/claim-retrieval]
        [--work runs/narratives] [--write]

1. Embeds the 10,375 verified claims (vclaim + title, e5 ``passage:``) and the 997 train and
   dev tweets (``query:``), cached as .npy in --work.
2. Scores every tweet against every claim with the e5 cosine and the TF-IDF cosine of
   :mod:`spinscope.narratives.lexical`, and picks the TF-IDF weight (e5 weight 1) that gives
   the best MAP@5 on train.
3. Prints MAP@5, MRR, Recall@1/5 on train and dev for e5 alone, TF-IDF alone and the mix.
4. With --write, stores the weight in spinscope/narratives/params.json (the re-ranker, the
   same-claim model and the threshold are kept: research/narratives/pairclf.py fits them,
   and tunes this weight too, on the same train split).

The same dev numbers come from the shipped command line:

    spinscope catalog search ../shared/data/claim-retrieval/dev/tweets.queries.tsv \\
        --catalog ../shared/data/claim-retrieval/verified_claims.docs.tsv \\
        --text-column vclaim,title > dev.run.tsv
    spinscope catalog score dev.run.tsv ../shared/data/claim-retrieval/dev/tweet-vclaim-pairs.qrels
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np

from spinscope.narratives.evaluate import read_qrels, score_run
from spinscope.narratives.index import encode_passages, encode_queries
from spinscope.narratives.lexical import TfidfIndex
from spinscope.narratives.search import PARAMS


def _tsv(path: Path) -> list[list[str]]:
    csv.field_size_limit(1 << 26)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        return [row for row in reader if row]


def _cached(path: Path, make) -> np.ndarray:  # type: ignore[no-untyped-def]
    if path.is_file():
        return np.load(path)
    vectors = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def _run(scores: np.ndarray, qids: list[str], cids: list[str], k: int = 100) -> dict:
    best = np.argsort(-scores, axis=1)[:, :k]
    return {q: [cids[j] for j in best[i]] for i, q in enumerate(qids)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/claim-retrieval"))
    ap.add_argument("--work", type=Path, default=Path("runs/narratives"))
    ap.add_argument("--write", action="store_true", help="store the tuned weight")
    args = ap.parse_args()

    catalog = _tsv(args.data / "verified_claims.docs.tsv")
    cids = [row[0] for row in catalog]
    texts = [" ".join(" ".join(row[1:3]).split()) for row in catalog]
    splits = {s: _tsv(args.data / s / "tweets.queries.tsv") for s in ("train", "dev")}
    gold = {s: read_qrels(args.data / s / "tweet-vclaim-pairs.qrels") for s in splits}

    passages = _cached(args.work / "checkthat_catalog.npy", lambda: encode_passages(texts))
    lexical = TfidfIndex(texts)
    dense, lex = {}, {}
    for s, rows in splits.items():
        texts_of = [x[1] for x in rows]
        q = _cached(args.work / f"checkthat_{s}.npy", lambda t=texts_of: encode_queries(t))
        dense[s] = q @ passages.T
        lex[s] = lexical.scores([x[1] for x in rows])

    def evaluate(s: str, w: float, only_lex: bool = False) -> dict:
        scores = lex[s] if only_lex else dense[s] + w * lex[s]
        return score_run(_run(scores, [x[0] for x in splits[s]], cids), gold[s])

    grid = [round(x, 2) for x in np.arange(0.0, 2.01, 0.05)]
    tuned = max(grid, key=lambda w: evaluate("train", w)["map@5"])
    for s in ("train", "dev"):
        print(f"{s}: e5 alone        {evaluate(s, 0.0)}")
        print(f"{s}: TF-IDF alone    {evaluate(s, 0.0, only_lex=True)}")
        print(f"{s}: e5 + {tuned} TF-IDF {evaluate(s, tuned)}")
    if args.write:
        params = json.loads(PARAMS.read_text(encoding="utf-8"))
        params["weights"] = {"e5": 1.0, "tfidf": tuned}
        params.setdefault("metrics", {})["CheckThat! 2020 Task 2 dev (197 tweets)"] = evaluate(
            "dev", tuned
        )
        PARAMS.write_text(json.dumps(params, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {PARAMS}")


if __name__ == "__main__":
    main()
