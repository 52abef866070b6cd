"""examples/single-repository/: the copy-ready workflows for one repository. They name the
actions by repository and full commit SHA (no `$/`, which only works inside community-sync),
read as safely as this repository's own workflows, and run: each is run here with its pin
pointed at this checkout's actions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sync.emulator.seed import REPO
from tests.workflows.conftest import Machine
from tests.workflows.runner import ROOT, load_yaml
from tests.workflows.test_static import PINNED, steps_of, uses_lines

FOLDER = ROOT / "examples" / "single-repository"
FILES = sorted(FOLDER.glob("*.yml"))
OURS = re.compile(r"example-org/community-sync/(actions/[\w-]+)@[0-9a-f]{40} # v\d+(\.\d+)*")


def test_there_is_one_for_each_job_of_the_main_path() -> None:
    assert [p.name for p in FILES] == [
        "community-sync-check.yml",
        "csh-hours.yml",
        "csh-reconcile.yml",
        "csh-sync.yml",
        "office-hours.yml",
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_actions_are_pinned_by_full_sha_and_never_by_self_reference(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "$/" not in text and "uses: ./" not in text
    lines = uses_lines(path)
    assert lines and all(PINNED.match(line) for line in lines), lines
    assert any(OURS.fullmatch(line) for line in lines)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_they_are_as_safe_as_our_own_workflows(path: Path) -> None:
    workflow = load_yaml(path)
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        assert job["timeout-minutes"] <= 30
        assert job["permissions"]["contents"] == "read"
        assert set(job["permissions"]) <= {"contents", "issues"}
    for step in steps_of(workflow):
        assert "${{" not in step.get("run", "")
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_use_gives_known_inputs_and_the_required_ones(path: Path) -> None:
    for step in steps_of(load_yaml(path)):
        match = OURS.fullmatch(str(step.get("uses", "")) + " # v1")
        if not match:
            continue
        declared: dict[str, Any] = load_yaml(ROOT / match[1] / "action.yml")["inputs"]
        given = set(step.get("with") or {})
        assert given <= set(declared)
        assert {k for k, spec in declared.items() if spec.get("required")} <= given


def local_copy(m: Machine, name: str) -> Path:
    """The example as a user would commit it, its pins pointed at this checkout's actions."""
    folder = m.runner.temp / "examples"
    folder.mkdir(exist_ok=True)
    text = (FOLDER / name).read_text(encoding="utf-8")
    text = re.sub(
        r"example-org/community-sync/(actions/[\w-]+)@[0-9a-f]{40} # v[\d.]+", r"$/\1", text
    )
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_sync_example_mirrors_a_labeled_issue(machine: Machine) -> None:
    m = machine
    issue = m.world.github.create_issue(
        REPO, "Help", "Please help.", labels=["CSH", "community:example-university"]
    )
    payload = m.issues_event("labeled", issue.number, label="CSH")

    result = m.run("csh-sync.yml", "sync", "issues", payload, folder=local_copy(m, "csh-sync.yml"))

    assert result.outcome == "success", result.log
    assert "CSH sync (issues labeled)" in result.summary
    assert m.leaked(result) == []


def test_the_reconcile_example_run_by_hand_is_a_dry_run(machine: Machine) -> None:
    m = machine
    m.world.github.create_issue(
        REPO, "Backlog", "Please help.", labels=["CSH", "community:example-university"]
    )
    m.world.server.reset_log()
    folder = local_copy(m, "csh-reconcile.yml")

    result = m.run("csh-reconcile.yml", "reconcile", "workflow_dispatch", folder=folder)

    assert result.outcome == "success", result.log
    assert m.world.server.count(writes=True) == 0
    assert "<summary>What it would do: 2 changes</summary>" in result.summary


def test_the_check_example_runs_check(oh_machine: Machine) -> None:
    m = oh_machine
    folder = local_copy(m, "community-sync-check.yml")

    result = m.run("community-sync-check.yml", "check", "workflow_dispatch", folder=folder)

    assert result.outcome == "success", result.log
    assert "| status | item | finding |" in result.summary


def test_the_office_hours_example_publishes_on_schedule(oh_machine: Machine) -> None:
    m = oh_machine
    folder = local_copy(m, "office-hours.yml")

    result = m.run("office-hours.yml", "sessions", "schedule", folder=folder)

    assert result.outcome == "success", result.log
    assert "Office hours 2026-01-21" in result.summary
