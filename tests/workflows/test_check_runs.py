"""`check` runs inside Actions through the composite actions: a team whose only Projects-capable
token is a GitHub App token validates its setup there, and reads the findings as a table in the
job summary."""

from __future__ import annotations

from pathlib import Path

from tests.workflows.conftest import Machine
from tests.workflows.runner import JobResult

WORKFLOW = """\
name: Check the community-sync setup
on: workflow_dispatch
permissions: {{}}
jobs:
  check:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: read
    steps:
      - name: Check the config
        uses: $/actions/{action}
        with:
          command: check
          github-token: ${{{{ secrets.COMMUNITY_SYNC_GITHUB_TOKEN }}}}
{extra}"""
ASANA = "          asana-token: ${{ secrets.ASANA_TOKEN }}\n"


def run_check(m: Machine, tmp_path: Path, action: str, extra: str = "") -> JobResult:
    folder = tmp_path / "workflows"
    folder.mkdir(exist_ok=True)
    (folder / "check.yml").write_text(WORKFLOW.format(action=action, extra=extra), "utf-8")
    return m.run("check.yml", "check", "workflow_dispatch", folder=folder)


def test_check_through_the_csh_action_writes_a_table(oh_machine: Machine, tmp_path: Path) -> None:
    m = oh_machine

    result = run_check(m, tmp_path, "csh-sync", ASANA)

    assert result.outcome == "success", result.log
    assert "| status | item | finding |" in result.summary
    assert "| ok | `asana.project` |" in result.summary
    assert "| ok | `csh.board` |" in result.summary  # the secret's token reads Projects
    assert m.leaked(result) == []


def test_a_finding_to_fix_fails_the_step(oh_machine: Machine, tmp_path: Path) -> None:
    m = oh_machine
    m.world.github.repo("example-org/support").labels.pop("csh")

    result = run_check(m, tmp_path, "csh-sync", ASANA)

    assert result.outcome == "failure"
    assert '| fix | `github.repositories` | example-org/support has no "CSH" label' in (
        result.summary
    )


def test_check_through_the_office_hours_action(oh_machine: Machine, tmp_path: Path) -> None:
    m = oh_machine
    config = m.runner.workspace / ".github" / "community-sync.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[text.index("office_hours:") :], encoding="utf-8")  # office hours only

    result = run_check(m, tmp_path, "office-hours")

    assert result.outcome == "success", result.log
    assert "| ok | `office_hours.board.status_field` |" in result.summary
