"""Per-layer throughput on Russian vs English articles (characters per second).

``python research/language/throughput.py [N]`` runs each layer that reads Russian (claims,
entities, wording, techniques) over N Russian SemEval-2023 articles and N English PTC
articles, alternating the two so that a busy machine slows both alike, and prints
characters/s per layer and language (issue 15's bar: Russian no worse than half English).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from spinscope.config import Settings
from spinscope.document import Document
from spinscope.pipeline import Pipeline

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def main(n: int = 10) -> None:
    ru = sorted((DATA / "semeval2023/ru/articles").glob("*.txt"))[:n]
    en = sorted((DATA / "ptc/unlabeled/articles").glob("*.txt"))[:n]
    for layer in ("claims", "entities", "wording", "techniques"):
        pipe = Pipeline(Settings(layers=["boilerplate", layer]))
        pipe.run(Document(id="w", source="w", text="Warm up. Прогрев моделей.\n"))
        spent = {"ru": 0.0, "en": 0.0}
        chars = {"ru": 0, "en": 0}
        for r, e in zip(ru, en, strict=False):
            for lang, path in (("ru", r), ("en", e)):
                text = path.read_text(encoding="utf-8")
                doc = Document(id=path.stem, source=str(path), text=text)
                t = time.perf_counter()
                pipe.run(doc)
                spent[lang] += time.perf_counter() - t
                chars[lang] += len(text)
        rates = {k: chars[k] / spent[k] for k in spent}
        print(f"{layer:10s} ru {rates['ru']:8.0f} chars/s  en {rates['en']:8.0f} chars/s  "
              f"ratio {rates['ru'] / rates['en']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
