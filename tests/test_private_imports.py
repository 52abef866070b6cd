"""No module of src/sync imports another module's private (``_x``) names.

A name shared between files is public where it is defined; a private one stays in its file.
The emulator (a separate program that speaks HTTP, see tests/test_layers.py) is left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sync"


def _private_imports(source: str) -> list[tuple[int, str]]:
    """(line, name) for every private name `source` imports from another module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [part for alias in node.names for part in alias.name.split(".")]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.startswith("_") and not n.startswith("__")]
    return found


def test_the_check_sees_private_imports() -> None:
    source = "from .pieces import _Piece, Open\nimport sync._hidden\nfrom __future__ import x\n"
    assert _private_imports(source) == [(1, "_Piece"), (2, "_hidden")]


def test_no_module_imports_another_modules_private_names() -> None:
    wrong = [
        f"{path.relative_to(SRC.parent)}:{line} imports {name}"
        for path in sorted(SRC.rglob("*.py"))
        if "emulator" not in path.relative_to(SRC).parts
        for line, name in _private_imports(path.read_text(encoding="utf-8"))
    ]
    assert wrong == []
