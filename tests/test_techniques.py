"""The techniques layer: BIO codec on tricky offsets, window stitching, the committed model."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from spinscope.analyzers import technique_spans as ts
from spinscope.analyzers import techniques as tech
from spinscope.document import Document
from spinscope.eval import ptc
from spinscope.taxonomy import LABELS, SEMEVAL2023, TECHNIQUES

DATA = Path(__file__).parent / "data" / "ptc"


@pytest.fixture(scope="module")
def model() -> tech.TechniquesModel:
    return tech.TechniquesModel()


@pytest.fixture(scope="module")
def corpus() -> tuple[dict[str, str], list[ptc.Line]]:
    return ptc.read_articles(DATA), ptc.read_labels(ptc.find_labels(DATA, "TC"))


def test_ptc_taxonomy_has_the_14_corpus_labels(model):
    assert len(TECHNIQUES) == 14
    model.set_taxonomy("ptc")
    try:
        assert model.out_labels == sorted(LABELS)
    finally:
        model.set_taxonomy(model.taxonomy)


def test_bio_round_trip_on_curly_quotes_multibyte_and_article_end(model, corpus):
    texts, gold = corpus
    for aid, text in texts.items():
        spans = ptc.merge_spans((s, e) for a, _, s, e in gold if a == aid)
        enc = model.encode(text)
        # offsets are characters of the Python string, also after "’", "Zürich" and "🙂";
        # a SentencePiece piece that starts a word also covers the space before it (and a
        # lone word-start marker covers just that space)
        for s, e in enc.offsets:
            piece = text[s:e]
            assert e > s and (piece.rstrip() == piece or piece.isspace())
        tags = ts.bio_encode(enc.offsets, spans)
        p_in = [0.0 if t == ts.O else 1.0 for t in tags]
        p_b = [1.0 if t == ts.B else 0.0 for t in tags]
        decoded = [
            ts.snap_to_words(text, s, e) for s, e, _ in ts.bio_decode(enc.offsets, p_in, p_b)
        ]
        assert decoded == spans, aid
    assert any(e == len(texts[a]) for a, _, _, e in gold)  # the fixture has a span at the end


def test_bio_encode_marks_first_piece_of_each_adjacent_span_as_b():
    offsets = [(0, 3), (4, 7), (8, 11), (12, 15)]
    assert ts.bio_encode(offsets, [(0, 7), (8, 15)]) == [ts.B, ts.I, ts.B, ts.I]
    assert ts.bio_encode(offsets, [(5, 9)]) == [ts.O, ts.B, ts.I, ts.O]


def test_snap_to_words_widens_partial_words_and_trims_space():
    text = "  the treasonous thugs  "
    assert ts.snap_to_words(text, 8, 14) == (6, 16)
    assert ts.snap_to_words(text, 0, 24) == (2, 22)


def test_snap_to_words_keeps_contractions_and_possessives_whole():
    text = "the fog of irony weren’t thick; Steinle's killer hasn't"
    i = text.index("fog")
    assert text[slice(*ts.snap_to_words(text, i, text.index("’")))] == "fog of irony weren’t"
    i = text.index("s killer")
    assert text[slice(*ts.snap_to_words(text, i, i + 8))] == "Steinle's killer"
    text = "a plan to sabotage Russia-U.S. talks. Next"
    i = text.index("Russia")
    assert text[slice(*ts.snap_to_words(text, i, i + 8))] == "Russia-U.S"
    assert ts.snap_to_words(text, 0, 6) == (0, 6)  # "a plan": no joiner at its ends
    # a quote mark that closes a word is not an apostrophe inside one
    assert ts.snap_to_words("‘thugs’ here", 1, 6) == (1, 6)


def test_sentence_bounds_stop_at_sentence_ends_and_lines():
    text = "Title\nHe said it. But they doubt that it works! Why? “Because,” he said.\nNext."

    def around(word: str) -> str:
        i = text.index(word)
        return text[slice(*ts.sentence_bounds(text, i, i + len(word)))]

    assert around("doubt that") == "But they doubt that it works!"
    assert around("Because") == "“Because,” he said."
    assert around("Why") == "Why?"
    assert around("it works!") == "But they doubt that it works!"
    assert around("Title") == "Title"
    assert around("works! Why") == "But they doubt that it works! Why?"  # never narrower
    assert around("Next") == "Next."
    assert ts.sentence_bounds("Mr. Smith doubts it. Yes.", 4, 9) == (0, 20)  # not at "Mr."
    assert ts.sentence_bounds("The U.S. Army and J. Doe lie. So.", 18, 24) == (0, 29)


def test_function_word_spans_are_not_findings():
    assert not ts.has_content_word("the")
    assert not ts.has_content_word("in the")
    assert ts.has_content_word("the regime")


def test_widened_duplicates_collapse_to_one_span_per_technique():
    found = [
        (0, 40, "Doubt", 0.3, 0.5),  # two cores of one sentence, both widened to it
        (0, 40, "Doubt", 0.6, 0.4),
        (5, 12, "Doubt", 0.2, 0.3),  # inside the sentence span of the same technique
        (5, 12, "Loaded_Language", 0.7, 0.8),  # another technique: kept
    ]
    assert tech._drop_contained(found) == [
        (0, 40, "Doubt", 0.6, 0.5),
        (5, 12, "Loaded_Language", 0.7, 0.8),
    ]


def test_windows_cover_every_piece_with_overlap():
    for n in (1, 254, 255, 600, 1000):
        wins = ts.windows(n, 254, 192)
        covered = set()
        for a, b in wins:
            assert 0 <= a < b <= n and b - a <= 254
            covered |= set(range(a, b))
        assert covered == set(range(n))
        assert all(a2 < b1 for (_, b1), (a2, _) in itertools.pairwise(wins))


class _EchoEncoder:
    """Fake ONNX session: BIO logits and hidden vectors that depend only on the piece id."""

    def run(self, _names, feeds):
        ids = feeds["input_ids"].astype(np.float32)
        logits = np.stack([ids % 3, ids % 5, ids % 7], -1)
        hidden = np.repeat(ids[..., None], 4, -1)
        return logits, hidden


def test_window_stitching_averages_to_the_per_piece_values(model):
    fake = object.__new__(tech.TechniquesModel)
    fake.encoder = _EchoEncoder()
    fake.config = {"hidden_size": 4}
    fake.cls_id, fake.sep_id, fake.pad_id = 101, 102, 0
    fake.embeddings = None  # a v1-style model fed piece ids
    ids = [1000 + (i * 37) % 500 for i in range(700)]  # long enough for 4 overlapping windows
    seg = tech.Encoded(ids, [(i, i + 1) for i in range(700)])
    short = tech.Encoded(ids[:10], [(i, i + 1) for i in range(10)])
    (probs, hidden), (p2, h2) = fake.forward([seg, short], batch_size=3)
    assert np.allclose(hidden[:, 0], ids)
    assert np.allclose(h2[:, 0], ids[:10])
    assert np.allclose(probs.sum(-1), 1.0, atol=1e-5)
    assert np.allclose(probs[5], p2[5], atol=1e-6)  # a piece's value does not depend on windows


def test_model_finds_an_obviously_loaded_phrase(model):
    text = (
        "Farm minister meets growers\n\n"
        "The minister met farmers on Tuesday to discuss the price of wheat. "
        "Critics called the plan a disgusting betrayal by corrupt thugs. "
        "These vile monsters want to destroy everything we love.\n"
        "The meeting lasted two hours.\n"
    )
    doc = Document(id="t", source="t", text=text)
    tech.TechniquesAnalyzer()(doc)
    spans = doc.layer("techniques")
    loaded = {"Loaded_Language", "Name_Calling-Labeling"}
    assert not any(doc.span_text(s).startswith("Farm") for s in spans)
    hits = [
        s
        for s in spans
        for word in ("thugs", "vile")
        if s.label in loaded and s.overlaps(text.index(word), text.index(word) + len(word))
    ]
    assert hits, [(doc.span_text(s), s.label) for s in spans]
    for s in spans:
        assert doc.span_text(s) == doc.span_text(s).strip()
        assert s.label in SEMEVAL2023 and 0.0 <= s.score <= 1.0
        assert s.attrs["taxonomy"] == "semeval2023"
    assert doc.provenance[-1].analyzer == "techniques"


def test_analyzer_skips_boilerplate(model):
    text = "Subscribe to our newsletter, you evil traitors!\n\nThe corrupt thugs lie again."
    doc = Document(id="b", source="b", text=text)
    doc.add_span("boilerplate", 0, text.index("\n"), "newsletter")
    tech.TechniquesAnalyzer()(doc)
    assert all(s.start > text.index("\n") for s in doc.layer("techniques"))


def test_classify_spans_ranks_all_techniques(model, corpus):
    texts, gold = corpus
    text = texts["1001"]
    spans = [(s, e) for a, _, s, e in gold if a == "1001"]
    ranks = model.classify_spans(text, spans)
    assert len(ranks) == len(spans)
    assert all(sorted(r) == sorted(model.out_labels) for r in ranks)


def test_predict_command_fills_template_lines_in_order(tmp_path, capsys):
    from spinscope.cli import main

    template = tmp_path / "template.tsv"
    lines = (DATA / "train-task-TC.labels").read_text().splitlines()
    template.write_text("".join(line.replace(line.split("\t")[1], "?") + "\n" for line in lines))
    assert main(["ptc", "predict", str(DATA / "articles"), "--spans", str(template)]) == 0
    out = capsys.readouterr().out.splitlines()

    def key(line: str) -> tuple[str, str, str]:
        aid, _, start, end = line.split("\t")
        return aid, start, end

    assert [key(x) for x in out] == [key(x) for x in lines]
    assert all(x.split("\t")[1] in TECHNIQUES for x in out)
    # the span carrying two techniques gets two different ones
    dup = [x.split("\t")[1] for x in out if x.split("\t")[2:] == ["48", "73"]]
    assert len(dup) == 2 and dup[0] != dup[1]


def test_predict_command_writes_spans_with_exact_offsets(capsys):
    from spinscope.cli import main

    assert main(["ptc", "predict", str(DATA / "articles")]) == 0
    texts = ptc.read_articles(DATA)
    for line in capsys.readouterr().out.splitlines():
        aid, label, s, e = line.split("\t")
        span = texts[aid][int(s) : int(e)]
        assert label in TECHNIQUES and span and span == span.strip()


def test_hysteresis_decoding_grows_confident_cores_and_stops_at_lines():
    text = "aa bb cc\ndd ee"
    offsets = [(0, 2), (3, 5), (6, 8), (9, 11), (12, 14)]
    p_in = [0.3, 0.9, 0.3, 0.3, 0.3]
    p_b = [0.2, 0.0, 0.0, 0.2, 0.0]
    # without a low threshold only the core; with it the run grows to the line end
    assert [x[:2] for x in ts.bio_decode(offsets, p_in, p_b, 0.5)] == [(3, 5)]
    grown = ts.bio_decode(offsets, p_in, p_b, 0.5, low=0.25, text=text)
    assert [x[:2] for x in grown] == [(0, 8)]  # "dd ee" has no confident core: dropped
    assert ts.merge_close("ab cd\nef", [(0, 2, 1.0), (3, 5, 0.5), (6, 8, 1.0)], 2) == [
        (0, 5, 0.75),
        (6, 8, 1.0),
    ]


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
    assert tech.special_ids(tok) == expected


def test_special_ids_rejects_a_vocabulary_without_them():
    tok = Tokenizer(models.WordLevel({"[UNK]": 0, "a": 1}, unk_token="[UNK]"))
    with pytest.raises(ValueError):
        tech.special_ids(tok)


def test_provenance_scores_are_keyed_by_the_set_they_were_measured_on() -> None:
    """Like every layer's provenance: {set description: {metric: value}}, so a reader sees
    which real articles each score comes from (the model card's config keeps them flat)."""
    metrics = tech.by_eval_set({
        "taxonomy": "semeval2023", "eval": "SemEval-2023 val", "span_f1": {"en": 0.44},
        "ptc_val": {"eval": "PTC val (67 articles)", "si_f1": 0.45},
    })  # fmt: skip
    assert metrics == {"SemEval-2023 val": {"span_f1": {"en": 0.44}},
                       "PTC val (67 articles)": {"si_f1": 0.45}}  # fmt: skip
    shipped = tech.TechniquesAnalyzer().provenance().metrics
    assert shipped and all(isinstance(v, dict) and " " in k for k, v in shipped.items())
    assert any(k.startswith("SemEval-2023") for k in shipped)
    assert any(k.startswith("PTC") for k in shipped)
