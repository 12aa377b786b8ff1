"""Options shared by the commands that read inputs (``analyze``, ``ingest``): one wording each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Layers = Annotated[
    str | None,
    typer.Option(
        "--layers",
        "-l",
        help="Comma-separated layers to compute (default: all). "
        "Run 'spinscope layers' to list them.",
    ),
]
MaxBytes = Annotated[
    int | None,
    typer.Option(help="Refuse inputs larger than this many bytes \\[default: 10000000]."),
]
Timeout = Annotated[
    float | None, typer.Option(help="Seconds before a URL fetch gives up \\[default: 15].")
]
AllowPrivate = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Allow URLs on loopback/private/link-local addresses (refused by default).",
    ),
]
AnyLanguage = Annotated[
    bool,
    typer.Option(
        "--any-language",
        help="Analyze non-English texts anyway (models are trained on English; by default "
        "such inputs are refused with a message).",
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
