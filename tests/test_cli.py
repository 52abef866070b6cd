"""The command line as users and workflows meet it: exit codes, one-line errors, no secrets.

Each case runs the real CLI in this process (``sync.cli.run`` with a captured Runtime) and/or
as a real process (``python -m sync`` and the ``community-sync`` console script) against the
emulator. Every run, whatever it tests, is also checked for tracebacks and leaked tokens.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import sync.cli
from sync.actions_runtime import Runtime, escape_data
from sync.context import Context
from sync.emulator import World
from sync.emulator.github_webhooks import webhook_payload
from sync.emulator.seed import REPO, Seeded, seed_csh
from sync.retry import RetryPolicy
from tests.fakes import FakeClock

GITHUB_TOKEN = "ghp_SECRETSECRET123"
ASANA_TOKEN = "2/1200000000000000/1209999999999999:asanaSECRETSECRET456"
SECRET_MARK = "SECRETSECRET"  # in every token a test passes, so partial leaks show too
SCRIPT = Path(sys.executable).with_name("community-sync")
TRACEBACK = "Traceback (most recent call last)"
IN_PROCESS, MODULE, CONSOLE = "in-process", "python -m sync", "console script"


@dataclass
class Result:
    """What one CLI run printed and wrote."""

    code: int
    stdout: str
    stderr: str
    output: str
    summary: str

    @property
    def outputs(self) -> dict[str, str]:
        pairs = (line.partition("=") for line in self.output.splitlines())
        return {key: value for key, sep, value in pairs if sep}

    def error_line(self) -> str:
        """The one line an error outside Actions is (checked to be exactly one)."""
        lines = self.stderr.splitlines()
        assert len(lines) == 1, self.stderr
        return lines[0]


@dataclass
class Cli:
    """A seeded world, a config file in a scratch folder, and three ways to run the CLI."""

    world: World
    seeded: Seeded
    folder: Path
    monkeypatch: pytest.MonkeyPatch
    events: int = 0

    @property
    def config(self) -> Path:
        return self.folder / "community-sync.yml"

    def env(self, *, actions: bool = False, **changes: str | None) -> dict[str, str]:
        """The environment of a workflow step; a change to None unsets the variable.

        The names changed are literal keywords in tests; :func:`with_var` for a variable one.
        """
        env = {
            "GITHUB_OUTPUT": str(self.folder / "output"),
            "GITHUB_STEP_SUMMARY": str(self.folder / "summary"),
            "GITHUB_REPOSITORY": REPO,
            **self.world.env(),
        }
        if actions:
            env["GITHUB_ACTIONS"] = "true"
        for name, value in changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def issue(self, title: str, *, csh: bool = True) -> int:
        """Open an issue in the emulated repository; return its number."""
        labels = ["CSH"] if csh else []
        return self.world.github.create_issue(
            REPO, title, "Steps to reproduce", labels=labels
        ).number

    def event(self, number: int, action: str = "opened") -> Path:
        """Write a real-shaped ``issues`` payload for an issue; return its path."""
        payload = webhook_payload(self.world.github, "issues", action, REPO, number)
        return self.write(json.dumps(payload))

    def write(self, text: str) -> Path:
        self.events += 1
        path = self.folder / f"event-{self.events}.json"
        path.write_text(text, encoding="utf-8")
        return path

    def issue_argv(self, event: Path, *options: str) -> list[str]:
        config = ["--config", str(self.config)]
        return [*options, *config, "issue", "--event", str(event), "--event-name", "issues"]

    def run(self, how: str, argv: list[str], env: dict[str, str]) -> Result:
        """Run the CLI one way; every run is checked for tracebacks and leaked tokens."""
        for name in ("output", "summary"):
            (self.folder / name).write_text("", encoding="utf-8")
        if how == IN_PROCESS:
            code, stdout, stderr = self._in_process(argv, env)
        else:
            code, stdout, stderr = self._subprocess(how, argv, env)
        result = Result(
            code,
            stdout,
            stderr,
            (self.folder / "output").read_text(encoding="utf-8"),
            (self.folder / "summary").read_text(encoding="utf-8"),
        )
        assert_clean(result, env, verbose="-v" in argv)
        return result

    def _in_process(self, argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        runtime = Runtime(env=env, stdout=out, stderr=err)
        self.monkeypatch.chdir(self.folder)
        with redirect_stdout(out), redirect_stderr(err):  # what argparse prints, too
            code = sync.cli.run(argv, runtime=runtime)
        return code, out.getvalue(), err.getvalue()

    def _subprocess(self, how: str, argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
        command = [sys.executable, "-m", "sync"] if how == MODULE else [str(SCRIPT)]
        # A clean environment: nothing (no GITHUB_ACTIONS, no real token) leaks in from ours.
        full_env = {"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8", **env}
        done = subprocess.run(
            [*command, *argv],
            env=full_env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return done.returncode, done.stdout, done.stderr


def assert_clean(result: Result, env: dict[str, str], *, verbose: bool) -> None:
    """No traceback (unless -v) and no token anywhere, except in Actions' own mask commands."""
    stdout, stderr = (
        "\n".join(line for line in text.splitlines() if not line.startswith("::add-mask::"))
        for text in (result.stdout, result.stderr)
    )
    everything = "\n".join([stdout, stderr, result.output, result.summary])
    if not verbose:
        assert TRACEBACK not in everything
    tokens = [env.get(n, "").strip() for n in ("GITHUB_TOKEN", "ASANA_TOKEN", "ASANA_ACCESS_TOKEN")]
    for token in filter(None, tokens):
        assert token not in everything
    assert SECRET_MARK not in everything


