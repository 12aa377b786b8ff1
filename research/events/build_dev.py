"""Build the events layer's development sets in the realnews ``docs.jsonl`` format.

    .venv/bin/python research/events/build_dev.py OUT_DIR

The corpora may not be copied into the repository, so these files are rebuilt from
``../shared/data`` into ``OUT_DIR`` (the written ACLED-style reports are committed under
``tests/data/events/dev``). Score them with ``spinscope events eval OUT_DIR/*.jsonl``.

* ``metaphor-vua-heldout.jsonl``: VUA sentences (``realnews/vua-conflict-train``) of the
  gate's held-out split whose conflict words are all metaphorical (the VUA annotators'
  labels); the gate never trained on them.
* ``metaphor-news-heldout.jsonl``: sentences of PTC / PolNeAR / ClaimBuster whose trigger
  we labelled 0 (politics-as-war, verbal attacks, other senses) in the held-out split of
  ``research/events/labels.jsonl``.
* ``literal-news-heldout.jsonl``: real sentences of those corpora whose trigger we labelled
  1 (a literal event: attacks, battles, protests, arrests, crimes; past ones included), in
  the held-out split; span label ``event`` (no type: they count for "found" only).
* ``nonconflict-polnear-dev.jsonl`` and ``nonconflict-claimbuster.jsonl``: news snippets
  (two consecutive paragraphs of PolNeAR *dev* articles, which were never mined for labels)
  and ClaimBuster debate sentences not in the mined sample, minus those listed in
  ``CONFLICT_SNIPPETS`` (we read every snippet the layer fired on and listed the ones
  that do report a conflict, protest or arrest event).
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"  # ../shared/data, as the other commands use

#: Snippets that report (or name) a real violent, protest or arrest event: police shootings,
#: the Charlotte protests, terror attacks, bombings, Russian military probing, the Iraq and
#: Ukraine invasions, a house arrest. Found by reading every snippet of the first 300 that
#: the rules (without the gate) fired on; they are not "non-conflict" news.
CONFLICT_SNIPPETS: set[str] = {
    "polnear-dev:breitbart_2016-09-28_mary-j-blige-sings-to-hillary-cl.txt:3",
    "polnear-dev:wash-post_2016-09-16_burma-leader-s-visit-to-washingt.txt:11",
    "polnear-dev:west-journal_2016-09-23_clinton-breaks-with-obama-on-law.txt:3",
    "polnear-dev:huff-post_2016-09-10_trump-s-east-european-achilles-h.txt:3",
    "polnear-dev:huff-post_2016-09-10_trump-s-east-european-achilles-h.txt:7",
    "polnear-dev:wash-post_2016-09-25_phone-video-is-first-public-look.txt:3",
    "polnear-dev:wash-post_2016-09-25_phone-video-is-first-public-look.txt:27",
    "polnear-dev:wash-post_2016-09-25_phone-video-is-first-public-look.txt:29",
    "polnear-dev:usa-today_2016-09-08_candidates-vie-for-vets-support-.txt:7",
    "polnear-dev:wash-post_2016-09-18_e-u-leaders-weigh-plans-for-grea.txt:21",
    "polnear-dev:wash-post_2016-09-26_charlotte-struggles-to-return-to.txt:1",
    "polnear-dev:wash-post_2016-09-26_charlotte-struggles-to-return-to.txt:3",
    "polnear-dev:nyt_2016-09-25_obama-says-african-american-muse.txt:9",
    "polnear-dev:politico_2016-09-17_de-blasio-says-chelsea-explosion.txt:11",
}


def _heldout(key: str) -> bool:
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 4 == 0


def _write(path: Path, docs: list[dict]) -> None:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs),
                    encoding="utf-8")  # fmt: skip
    print(path, len(docs))


def vua_metaphors() -> list[dict]:
    out = []
    for line in (
        (DATA / "realnews" / "vua-conflict-train" / "docs.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    ):
        item = json.loads(line)
        labels = {s["label"] for s in item["spans"]}
        if _heldout(item["id"]) and labels == {"metaphor"}:
            out.append({"id": item["id"], "lang": "en", "kind": "metaphor", "text": item["text"],
                        "spans": item["spans"]})  # fmt: skip
    return out


def labelled(label: int, split: str | None) -> list[dict]:
    from spinscope.train.events import _corpus_text

    out, cache = [], {}
    for line in (
        (REPO / "research" / "events" / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    ):
        row = json.loads(line)
        if row["label"] != label or (split and row["split"] != split):
            continue
        text = _corpus_text(DATA, row["corpus"], row["doc"], cache)
        s0, s1 = row["sent"]
        t0, t1 = row["trig"]
        out.append({"id": f"{row['corpus']}:{row['doc']}:{t0}", "lang": "en",
                    "kind": "metaphor" if label == 0 else "conflict", "text": text[s0:s1],
                    "spans": [{"start": t0 - s0, "end": t1 - s0,
                               "label": "metaphor" if label == 0 else "event"}]})  # fmt: skip
    return out


def snippet_id(name: str, k: int) -> str:
    return f"polnear-dev:{name}:{k}"


def polnear_snippets(n: int = 300) -> list[dict]:
    out = []
    for path in sorted((DATA / "polnear" / "dev" / "text").glob("*.txt")):
        paras = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        for k in range(1, len(paras) - 1, 2):  # the title (paragraph 0) is left out
            out.append({"id": snippet_id(path.name, k), "lang": "en", "kind": "nonconflict",
                        "text": paras[k] + "\n\n" + paras[k + 1], "spans": []})  # fmt: skip
    random.Random(14).shuffle(out)
    return [d for d in out if d["id"] not in CONFLICT_SNIPPETS][:n]


def claimbuster_sentences(n: int = 300) -> list[dict]:
    items = json.loads((DATA / "claimbuster" / "train.json").read_text(encoding="utf-8"))
    mined = {it["sentence_id"] for it in random.Random(14).sample(items, 3000)}
    rest = [it for it in items if it["sentence_id"] not in mined]
    random.Random(15).shuffle(rest)
    out = [{"id": f"claimbuster:{it['sentence_id']}", "lang": "en", "kind": "nonconflict",
            "text": it["text"], "spans": []} for it in rest]  # fmt: skip
    return [d for d in out if d["id"] not in CONFLICT_SNIPPETS][:n]


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "metaphor-vua-heldout.jsonl", vua_metaphors())
    _write(out / "metaphor-news-heldout.jsonl", labelled(0, "heldout"))
    _write(out / "literal-news-heldout.jsonl", labelled(1, "heldout"))
    _write(out / "nonconflict-polnear-dev.jsonl", polnear_snippets())
    _write(out / "nonconflict-claimbuster.jsonl", claimbuster_sentences())


if __name__ == "__main__":
    main()
