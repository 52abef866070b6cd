"""The one step the other harness tests stand in for: the composite actions' install.

Run for real here, as on a runner: a virtual environment without pip from the job's Python
(this one, standing in for setup-python's output), filled by that Python's pip with this
checkout at the versions of actions/constraints.txt, wheels only. It needs the package index
(as CI has); COMMUNITY_SYNC_SKIP_INSTALL_TEST=1 skips it on a machine without one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workflows.conftest import Machine
from tests.workflows.test_csh_runs import new_issue, step, tasks_for

pytestmark = pytest.mark.skipif(
    os.environ.get("COMMUNITY_SYNC_SKIP_INSTALL_TEST") == "1",
    reason="COMMUNITY_SYNC_SKIP_INSTALL_TEST=1",
)
INSTALL = "Install community-sync with its pinned dependencies"


def test_the_action_installs_the_pinned_package_once_per_job(machine: Machine) -> None:
    m = machine
    m.runner.run_install = True
    m.runner.stand_in_outputs["actions/setup-python"] = {"python-path": sys.executable}
    issue = new_issue(m)

    first = m.run("csh-reconcile.yml", "reconcile", "schedule")
    payload = m.issues_event("edited", issue.number)
    second = m.run("csh-sync.yml", "sync", "issues", payload)

    assert first.outcome == "success", first.log
    [installed] = [s for s in first.all_steps() if s.name == INSTALL]
    assert installed.outcome == "success", installed.stderr
    assert len(tasks_for(m, issue)) == 1
    # The same job (the same RUNNER_TEMP) finds the install and skips setup, cache and pip.
    assert second.outcome == "success", second.log
    assert [s.outcome for s in second.all_steps() if s.name == INSTALL] == ["skipped"]
    assert step(second, "Mirror the issue to Asana").outputs["action"] == "unchanged"

    venv = m.runner.temp / "community-sync" / "venv"
    assert (m.runner.temp / "community-sync" / "installed-from").read_text().strip() == str(
        Path(__file__).resolve().parents[2]
    )
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "freeze",
         "--exclude", "community-sync"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    pins = [
        line
        for line in (Path(__file__).parents[2] / "actions" / "constraints.txt").read_text().split()
        if "==" in line and not line.startswith(("setuptools", "wheel"))
    ]
    assert sorted(frozen, key=str.lower) == sorted(pins, key=str.lower)
