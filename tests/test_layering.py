"""Imports go one way: the store saves and loads Documents; it never analyzes or fetches."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "spinscope"
#: What the storage package must not reach: analysis, orchestration and input readers.
ABOVE_THE_STORE = (
    "spinscope.service",
    "spinscope.pipeline",
    "spinscope.ingest",
    "spinscope.ingest_run",
    "spinscope.analyzers",
    "spinscope.models",
    "spinscope.scale",
    "spinscope.cli",
    "spinscope.web",
)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_store_package_imports_no_analysis_orchestration_or_readers() -> None:
    bad = {
        f"{path.relative_to(PACKAGE.parent)}: {module}"
        for path in sorted((PACKAGE / "store").glob("*.py"))
        for module in imported_modules(path)
        if any(module == top or module.startswith(top + ".") for top in ABOVE_THE_STORE)
    }
    assert not bad, "store/ imports upward:\n" + "\n".join(sorted(bad))


def test_the_check_sees_function_level_imports(tmp_path: Path) -> None:
    # The store used to import service and pipeline inside functions; the check must see it.
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from spinscope.service import analyze_batch\n")
    assert "spinscope.service" in imported_modules(module)