@pytest.fixture(scope="module")
def seeded_world() -> Iterator[tuple[World, Seeded]]:
    # One server for the module: stopping one costs half a second (its poll interval).
    world = World(github_token=GITHUB_TOKEN, asana_token=ASANA_TOKEN).start()
    try:
        yield world, seed_csh(world)
    finally:
        world.stop()


@pytest.fixture
def cli(
    seeded_world: tuple[World, Seeded], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Cli]:
    world, seeded = seeded_world
    (tmp_path / "community-sync.yml").write_text(seeded.config_yaml(), encoding="utf-8")
    world.server.clear_faults()
    yield Cli(world, seeded, tmp_path, monkeypatch)
    world.server.clear_faults()


def with_var(env: dict[str, str], name: str, value: str | None) -> dict[str, str]:
    """A copy of ``env`` with ``name`` set to ``value`` (None: unset)."""
    changed = {k: v for k, v in env.items() if k != name}
    if value is not None:
        changed[name] = value
    return changed


def assert_one_error(result: Result, code: int, *parts: str) -> str:
    """Exit ``code`` and one ``error: ...`` line on stderr that contains every part."""
    assert result.code == code, result
    line = result.error_line()
    assert line.startswith("error: ")
    for part in parts:
        assert part in line
    return line


# -- usage -----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", [IN_PROCESS, MODULE, CONSOLE])
def test_help_exits_0(cli: Cli, how: str) -> None:
    result = cli.run(how, ["--help"], cli.env())

    assert result.code == 0
    assert result.stdout.startswith("usage: community-sync")
    assert "issue" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("how", [IN_PROCESS, CONSOLE])
def test_unknown_command_exits_2(cli: Cli, how: str) -> None:
    result = cli.run(how, ["frobnicate"], cli.env())

    assert_one_error(result, 2, "invalid choice: 'frobnicate'", "--help")
    assert result.stdout == ""


def test_bad_usage_in_actions_is_annotated(cli: Cli) -> None:
    result = cli.run(IN_PROCESS, ["issue", "--no-such-option"], cli.env(actions=True))

    assert result.code == 2
    assert re.search(r"^::error title=Usage error::.*--no-such-option", result.stderr, re.M)
    assert "--no-such-option" in result.summary


# -- configuration ---------------------------------------------------------------------------


