"""natasha's Slovnet NER model (news, PER/ORG/LOC; MIT), loaded from the natasha wheel.

The model and its navec word vectors ship inside the ``natasha`` package; nothing is
downloaded. ``natasha`` itself is not imported (its morphology needs pymorphy2, which does
not run on Python 3.11+): only its data files are read, through slovnet and navec.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

from spinscope.errors import ModelError

MODEL = "slovnet_ner_news_v1 + navec_news_v1_1B_250K_300d_100q (natasha 1.6.0 wheel)"
#: Ukrainian letters mapped to the Russian ones nearest in spelling, one for one, so that
#: offsets stay put: the Russian-trained model then knows more Ukrainian words
#: (F1 on NER-UK 0.58 -> 0.66 on 120 documents).
_UK_TO_RU = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "І": "И", "Ї": "И",
                           "Є": "Е", "Ґ": "Г", "'": "ъ", "’": "ъ", "ʼ": "ъ"})  # fmt: skip


def _data_dir() -> Path:
    spec = importlib.util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("natasha is not installed; pip install spinscope (it ships the model)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@lru_cache(maxsize=1)
def tagger() -> Any:
    """The Slovnet NER tagger with its embeddings, loaded once (about 2 s)."""
    try:
        from navec import Navec
        from slovnet import NER
    except ImportError as err:
        raise ModelError(
            f"slovnet/navec are not installed ({err}); pip install spinscope"
        ) from None
    data = _data_dir()
    try:
        navec = Navec.load(data / "emb" / "navec_news_v1_1B_250K_300d_100q.tar")
        ner = NER.load(data / "model" / "slovnet_ner_news_v1.tar")
    except OSError as err:
        raise ModelError(f"natasha's model files are unreadable ({err})") from None
    ner.navec(navec)
    return ner


def entities(text: str, lang: str) -> list[tuple[int, int, str]]:
    """(start, end, PER|ORG|LOC) mentions in ``text``."""
    view = text.translate(_UK_TO_RU) if lang == "uk" else text
    return [(s.start, s.stop, s.type) for s in tagger()(view).spans]
