"""GitHub Actions I/O: outputs, summary, annotations, masking."""

from __future__ import annotations

import io
import json
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
