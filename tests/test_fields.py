from __future__ import annotations

import pytest

from spinscope.ingest import fields


@pytest.mark.parametrize(
    ("lines", "outlet"),
    [
        (["Contact us: info@strategic-culture.su"], "strategic-culture.su"),
        (["Write to us at editors@mail.example.org"], "example.org"),
        (
            ["Contact: someone@gmail.com", "© 2024 Daily Sample. All rights reserved."],
            "Daily Sample",
        ),
        (["Visit https://www.sample-news.example/about"], "sample-news.example"),
        (
            ["©2018 Los Angeles Times, Distributed by Tribune Content Agency, LLC."],
            "Los Angeles Times",
        ),
        (["©2018 The Virginian-Pilot (Norfolk, Va.)"], "The Virginian-Pilot"),
    ],
)
def test_outlet_comes_from_contact_lines(lines: list[str], outlet: str) -> None:
    assert fields.outlet_from_lines(lines) == outlet


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("You can follow Lucas on X and Telegram.", "Lucas"),
        ("Follow Maria Petrova on Twitter", "Maria Petrova"),
        ("By Jane Roe", "Jane Roe"),
        ("Follow us on Telegram", None),
    ],
)
def test_author_comes_from_bylines_and_follow_prompts(line: str, author: str | None) -> None:
    assert fields.author_from_lines([line]) == author


def test_title_is_the_first_line_only_when_it_reads_as_one() -> None:
    assert (
        fields.infer_title("Kiev regime insists on X.\nBody text here.")
        == "Kiev regime insists on X."
    )
    long_first = "This is a sentence. And this is another one that goes on.\nMore text."
    assert fields.infer_title(long_first) is None
    assert fields.infer_title("Only one line") is None


@pytest.mark.parametrize(
    ("value", "iso"),
    [("2024-03-05T10:00:00Z", "2024-03-05T10:00:00+00:00"), ("5 March 2024", "2024-03-05"),
     ("March 5, 2024", "2024-03-05"), ("2024-03-05", "2024-03-05"), ("not a date", None)],
)  # fmt: skip
def test_dates_are_normalised_to_iso(value: str, iso: str | None) -> None:
    assert fields.to_iso_date(value) == iso


def test_genre_opinion_needs_first_person_stance_evidence() -> None:
    genre, evidence = fields.infer_genre(
        "I personally witnessed it. In my view this is wrong. I saw it."
    )
    assert genre == "opinion" and "I personally" in evidence
    assert fields.infer_genre("Officials said the bridge was closed.")[0] is None


def test_genre_ignores_first_person_inside_quotations() -> None:
    text = ('The senator spoke on Monday. "I think this is wrong, I believe we must act, and I '
            'personally will vote no," she said. Officials said the vote was delayed.')  # fmt: skip
    assert fields.infer_genre(text)[0] is None
