"""Write {dev,heldout}/{ru,uk}.jsonl: real ru/uk news paragraphs with every place mention
and its coordinates, annotated by hand (see README.md). Offsets are found from the surface forms
listed below, so the annotation stays readable; run ``python research/slavic_places/make.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SEMEVAL = DATA / "semeval2023" / "ru" / "articles"
NERUK = DATA / "realnews" / "ner-uk-train" / "docs.jsonl"

# Points: towns at their centre; countries at GeoNames' country coordinates (the convention
# of ../shared/data/realnews/lgl; Bulgaria, Syria, UAE, Austria as rounded centres); regions
# at an approximate centroid read from the region's extent (England: 52.5, -1.5).
UA, RU, BY, PL, DE = (49.0, 32.0), (60.0, 100.0), (53.0, 28.0), (52.0, 20.0), (51.5, 10.5)
DONBAS, CRIMEA = (48.3, 38.5), (45.3, 34.4)
KHERSON_OBL, ZAP_OBL, ODESA_OBL = (46.75, 33.6), (47.4, 35.6), (46.75, 29.95)
MYK_OBL, CHERN_OBL, SUMY_OBL = (47.3, 31.9), (51.4, 32.1), (51.0, 34.2)
KHARKIV_OBL, DNIPRO_OBL, POLT_OBL = (49.5, 36.5), (48.4, 35.0), (49.6, 33.9)
LUHANSK_OBL = (48.9, 39.2)
VLAD_OBL, YAR_OBL, BASHK = (55.95, 40.6), (57.7, 39.3), (54.2, 56.4)
KYIV, MOSCOW = (50.45, 30.52), (55.75, 37.62)

#: (source, paragraph selector, [(surface, coordinates)]): surfaces in order of appearance.
PARAGRAPHS = [
    ("ru", "article24133.txt#8", [("Польша", PL), ("России", RU), ("Белоруссии", BY),
        ("Донбасса", DONBAS), ("Польши", PL), ("Польше", PL), ("Польшу", PL)]),
    ("ru", "article2416.txt#4", [("Донбасс", DONBAS), ("Донбассом", DONBAS),
        ("Херсонская", KHERSON_OBL), ("Запорожская области", ZAP_OBL)]),
    ("ru", "article24165.txt#2", [("СИМФЕРОПОЛЬ", (44.95, 34.10)),
        ("Запорожской области", ZAP_OBL), ("Украины", UA), ("Россией", RU)]),
    ("ru", "article24165.txt#10", [("Херсонскую область", KHERSON_OBL),
        ("Запорожской области", ZAP_OBL), ("Крымом", CRIMEA), ("России", RU)]),
    ("ru", "article2424.txt#9", [("Николаевской области", MYK_OBL),
        ("Белозерка", (46.64, 32.44)), ("Херсонской области", KHERSON_OBL), ("России", RU)]),
    ("ru", "article2487.txt#67", [("Зеленоград", (55.99, 37.19)),
        ("Владимирская область", VLAD_OBL), ("Ярославская область", YAR_OBL),
        ("Санкт-Петербург", (59.94, 30.31)), ("Владимирская область", VLAD_OBL),
        ("Башкирия", BASHK)]),
    ("ru", "article2490.txt#68", [("Киева", KYIV), ("Киев", KYIV),
        ("Славянска", (48.85, 37.60)), ("Херсон", (46.64, 32.62))]),
    ("ru", "article242.txt#2", [("Украине", UA), ("Москва", MOSCOW), ("Германии", DE),
        ("Германии", DE)]),
    ("ru", "article24111.txt#33", [("Киев", KYIV), ("Смоленск", (54.78, 32.05)),
        ("Ростов Великий", (57.19, 39.42)), ("Киева", KYIV), ("Украины", UA),
        ("Киевом", KYIV), ("Россией", RU)]),
    ("ru", "article2493.txt#9", [("Киева", KYIV), ("Крыма", CRIMEA), ("Крыма", CRIMEA)]),
    ("uk", "nerukr-e9061171da9d@5309:5635", [("України", UA), ("Одеську", ODESA_OBL),
        ("Херсонську", KHERSON_OBL), ("Запорізьку", ZAP_OBL), ("Миколаївську", MYK_OBL),
        ("Чернігівську", CHERN_OBL), ("Сумську", SUMY_OBL), ("Харківську", KHARKIV_OBL),
        ("Дніпропетровську", DNIPRO_OBL), ("Полтавську", POLT_OBL)]),
    ("uk", "nerukr-0f94c5cc63c3@243:601", [("Челябінськ", (55.16, 61.40)), ("Росія", RU),
        ("Санкт-Петербург", (59.94, 30.31)), ("Росія", RU), ("Англія", (52.5, -1.5)),
        ("Австрія", (47.33, 13.33))]),
    ("uk", "nerukr-bd86f567c746@9510:9725", [("площі Таксим", (41.037, 28.985)),
        ("Стамбулі", (41.01, 28.98)), ("Болотній", (55.745, 37.613)), ("Москві", MOSCOW),
        ("Болгарії", (43.0, 25.0)), ("Бразилії", (-10.0, -55.0))]),
    ("uk", "nerukr-54a45ec4929b@803:1003", [("Москві", MOSCOW), ("Парижі", (48.86, 2.35)),
        ("Сингапурі", (1.29, 103.85)), ("Вашингтоні", (38.90, -77.04)), ("України", UA)]),
    ("uk", "nerukr-3b570ac3116b@1185:1342", [("Ізюмі", (49.21, 37.26)),
        ("Харківщині", KHARKIV_OBL), ("Алчевська", (48.47, 38.80)),
        ("Луганської області", LUHANSK_OBL)]),
    ("uk", "nerukr-79ccf625bc94@1045:1245", [("Україна", UA), ("Росія", RU),
        ("Харківська", KHARKIV_OBL), ("Сумська області", SUMY_OBL)]),
    ("uk", "nerukr-d530671576f8@1707:2010", [("України", UA), ("Херсонської", KHERSON_OBL),
        ("Запорізької областей", ZAP_OBL), ("Криму", CRIMEA)]),
    ("uk", "nerukr-19ebc4aa5eb5@590:887", [("Об'єднаних Арабських Еміратів", (24.0, 54.0)),
        ("ОАЕ", (24.0, 54.0)), ("Абу-Дабі", (24.47, 54.37)), ("ОАЕ", (24.0, 54.0))]),
    ("uk", "nerukr-4067c1915516@389:685", [("України", UA), ("Монпельє", (43.61, 3.88))]),
    ("uk", "nerukr-7b7daaeb9d7d@3876:4083", [("Каїрі", (30.04, 31.24)),
        ("майдану Тахрір", (30.044, 31.236)), ("Сирію", (35.0, 38.0)),
        ("Бейруті", (33.89, 35.50))]),
]  # fmt: skip


GB, US, LUGANSK, DONETSK = (54.76, -2.7), (39.76, -98.5), (48.57, 39.31), (48.0, 37.8)
#: Annotated after the rules were final and scored once: the held-out set.
HELDOUT = [
    ("ru", "article24101.txt#30", [("Великобритания", GB), ("США", US), ("России", RU),
        ("Вашингтона", (38.90, -77.04)), ("Лондона", (51.51, -0.13))]),
    ("ru", "article2413.txt#4", [("России", RU), ("РФ", RU), ("Донецку", DONETSK),
        ("Луганску", LUGANSK)]),
    ("ru", "article24191.txt#8", [("Вашингтона", (38.90, -77.04)),
        ("Вашингтон", (38.90, -77.04)), ("Москве", MOSCOW), ("Пекину", (39.90, 116.40))]),
    ("ru", "article2470.txt#12", [("Львов", (49.84, 24.03)), ("России", RU),
        ("Украину", UA), ("Мариуполе", (47.10, 37.55))]),
    ("ru", "article2477.txt#46", [("Париже", (48.86, 2.35)), ("Берлине", (52.52, 13.40)),
        ("Риме", (41.90, 12.50))]),
    ("uk", "nerukr-02634352df22@1469:1678", [("Києві", KYIV), ("Москва", MOSCOW)]),
    ("uk", "nerukr-02bebf42e010@940:1060", [("Донецьку", DONETSK),
        ("Дніпропетровській області", DNIPRO_OBL)]),
    ("uk", "nerukr-2c14409069b7@1738:1872", [("Луцька", (50.75, 25.34)),
        ("Рівненської області", (51.0, 26.3))]),
    ("uk", "nerukr-521b5669bca6@1139:1361", [("Києві", KYIV), ("Рівного", (50.62, 26.25))]),
    ("uk", "nerukr-8098d69d861f@1580:1693", [("Луганськ", LUGANSK),
        ("Харків", (49.99, 36.23))]),
    ("uk", "nerukr-8c6db2873e45@1817:1922", [("Краматорськ", (48.72, 37.56)),
        ("Донецької області", (48.1, 37.7))]),
    ("uk", "nerukr-9047cfab803a@1104:1547", [("Києві", KYIV),
        ("Київській області", (50.4, 30.6))]),
    ("uk", "nerukr-acabbef68eb1@110:364", [("Луганську", LUGANSK), ("Києва", KYIV)]),
    ("uk", "nerukr-fabc18a7d8fd@3427:3575", [("Києві", KYIV), ("Лондоні", (51.51, -0.13))]),
]  # fmt: skip


def _text(selector: str) -> str:
    if "#" in selector:
        name, para = selector.split("#")
        return (SEMEVAL / name).read_text(encoding="utf-8").split("\n")[int(para)].strip()
    doc_id, rng = selector.split("@")
    start, end = map(int, rng.split(":"))
    for line in NERUK.open(encoding="utf-8"):
        doc = json.loads(line)
        if doc["id"] == doc_id:
            return doc["text"][start:end].strip()
    raise SystemExit(f"{doc_id} not found")


def main() -> None:
    for name, paragraphs in (("dev", PARAGRAPHS), ("heldout", HELDOUT)):
        for lang in ("ru", "uk"):
            _write([p for p in paragraphs if p[0] == lang], HERE / name / f"{lang}.jsonl")


def _write(paragraphs: list, path: Path) -> None:
    out = []
    for lang, selector, places in paragraphs:
        text = _text(selector)
        spans, pos = [], 0
        for surface, (lat, lon) in places:
            start = text.find(surface, pos)
            if start < 0:
                raise SystemExit(f"{selector}: {surface!r} not found after {pos}")
            spans.append({"start": start, "end": start + len(surface), "label": "PLACE",
                          "coarse": "LOC", "lat": lat, "lon": lon})  # fmt: skip
            pos = start + len(surface)
        out.append({"id": selector, "lang": lang, "text": text, "spans": spans})
    path.parent.mkdir(exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for doc in out:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    print(f"{path}: {len(out)} paragraphs, {sum(len(d['spans']) for d in out)} places")


if __name__ == "__main__":
    main()
