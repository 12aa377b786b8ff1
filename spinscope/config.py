"""Settings: defaults < TOML file < environment (SPINSCOPE_*) < CLI flags.

One object carries every option through the layers instead of long signatures.
The TOML file is ``./spinscope.toml`` or the path in ``SPINSCOPE_CONFIG``; keys are the
field names below (e.g. ``max_bytes = 20000000``).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from spinscope.errors import ConfigError

ENV_PREFIX = "SPINSCOPE_"


class Settings(BaseModel):
    """All user-settable options, with their defaults."""

    #: Layers to compute; ``None`` means every available layer.
    layers: list[str] | None = None
    #: Largest input accepted (file, URL body, stdin, JSONL line), in bytes.
    max_bytes: int = Field(default=10_000_000, gt=0)
    #: Longest text analyzed, in characters (after decoding and HTML extraction); longer
    #: documents are refused with a message, so one huge input cannot hold the machine.
    max_chars: int = Field(default=200_000, gt=0)
    #: Seconds before a URL fetch gives up (DNS lookup, connect and each read).
    timeout: float = Field(default=15.0, gt=0)
    #: Redirects followed before a URL fetch gives up.
    max_redirects: int = Field(default=5, ge=0)
    #: Allow URLs that resolve to non-public addresses (loopback, private, link-local …).
    allow_private: bool = False
    #: Analyze texts that are not in English (models are trained on English).
    any_language: bool = False
    #: Where training and evaluation corpora live (``ptc/``, ``claimbuster/`` …).
    data_dir: Path = Path("../shared/data")
    #: The corpus database used by ``ingest`` and ``serve``.
    db: Path = Path("spinscope.duckdb")
    #: Technique labels: ``semeval2023`` (23 techniques, the model's own) or ``ptc`` (the 14
    #: PTC / SemEval-2020 classes; techniques without a PTC class are left out).
    taxonomy: Literal["semeval2023", "ptc"] = "semeval2023"
    #: Technique spans scored below this are left out of the output (0: keep every span
    #: the model finds). The score is the calibrated probability that annotators would
    #: mark that span with that technique.
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)
    #: Reports and the explorer show technique spans scored at least this (the rest stay in
    #: the JSON and the database).
    display_min_score: float = Field(default=0.2, ge=0.0, le=1.0)
    #: Catalog of known claims for the ``narratives`` layer: a .csv/.tsv file (indexed once,
    #: beside it) or its index (.npz). ``None``: the EUvsDisinfo catalog in ``data_dir``,
    #: when its index has been built (``spinscope catalog build``).
    catalog: Path | None = None
    #: Documents per model batch.
    batch_size: int = Field(default=8, gt=0)

    def merged(self, **overrides: Any) -> Settings:
        """A copy with the non-``None`` overrides applied (CLI flags come last)."""
        values = {k: v for k, v in overrides.items() if v is not None}
        try:
            return self.model_validate({**self.model_dump(), **values})
        except ValidationError as err:
            raise ConfigError(_first_error(err)) from None


def _first_error(err: ValidationError) -> str:
    e = err.errors()[0]
    where = ".".join(str(p) for p in e["loc"])
    return f"setting {where!r}: {e['msg']} (got {e.get('input')!r})"


def _from_env() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        raw = os.environ.get(ENV_PREFIX + name.upper())
        if raw is None:
            continue
        if field.annotation is bool:
            values[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif name == "layers":
            values[name] = [x.strip() for x in raw.split(",") if x.strip()]
        else:
            values[name] = raw
    return values


def _from_toml(path: Path | None) -> dict[str, Any]:
    if path is None:
        env = os.environ.get(ENV_PREFIX + "CONFIG")
        path = Path(env) if env else Path("spinscope.toml")
        if not path.exists():
            return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"config file {path} is not valid TOML: {err}") from None
    unknown = set(data) - set(Settings.model_fields)
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown setting(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(Settings.model_fields)}"
        )
    return data


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build Settings from defaults, the TOML file, the environment, then ``overrides``."""
    values = {**_from_toml(config), **_from_env()}
    try:
        base = Settings.model_validate(values)
    except ValidationError as err:
        raise ConfigError(_first_error(err)) from None
    return base.merged(**overrides)