def break_config(cli: Cli, kind: str) -> tuple[int, str]:
    """Break the config one way; return the line and key path the error must name."""
    lines = cli.config.read_text(encoding="utf-8").splitlines()
    if kind == "unknown key":
        at = next(i for i, line in enumerate(lines) if line.startswith("  project:"))
        lines[at] = lines[at].replace("project:", "projekt:")
        where = (at + 1, "asana.projekt")
    elif kind == "wrong type":
        at = next(i for i, line in enumerate(lines) if "contracted_hours: 40" in line)
        lines[at] = lines[at].replace("40", "lots")
        where = (at + 1, "csh.communities[0].contracted_hours")
    else:  # missing required key: named where its mapping starts (its first key)
        at = next(i for i, line in enumerate(lines) if line.startswith("  project:"))
        del lines[at]
        where = (lines.index("asana:") + 2, "asana.project")
    cli.config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return where


@pytest.mark.parametrize(
    ("kind", "how"),
    [
        ("unknown key", IN_PROCESS),
        ("wrong type", IN_PROCESS),
        ("missing key", IN_PROCESS),
        ("wrong type", CONSOLE),
    ],
)
def test_config_error_is_one_line_naming_file_line_and_key(cli: Cli, kind: str, how: str) -> None:
    line, key = break_config(cli, kind)
    event = cli.event(cli.issue(f"Config {kind} {how}"))
    before = cli.world.server.count()

    result = cli.run(how, cli.issue_argv(event), cli.env())

    assert_one_error(result, 2, f"error: {cli.config}:{line}: {key}: ")
    assert cli.world.server.count() == before  # nothing was sent with a broken config


def test_config_error_in_actions_is_an_annotation_and_in_the_summary(cli: Cli) -> None:
    line, key = break_config(cli, "unknown key")
    event = cli.event(cli.issue("Config error in Actions"))

    result = cli.run(MODULE, cli.issue_argv(event), cli.env(actions=True))

    assert result.code == 2
    message = f"{cli.config}:{line}: {key}: unknown key 'projekt'"
    errors = [line for line in result.stderr.splitlines() if line.startswith("::error")]
    assert len(errors) == 1
    assert errors[0].startswith(f"::error title=Configuration error::{escape_data(message)}")
    assert message in result.summary
    assert "Configuration error" in result.summary
    assert not re.search(r"^error:", result.stderr, re.M)  # the annotation, not a plain line


@pytest.mark.parametrize("how", [IN_PROCESS, CONSOLE])
def test_missing_config_file_names_the_path(cli: Cli, how: str) -> None:
    event = cli.event(cli.issue(f"No config {how}"))
    missing = cli.folder / "nowhere" / "sync.yml"

    argv = ["--config", str(missing), "issue", "--event", str(event), "--event-name", "issues"]
    result = cli.run(how, argv, cli.env())

    assert_one_error(result, 2, f"error: {missing}: ", "not found")


def test_missing_default_config_names_the_default_path(cli: Cli) -> None:
    event = cli.event(cli.issue("No default config"))

    argv = ["issue", "--event", str(event), "--event-name", "issues"]
    result = cli.run(IN_PROCESS, argv, cli.env())  # in the scratch folder, which has no .github

    assert_one_error(result, 2, "error: .github/community-sync.yml: ", "--config")


# -- global flags ----------------------------------------------------------------------------

