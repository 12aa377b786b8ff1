"""How the literal-event gate scores Russian sentences (issue 15 wants ru/uk events later).

    .venv/bin/python research/events/ru_probe.py

The events layer stays English-only (its trigger rules read an English parse); this only
asks the multilingual gate about Russian sentences with the trigger marked by hand, written
by the events helper: literal reports (1) and figurative uses (0).
"""

from __future__ import annotations

from spinscope.models.events import load, probabilities

SENTENCES = [
    (1, "Российские войска [обстреляли] Херсон, погибли два человека."),
    (1, "В ночь на вторник беспилотники [атаковали] нефтебазу в Брянской области."),
    (1, "Полиция [задержала] 40 участников акции протеста в Москве."),
    (1, "Тысячи людей вышли на [митинг] в Тбилиси против закона об иноагентах."),
    (1, "Ракетный [удар] по Днепру разрушил жилой дом."),
    (1, "Силы ПВО [сбили] 12 украинских дронов над Белгородом."),
    (0, "Депутаты [атаковали] министра финансов резкой критикой."),
    (0, "Команда [атаковала] весь второй тайм, но так и не забила."),
    (0, "Цены на нефть [взорвались] после решения ОПЕК."),
    (0, "Партия ведёт [битву] за голоса молодых избирателей."),
    (0, "Эпидемия гриппа [ударила] по школам региона."),
    (0, "Оппозиция продолжает [борьбу] с коррупцией."),
]


def main() -> None:
    thr = load()["threshold"]
    probs = probabilities([s for _, s in SENTENCES])
    right = 0
    for (label, sent), p in zip(SENTENCES, probs, strict=True):
        right += (p >= thr) == bool(label)
        print(f"{label} {p:.3f} {sent}")
    print(f"right at threshold {thr}: {right} of {len(SENTENCES)}")


if __name__ == "__main__":
    main()
