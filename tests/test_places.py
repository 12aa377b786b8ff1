"""Places: subdivisions as places of their own, every place geocoded, context decides
homonyms, and the docs.jsonl scorer behind ``spinscope entities eval``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.analyzers.entities import EntitiesAnalyzer
from spinscope.cli import main
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.eval.realnews import haversine_km, predict, read_docs, score_ner, score_places

DOCS = Path(__file__).parent / "data" / "places" / "docs.jsonl"
#: Geographic centre of the contiguous United States (near Lebanon, Kansas).
US_CENTRE = (39.83, -98.58)


def places(text: str) -> list[dict]:
    doc = Document(id="t", source="t", text=text)
    doc.start_layer("boilerplate")
    EntitiesAnalyzer()(doc)
    return [e for e in doc.to_dict()["entities"] if e["label"] == "PLACE"]


def place(text: str, written: str) -> dict:
    found = [p for p in places(text) if p["text"] == written]
    assert found, f"{written!r} not found as a place in {text!r}"
    return found[0]


def test_oblasts_named_by_their_centre_are_the_region_not_the_town() -> None:
    text = "Drones hit the Kursk region overnight. Shelling in the Kharkov region killed two."
    kursk = place(text, "Kursk region")
    kharkiv = place(text, "Kharkov region")
    assert kursk["canonical"] == "Kursk Oblast"
    assert kharkiv["canonical"] == "Kharkiv Oblast"
    assert kharkiv["variant"] == "russian_transliteration"
    assert kursk["country"] == "RU" and kharkiv["country"] == "UA"


def test_an_offensive_named_after_a_town_is_about_its_region() -> None:
    assert place("The Kursk offensive continued.", "Kursk")["canonical"] == "Kursk Oblast"
    # the bare town name stays the town
    assert place("Drones hit Kursk overnight.", "Kursk")["canonical"] == "Kursk"


@pytest.mark.parametrize("name", ["Ohio", "California", "England", "Scotland", "Wales", "E.U."])
def test_states_nations_and_the_eu_have_coordinates(name: str) -> None:
    found = place(f"Officials in {name} met on Monday to discuss trade.", name)
    assert found["lat"] is not None and found["lon"] is not None


def test_every_place_has_coordinates() -> None:
    text = (
        "A Kanawha County man was charged in Charleston, W.Va. on Friday. "
        "Officials in West Virginia and Ohio said the Main Street bridge was closed."
    )
    found = places(text)
    assert found
    assert all(p["lat"] is not None and p["lon"] is not None for p in found)
    assert {p["geocoded"] for p in found} <= {"gazetteer", "article context"}


def test_the_united_states_sits_in_its_middle_not_in_indiana() -> None:
    us = place("U.S. officials said the deal was done.", "U.S.")
    # Wikipedia's point (40, -100) is 122 km from the geographic centre; Indiana is 1,000+
    assert haversine_km(us["lat"], us["lon"], *US_CENTRE) < 161


def test_a_town_takes_the_state_the_article_is_about() -> None:
    text = "Officials in Atlanta and Savannah said the storm would reach Columbus by Monday."
    columbus = place(text, "Columbus")
    assert (columbus["country"], columbus["admin1"]) == ("US", "GA")


def test_a_dateline_in_capitals_is_a_place() -> None:
    found = place("TORRINGTON — Mayor Ryan Bingham will hold a press conference.", "TORRINGTON")
    assert found["canonical"] == "Torrington"


def test_a_place_inside_an_organisation_name_is_nested_and_the_organisation_stays() -> None:
    doc = Document(id="t", source="t", text="The Kansas Department of Health released figures.")
    doc.start_layer("boilerplate")
    EntitiesAnalyzer()(doc)
    ents = {(doc.span_text(s), s.label): s for s in doc.layer("entities")}
    assert ents[("Kansas", "PLACE")].attrs["nested"] is True
    assert ("Kansas Department of Health", "ORG") in ents


def test_people_and_campaigns_are_not_places() -> None:
    text = (
        "Schiff said the memo was misleading. Melania visited a hospital. "
        "Hannity told viewers that Brexit would win, and Theresa May agreed."
    )
    assert {p["text"] for p in places(text)} == set()


# -- the scorer -------------------------------------------------------------------------------


def test_place_scores_on_a_small_annotated_file() -> None:
    report = score_places(predict(read_docs(DOCS)), errors=5)
    # "Americans" is a nationality word: left out of the gold places, counted
    assert report["demonyms_left_out"] == 1
    assert report["gold_places"] == 4
    assert report["matched"] == 4
    assert report["precision"] == 1.0 and report["recall"] == 1.0
    assert report["within_161km"] == 1.0
    assert report["errors"]["false"] == [] and report["errors"]["missed"] == []


def test_a_wrong_place_counts_against_precision_and_a_far_point_against_accuracy(
    tmp_path: Path,
) -> None:
    text = "Officials in Ohio met."
    gold = [{"start": 13, "end": 17, "label": "TOPONYM", "lat": 48.0, "lon": 2.0}]
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"id": "x", "text": text, "spans": gold}) + "\n")
    report = score_places(predict(read_docs(path)), errors=5)
    assert report["matched"] == 1 and report["within_161km"] == 0.0
    assert report["errors"]["far"][0]["text"] == "Ohio"
    path.write_text(json.dumps({"id": "x", "text": text, "spans": []}) + "\n")
    report = score_places(predict(read_docs(path)))
    assert report["precision"] == 0.0 and report["predicted_places"] == 1


def test_ner_scores_per_conll_type(tmp_path: Path) -> None:
    text = "Robert Mueller met officials of Google in Paris."
    spans = [
        {"start": 0, "end": 14, "label": "X", "coarse": "PER"},
        {"start": 32, "end": 38, "label": "X", "coarse": "ORG"},
        {"start": 42, "end": 47, "label": "X", "coarse": "LOC"},
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"id": "x", "text": text, "spans": spans}) + "\n")
    report = score_ner(predict(read_docs(path)))
    assert report["per_type"]["PER"]["f1"] == 1.0
    assert report["per_type"]["LOC"]["f1"] == 1.0
    assert report["overall_PER_ORG_LOC"]["gold"] == 3


def test_halves_split_the_file_without_overlap() -> None:
    a = {d.id for d in read_docs(DOCS, "a")}
    b = {d.id for d in read_docs(DOCS, "b")}
    assert a == {"p1", "p3"} and b == {"p2"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "text": "x"\n', "docs.jsonl:1: not JSON"),
        ('{"id": 1}\n', 'string "text"'),
        ('\n{"id": 1, "text": "abc", "spans": [{"start": 2, "end": 9}]}\n', "docs.jsonl:2: span 1"),
    ],
)
def test_a_malformed_line_is_named_with_its_number(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_docs(path)


def test_the_eval_command_prints_a_table_json_and_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["entities", "eval", str(DOCS)]) == 0
    out = capsys.readouterr().out
    assert "F1" in out and "within 161km" in out
    assert main(["entities", "eval", str(DOCS.parent), "--task", "ner", "--json"]) == 0
    assert "overall_PER_ORG_LOC" in json.loads(capsys.readouterr().out)
    assert main(["entities", "eval", str(tmp_path / "missing.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    assert main(["entities", "eval", str(bad)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_a_surname_and_its_possessive_take_the_full_name_used_in_the_article() -> None:
    doc = Document(
        id="t",
        source="t",
        text="Robert Mueller met lawyers. Mueller's team declined to comment. Later Mueller left.",
    )
    doc.start_layer("boilerplate")
    EntitiesAnalyzer()(doc)
    people = [(doc.span_text(s), s.attrs["canonical"]) for s in doc.layer("entities")
              if s.label == "PERSON"]  # fmt: skip
    assert people == [("Robert Mueller", "Robert Mueller"), ("Mueller", "Robert Mueller"),
                      ("Mueller", "Robert Mueller")]  # fmt: skip


def test_a_county_is_not_the_town_of_the_same_name() -> None:
    county = place("A Laurel County man was arrested on Friday.", "Laurel County")
    assert county["canonical"] == "Laurel County" and county["country"] == "US"
    assert county["admin1"] == "KY"  # not Laurel, Maryland


def test_a_legislators_home_and_contractions() -> None:
    text = "Rep. Wendell Gilliard, D-Charleston, said I've seen it."
    found = {p["text"]: p for p in places(text)}
    assert found["Charleston"]["country"] == "US"
    assert "I've" not in found


def test_a_hearing_in_washington_is_the_capital_not_the_state() -> None:
    washington = place("Schiff said the hearing in Washington would go on.", "Washington")
    assert washington["canonical"] == "Washington" and washington["admin1"] == "DC"


def test_homonymous_towns_are_read_where_the_storys_other_places_lie() -> None:
    # Kent has larger namesakes (Kent, Washington and Ohio), Canaan one in Maine; together
    # they are neighbouring towns of north-west Connecticut.
    text = "The regional school board serves Kent, Sharon, Cornwall, Salisbury and Canaan."
    found = {p["text"]: p for p in places(text)}
    assert (found["Kent"]["admin1"], found["Canaan"]["admin1"]) == ("CT", "CT")


def test_a_county_is_read_next_to_its_towns() -> None:
    text = "An Alexandria man was hurt in a crash near St. Cloud, the Douglas County sheriff said."
    found = {p["text"]: p for p in places(text)}
    assert found["Douglas County"]["admin1"] == "MN"
    assert found["Alexandria"]["admin1"] == "MN"


def test_countries_sit_at_their_wikipedia_point_in_every_language() -> None:
    # One convention (spinscope/geo/points.py): Wikipedia's article coordinates, which
    # news annotation uses; GeoNames/the CIA factbook put Russia at 60, 100 (555 km east).
    from spinscope.geo.gazetteer import gazetteer
    from spinscope.slavic.places import table

    russia = place("Sanctions on Russia were extended.", "Russia")
    assert haversine_km(russia["lat"], russia["lon"], 60.0, 90.0) < 1
    english = {gazetteer().area(cc) for cc in ("RU", "UA", "CN", "US", "DE", "PL")}
    cyrillic = {p.country: p for p in table()._places if p.feature == "country"}
    for area in english:
        assert area is not None
        assert (cyrillic[area.country].lat, cyrillic[area.country].lon) == (area.lat, area.lon)


def test_the_point_table_only_moves_a_place_within_its_own_extent() -> None:
    # A Wikipedia point more than MAX_SHIFT_KM from the built one would be another place
    # of the same name; the table holds none, and the built points are kept without it.
    from spinscope.geo.gazetteer import Gazetteer
    from spinscope.geo.points import MAX_SHIFT_KM

    built = Gazetteer(points_table=False)
    moved = Gazetteer()
    for iso in ("RU", "CN", "AU", "BR", "LY"):
        a, b = built.area(iso), moved.area(iso)
        assert a is not None and b is not None and (a.lat, a.lon) != (b.lat, b.lon)
        assert haversine_km(a.lat, a.lon, b.lat, b.lon) <= MAX_SHIFT_KM


def test_a_town_too_small_for_the_gazetteer_takes_the_state_its_dateline_names() -> None:
    # Belgrade, Minnesota (740 people) is not in the gazetteer; its namesakes are in
    # Serbia and Montana. A list of towns is no qualifier: Kiev stays Kyiv.
    belgrade = place("BELGRADE, Minn. -- A woman was found dead in a house fire.", "BELGRADE")
    assert (belgrade["country"], belgrade["admin1"], belgrade["geocoded"]) == (
        "US",
        "MN",
        "qualifier",
    )
    kiev = place("Flights between New York and Moscow, Kiev, Minsk and Riga.", "Kiev")
    assert kiev["canonical"] == "Kyiv"
