"""The ``spinscope`` command line: thin Typer commands over :mod:`spinscope.service`.

Each command group lives in its own module here and is attached in :func:`_attach`.
Exit codes: 0 all inputs analyzed, 1 some inputs failed, 2 usage error.
"""

from __future__ import annotations

import sys
from typing import Any

from spinscope.cli.app import app


def _attach() -> None:
    # Imported for their side effect of registering commands on ``app``.
    from spinscope.cli import (
        analyze,  # noqa: F401
        attribution,  # noqa: F401
        batch,  # noqa: F401
        bench,  # noqa: F401
        catalog,  # noqa: F401
        claims,  # noqa: F401
        corpus,  # noqa: F401
        entities,  # noqa: F401
        entities_slavic,  # noqa: F401
        events,  # noqa: F401
        export,  # noqa: F401
        ptc,  # noqa: F401
        techniques,  # noqa: F401
    )
    _reflow_help(app)


def reflow(text: str) -> str:
    """Help text whose paragraphs are joined into one line each, so the terminal wraps them
    (Typer keeps a docstring's line breaks after the first paragraph: at 80 columns every
    100-column docstring line ended in a one-word line). Paragraphs that are laid out on
    purpose stay as they are: examples, lists and indented lines."""
    import inspect

    out = []
    for para in inspect.cleandoc(text).split("\n\n"):
        lines = para.split("\n")
        laid_out = para.startswith(("Example", "\b", "spinscope ")) or any(
            line.startswith((" ", "-", "*", "•")) or line.lstrip().startswith("spinscope ")
            for line in lines[1:]
        )
        out.append(para if laid_out else " ".join(line.strip() for line in lines))
    return "\n\n".join(out)


def _reflow_help(typer_app: Any) -> None:
    for info in typer_app.registered_commands:
        doc = info.help or (info.callback.__doc__ if info.callback else None)
        if doc:
            info.help = reflow(doc)
    for group in typer_app.registered_groups:
        _reflow_help(group.typer_instance)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``spinscope`` script."""
    _attach()
    try:
        app(args=argv, prog_name="spinscope", standalone_mode=True)
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
