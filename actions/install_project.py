"""Install community-sync itself into the running virtual environment (actions/install.sh).

    VENV/bin/python -I actions/install_project.py CS_ROOT DEPS

Builds the wheel of the checkout at CS_ROOT with its declared back-end (setuptools, from the
hashed lock) in this process, unpacks it into this environment's site-packages without any
dependency (the wheel is pure Python: files, its metadata and one console script), links the
dependency tree DEPS (installed from the hashed lock by install.sh, or restored from the
action's cache) with a `.pth` file, byte-compiles the project, and checks that every
requirement of the project is met by what DEPS holds.

It does in-process what `pip install --no-deps --no-build-isolation CS_ROOT` followed by
`pip check` does, without pip's start-up and the three back-end subprocesses (about 3.5 s of
the 5 s that took; docs/performance.md). Only the standard library, setuptools and the
`packaging` that setuptools carries are used. Exit 1 with a message when anything is amiss.
"""

from __future__ import annotations

import base64
import compileall
import contextlib
import csv
import hashlib
import importlib
import io
import os
import sys
import sysconfig
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path, PurePosixPath

INSTALLER = "community-sync actions/install.sh\n"
PTH = "community-sync-dependencies.pth"
SCRIPT = """#!{python}
import sys
from {module} import {function}
if __name__ == "__main__":
    sys.exit({function}())
"""


class InstallError(Exception):
    """The project cannot be installed as built (a message for the log)."""


def build(root: Path, out: Path) -> Path:
    """The project's wheel, built by its setuptools back-end in this process (output kept
    quiet unless the build fails)."""
    log = io.StringIO()
    here = Path.cwd()
    os.chdir(root)  # the back-end reads pyproject.toml from the working directory
    try:
        import setuptools.build_meta as backend  # type: ignore[import-untyped]

        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            name: str = backend.build_wheel(str(out))
    except Exception as exc:
        raise InstallError(f"building the wheel of {root} failed: {exc}\n{log.getvalue()}") from exc
    finally:
        os.chdir(here)
    return out / name


def record_line(path: Path, relative: str) -> list[str]:
    """One RECORD row: the file's path, its urlsafe sha256 and its size (the wheel format)."""
    data = path.read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [relative, f"sha256={digest}", str(len(data))]


def unpack(wheel: Path, site: Path) -> str:
    """Extract a pure-Python wheel into `site`; return its .dist-info folder's name."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for name in names:
            parts = PurePosixPath(name).parts
            if PurePosixPath(name).is_absolute() or ".." in parts:
                raise InstallError(f"{wheel.name}: unsafe path {name!r}")
        [info] = {
            PurePosixPath(n).parts[0] for n in names if n.split("/")[0].endswith(".dist-info")
        }
        if any(n.split("/")[0].endswith(".data") for n in names):
            raise InstallError(f"{wheel.name}: a .data folder is not expected")
        if "Root-Is-Purelib: true" not in archive.read(f"{info}/WHEEL").decode():
            raise InstallError(f"{wheel.name}: not a pure-Python wheel")
        archive.extractall(site)
    return info


def scripts(site: Path, info: str, bin_dir: Path) -> list[Path]:
    """Write the console scripts the wheel declares, run by this environment's Python."""
    made = []
    distribution = metadata.PathDistribution(site / info)
    for entry in distribution.entry_points.select(group="console_scripts"):
        module, _, function = entry.value.partition(":")
        path = bin_dir / entry.name
        path.write_text(SCRIPT.format(python=sys.executable, module=module, function=function))
        path.chmod(0o755)
        made.append(path)
    return made


def finish_record(site: Path, info: str, extra: list[Path]) -> None:
    """Add the installer's own files and the scripts to RECORD (as pip does)."""
    (site / info / "INSTALLER").write_text(INSTALLER, encoding="utf-8")
    rows = [
        record_line(path, os.path.relpath(path, site))
        for path in [site / info / "INSTALLER", *extra]
    ]
    with (site / info / "RECORD").open("a", newline="", encoding="utf-8") as record:
        csv.writer(record).writerows(rows)


def unmet(site: Path, info: str) -> list[str]:
    """The project's requirements that the environment does not meet (what `pip check` says)."""
    # setuptools puts the `packaging` it carries on sys.path when none is installed.
    importlib.import_module("setuptools")
    from packaging.requirements import Requirement

    problems = []
    for text in metadata.PathDistribution(site / info).requires or []:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue  # an extra's requirement (demo, test): not installed by the action
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{requirement}: not installed")
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement}: {version} is installed")
    return problems


def install(root: Path, deps: Path) -> None:
    """Build, unpack, link the dependencies, byte-compile and check."""
    site = Path(sysconfig.get_path("purelib"))
    (site / PTH).write_text(f"{deps}\n", encoding="utf-8")
    sys.path.append(str(deps))  # as the .pth does for every later start
    with tempfile.TemporaryDirectory() as out:
        info = unpack(build(root, Path(out)), site)
    made = scripts(site, info, Path(sysconfig.get_path("scripts")))
    top_level = {p.split("/")[0] for p, *_ in csv.reader((site / info / "RECORD").open())}
    for name in sorted(top_level - {info}):
        if (site / name).is_dir():
            compileall.compile_dir(site / name, quiet=1)
    finish_record(site, info, made)
    problems = unmet(site, info)
    if problems:
        raise InstallError("unmet requirements: " + "; ".join(problems))


def main(argv: list[str]) -> int:
    """Entry point: CS_ROOT DEPS."""
    root, deps = (Path(a).resolve() for a in argv)
    try:
        install(root, deps)
    except InstallError as exc:
        print(f"::error title=community-sync install::{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
