"""Collect the trigger events the rules find in the shared corpora, for labelling.

    .venv/bin/python research/events/mine.py OUT.jsonl [--polnear N] [--claimbuster N]

Each output line is one trigger event *before* the literal-event gate: a reference into
``../shared/data`` (``corpus``, ``doc``, ``sent`` and ``trig`` character offsets) plus the
rule's type, and the sentence text for reading. The corpora may not be copied into the
repository, so the committed labelling file (``research/events/labels.jsonl``) keeps the
reference and the label only; ``spinscope events train`` rebuilds the text from the corpora.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def corpus_docs(polnear: int, claimbuster: int) -> list[tuple[str, str, str]]:
    """(corpus, doc reference, text) of the articles and sentences mined."""
    docs = []
    for sub in ("train/articles", "unlabeled/articles"):
        for p in sorted((DATA / "ptc" / sub).glob("*.txt")):
            docs.append(("ptc", f"{sub}/{p.name}", p.read_text(encoding="utf-8")))
    pol = sorted((DATA / "polnear" / "train" / "text").glob("*.txt"))
    for p in random.Random(14).sample(pol, min(polnear, len(pol))):
        docs.append(("polnear", f"train/text/{p.name}", p.read_text(encoding="utf-8")))
    items = json.loads((DATA / "claimbuster" / "train.json").read_text(encoding="utf-8"))
    for it in random.Random(14).sample(items, min(claimbuster, len(items))):
        docs.append(("claimbuster", str(it["sentence_id"]), it["text"]))
    return docs


def main() -> None:
    from spinscope.analyzers.entities import EntitiesAnalyzer
    from spinscope.analyzers.events import candidates
    from spinscope.document import Document
    from spinscope.models.parse import parse_many

    out = Path(sys.argv[1])
    args = sys.argv[2:]
    polnear = int(args[args.index("--polnear") + 1]) if "--polnear" in args else 300
    claimbuster = int(args[args.index("--claimbuster") + 1]) if "--claimbuster" in args else 3000
    ents = EntitiesAnalyzer()
    with out.open("w", encoding="utf-8") as fh:
        for n, (corpus, ref, text) in enumerate(corpus_docs(polnear, claimbuster)):
            doc = Document(id=ref, source=ref, text=text)
            doc.start_layer("boilerplate")
            ents(doc)
            (parsed,) = parse_many([doc])
            for _sent, _rng, evs in candidates(doc, parsed):
                for ev in evs:
                    s0, s1 = ev["_sent"]
                    t0, t1 = ev["_trig"]
                    fh.write(json.dumps({
                        "corpus": corpus, "doc": ref, "sent": [s0, s1], "trig": [t0, t1],
                        "type": ev["type"], "text": text[s0:s1],
                    }, ensure_ascii=False) + "\n")  # fmt: skip
            if n % 100 == 0:
                print(n, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
