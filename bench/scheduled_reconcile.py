"""What one scheduled reconcile in sync costs on the runner, as far as it can be measured here.

The two steps of the job that are community-sync's own, as the job runs them:
  1. the actions' install step with a warm cache: actions/install.sh with the dependency tree
     that actions/cache restores (made once, untimed, by a cold install);
  2. `community-sync reconcile` run by the command that step installed, against the emulator,
     on N issues (default 300) that a first reconcile has already mirrored.
Each is timed ROUNDS times (default 5): the fastest, the median, and the child processes' CPU
time (user + sys; the emulator's own work is in this process and not counted). The emulator
answers on loopback, so the reconcile's wall time here has no network latency in it; the
requests it sends are counted.

Run: python bench/scheduled_reconcile.py [N] [ROUNDS]     (PYTHON=... picks the job's Python)
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reconcile import backfill, seed  # bench/ is the script's folder, on sys.path

from sync.emulator import World
from sync.emulator.seed import REPO, seed_csh

ROOT = Path(__file__).resolve().parents[1]


def children_cpu() -> float:
    """CPU seconds (user + sys) of every child process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one command, which must succeed."""
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{argv[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, children_cpu() - cpu


def rounds(n: int, measure: Callable[[], tuple[float, float]]) -> list[tuple[float, float]]:
    """`measure` n times."""
    return [measure() for _ in range(n)]


def cell(samples: list[float]) -> str:
    """The fastest with the median in brackets."""
    return f"{min(samples):.2f} s ({statistics.median(samples):.2f})"


def main(argv: list[str]) -> int:
    """Measure the install step and the in-sync reconcile; print Markdown."""
    n = int(argv[0]) if argv else 300
    count = int(argv[1]) if len(argv) > 1 else 5
    python = os.environ.get("PYTHON", sys.executable)
    with tempfile.TemporaryDirectory() as tmp, World() as world:
        work = Path(tmp)
        home, deps = work / "home", work / "deps"
        install_env = {
            **os.environ, "PYTHON": python, "CS_ROOT": str(ROOT), "CS_HOME": str(home),
            "CS_DEPS": str(deps),
        }  # fmt: skip
        script = ["bash", str(ROOT / "actions" / "install.sh")]
        timed(script, install_env)  # cold: makes the tree actions/cache would restore
        installs = rounds(count, lambda: timed(script, install_env))

        seeded = seed_csh(world)
        config = work / "community-sync.yml"
        config.write_text(seeded.config_yaml(rate_limit=100_000), encoding="utf-8")
        seed(world, n)
        backfill(world, config, n)
        env = {
            **os.environ, **world.env(), "GITHUB_REPOSITORY": REPO,
            "COMMUNITY_SYNC_WRITE_INTERVAL": "0",
        }  # fmt: skip
        command = [str(home / "venv" / "bin" / "community-sync"), "--config", str(config)]
        command += ["-q", "reconcile"]
        requests: set[tuple[int, int]] = set()

        def reconcile() -> tuple[float, float]:
            world.server.reset_log()
            result = timed(command, env)
            requests.add((world.server.count(), world.server.count(writes=True)))
            return result

        runs = rounds(count, reconcile)

    [(sent, writes)] = requests
    walls = [i[0] + r[0] for i, r in zip(installs, runs, strict=True)]
    print(f"{n} issues in sync, {count} rounds: the fastest, the median in brackets.\n")
    print("| step | wall time | CPU (user+sys) |")
    print("|---|---:|---:|")
    print(f"| install step, warm cache | {cell([w for w, _ in installs])} "
          f"| {cell([c for _, c in installs])} |")  # fmt: skip
    print(f"| `community-sync reconcile` ({sent} requests, {writes} writes) "
          f"| {cell([w for w, _ in runs])} | {cell([c for _, c in runs])} |")  # fmt: skip
    print(f"| both | {cell(walls)} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
