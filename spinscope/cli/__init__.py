"""The ``spinscope`` command line: thin Typer commands over :mod:`spinscope.service`.

Each command group lives in its own module here and is attached in :func:`_attach`.
Exit codes: 0 all inputs analyzed, 1 some inputs failed, 2 usage error.
"""

from __future__ import annotations

import sys

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
