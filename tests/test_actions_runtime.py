"""GitHub Actions I/O: outputs, summary, annotations, masking."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sync.actions_runtime import Runtime, escape_data, escape_property, read_event
from sync.errors import UsageError


def runtime(tmp_path: Path, actions: bool = True) -> Runtime:
    env = {
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }
    if actions:
        env["GITHUB_ACTIONS"] = "true"
    return Runtime(env=env, stdout=io.StringIO(), stderr=io.StringIO())


def test_escaping_follows_the_runner_rules() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_annotation_in_actions_and_plain_outside(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    rt.error("line one\nline two", title="Bad: config, really")
    assert rt.stdout.getvalue() == ""  # type: ignore[attr-defined]
    assert rt.stderr.getvalue() == (  # type: ignore[attr-defined]
        "::error title=Bad%3A config%2C really::line one%0Aline two\n"
    )
    plain = runtime(tmp_path, actions=False)
    plain.warning("unmapped login octocat")
    assert plain.stderr.getvalue() == "warning: unmapped login octocat\n"  # type: ignore[attr-defined]


def test_secrets_are_masked_and_scrubbed(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    rt.add_secret("s3cr3t-token")
    rt.out("token is s3cr3t-token")
    rt.set_output("x", "s3cr3t-token")
    rt.summary("s3cr3t-token")
    out = rt.stdout.getvalue()  # type: ignore[attr-defined]
    assert rt.stderr.getvalue() == "::add-mask::s3cr3t-token\n"  # type: ignore[attr-defined]
    assert out == "token is ***\n"  # stdout holds results alone
    assert "s3cr3t" not in (tmp_path / "out").read_text()
    assert "s3cr3t" not in (tmp_path / "summary").read_text()


def test_outputs_are_multiline_safe(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    rt.set_output("action", "created")
    rt.set_output("text", "a\nb")
    lines = (tmp_path / "out").read_text().splitlines()
    assert lines[0] == "action=created"
    assert lines[1].startswith("text<<ghadelimiter_")
    assert lines[2:4] == ["a", "b"]
    assert lines[4] == lines[1].split("<<", 1)[1]


def test_outputs_and_summary_are_skipped_outside_actions() -> None:
    rt = Runtime(env={}, stdout=io.StringIO(), stderr=io.StringIO())
    rt.set_output("action", "created")
    rt.summary("# nothing")
    with rt.group("g"):
        rt.out("x")
    assert rt.stdout.getvalue() == "x\n"  # type: ignore[attr-defined]


def test_group_folds_in_actions(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    with rt.group("Plan"):
        rt.out("create task")
    assert rt.stdout.getvalue() == "::group::Plan\ncreate task\n::endgroup::\n"  # type: ignore[attr-defined]


def test_read_event(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"action": "opened"}))
    assert read_event(str(path), "issues") == ("issues", {"action": "opened"})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"action": ', "event.json:1: not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (None, "event file not found"),
    ],
)
def test_read_event_errors_name_the_file(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "event.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError, match=message):
        read_event(str(path), "issues")


def test_read_event_needs_path_and_name() -> None:
    with pytest.raises(UsageError, match="GITHUB_EVENT_PATH"):
        read_event(None, "issues")
    with pytest.raises(UsageError, match="GITHUB_EVENT_NAME"):
        read_event("x.json", None)


# -- outside text never becomes a runner command (see tests/e2e/test_actions_edge.py) --------
def test_lines_that_the_runner_would_read_as_commands_are_defused(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    rt.out("task\n::error::pwned\n \t::add-mask::x\r::warning::y")
    rt.info("said ##[error]pwned and ##[set-output name=a]b")
    out = rt.stdout.getvalue()  # type: ignore[attr-defined]
    err = rt.stderr.getvalue()  # type: ignore[attr-defined]
    assert out == "task\n:\u200b:error::pwned\n \t:\u200b:add-mask::x\r:\u200b:warning::y\n"
    assert err == "said ##\u200b[error]pwned and ##\u200b[set-output name=a]b\n"


def test_a_command_split_across_writes_is_defused_too(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    for part in ("  ", ":", ":error::x\n", "a #", "#", "[error]y\n"):
        rt.stdout.write(part)
    assert rt.stdout.getvalue() == "  :\u200b:error::x\na ##\u200b[error]y\n"  # type: ignore[attr-defined]


def test_the_tools_own_commands_pass_unchanged(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    rt.stdout.write("no newline yet")
    rt.error("bad ::x")
    with rt.group("::g"):
        pass
    assert rt.stdout.getvalue() == (  # type: ignore[attr-defined]
        "no newline yet\n::group::::g\n::endgroup::\n"
    )
    assert rt.stderr.getvalue() == "::error::bad ::x\n"  # type: ignore[attr-defined]


def test_outside_actions_and_in_a_redirected_file_output_stays_as_written(tmp_path: Path) -> None:
    plain = runtime(tmp_path, actions=False)
    plain.out("::error::x ##[y]")
    assert plain.stdout.getvalue() == "::error::x ##[y]\n"  # type: ignore[attr-defined]
    # `community-sync hours --format csv > report.csv`: the runner never reads that file.
    with open(tmp_path / "report.csv", "w", encoding="utf-8") as report:
        rt = Runtime(env={"GITHUB_ACTIONS": "true"}, stdout=report, stderr=io.StringIO())
        rt.out('"a\n::b"')
    assert (tmp_path / "report.csv").read_text() == '"a\n::b"\n'


def test_each_line_of_a_multi_line_secret_is_masked_and_short_values_are_not(
    tmp_path: Path,
) -> None:
    rt = runtime(tmp_path)
    rt.add_secret("first-line-secret\nsecond-line-secret\n")
    rt.add_secret("x")
    rt.out("first-line-secret, second-line-secret and x")
    assert rt.stdout.getvalue() == "***, *** and x\n"  # type: ignore[attr-defined]
    assert rt.stderr.getvalue().splitlines() == [  # type: ignore[attr-defined]
        "::add-mask::first-line-secret",
        "::add-mask::second-line-secret",
    ]


def test_in_actions_the_process_streams_pass_the_guard_too(tmp_path: Path) -> None:
    # A library's warning or a traceback quoting outside text is written past the Runtime.
    script = tmp_path / "run.py"
    script.write_text(
        "import warnings\n"
        "from sync.context import make_runtime\n"
        "make_runtime()\n"
        "warnings.warn('title\\n::error::pwned')\n"
        "print('said ##[error]pwned')\n",
        encoding="utf-8",
    )
    env = {**os.environ, "GITHUB_ACTIONS": "true", "PYTHONWARNINGS": "always"}
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, check=True
    )
    assert ":\u200b:error::pwned" in done.stderr and "\n::error" not in done.stderr
    assert done.stdout == "said ##\u200b[error]pwned\n"
