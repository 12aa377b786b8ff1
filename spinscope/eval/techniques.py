"""Run the techniques model over PTC-style folders: predictions, evaluation and a benchmark."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spinscope.errors import InputError
from spinscope.eval import ptc as corpus


def predict_e2e(
    model: Any,
    texts: dict[str, str],
    threshold: float | None = None,
    second_label: float | None = None,
    cache: dict | None = None,
) -> list[corpus.Line]:
    """End-to-end predictions (one line per span and technique) for each article.

    ``cache`` (article id -> encoder outputs) lets threshold sweeps skip the encoder.
    """
    lines: list[corpus.Line] = []
    for aid, text in texts.items():
        if cache is not None and aid in cache:
            segs, outs = cache[aid]
        else:
            segs = model.segments_of(text)
            outs = model.forward(segs)
            if cache is not None:
                cache[aid] = (segs, outs)
        found = model.predict_segments(text, segs, outs, threshold, second_label)
        for s, e, label, _ in model.with_lexicon(text, found):
            lines.append((aid, label, s, e))
    return lines


def predict_tc(
    model: Any, texts: dict[str, str], template: Sequence[corpus.Line]
) -> list[corpus.Line]:
    """Name the technique of each template line; duplicates of a span get distinct labels.

    Where a template repeats the same span k times (a span carrying k techniques), the k
    lines receive the model's k best techniques in rank order.
    """
    by_art: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for aid, _, s, e in template:
        if aid not in texts:
            raise InputError(aid, "the template names this article, which is not in the folder")
        if (s, e) not in by_art[aid]:
            by_art[aid].append((s, e))
    ranks: dict[tuple[str, int, int], list[str]] = {}
    for aid, spans in by_art.items():
        text = texts[aid]
        for i, ranking in enumerate(model.classify_spans(text, spans)):
            ranks[(aid, *spans[i])] = ranking
    seen: dict[tuple[str, int, int], int] = defaultdict(int)
    out = []
    for aid, _, s, e in template:
        key = (aid, s, e)
        ranking = ranks[key]
        out.append((aid, ranking[min(seen[key], len(ranking) - 1)], s, e))
        seen[key] += 1
    return out


def evaluate(model: Any, data_dir: str | Path, ids: Sequence[str], bootstrap: int = 0) -> dict:
    """SI, TC (on gold spans) and end-to-end scores on the given article ids; with
    ``bootstrap`` N, each also gets a 95% interval of its F1 over resampled articles."""
    data_dir = Path(data_dir)
    texts = corpus.select(corpus.read_articles(data_dir), ids, data_dir)
    gold = corpus.restrict(corpus.read_labels(corpus.find_labels(data_dir, "TC")), ids)
    pred = predict_e2e(model, texts)
    tc_pred = predict_tc(model, texts, gold)
    result: dict = {"articles": len(ids)}
    for task, lines in (("si", pred), ("tc", tc_pred), ("e2e", pred)):
        result[task] = corpus.SCORERS[task](gold, lines).as_dict()
        if bootstrap:
            lo, hi = corpus.bootstrap_f1(task, gold, lines, bootstrap)
            result[task]["f1_95_interval"] = [round(lo, 4), round(hi, 4)]
    return result


def bench(model_dir: str | Path | None, folder: str | Path, batch_size: int = 16) -> dict:
    """Throughput of the techniques layer over a folder of articles (loading timed apart).

    The layer time covers tokenizing, windowing, the encoder, stitching, decoding and span
    naming through :class:`~spinscope.analyzers.techniques.TechniquesAnalyzer`; the bare
    forward time runs only the ONNX encoder over exactly the same padded batches.
    """
    import numpy as np

    from spinscope.analyzers import technique_spans as ts
    from spinscope.analyzers import techniques as tech
    from spinscope.document import Document

    texts = corpus.read_articles(folder)
    t0 = time.perf_counter()
    analyzer = tech.TechniquesAnalyzer()
    if model_dir is not None:
        analyzer._model = tech.TechniquesModel(model_dir)
    net = analyzer.net
    load_s = time.perf_counter() - t0
    docs = [Document(id=a, source=a, text=t) for a, t in texts.items()]
    # Warm-up on one article so one-off allocations do not count.
    analyzer.pipe([Document(id="w", source="w", text=docs[0].text)], batch_size)
    t0 = time.perf_counter()
    analyzer.pipe(docs, batch_size)
    layer_s = time.perf_counter() - t0
    n_spans = sum(len(d.layer("techniques")) for d in docs)

    # The same batches, encoder only.
    batches = []
    n_tokens = 0
    for d in docs:
        segs = net.segments_of(d.text, d.content_ranges())
        n_tokens += sum(len(s.ids) for s in segs)
        jobs = sorted(
            ((k, a, b) for k, s in enumerate(segs) for a, b in ts.windows(len(s.ids))),
            key=lambda j: j[2] - j[1],
        )
        for i in range(0, len(jobs), batch_size):
            batch = jobs[i : i + batch_size]
            width = max(b - a for _, a, b in batch) + 2
            ids = np.full((len(batch), width), net.pad_id, np.int64)
            mask = np.zeros_like(ids)
            for r, (k, a, b) in enumerate(batch):
                ids[r, 0], ids[r, b - a + 1] = net.cls_id, net.sep_id
                ids[r, 1 : b - a + 1] = segs[k].ids[a:b]
                mask[r, : b - a + 2] = 1
            batches.append((ids, mask))
    t0 = time.perf_counter()
    for ids, mask in batches:
        if net.embeddings is not None:
            feed = {"inputs_embeds": net.embeddings.lookup(ids), "attention_mask": mask}
        else:
            feed = {"input_ids": ids, "attention_mask": mask}
        net.encoder.run(None, feed)
    bare_s = time.perf_counter() - t0
    return {
        "articles": len(docs),
        "tokens": n_tokens,
        "spans": n_spans,
        "model_load_s": round(load_s, 3),
        "layer_s": round(layer_s, 3),
        "articles_per_s": round(len(docs) / layer_s, 2),
        "tokens_per_s": round(n_tokens / layer_s, 1),
        "bare_forward_s": round(bare_s, 3),
        "layer_to_bare_forward": round(layer_s / bare_s, 3),
        "batch_size": batch_size,
        "model_bytes": sum(
            p.stat().st_size for p in Path(net.dir).iterdir() if p.suffix in {".onnx", ".json"}
        ),
    }