COMMANDS = [
    ["issue"],
    ["reconcile"],
    ["hours"],
    ["office-hours"],
    ["office-hours", "agenda"],
    ["office-hours", "rotate"],
    ["office-hours", "queue"],
    ["check"],
    ["demo"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_commands_help_shows_the_global_flags(cli: Cli, command: list[str]) -> None:
    result = cli.run(IN_PROCESS, [*command, "--help"], cli.env())

    assert result.code == 0
    assert result.stdout.startswith(f"usage: community-sync {' '.join(command)}")
    for flag in ("--config CONFIG", "--dry-run", "-v, --verbose", "-q, --quiet"):
        assert flag in result.stdout


LOADED = """\
import io, sys
from sync.actions_runtime import Runtime
from sync.cli import run
run(sys.argv[1:], runtime=Runtime(env={}, stdout=io.StringIO(), stderr=io.StringIO()))
wanted = ("sync.commands.", "github", "asana")
print(" ".join(sorted(m for m in sys.modules if m.startswith(wanted))))
"""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--help"], ""),
        (["reconcile", "--help"], "sync.commands.reconcile"),
        (["--config", "hours", "check", "--help"], "sync.commands.check"),
    ],
)
def test_only_the_chosen_commands_module_is_imported(argv: list[str], expected: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOADED, *argv], capture_output=True, text=True, check=True
    )
    loaded = done.stdout.split()
    assert [m for m in loaded if m.startswith("sync.commands.")] == ([expected] if expected else [])
    if not expected:
        assert not [m for m in loaded if m.startswith(("github", "asana"))]


def test_every_command_is_listed_with_its_own_help_line() -> None:
    from sync.commands import COMMANDS

    for name, (_module, help_text) in COMMANDS.items():
        # Chosen, the command's module adds its own parser: its help line is the table's.
        listing = sync.cli.build_parser([name]).format_help()
        assert re.search(rf"^    {re.escape(name)} +{re.escape(help_text)}$", listing, re.M), name


@pytest.mark.parametrize("how", [IN_PROCESS, CONSOLE])
def test_global_flags_work_after_the_command(cli: Cli, how: str) -> None:
    cli.issue(f"Flags after the command {how}")
    writes = cli.world.server.count(writes=True)

    argv = ["reconcile", "--dry-run", "--config", str(cli.config), "-q"]
    result = cli.run(how, argv, cli.env())

    assert result.code == 0, result
    assert f'create task "Flags after the command {how}"' in result.stdout
    assert cli.world.server.count(writes=True) == writes  # --dry-run was honoured
    assert "reconciled" not in result.stderr  # -q: no progress line


def test_global_flags_work_after_a_nested_command(cli: Cli) -> None:
    missing = cli.folder / "elsewhere.yml"

    result = cli.run(IN_PROCESS, ["office-hours", "agenda", "--config", str(missing)], cli.env())

    assert_one_error(result, 2, f"error: {missing}: ", "not found")


def test_a_flag_after_the_command_wins_over_the_same_flag_before(cli: Cli) -> None:
    missing = cli.folder / "before.yml"

    argv = ["--config", str(missing), "check", "--config", str(cli.config)]
    result = cli.run(IN_PROCESS, argv, cli.env())

    assert str(missing) not in result.stdout + result.stderr
    assert "ok:" in result.stdout


def test_verbose_and_quiet_together_are_bad_usage(cli: Cli) -> None:
    result = cli.run(IN_PROCESS, ["-v", "reconcile", "-q"], cli.env())

    assert_one_error(result, 2, "-v and -q cannot be combined")


def test_a_closed_pipe_ends_quietly(cli: Cli) -> None:
    # As `community-sync check | head -1` after head has exited: every write fails (EPIPE).
    command = [sys.executable, "-m", "sync", "--config", str(cli.config), "check"]
    env = {"PATH": os.environ.get("PATH", ""), **cli.env()}
    process = subprocess.Popen(
        command, env=env, cwd=cli.folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=60)

    assert code == 0, stderr
    assert "BrokenPipeError" not in stderr
    assert TRACEBACK not in stderr
    assert "Exception ignored" not in stderr


# -- tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "how"),
    [("GITHUB_TOKEN", IN_PROCESS), ("GITHUB_TOKEN", CONSOLE), ("ASANA_TOKEN", IN_PROCESS)],
)
def test_missing_token_exits_2_naming_the_variable(cli: Cli, variable: str, how: str) -> None:
    event = cli.event(cli.issue(f"No {variable} {how}"))
    before = cli.world.server.count()

    result = cli.run(how, cli.issue_argv(event), with_var(cli.env(), variable, None))

    line = assert_one_error(result, 2, variable, "is not set")
    assert line.startswith(f"error: {variable} is not set")
    assert cli.world.server.count() == before  # it fails before the first request


