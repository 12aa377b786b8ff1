"""Would parsing in a thread beside the techniques encoder pay? Times the techniques layer
plus the shared spaCy parse on 48 PTC articles in sequence and with the parse in a thread
(nothing is written; the parse is the same either way).

    python research/scale/parse_overlap.py seq
    python research/scale/parse_overlap.py par

Measured 2026-11-28 on the idle 2-core machine: seq 19.2 / 19.0 s, par 16.0 / 15.8 s.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from spinscope.config import Settings
from spinscope.document import Document
from spinscope.models import parse as P
from spinscope.pipeline import Pipeline

ARTICLES = Path("../shared/data/ptc/unlabeled/articles")


def main(mode: str) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.iterdir())[:48]]
    pipe = Pipeline(Settings(layers=["boilerplate", "techniques", "claims"]))
    tech = next(a for a in pipe.analyzers if "techniques" in a.provides)
    boilerplate = next(a for a in pipe.analyzers if "boilerplate" in a.provides)

    def docs(tag: str) -> list[Document]:
        out = [Document(id=f"{tag}{i}", source="x", text=t) for i, t in enumerate(texts)]
        boilerplate.pipe(out)
        return out

    warm = docs("warm")[:2]  # models loaded before timing
    tech.pipe(warm)
    P.parse_many(warm)
    batch = docs(mode)
    start = time.time()
    if mode == "seq":
        tech.pipe(batch)
        P.parse_many(batch, batch_size=8)
    else:
        worker = threading.Thread(target=P.parse_many, args=(batch, 8))
        worker.start()
        tech.pipe(batch)
        worker.join()
    print(mode, round(time.time() - start, 2))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "seq")
