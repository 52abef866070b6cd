"""How long `community-sync --help` and `community-sync COMMAND --help` take, and what they
import. Prints a table; run: python bench/cli_help.py [RUNS]

The target is under 0.3 s for `--help` on an idle machine: only the chosen sub-command's module
is imported, so `--help` loads neither PyGithub, the asana SDK, requests nor Jinja. Timings
vary with the machine and its load; the module list does not.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("community-sync")
HEAVY = ("github", "asana", "requests", "urllib3", "jinja2", "markdown_it", "yaml")
CASES = [["--help"], ["check", "--help"], ["reconcile", "--help"], ["office-hours", "--help"]]
PROBE = (
    "import sys\n"
    "from sync.cli import run\n"
    "from sync.actions_runtime import Runtime\n"
    "import io\n"
    "run(sys.argv[1:], runtime=Runtime(env={{}}, stdout=io.StringIO(), stderr=io.StringIO()))\n"
    "print(' '.join(m for m in {heavy!r} if m in sys.modules))\n"
)


def seconds(argv: list[str], runs: int) -> float:
    """The median wall time of the console script with these arguments."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(SCRIPT), *argv], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def heavy_imports(argv: list[str]) -> str:
    """The heavy packages a run with these arguments has imported by its end."""
    probe = PROBE.format(heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=False
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "-"


def main() -> None:
    """Print one row per case: median seconds and the heavy packages loaded."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"| command | median of {runs} (s) | heavy packages imported |")
    print("|---|---:|---|")
    for argv in CASES:
        loaded = heavy_imports(argv) or "none"
        print(f"| community-sync {' '.join(argv)} | {seconds(argv, runs):.3f} | {loaded} |")


if __name__ == "__main__":
    main()
