"""Search speed over a catalog index: queries per second after loading.

    python research/narratives/speed.py INDEX.npz [--queries 2000]

Prints the load time (index file and TF-IDF matrix), the ranking rate with the query
vectors ready (all matrix work: e5 and TF-IDF cosines over the whole catalog, top 5,
features and probabilities, batches of 256) and the end-to-end rate including encoding the
queries with e5, which is the slow part (about 100 short sentences/s on 2 free cores).
Queries are sentences made from the catalog's own entries with their words reversed, so
they share vocabulary with it without being copies.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np


def main() -> None:
    from spinscope.narratives.index import encode_queries, load_index
    from spinscope.narratives.search import Searcher

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--encode", type=int, default=200, help="queries for the end-to-end rate")
    args = ap.parse_args()
    started = time.perf_counter()
    index = load_index(args.index)
    searcher = Searcher(index)
    loaded = time.perf_counter() - started
    rng = np.random.default_rng(0)
    picks = rng.choice(len(index.entries), args.queries)
    texts = [" ".join(reversed(index.entries[i].text.split())) for i in picks]
    vectors = rng.normal(size=(args.queries, index.vectors.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    started = time.perf_counter()
    for a in range(0, args.queries, 256):
        searcher.rank(vectors[a : a + 256], texts[a : a + 256], 5)
    ranking = time.perf_counter() - started
    started = time.perf_counter()
    few = texts[: args.encode]
    searcher.rank(encode_queries(few), few, 5)
    whole = time.perf_counter() - started
    print(f"{len(index.entries)} entries; loading {loaded:.2f} s")
    print(f"ranking: {args.queries / ranking:.0f} queries/s ({args.queries} queries)")
    print(f"with e5 encoding: {len(few) / whole:.1f} queries/s ({len(few)} queries)")


if __name__ == "__main__":
    main()
