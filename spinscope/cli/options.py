"""Options shared by the commands that read inputs (``analyze``, ``ingest``): one wording each."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from spinscope.config import Settings

Layers = Annotated[
    str | None,
    typer.Option(
        "--layers",
        "-l",
        help="Comma-separated layers to compute (default: all). "
        "Run 'spinscope layers' to list them.",
    ),
]
Workers = Annotated[
    int,
    typer.Option(
        "--workers",
        min=0,
        help="Worker processes, each loading the models once (0 = auto: one per core, "
        "as many as memory allows, and 1 for fewer than 16 inputs per worker). Results "
        "keep the input order.",
    ),
]
MaxBytes = Annotated[
    int | None,
    typer.Option(help="Refuse inputs larger than this many bytes \\[default: 10000000]."),
]
MaxChars = Annotated[
    int | None,
    typer.Option(
        help="Refuse texts longer than this many characters (after decoding and HTML "
        "extraction); analysis time grows with length \\[default: 200000]."
    ),
]
Taxonomy = Annotated[
    str | None,
    typer.Option(
        help="Technique labels: semeval2023 (23 techniques) or ptc (the 14 PTC classes; "
        "techniques without one are left out) \\[default: semeval2023]."
    ),
]
MinScore = Annotated[
    float | None,
    typer.Option(
        help="Leave out technique spans scored below this (0-1; the score is the calibrated "
        "probability that annotators would mark that span with that technique) "
        "\\[default: 0, keep all]."
    ),
]
Timeout = Annotated[
    float | None,
    typer.Option(
        help="Seconds before a URL fetch gives up: the DNS lookup, the connection and each "
        "read \\[default: 15]."
    ),
]
AllowPrivate = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Allow URLs whose host resolves to a non-public address (loopback, private, "
        "shared, link-local, …); refused by default.",
    ),
]
AnyLanguage = Annotated[
    bool,
    typer.Option(
        "--any-language",
        help="Also run the English-only layers (claims, entities, events) on texts in other "
        "Latin-script languages; their findings there are unmeasured. Without it such layers "
        "are left out for those texts, with a note (see 'spinscope layers').",
    ),
]
CatalogOpt = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Catalog of known claims for the narratives layer: a .csv/.tsv file (embedded "
        "once into an index beside it) or its index (.npz) \\[default: the setting "
        "'catalog', else ../shared/data/narratives/euvsdisinfo-cases.csv once built].",
    ),
]
Config = Annotated[
    Path | None,
    typer.Option(
        help="TOML settings file \\[default: ./spinscope.toml if present, or $SPINSCOPE_CONFIG]."
    ),
]


def split_layers(value: str | None) -> list[str] | None:
    """``"a, b"`` -> ``["a", "b"]``; None stays None (all layers)."""
    return [x.strip() for x in value.split(",") if x.strip()] if value else None


def settings_from_flags(
    config: Path | None,
    layers: str | None,
    max_bytes: int | None,
    timeout: float | None,
    allow_private: bool,
    any_language: bool,
    max_chars: int | None = None,
    taxonomy: str | None = None,
    min_score: float | None = None,
    **extra: object,
) -> Settings:
    """Settings from the shared input flags (unset flags leave file/env/defaults alone)."""
    from spinscope.config import load_settings

    return load_settings(
        config,
        layers=split_layers(layers),
        max_bytes=max_bytes,
        max_chars=max_chars,
        taxonomy=taxonomy,
        min_score=min_score,
        timeout=timeout,
        allow_private=allow_private or None,
        any_language=any_language or None,
        **extra,
    )
