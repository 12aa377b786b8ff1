"""Russian and Ukrainian claims measured on sentences of real news annotated by the project.

``python research/claims/ru_uk_eval.py [--split dev|heldout|test|test2]`` prints, per language, the
attribution kind accuracy (all annotated sentences; those with a cue; check-worthy ones with
a cue, the bar's set), exact source matches, and check-worthiness P/R/F1 of the e5 scorer
at the language's threshold. ``ru_uk_claims.jsonl`` holds one line per sentence: language,
document id and character offsets into ``../shared/data`` (SemEval-2023 ru articles, NER-UK
2.0 texts: the text itself is not copied here), ``checkworthy`` (0/1), ``kind`` (named,
vague, self, none; ``?`` where the annotator could not decide, left out) and ``source``.

Splits: ``dev`` (140 sentences) was annotated first and the rules were written while
reading it; ``heldout`` (76) was annotated blind, then the rules were extended after seeing
its errors; ``test`` (76) was annotated blind and measured once before the last generic
extension (imperfective verb forms, "один из", author formulas); ``test2`` (80) was annotated
after the rules were frozen and measured once: the honest figure. The card gives all four.
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np

from spinscope.analyzers.claims_slavic import attribute, scorer
from spinscope.train.claims_e5 import annotated, f1_at


def main(split: str | None = None) -> None:
    rows = [r for r in annotated() if split is None or r["split"] == split]
    model = scorer()
    scores = model.score([r["text"] for r in rows])
    for lang in ("ru", "uk"):
        c: Counter[str] = Counter()
        for r in (r for r in rows if r["lang"] == lang and r["kind"] != "?"):
            cue = attribute(r["text"], 0, len(r["text"]), lang)
            kind = cue.kind if cue else "none"
            src = r["text"][cue.source[0] : cue.source[1]] if cue and cue.source else None
            ok = kind == r["kind"]
            c["all"] += 1
            c["all_ok"] += ok
            if r["kind"] != "none":
                c["cue"] += 1
                c["cue_ok"] += ok
                c["src_ok"] += src == r["source"]
                if r["checkworthy"]:
                    c["claim_cue"] += 1
                    c["claim_cue_ok"] += ok
        idx = [i for i, r in enumerate(rows) if r["lang"] == lang]
        ys = np.array([rows[i]["checkworthy"] for i in idx])
        p, rec, f = f1_at(np.array([scores[i] for i in idx]), ys, model.threshold(lang))
        print(f"{lang}: kind right {c['all_ok']}/{c['all']}; with a cue {c['cue_ok']}/{c['cue']}; "
              f"check-worthy with a cue {c['claim_cue_ok']}/{c['claim_cue']}; source exact "
              f"{c['src_ok']}/{c['cue']}; check-worthiness P {p:.3f} R {rec:.3f} F1 {f:.3f} "
              f"({len(idx)} sentences, threshold {model.threshold(lang)})")  # fmt: skip


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[args.index("--split") + 1] if "--split" in args else None)
