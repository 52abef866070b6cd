"""`demo` needs the `demo` extra (graphql-core, for the emulator); without it, one line says
what to install. The missing module is simulated in a child process: an import hook that
refuses `graphql`, as an environment without the extra would."""

from __future__ import annotations

import subprocess
import sys
import textwrap

WITHOUT_GRAPHQL = textwrap.dedent(
    """
    import sys
    from importlib.abc import MetaPathFinder

    class NoGraphql(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] == "graphql":
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoGraphql())
    from sync.cli import main
    main(sys.argv[1:])
    """
)


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", WITHOUT_GRAPHQL, *argv]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


def test_demo_without_the_extra_says_what_to_install() -> None:
    done = _run("demo")
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert 'pip install "community-sync[demo]"' in line
    assert "Traceback" not in done.stderr


def test_the_other_commands_need_no_emulator() -> None:
    done = _run("--version")
    assert done.returncode == 0, done.stderr
    assert "community-sync" in done.stdout
