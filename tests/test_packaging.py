"""What a built wheel contains: every package (a folder of modules without __init__.py is left
out of a wheel) and the data files the program reads at run time."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import resources
from pathlib import Path

import sync

SRC = Path(sync.__file__).parent


def test_every_folder_of_modules_is_a_package() -> None:
    folders = {p.parent for p in SRC.rglob("*.py") if "__pycache__" not in p.parts}
    missing = sorted(str(f.relative_to(SRC)) for f in folders if not (f / "__init__.py").exists())
    assert missing == []


def test_data_files_are_package_data() -> None:
    root = resources.files("sync")
    for name in (
        "templates/agenda.md.j2",
        "templates/hours_report.md.j2",
        "templates/community_report.md.j2",
        "templates/ISSUE_TEMPLATE/csh-request.yml",
        "emulator/github_schema.graphql",
        "github/fragments.graphql",
        "github/IssueTree.graphql",
        "office_hours/fragments.graphql",
        "office_hours/OfficeHoursCards.graphql",
        "check/CheckBoard.graphql",
        "py.typed",
    ):
        assert root.joinpath(name).is_file(), name


# What the code imports from outside the standard library, by distribution name.
IMPORTED = {
    "asana": "asana",
    "github": "pygithub",
    "graphql": "graphql-core",
    "jinja2": "jinja2",
    "markdown_it": "markdown-it-py",
    "requests": "requests",
    "urllib3": "urllib3",
    "yaml": "pyyaml",
}


def _imported_tops(path: Path) -> set[str]:
    """The top-level names of the absolute imports of one module (read, not run)."""
    tops = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            tops |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            tops.add(node.module.partition(".")[0])
    return tops


def test_every_third_party_import_is_a_declared_dependency() -> None:
    found = {name for path in SRC.rglob("*.py") for name in _imported_tops(path)}
    third_party = found - set(sys.stdlib_module_names) - {"sync", "_typeshed", "__future__"}
    assert third_party == set(IMPORTED)
    pyproject = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    extras = [d for group in project.get("optional-dependencies", {}).values() for d in group]
    names = (re.split(r"[<>=!~ ;\[]", d)[0] for d in [*project["dependencies"], *extras])
    declared = {name.lower() for name in names}
    assert {IMPORTED[name] for name in third_party} <= declared


def test_jinja2_floor_has_the_sandbox_fixes() -> None:
    pyproject = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    [jinja] = [d for d in pyproject["project"]["dependencies"] if d.lower().startswith("jinja2")]
    assert ">=3.1.6" in jinja
