"""What a built wheel contains: every package (a folder of modules without __init__.py is left
out of a wheel) and the data files the program reads at run time."""

from __future__ import annotations

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
        "py.typed",
    ):
        assert root.joinpath(name).is_file(), name
