"""`community-sync demo`, as the README's first command runs it: every command end to end
against the bundled emulator, no token, no network, exit 0."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_whole_demo_runs_as_a_user_runs_it() -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
    done = subprocess.run(
        [sys.executable, "-m", "sync", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in out + done.stderr
    assert "(exit code" not in out
    for line in (
        'create task "Help configuring JupyterHub profiles" under '
        '"Example University / Community Success Hours"',
        "update task 1209000000000022: completed false -> true",
        "delete task 1209000000000024 (closed as not_planned)",
        "update task 1209000000000022: GitHub Hours 2 -> 3.5",
        "  writes: 0",
        "| Other College (`other-college`) | 11.5 | 10 | 115% |",
        "community,issue,url,title,hours,completed,completed_on",
        "  example-org/csh-reports#1: Community Success Hours: team report",
        "0 new flags announced",
        "# Office hours 2026-01-21",
        "18 ok, 0 to fix, 1 note",
    ):
        assert line in out, line
