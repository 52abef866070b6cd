"""The agenda template chosen in the config stays inside the working directory (issue 15.7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.errors import UsageError
from sync.office_hours.render import render_agenda
from tests.office_hours.test_agenda import THREE, context


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "workspace"
    root.mkdir()
    monkeypatch.chdir(root)
    (tmp_path / "secret.txt").write_text("runner secret\n")
    return root


def test_a_template_inside_the_workspace_is_used(workspace: Path) -> None:
    (workspace / ".github").mkdir()
    (workspace / ".github" / "agenda.md.j2").write_text("# {{ title }}\n")
    rendered = render_agenda(context(THREE), Path(".github/agenda.md.j2"))
    assert rendered == "# Office hours 2026-11-25\n"


@pytest.mark.parametrize("where", ["../secret.txt", "/etc/hostname", "link.j2"])
def test_a_template_outside_the_workspace_is_refused(workspace: Path, where: str) -> None:
    (workspace / "link.j2").symlink_to(workspace.parent / "secret.txt")
    with pytest.raises(UsageError) as refused:
        render_agenda(context(THREE), Path(where))
    assert str(refused.value).startswith(f"office_hours.template: {where} is outside the working")


def test_an_include_that_leaves_the_workspace_through_a_symlink_is_refused(
    workspace: Path,
) -> None:
    (workspace / "part.j2").symlink_to(workspace.parent / "secret.txt")
    (workspace / "agenda.md.j2").write_text("{% include 'part.j2' %}")
    with pytest.raises(UsageError, match="outside the working directory"):
        render_agenda(context(THREE), Path("agenda.md.j2"))
