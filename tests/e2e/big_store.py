"""A 10,000-article store for measuring search and chart speed, made without running models.

Run: ``python -m tests.e2e.big_store OUT.duckdb [articles] [DATA]``. The articles are the
PTC training articles and the SemEval-2023 articles (six languages) from DATA (default
/work/shared/data), each saved many times as a variant: another outlet (25 of them), date
(spread over two years), URL, and a line appended to the text, so that nothing is
deduplicated. Their technique spans are the corpora's gold spans, copied as findings (the
appended line keeps every offset valid); no other layer is stored. Write OUT outside the
repository: the corpora are not ours to copy.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from spinscope.document import Document, DocumentMeta, Provenance
from spinscope.store import Store

OUTLETS = 25
DAYS = 730


def base_articles(data: Path) -> list[tuple[str, str, str, list[tuple[str, int, int]]]]:
    """(id, language, text, [(technique, start, end)]) of every gold-annotated article."""
    sets = [("en", data / "ptc/train/articles", data / "ptc/train/train-task-TC.labels")]
    for lang_dir in sorted((data / "semeval2023").iterdir()):
        if (lang_dir / "spans.tsv").exists():
            sets.append((lang_dir.name, lang_dir / "articles", lang_dir / "spans.tsv"))
    out = []
    for lang, folder, labels in sets:
        spans: dict[str, list[tuple[str, int, int]]] = {}
        for line in labels.read_text(encoding="utf-8").splitlines():
            ident, label, start, end = line.split("\t")
            spans.setdefault(ident, []).append((label, int(start), int(end)))
        for path in sorted(folder.glob("article*.txt")):
            ident = path.stem.removeprefix("article")
            with path.open(encoding="utf-8", newline="") as f:
                text = f.read()
            out.append((f"{lang}-{ident}", lang, text, spans.get(ident, [])))
    return out


def variant(base: tuple[str, str, str, list[tuple[str, int, int]]], n: int) -> Document:
    ident, lang, text, spans = base
    day = dt.date(2024, 1, 1) + dt.timedelta(days=(n * 37) % DAYS)
    text = f"{text}\n\n(variant {n})\n"
    title = text.split("\n", 1)[0].strip() or ident
    outlet = f"outlet{(n * 7) % OUTLETS:02d}.example"
    doc = Document(
        id=f"{ident}-v{n}", source=f"{ident}.txt", text=text,
        meta=DocumentMeta(title=title, outlet=outlet, published=day.isoformat(), language=lang,
                          url=f"https://{outlet}/{ident}/{n}"),
    )  # fmt: skip
    doc.spans["techniques"] = []
    for label, start, end in spans:
        if 0 <= start < end <= len(text):
            doc.add_span("techniques", start, end, label, 1.0)
    doc.provenance = [Provenance(analyzer="gold-copy", version="1", model="corpus gold spans")]
    return doc


def build(out: Path, articles: int = 10_000, data: Path = Path("/work/shared/data")) -> str:
    bases = base_articles(data)
    for path in (out, out.with_name(out.name + ".wal")):
        path.unlink(missing_ok=True)
    start = time.perf_counter()
    with Store(out) as store:
        batch: list[Document] = []
        for n in range(articles):
            batch.append(variant(bases[n % len(bases)], n))
            if len(batch) == 500:
                store.save_many(batch)
                batch = []
        if batch:
            store.save_many(batch)
        count = store.count()
    seconds = time.perf_counter() - start
    return f"{count} articles from {len(bases)} originals stored in {seconds:.0f} s at {out}"


if __name__ == "__main__":
    args = sys.argv[1:]
    print(build(Path(args[0]), *(int(a) for a in args[1:2]), *(Path(a) for a in args[2:3])))
