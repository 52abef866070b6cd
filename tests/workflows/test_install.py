"""The one step the other harness tests stand in for: the composite actions' install.

Run for real here, as on a runner: actions/install.sh makes a virtual environment without pip
from the job's Python (this one, standing in for setup-python's output), installs the hashed
lock's wheels into the dependency tree the action caches (unless the tree's stamp says it was
made from the same lock, scripts and Python), then builds and installs this checkout. Tests
never reach the network: pip is pointed at a wheelhouse of the locked wheels (`.ci/run`
downloads it to .ci/.tools/wheelhouse before the tests) and at no index. Without that wheelhouse
the full install cannot run; the hijack test then still proves that the real pip ran (and
failed to find the wheels) while no shadowing package from the repository did.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
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


_spec = importlib.util.spec_from_file_location(
    "install_project", ROOT / "actions" / "install_project.py"
)
assert _spec is not None and _spec.loader is not None
install_project = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(install_project)


def offline_env(wheels: Path) -> dict[str, str]:
    """pip reading only `wheels`: no index, no configuration of this machine's."""
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_CONFIG_FILE": os.devnull}


def offline(machine: Machine, wheels: Path) -> None:
    """Let the real install step run, with pip reading only `wheels`."""
    machine.runner.run_install = True
    machine.runner.stand_in_outputs["actions/setup-python"] = {
        "python-path": sys.executable,
        "python-version": platform.python_version(),
    }
    machine.runner.machine_env.update(offline_env(wheels))


def digest(root: Path = ROOT) -> str:
    """What the cache key and the stamp name: the install scripts and the lock, hashed."""
    names = ("install.sh", "install_project.py", "requirements.lock")
    return hashlib.sha256(b"".join((root / "actions" / n).read_bytes() for n in names)).hexdigest()


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
    # The cache holds the dependency tree, keyed on the digest and the exact Python; the tree's
    # stamp names the same digest, and the project itself is not in it.
    [cache] = [s for s in first.all_steps() if (s.uses or "").startswith("actions/cache@")]
    deps = m.runner.temp / "community-sync" / "deps"
    assert cache.given == {
        "path": str(deps),
        "key": f"community-sync-deps-Linux-X64-{digest()[:16]}-py{platform.python_version()}",
    }
    assert f"sources {digest()}, python cpython {platform.python_version()}" in (
        (deps / "stamp").read_text()
    )
    assert not (deps / "sync").exists() and not list(deps.glob("community_sync*"))
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


# -- the dependency tree the action caches, and the project installed afresh every time --------
PROJECT_FILES = ("src", "pyproject.toml", "README.md", "LICENSE", "actions")


def install(root: Path, home: Path, deps: Path, wheels: Path) -> subprocess.CompletedProcess[str]:
    """actions/install.sh of the checkout `root`, as the action's install step runs it."""
    env = {
        **os.environ,
        **offline_env(wheels),
        "PYTHON": sys.executable,
        "CS_ROOT": str(root),
        "CS_HOME": str(home),
        "CS_DEPS": str(deps),
    }
    return subprocess.run(
        ["bash", str(root / "actions" / "install.sh")],
        cwd=home.parent, env=env, capture_output=True, text=True,
    )  # fmt: skip


