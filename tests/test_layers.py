"""Seams point down: read every import of src/sync and check who may import whom.

Floors, top to bottom: the CLI, its commands and `check` (which validates every feature's
config, so it sits above them) and the demo; the feature wings (mirror, hours, office_hours);
the gateways (github, asana, slack); the ground floor (config, domain, templating, runtime,
retry, rich text, ...). A module may import its own package and anything below it;
a gateway imports no feature, and no feature imports another.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "sync"
FEATURES = {"mirror", "hours", "office_hours"}
GATEWAYS = {"github", "asana", "slack"}
TOP = {
    "cli", "__main__", "commands", "context", "check", "demo", "demo_office_hours", "demo_hours",
}  # fmt: skip


def _package(module: str) -> str:
    """The first part below ``sync``: the package, or the top-level module's name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "sync" else ""


def _imports() -> list[tuple[str, str, int]]:
    """(importing file's package, imported package, line) for every ``sync`` import."""
    found = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        here = _package(".".join(rel.parts))
        if here == "emulator":
            continue  # the emulator is a separate program that speaks HTTP
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                target = _package(name)
                if name.startswith("sync.") and target != here:
                    found.append((f"{rel}", target, node.lineno))
    return found


def _floor(package: str) -> int:
    if package in TOP:
        return 3
    if package in FEATURES:
        return 2
    if package in GATEWAYS:
        return 1
    return 0


def test_the_imports_are_read() -> None:
    assert any(target == "domain" for _, target, _ in _imports())


@pytest.mark.parametrize("rule", ["gateways import no feature", "features import no feature"])
def test_no_import_runs_upward_or_sideways(rule: str) -> None:
    wrong = []
    for where, target, line in _imports():
        here = _package("sync." + ".".join(Path(where).parts[1:]))
        if here in TOP or target == "":
            continue
        upward = _floor(target) > _floor(here)
        sideways = here in FEATURES and target in FEATURES
        if (rule.startswith("gateways") and upward) or (rule.startswith("features") and sideways):
            wrong.append(f"{where}.py:{line} imports sync.{target}")
    assert wrong == []
