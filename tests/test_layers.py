"""The layers import in one direction only, so no module works by import order.

``app/extract`` is pure (no database, HTTP or settings layer), and the JSON API
(``app/api``) never imports the HTML side (``app/web``), which reads through it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "app":  # "from app import web"
                names |= {f"app.{alias.name}" for alias in node.names}
    return names


def _under(package: str, names: set[str]) -> list[str]:
    return sorted(n for n in names if n == package or n.startswith(package + "."))


@pytest.mark.parametrize("path", sorted((APP / "api").glob("*.py")), ids=lambda p: p.name)
def test_api_does_not_import_web(path: Path) -> None:
    assert _under("app.web", _imports(path)) == []


FORBIDDEN_IN_EXTRACTION = ("app.api", "app.web", "app.models", "app.db", "app.store", "app.main", "app.ingest")


@pytest.mark.parametrize("path", sorted((APP / "extract").glob("*.py")), ids=lambda p: p.name)
def test_extraction_is_pure(path: Path) -> None:
    names = _imports(path)
    assert [n for layer in FORBIDDEN_IN_EXTRACTION for n in _under(layer, names)] == []
