"""What the benchmarks share: run `community-sync reconcile` as its own process against an
emulator and measure it (wall time, peak memory), the requests it sent being in the log."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from sync.emulator import World
from sync.emulator.seed import REPO


def reconcile_process(world: World, config: Path) -> tuple[float, float, float]:
    """Run one reconcile in a new process; return (seconds, peak RSS in MB, the process's own
    CPU seconds: user + system, the emulator's excluded) and leave the requests it sent in
    ``world.server.requests`` (the log is cleared first)."""
    env = {
        **os.environ,
        **world.env(),
        "GITHUB_REPOSITORY": REPO,
        "COMMUNITY_SYNC_WRITE_INTERVAL": "0",
    }
    command = [sys.executable, "-m", "sync", "--config", str(config), "-q", "reconcile"]
    world.server.reset_log()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"reconcile failed ({done.returncode}): {done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # The most any child has used so far: callers measure the largest run last.
    return seconds, after.ru_maxrss / 1024, cpu
