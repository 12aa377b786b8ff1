"""The teacher's plumbing that needs no torch: assembling MPNet from its split zip, the
special tokens of either vocabulary, reading unlabelled articles, and soft targets."""

import io
import zipfile

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from spinscope.analyzers.techniques import special_ids
from spinscope.train.teacher import join_parts, read_unlabeled


def _split_zip(tmp_path, members: dict[str, bytes], n: int = 3):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    blob = buf.getvalue()
    size = len(blob) // n + 1
    parts = []
    for k in range(n):
        part = tmp_path / f"model.zip.00{k + 1}"
        part.write_bytes(blob[k * size : (k + 1) * size])
        parts.append(part)
    return parts


def test_join_parts_rebuilds_the_archive_and_finds_the_model_folder(tmp_path):
    weights = bytes(range(256)) * 300  # spans several parts
    parts = _split_zip(
        tmp_path,
        {"m/config.json": b"{}", "m/model.safetensors": weights, "m/sub/config.json": b"{}"},
    )
    model = join_parts(parts, tmp_path / "cache")
    assert model == tmp_path / "cache" / "m"  # the shallowest config.json
    assert (model / "model.safetensors").read_bytes() == weights
    assert not (tmp_path / "cache" / "archive.zip").exists()
    # a second call reuses the unpacked folder even if the parts are gone
    for part in parts:
        part.unlink()
    assert join_parts(parts, tmp_path / "cache") == model


def test_join_parts_refuses_paths_outside_the_cache(tmp_path):
    parts = _split_zip(tmp_path, {"../evil.txt": b"x", "m/config.json": b"{}"}, n=1)
    with pytest.raises(SystemExit, match="unsafe path"):
        join_parts(parts, tmp_path / "cache")
    assert not (tmp_path / "evil.txt").exists()


def test_join_parts_in_the_wrong_order_fails_cleanly(tmp_path):
    parts = _split_zip(tmp_path, {"m/config.json": b"{}", "m/w.bin": bytes(5000)})
    with pytest.raises(SystemExit, match="damaged"):
        join_parts(parts[::-1], tmp_path / "cache")
    assert not (tmp_path / "cache" / ".complete").exists()


@pytest.mark.parametrize(
    "vocab,expected",
    [
        ({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "a": 4}, (2, 3, 0)),
        ({"<s>": 0, "<pad>": 1, "</s>": 2, "[UNK]": 3, "a": 4}, (0, 2, 1)),
    ],
)
def test_special_ids_of_bert_and_mpnet_vocabularies(vocab, expected):
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    assert special_ids(tok) == expected


def test_special_ids_rejects_a_vocabulary_without_them():
    tok = Tokenizer(models.WordLevel({"[UNK]": 0, "a": 1}, unk_token="[UNK]"))
    with pytest.raises(ValueError):
        special_ids(tok)


def test_read_unlabeled_keys_by_relative_path_and_skips_empty_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("First article.", encoding="utf-8")
    (tmp_path / "two.txt").write_bytes(b"caf\xe9 \xff")  # not UTF-8: replaced, not fatal
    (tmp_path / "empty.txt").write_text("  \n")
    texts = read_unlabeled(tmp_path)
    assert sorted(texts) == ["u:a/one", "u:two"]
    assert texts["u:a/one"] == "First article."
    with pytest.raises(SystemExit):
        read_unlabeled(tmp_path / "a" / "nothing-here")


def test_soft_targets_cover_every_word_piece_the_student_trains_on():
    """Soft targets are indexed by the student's word pieces of the whole article: one row
    per piece (also past the first window and after multi-byte characters), each a BIO
    distribution."""
    import numpy as np

    from spinscope.analyzers.techniques import WINDOW, TechniquesModel
    from spinscope.train.teacher import soft_targets

    model = TechniquesModel()
    text = "Kyiv’s “heroic” résistance — a shameful, disgusting farce. " * 60
    short = "They are traitors and cowards."
    logs: list[str] = []
    soft = soft_targets(model, {"long": text, "short": short}, log=logs.append)
    student = model.tok.encode(text, add_special_tokens=False).ids
    assert len(student) > WINDOW
    assert soft["long"].shape == (len(student), 3)
    assert soft["long"].dtype == np.float16
    assert np.allclose(soft["long"].astype(np.float32).sum(1), 1.0, atol=1e-2)
    assert soft["short"].shape == (len(model.encode(short).ids), 3)
    assert logs  # progress is reported
