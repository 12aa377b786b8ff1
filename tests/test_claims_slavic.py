"""Claims in Russian and Ukrainian: sentences, attribution kinds and the e5 scorer."""

from __future__ import annotations

import pytest

from spinscope.analyzers.claims_slavic import attribute, scorer, sentences
from spinscope.config import Settings
from spinscope.document import Document
from spinscope.pipeline import Pipeline


def test_sentences_keep_abbreviations_and_initials_and_stop_at_line_breaks() -> None:
    text = ("В. Путин прибыл в г. Казань в 10 ч. утра. Визит продлится 2 дня.\n"
            "Новий рядок без крапки\nА тут — «цитата». Далі текст.")  # fmt: skip
    got = [text[a:b] for a, b in sentences(text)]
    assert got == [
        "В. Путин прибыл в г. Казань в 10 ч. утра.",
        "Визит продлится 2 дня.",
        "Новий рядок без крапки",
        "А тут — «цитата».",
        "Далі текст.",
    ]


@pytest.mark.parametrize(
    ("lang", "sentence", "kind", "source"),
    [
        ("ru", "По словам Дмитрия Пескова, переговоры зашли в тупик.", "named", "Дмитрия Пескова"),
        (
            "ru",
            "Губернатор Вячеслав Гладков заявил, что повреждены 40 домов.",
            "named",
            "Губернатор Вячеслав Гладков",
        ),
        ("ru", "«Это провокация», — заявила Мария Захарова.", "named", "Мария Захарова"),
        (
            "ru",
            "Источники агентства рассказали, что сделка сорвалась.",
            "vague",
            "Источники агентства",
        ),
        ("ru", "Как сообщают местные СМИ, в городе слышны взрывы.", "vague", "местные СМИ"),
        ("ru", "Сообщается, что погибли трое.", "vague", None),
        ("ru", "Об этом сообщает РБК со ссылкой на Reuters.", "named", "РБК"),
        (
            "ru",
            "По словам одного из чиновников, решение уже принято.",
            "vague",
            "одного из чиновников",
        ),
        ("ru", "Мы видели, как горел склад.", "named", None),  # "мы видели": not a cue here
        ("uk", "За даними ТСН, вартість будинків сягає $1,5 млн.", "named", "ТСН"),
        ("uk", "Як повідомляють місцеві ЗМІ, ремонт завершено.", "vague", "місцеві ЗМІ"),
        (
            "uk",
            "Про це повідомляється у «Віснику державних закупівель».",
            "named",
            "«Віснику державних закупівель»",
        ),
        ("uk", "Нібито удар завдали з території Білорусі.", "vague", None),
        ("uk", "Зазначимо, що тендер провели без конкуренції.", "self", None),
        (
            "uk",
            "Міністр Юрій Продан заявив, що питання потребує вивчення.",
            "named",
            "Міністр Юрій Продан",
        ),
    ],
)
def test_attribution_kinds_in_both_languages(lang, sentence, kind, source) -> None:
    cue = attribute(sentence, 0, len(sentence), lang)
    if source is None and kind == "named":
        assert cue is None  # no cue at all
        return
    assert cue is not None and cue.kind == kind
    got = sentence[cue.source[0] : cue.source[1]] if cue.source else None
    assert got == source


def test_words_that_only_look_like_cues_are_not_cues() -> None:
    for lang, sentence in [
        ("ru", "Всякие заявления о переговорах несут только вред."),
        ("ru", "Американцы боятся за ЛГБТ-сообщество."),
        ("uk", "Наразі повідомлено підозру начальникові відділу."),
        ("uk", "Це джерело її наснаги."),
    ]:
        assert attribute(sentence, 0, len(sentence), lang) is None, sentence


def test_russian_and_ukrainian_articles_get_claims_with_sources() -> None:
    text = (
        "Киев снова обстрелял Белгород\n\nПо данным Минобороны России, в понедельник по "
        "Белгороду выпустили 12 ракет, погибли трое мирных жителей. Что будет дальше?\n"
    )
    out = (
        Pipeline(Settings(layers=["claims"]))
        .run(Document(id="ru", source="ru.txt", text=text))
        .to_dict()
    )
    claims = out["claims"]
    assert all(text[c["start"] : c["end"]] == c["text"] for c in claims)
    cited = [c for c in claims if c["attribution"]["kind"] == "named"]
    assert cited and cited[0]["attribution"]["source"] == "Минобороны России"
    a = cited[0]["attribution"]
    assert text[a["start"] : a["end"]] == a["source"]
    assert not any(c["text"].endswith("?") for c in claims)


def test_the_e5_scorer_ranks_a_factual_report_above_an_exclamation() -> None:
    model = scorer()
    fact, chatter = model.score([
        "В понедельник по Белгороду выпустили 12 ракет, погибли трое мирных жителей.",
        "Ну что ж, посмотрим, друзья!",
    ])  # fmt: skip
    assert fact > model.threshold("ru") > chatter
