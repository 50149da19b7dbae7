"""Old migrations are frozen: none imports application code, so changing live code
cannot change what an already-applied revision does on another deployment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

VERSIONS = sorted((Path(__file__).resolve().parent.parent / "migrations" / "versions").glob("*.py"))


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):  # also imports inside functions
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_versions_found() -> None:
    assert len(VERSIONS) >= 4


@pytest.mark.parametrize("path", VERSIONS, ids=lambda p: p.name)
def test_migration_imports_no_application_code(path: Path) -> None:
    app_imports = [m for m in _imported_modules(path) if m == "app" or m.startswith("app.")]
    assert app_imports == [], f"{path.name} imports {app_imports}"