def test_asana_access_token_stands_in_for_asana_token(cli: Cli) -> None:
    event = cli.event(cli.issue("Token by its other name"))
    env = cli.env(ASANA_TOKEN=None, ASANA_ACCESS_TOKEN=ASANA_TOKEN)

    result = cli.run(IN_PROCESS, cli.issue_argv(event), env)

    assert result.code == 0, result
    assert result.outputs["action"] == "created"


@pytest.mark.parametrize("how", [IN_PROCESS, MODULE])
def test_success_in_actions_prints_no_token(cli: Cli, how: str) -> None:
    event = cli.event(cli.issue(f"Mirrored via {how}"))

    result = cli.run(how, cli.issue_argv(event), cli.env(actions=True))

    assert result.code == 0, result
    assert result.outputs["action"] == "created"
    assert result.outputs["asana_task_gid"].isdigit()
    assert f"Mirrored via {how}" in result.stdout
    assert "created" in result.summary
    # The only place a token may appear is the runner's own mask command, which hides it.
    masks = [line for line in result.stderr.splitlines() if line.startswith("::add-mask::")]
    assert masks == [f"::add-mask::{GITHUB_TOKEN}", f"::add-mask::{ASANA_TOKEN}"]


@pytest.mark.parametrize(
    ("variable", "how"), [("GITHUB_TOKEN", IN_PROCESS), ("ASANA_TOKEN", IN_PROCESS)]
)
def test_a_token_pasted_with_its_newline_is_not_leaked_by_sdk_errors(
    cli: Cli, variable: str, how: str
) -> None:
    # requests and urllib3 refuse the header and quote it, escaped, in their error message.
    token = GITHUB_TOKEN if variable == "GITHUB_TOKEN" else ASANA_TOKEN
    event = cli.event(cli.issue(f"Newline token {variable}"))

    env = with_var(cli.env(actions=True), variable, token + "\n")
    result = cli.run(how, cli.issue_argv(event), env)

    # What matters is checked by cli.run: no token (nor part of one), no traceback.
    assert result.code in (0, 1), result
    assert f"::add-mask::{token}\n" in result.stderr  # the stripped core is masked too


def test_bad_credentials_fail_with_exit_1_naming_the_variable(cli: Cli) -> None:
    event = cli.event(cli.issue("Wrong token"))

    result = cli.run(CONSOLE, cli.issue_argv(event), cli.env(GITHUB_TOKEN="ghp_SECRETSECRETwrong"))

    assert_one_error(result, 1, "GitHub API error 401", "GITHUB_TOKEN")


# -- event payloads --------------------------------------------------------------------------


def bad_event(cli: Cli, kind: str) -> tuple[Path, str]:
    """Write a malformed event; return it and the text the error must name besides the file."""
    if kind == "not JSON":
        return cli.write('{"action": "opened", "issue": '), "not valid JSON"
    if kind == "JSON array":
        return cli.write("[]"), "expected a JSON object"
    number = cli.issue(f"Bad event {kind}")
    if kind == "no issue":
        path = cli.event(number)
        payload = json.loads(path.read_text(encoding="utf-8"))
        del payload["issue"]
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path, "issue: missing"
    payload = webhook_payload(cli.world.github, "issues", "opened", REPO, number)
    payload["issue"]["number"] = str(number)
    return cli.write(json.dumps(payload)), "issue.number: "


@pytest.mark.parametrize(
    ("kind", "how"),
    [
        ("not JSON", IN_PROCESS),
        ("JSON array", IN_PROCESS),
        ("no issue", IN_PROCESS),
        ("number is a string", IN_PROCESS),
        ("number is a string", MODULE),
    ],
)
def test_malformed_event_exits_2_naming_file_and_key(cli: Cli, kind: str, how: str) -> None:
    path, named = bad_event(cli, kind)
    before = cli.world.server.count()

    result = cli.run(how, cli.issue_argv(path), cli.env())

    assert_one_error(result, 2, f"error: {path}", named)
    assert cli.world.server.count() == before


