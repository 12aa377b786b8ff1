"""Russian vs Ukrainian posts from real news, for measuring language identification.

``python research/language/ru_uk_posts.py OUT.jsonl`` samples texts of three lengths from
real annotated news: Russian from SemEval-2023 ru articles and factRuEval-2016, Ukrainian
from NER-UK 2.0 (``../shared/data``). Kinds: ``sentence`` (one sentence, 20-200 chars),
``post`` (2-4 consecutive sentences, like a Telegram post), ``mixed`` (a post with a
quoted sentence of the other language, a URL, a hashtag and an emoji: the label is the
language of the majority of sentences). Each line: ``{"id", "lang", "kind", "text"}``.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SPLIT = re.compile(r"(?<=[.!?…»])\s+(?=[«\"A-ZА-ЯЁІЇЄҐ])")


def sentences(text: str) -> list[str]:
    out = []
    for para in text.splitlines():
        out += [s.strip() for s in SPLIT.split(para) if 20 <= len(s.strip()) <= 200]
    return out


def corpus(data: Path) -> dict[str, list[list[str]]]:
    ru = [(data / "semeval2023/ru/articles" / p.name).read_text(encoding="utf-8")
          for p in sorted((data / "semeval2023/ru/articles").glob("*.txt"))]  # fmt: skip

    def docs(name: str) -> list[str]:
        lines = (data / "realnews" / name / "docs.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(x)["text"] for x in lines if x.strip()]

    ru += docs("factrueval-dev")
    uk = docs("ner-uk-train")
    return {"ru": [sentences(t) for t in ru], "uk": [sentences(t) for t in uk]}


def main(out: Path, data: Path = DATA, n: int = 600, seed: int = 13) -> None:
    rng = random.Random(seed)
    docs = corpus(data)
    rows = []
    for lang, other in (("ru", "uk"), ("uk", "ru")):
        pool = [d for d in docs[lang] if len(d) >= 4]
        for i in range(n):
            d = rng.choice(pool)
            k = rng.randrange(len(d) - 3)
            rows.append({"lang": lang, "kind": "sentence", "text": d[k]})
            post = " ".join(d[k : k + rng.randint(2, 4)])
            rows.append({"lang": lang, "kind": "post", "text": post})
            quote = rng.choice(rng.choice([x for x in docs[other] if x]))
            mixed = (f"{d[k]} {d[k + 1]} «{quote}» {d[k + 2]} https://t.me/s/channel/{i} "
                     f"#{rng.choice(['новини', 'новости', 'war'])} 🔥")  # fmt: skip
            rows.append({"lang": lang, "kind": "mixed", "text": mixed})
    for i, r in enumerate(rows):
        r["id"] = f"{r['lang']}-{r['kind']}-{i}"
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} texts -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
