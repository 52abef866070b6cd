"""The one step the other harness tests stand in for: the composite actions' install.

Run for real here, as on a runner: actions/install.sh makes a virtual environment without pip
from the job's Python (this one, standing in for setup-python's output) and fills it with the
hashed lock's wheels, then this checkout. Tests never reach the network: pip is pointed at a
wheelhouse of the locked wheels (`.ci/run` downloads it to .ci/.tools/wheelhouse before the
tests) and at no index. Without that wheelhouse the full install cannot run; the hijack test
then still proves that the real pip ran (and failed to find the wheels) while no shadowing
package from the repository did.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workflows.conftest import Machine
from tests.workflows.runner import ROOT
from tests.workflows.test_csh_runs import new_issue, step, tasks_for
from tests.workflows.test_static import constraints

INSTALL = "Install community-sync with its pinned dependencies"
WHEELHOUSE = ROOT / ".ci" / ".tools" / "wheelhouse"
HAVE_WHEELS = any(WHEELHOUSE.glob("*.whl"))
needs_wheels = pytest.mark.skipif(
    not HAVE_WHEELS,
    reason="no wheelhouse of the locked wheels: bash .ci/run makes one (tests stay offline)",
)


def offline(machine: Machine, wheels: Path) -> None:
    """Let the real install step run, with pip reading only `wheels`."""
    machine.runner.run_install = True
    machine.runner.stand_in_outputs["actions/setup-python"] = {"python-path": sys.executable}
    machine.runner.machine_env.update(
        {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_CONFIG_FILE": os.devnull}
    )


@needs_wheels
def test_the_action_installs_the_pinned_package_once_per_job(machine: Machine) -> None:
    m = machine
    offline(m, WHEELHOUSE)
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
    assert (m.runner.temp / "community-sync" / "installed-from").read_text().strip() == str(ROOT)
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "freeze",
         "--all", "--exclude", "community-sync", "--exclude", "pip"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    pins = sorted(f"{name}=={version}" for name, version in constraints().items())
    assert sorted(line.lower().replace("_", "-") for line in frozen) == pins


SHADOW = """
import pathlib, sys
pathlib.Path({marker!r}).write_text(" ".join(sys.argv))
"""


@pytest.mark.parametrize("wheels", [True, False], ids=["wheelhouse", "no wheels"])
def test_a_shadowing_package_in_the_repository_never_runs(
    machine: Machine, tmp_path: Path, wheels: bool
) -> None:
    if wheels and not HAVE_WHEELS:
        pytest.skip("no wheelhouse of the locked wheels: bash .ci/run makes one")
    m = machine
    marker = tmp_path / "shadow-ran"
    # A caller's repository with its own `pip` and `venv`: `python -m pip` run from the
    # workspace (the step's working directory) would import these instead of the real ones.
    for name in ("pip", "venv", "ensurepip"):
        package = m.runner.workspace / name
        package.mkdir()
        for module in ("__init__.py", "__main__.py"):
            (package / module).write_text(SHADOW.format(marker=str(marker)), encoding="utf-8")
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    offline(m, WHEELHOUSE if wheels else empty)

    result = m.run("csh-reconcile.yml", "reconcile", "schedule")

    assert not marker.exists(), marker.read_text()
    [installed] = [s for s in result.all_steps() if s.name == INSTALL]
    if wheels:
        assert installed.outcome == "success", installed.stderr
        assert result.outcome == "success", result.log
    else:  # the real pip ran, found no wheel offline, and said so
        assert installed.outcome == "failure"
        assert "No matching distribution found" in installed.stderr, installed.stderr
