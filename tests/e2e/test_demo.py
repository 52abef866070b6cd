"""`community-sync demo`, as the README's first command runs it: every command end to end
against the bundled emulator, no token, no network, exit 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path


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


def test_served_commands_work_as_printed_on_one_clock(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    server = subprocess.Popen(
        [sys.executable, "-m", "sync", "demo", "--serve"],
        env=env,
        cwd=tmp_path,  # no .github/community-sync.yml here: the printed --config must be used
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        printed = []
        for line in server.stdout:
            printed.append(line.rstrip("\n"))
            if line.startswith("Ctrl-C to stop."):
                break
        start = printed.index("Paste these lines into another shell (the config path is included):")
        pasted = [line.strip() for line in printed[start + 1 :] if line.startswith("  ")]
        assert any(line.startswith("export GITHUB_TOKEN=") for line in pasted)
        commands = [line for line in pasted if line.startswith("community-sync ")]
        assert len(commands) >= 5 and all("--config /" in c for c in commands)
        # Paste them as a user would, with a check after each: every command exits 0.
        script = "set -e\n" + "\n".join(pasted) + "\n" + commands[-1] + "\n"
        done = subprocess.run(
            ["bash", "-c", script],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 to fix" in done.stdout
        # The topics the agenda was just published with are still Up Next: rotate, run at the
        # served world's moment, has nothing to move (twice: the printed one and once more).
        assert done.stdout.count('nothing to move: no card in "Up Next"') == 2, done.stdout
        assert "Traceback" not in done.stdout + done.stderr
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)
    assert server.returncode == 0