def version(home: Path) -> str:
    """What the installed command says it is."""
    command = [str(home / "venv" / "bin" / "community-sync"), "--version"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def warm_tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of this checkout and a dependency tree one complete install made for it."""
    if not HAVE_WHEELS:
        pytest.skip("no wheelhouse of the locked wheels: bash .ci/run makes one")
    base = tmp_path_factory.mktemp("warm")
    checkout = base / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=ignore)
        else:
            shutil.copy2(source, checkout / name)
    done = install(checkout, base / "home", base / "deps", WHEELHOUSE)
    assert done.returncode == 0, done.stderr
    yield base


def restored(warm_tree: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A checkout and the tree as actions/cache would restore them on another runner."""
    checkout = tmp_path / "checkout"
    shutil.copytree(warm_tree / "checkout", checkout, symlinks=True)
    shutil.copytree(warm_tree / "deps", tmp_path / "deps", symlinks=True)
    return checkout, tmp_path / "deps"


def test_a_restored_tree_is_used_without_any_download(warm_tree: Path, tmp_path: Path) -> None:
    checkout, deps = restored(warm_tree, tmp_path)
    stamp = (deps / "stamp").read_text()
    no_wheels = tmp_path / "no-wheels"
    no_wheels.mkdir()

    done = install(checkout, tmp_path / "home", deps, no_wheels)

    assert done.returncode == 0, done.stderr  # nothing to download: the tree was used
    assert (deps / "stamp").read_text() == stamp
    assert version(tmp_path / "home") == "community-sync 0.1.0"
    # Linked from the fresh venv, not copied into it.
    site = next((tmp_path / "home" / "venv" / "lib").glob("python3*/site-packages"))
    assert (site / "community-sync-dependencies.pth").read_text() == f"{deps.resolve()}\n"
    assert {p.name for p in site.iterdir()} == {
        "community-sync-dependencies.pth", "community_sync-0.1.0.dist-info", "sync",
    }  # fmt: skip


def test_the_project_is_always_installed_from_the_checkout(warm_tree: Path, tmp_path: Path) -> None:
    """A new version of the action with the same lock reuses the tree, never an old copy."""
    checkout, deps = restored(warm_tree, tmp_path)
    init = checkout / "src" / "sync" / "__init__.py"
    init.write_text(init.read_text().replace('"0.1.0"', '"0.2.0.dev1"'))
    (checkout / "src" / "sync" / "added_in_the_new_version.py").write_text("ANSWER = 42\n")
    no_wheels = tmp_path / "no-wheels"
    no_wheels.mkdir()

    done = install(checkout, tmp_path / "home", deps, no_wheels)

    assert done.returncode == 0, done.stderr
    assert version(tmp_path / "home") == "community-sync 0.2.0.dev1"
    python = tmp_path / "home" / "venv" / "bin" / "python"
    added = [str(python), "-c", "import sync.added_in_the_new_version as m; print(m.ANSWER)"]
    assert subprocess.run(added, capture_output=True, text=True).stdout == "42\n"
    # pip sees one consistent environment: the project and the tree's pins.
    check = [sys.executable, "-m", "pip", "--python", str(python), "check"]
    assert subprocess.run(check, capture_output=True, text=True).returncode == 0


@pytest.mark.parametrize(
    "damage",
    ["no stamp", "another python", "another lock", "planted file"],
)
def test_a_tree_that_does_not_match_its_stamp_is_installed_afresh(
    warm_tree: Path, tmp_path: Path, damage: str
) -> None:
    checkout, deps = restored(warm_tree, tmp_path)
    stamp = (deps / "stamp").read_text()
    planted = deps / "sitecustomize.py"
    planted.write_text("raise SystemExit('the old tree ran')\n")
    if damage == "no stamp":  # an install killed half-way, or a partial restore
        (deps / "stamp").unlink()
    elif damage == "another python":
        (deps / "stamp").write_text(stamp.replace(platform.python_version(), "3.11.0"))
    elif damage == "another lock":
        lock = checkout / "actions" / "requirements.lock"
        lock.write_text(lock.read_text() + "# another lock\n")

    done = install(checkout, tmp_path / "home", deps, WHEELHOUSE)

    assert done.returncode == 0, done.stderr
    if damage == "planted file":  # the stamp matches: trusted as the cache's scope allows
        assert planted.exists()
        return
    assert not planted.exists()
    assert "installing them afresh" in done.stdout or damage == "no stamp"
    assert (deps / "stamp").read_text() == stamp.replace(digest(), digest(checkout))
    assert version(tmp_path / "home") == "community-sync 0.1.0"


def test_a_wheel_that_would_write_outside_site_packages_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / "evil-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("evil-1.0.dist-info/WHEEL", "Root-Is-Purelib: true\n")
        archive.writestr("../outside.py", "")
    with pytest.raises(install_project.InstallError, match="unsafe path"):
        install_project.unpack(wheel, tmp_path / "site")
    assert not (tmp_path / "outside.py").exists()


def test_a_wheel_with_compiled_or_data_files_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / "native-1.0-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("native-1.0.dist-info/WHEEL", "Root-Is-Purelib: false\n")
    with pytest.raises(install_project.InstallError, match="not a pure-Python wheel"):
        install_project.unpack(wheel, tmp_path / "site")