def test_missing_event_file_exits_2_naming_it(cli: Cli) -> None:
    missing = cli.folder / "no-event.json"

    result = cli.run(IN_PROCESS, cli.issue_argv(missing), cli.env())

    assert_one_error(result, 2, f"error: {missing}: ", "not found")


@pytest.mark.parametrize("how", [IN_PROCESS, CONSOLE])
def test_event_for_a_non_csh_issue_is_skipped_with_exit_0(cli: Cli, how: str) -> None:
    event = cli.event(cli.issue(f"Just a question {how}", csh=False))
    writes = cli.world.server.count(writes=True)

    result = cli.run(how, cli.issue_argv(event), cli.env())

    assert result.code == 0, result
    assert "action=skipped" in result.output.splitlines()
    assert result.outputs["changes"] == "0"
    assert cli.world.server.count(writes=True) == writes


# -- API failures ----------------------------------------------------------------------------


def test_api_failure_after_retries_exits_1_with_an_annotation(cli: Cli) -> None:
    clock = FakeClock()
    policy = RetryPolicy(sleep=clock.sleep, monotonic=clock.monotonic, jitter=lambda: 1.0)

    def context(**kwargs: Any) -> Context:
        return Context(policy=policy, **kwargs)

    cli.monkeypatch.setattr(sync.cli, "Context", context)  # the one way to swap the clock
    event = cli.event(cli.issue("Asana is down"))
    cli.world.server.inject("asana", status=503, times=1000)

    result = cli.run(IN_PROCESS, cli.issue_argv(event), cli.env(actions=True))

    assert result.code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("::error")]
    assert len(errors) == 1
    assert errors[0].startswith("::error title=API failure::Asana API error 503: ")
    assert "gave up after 6 attempts" in errors[0]
    assert "gave up after 6 attempts" in result.summary
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert "Asana is down" not in {t.name for t in cli.world.asana.tasks.values()}


@pytest.mark.parametrize("how", [IN_PROCESS, MODULE])
def test_api_failure_without_retry_exits_1_with_asanas_message(cli: Cli, how: str) -> None:
    event = cli.event(cli.issue(f"Asana forbids {how}"))
    body = {"errors": [{"message": "You do not have access to this project."}]}
    cli.world.server.inject("asana", status=403, times=1000, body=body)

    result = cli.run(how, cli.issue_argv(event), cli.env(actions=True))

    assert result.code == 1
    expected = "::error title=API failure::Asana API error 403: You do not have access"
    assert any(line.startswith(expected) for line in result.stderr.splitlines())


# -- unexpected errors -----------------------------------------------------------------------


def explode(*_args: object, **_kwargs: object) -> object:
    # As an SDK error might: its message quotes the Authorization header.
    raise RuntimeError(f"boom: Authorization: Bearer {GITHUB_TOKEN}")


def test_unexpected_error_is_one_line_without_traceback(cli: Cli) -> None:
    cli.monkeypatch.setattr("sync.commands.issue.plan_event", explode)
    event = cli.event(cli.issue("Internal error"))

    result = cli.run(IN_PROCESS, cli.issue_argv(event), cli.env())

    assert_one_error(result, 1, "unexpected RuntimeError: boom", "***", "-v")


def test_verbose_shows_the_traceback_but_still_no_token(cli: Cli) -> None:
    cli.monkeypatch.setattr("sync.commands.issue.plan_event", explode)
    event = cli.event(cli.issue("Internal error, verbose"))

    result = cli.run(IN_PROCESS, cli.issue_argv(event, "-v"), cli.env())

    assert result.code == 1
    assert TRACEBACK in result.stderr
    assert "RuntimeError: boom: Authorization: Bearer ***" in result.stderr
