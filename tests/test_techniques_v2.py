"""The multilingual techniques model: paragraph units, taxonomies, same text -> same spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.analyzers import techniques as tech
from spinscope.eval import semeval
from spinscope.taxonomy import SEMEVAL2023, TECHNIQUES, TO_PTC

BODY = [
    "The Kiev regime has once again shown its true face.",
    "In response to Ukrainian terrorism, the army struck military targets, officials said.",
    "These vile thugs and their Western puppet masters will stop at nothing to destroy "
    "our great nation, and the cowardly attack was a suicide mission doomed to fail.",
    "The mayor said repairs to the water supply would take two days.",
]
TITLE = "Kiev regime sends its soldiers into the meat grinder"


@pytest.fixture(scope="module")
def model() -> tech.TechniquesModel:
    return tech.TechniquesModel()


def test_paragraph_ranges_skip_blank_lines_crlf_and_bom():
    text = "\ufeffTitle\r\n\r\n  First para. \r\nSecond\n\n"
    got = [text[s:e] for s, e in tech.paragraph_ranges(text)]
    assert got == ["Title", "First para.", "Second"]
    a, b = text.index("  First"), text.index("Second")
    assert [text[s:e] for s, e in tech.paragraph_ranges(text, a, b)] == ["First para."]


def test_paragraph_labels_follow_lines_over_crlf():
    text = "T\r\n\r\nab cd\r\nef"
    labels = semeval.paragraph_labels(text, [("X", 5, 7), ("Y", 6, 13)])
    assert labels == [set(), set(), {"X", "Y"}, {"Y"}]


def test_snap_end_completes_a_word_cut_one_character_short():
    text = "zu eskalieren."
    assert semeval.snap_end(text, 12) == 13
    assert semeval.snap_end(text, 13) == 13


def test_the_model_reads_the_23_semeval_labels_and_maps_to_ptc(model):
    assert model.labels == list(SEMEVAL2023) and len(SEMEVAL2023) == 23
    assert set(TO_PTC) == set(SEMEVAL2023)
    assert {v for v in TO_PTC.values() if v} == set(TECHNIQUES)
    text = "\n".join([TITLE, "", *BODY])
    model.set_taxonomy("semeval2023")
    own = model.predict(text)
    model.set_taxonomy("ptc")
    try:
        ptc = model.predict(text)
    finally:
        model.set_taxonomy("semeval2023")
    assert own and ptc
    assert {lab for _, _, lab, _ in own} <= set(SEMEVAL2023)
    assert {lab for _, _, lab, _ in ptc} <= set(TECHNIQUES)


def test_unknown_taxonomy_is_a_clear_error(model):
    from spinscope.errors import ConfigError

    with pytest.raises(ConfigError, match="semeval2023 or ptc"):
        model.set_taxonomy("mbfc")


def _per_paragraph(doc_text: str, spans) -> set[tuple[int, int, int, str]]:
    """Spans as (body paragraph, start and end within it, technique): comparable across
    texts whose paragraphs are separated differently."""
    out = set()
    for s in spans:
        for k, para in enumerate(BODY):
            p = doc_text.find(para)
            if p <= s.start and s.end <= p + len(para):
                out.add((k, s.start - p, s.end - p, s.label))
    return out


def test_same_body_gives_same_spans_as_txt_htm_and_reprint(tmp_path: Path):
    import spinscope

    body = "\n\n".join(BODY)
    plain = f"{TITLE}\n\n{body}\n"
    reprint = (
        f"{TITLE}\n\nShare this article on Facebook\nSubscribe to our newsletter\n\n{body}\n\n"
        "© 2026 Reprint Daily. All rights reserved.\nContact us: desk@reprint.example\n"
    )
    paras = "".join(f"<p>{p}</p>" for p in BODY)
    html = (
        "<!doctype html><html><head><title>" + TITLE + "</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{TITLE}</h1>{paras}</article>"
        "<footer>Subscribe to our newsletter. © 2026 Example News</footer></body></html>"
    )
    (tmp_path / "a.txt").write_text(plain, encoding="utf-8")
    (tmp_path / "b.txt").write_text(reprint, encoding="utf-8")
    (tmp_path / "c.htm").write_text(html, encoding="utf-8")
    results = []
    for name in ("a.txt", "b.txt", "c.htm"):
        doc = spinscope.analyze(tmp_path / name, layers=["boilerplate", "techniques"])
        start = doc.text.index(BODY[0])
        spans = [s for s in doc.layer("techniques") if s.start >= start]
        found = _per_paragraph(doc.text, spans)
        assert len(found) == len(spans), name  # every span lies inside one body paragraph
        results.append(found)
    assert results[0], "the loaded body should give spans"
    assert results[0] == results[1] == results[2]


def test_techniques_predict_keeps_crlf_and_bom_offsets(tmp_path: Path, capsys):
    from spinscope.cli import main

    text = "\ufeff" + TITLE + "\r\n\r\n" + "\r\n".join(BODY) + "\r\n"
    (tmp_path / "article77.txt").write_bytes(text.encode("utf-8"))
    assert main(["techniques", "predict", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines
    for line in lines:
        aid, label, s, e = line.split("\t")
        span = text[int(s) : int(e)]
        assert aid == "77" and label in SEMEVAL2023
        assert span and span == span.strip() and "\r" not in span and "\ufeff" not in span


def test_techniques_eval_scores_each_language_of_a_semeval_folder(tmp_path: Path, capsys):
    import json

    from spinscope.cli import main

    text = "Киевский режим снова лжёт\r\n\r\nЭти подлые негодяи уничтожат нашу великую страну.\r\n"
    start = text.index("подлые")
    d = tmp_path / "ru"
    (d / "articles").mkdir(parents=True)
    (d / "articles" / "article5.txt").write_bytes(text.encode("utf-8"))
    # The gold end falls one character short of the word, as in the released files.
    (d / "spans.tsv").write_text(f"5\tLoaded_Language\t{start}\t{start + 15}\n")
    (d / "val.txt").write_text("5\n")
    assert main(["techniques", "eval", str(tmp_path), "--lang", "ru", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"ru"} and result["ru"]["articles"] == 1
    assert {"si", "e2e", "paragraph"} <= set(result["ru"])
    assert result["ru"]["paragraph"]["n_gold"] == 1  # one (line, technique) pair
    assert main(["techniques", "eval", str(tmp_path), "--lang", "xx"]) == 2


class _CountingSession:
    """Wraps an onnxruntime session and records the batch shape of each call."""

    def __init__(self, session) -> None:  # type: ignore[no-untyped-def]
        self.session, self.shapes = session, []

    def run(self, names, feed):  # type: ignore[no-untyped-def]
        self.shapes.append(next(iter(feed.values())).shape[:2])
        return self.session.run(names, feed)


def test_short_paragraphs_share_encoder_calls_and_get_the_same_outputs(model) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    text = "\n".join(f"Paragraph {i}: {BODY[i % len(BODY)]}" for i in range(40))
    segs = model.segments_of(text)
    net = tech.TechniquesModel()
    net.encoder = calls = _CountingSession(model.encoder)
    together = net.forward(segs, batch_size=8)
    assert len(segs) == 40 and len(calls.shapes) < 40 / 8
    assert all(rows * width <= tech.TOKENS_PER_BATCH for rows, width in calls.shapes)
    for seg, outputs in zip(segs, together, strict=True):
        alone = model.forward([seg], batch_size=1)[0]
        assert all(np.array_equal(a, b) for a, b in zip(outputs, alone, strict=True))
