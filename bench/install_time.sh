#!/usr/bin/env bash
# Install and start-up time of community-sync, as a new user (or a runner) meets it:
#   - a fresh virtual environment, `pip install` of this checkout, then `community-sync --help`,
#     as a user would (`python -m venv`, `pip install .`) with pip's cache cold
#     (--no-cache-dir) and warm (a second install);
#   - the composite actions' install step (actions/install.sh, run as the step runs it): cold,
#     with no dependency tree (the first run after the lock, the install scripts or the Python
#     changed: the hashed lock is installed into a new tree), and warm, with the tree that
#     actions/cache restores (made by one earlier install; the project is built and installed
#     afresh from this checkout either way);
#   - the start-up: `python -X importtime -c "import sync.cli"` and the wall time of
#     `community-sync --help`, against a bare `python -c pass`.
# Each figure is the fastest of ROUNDS runs (default 5), with the median in brackets. Prints
# Markdown for docs/performance.md.
#
#   bash bench/install_time.sh [ROUNDS]        PYTHON=python3.12 bash bench/install_time.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" - "$PWD" "$work" "$rounds" <<'PY'
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

root, work, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
cache = work / "pip-cache"
# As on a runner: byte code is written (some shells set PYTHONDONTWRITEBYTECODE).
env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_CACHE_DIR=str(cache))


def timed(*argv: str, **extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env={**env, **extra}, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def install(name: str, *pip_args: str, action: bool = False) -> tuple[float, float, float]:
    """(venv, pip install, first --help) seconds for one fresh environment.

    `action`: the actions' own install script (actions/install.sh: a venv without pip, the
    dependency tree, then this checkout), cold (`--no-cache-dir`: no tree) or warm (the tree
    one earlier install made, as actions/cache restores it); the venv column is then part of
    the install column."""
    venv = work / name
    subprocess.run(["rm", "-rf", str(venv)], check=True)
    target = str(venv / "bin" / "python")
    if action:
        deps = work / "cold-deps" if "--no-cache-dir" in pip_args else work / "warm-deps"
        if "--no-cache-dir" in pip_args:
            subprocess.run(["rm", "-rf", str(deps)], check=True)
        made = 0.0
        pip = timed("bash", str(root / "actions" / "install.sh"), PYTHON=sys.executable,
                    CS_ROOT=str(root), CS_HOME=str(work / name / "home"), CS_DEPS=str(deps))
        venv = work / name / "home" / "venv"
    else:
        made = timed(sys.executable, "-m", "venv", str(venv))
        pip = timed(target, "-m", "pip", "install", "--quiet", *pip_args, str(root))
    helped = timed(str(venv / "bin" / "community-sync"), "--help")
    return made, pip, helped


def best(samples: list[tuple[float, ...]]) -> tuple[tuple[float, float], ...]:
    """(fastest, median) of each column: on a shared machine other work only adds time, so
    the fastest run is the least disturbed one."""
    return tuple((min(c), statistics.median(c)) for c in zip(*samples, strict=True))


def cell(pair: tuple[float, float], unit: str = "s") -> str:
    if unit == "ms":
        return f"{pair[0] * 1000:.0f} ms ({pair[1] * 1000:.0f})"
    return f"{pair[0]:.1f} s ({pair[1]:.1f})"


scenarios = {
    "`pip install .`, cold cache (`--no-cache-dir`)": (("--no-cache-dir",), False),
    "`pip install .`, warm cache (a second install)": ((), False),
    "the actions' install step, cold (no dependency tree)": (("--no-cache-dir",), True),
    "the actions' install step, warm (the tree restored by actions/cache)": ((), True),
}
install("prime", action=True)  # make the warm tree
install("prime-user")  # fill pip's cache for the user's warm path
results = {}
for label, (args, action) in scenarios.items():
    results[label] = best([install(f"v{i}", *args, action=action) for i in range(rounds)])

bin_dir = work / "prime" / "home" / "venv" / "bin"  # as the actions make it, used once
bare = best([(timed(str(bin_dir / "python"), "-c", "pass"),) for _ in range(rounds * 3)])[0]
imported = best([(timed(str(bin_dir / "python"), "-c", "import sync.cli"),)
                 for _ in range(rounds * 3)])[0]
helped = best([(timed(str(bin_dir / "community-sync"), "--help"),)
               for _ in range(rounds * 3)])[0]
trace = subprocess.run([str(bin_dir / "python"), "-X", "importtime", "-c", "import sync.cli"],
                       capture_output=True, text=True, check=True).stderr
cumulative = {}
for line in trace.splitlines():
    match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
    if match:
        cumulative.setdefault(match.group(3), (int(match.group(1)), len(match.group(2))))
counts = subprocess.run(
    [str(bin_dir / "python"), "-c",
     "import sys, sync.cli; names = list(sys.modules); "
     "print(len(names), sum(n.split('.')[0] == 'asana' for n in names), "
     "sum(n.split('.')[0] == 'github' for n in names))"],
    capture_output=True, text=True, check=True).stdout.split()

pip_version = subprocess.run([sys.executable, "-m", "pip", "--version"], text=True,
                             capture_output=True, check=True).stdout.split()[1]
print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
      f"pip {pip_version}; the fastest of {rounds} runs (the median in brackets); start-up: "
      f"of {rounds * 3} runs.\n")
print("| install | venv | pip install / install step | first `community-sync --help` | total |")
print("|---|---:|---:|---:|---:|")
for label, (made, pip, helped_once) in results.items():
    total = tuple(a + b + c for a, b, c in zip(made, pip, helped_once, strict=True))
    print(f"| {label} | {cell(made)} | {cell(pip)} | {cell(helped_once, 'ms')} | {cell(total)} |")
print()
print("| start-up | wall time |")
print("|---|---:|")
print(f"| `python -c pass` | {cell(bare, 'ms')} |")
print(f"| `python -c 'import sync.cli'` | {cell(imported, 'ms')} |")
print(f"| `community-sync --help` | {cell(helped, 'ms')} |")
print()
print(f"`import sync.cli` loads {counts[0]} modules, {counts[1]} of them from `asana` and "
      f"{counts[2]} from `github` (PyGithub). Cumulative import time (`-X importtime`, one run):\n")
print("| module | cumulative |")
print("|---|---:|")
for name in ("sync.cli", "sync.context", "sync.asana.client", "asana", "sync.github.client",
             "github", "sync.commands", "jinja2", "yaml"):
    if name in cumulative:
        print(f"| `{name}` | {cumulative[name][0] / 1000:.0f} ms |")
PY
