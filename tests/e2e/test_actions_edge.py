"""The Actions edge of the CLI: what the runner could read as a command, and tokens.

Outside text (an issue title, an Asana task name) that looks like a workflow command must
reach the log as text, never as a command; tokens that cannot be real are refused before the
first request; a token about to leave for an unusual host is warned about once.
"""

from __future__ import annotations

import re

from sync.emulator import GITHUB_TOKEN
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness, Result

_LINE = re.compile(r"\r\n|\r|\n")


def in_actions(harness: Harness, number: int, **env: str) -> Result:
    """Deliver an `opened` event to `community-sync issue` as a workflow step would."""
    path = harness.write_event("issues", "opened", number)
    argv = ["issue", "--event", str(path), "--event-name", "issues"]
    return harness.cli(*argv, GITHUB_ACTIONS="true", **env)


def runner_commands(text: str) -> list[str]:
    """The workflow commands the Actions runner would read from a step's output.

    As actions/runner's ActionCommand does: a line whose first non-blank characters are `::`
    and that has a second `::` (TryParseV2), or `##[name]` anywhere in a line (TryParse)."""
    found = []
    for line in _LINE.split(text):
        stripped = line.lstrip()
        if stripped.startswith("::") and "::" in stripped[2:]:
            found.append(stripped[2:].split("::", 1)[0].split(" ", 1)[0])
        elif "##[" in line and "]" in line[line.index("##[") :]:
            found.append(line[line.index("##[") + 3 :].split("]", 1)[0].split(" ", 1)[0])
    return found


HOSTILE = "Help\n::error::pwned\n  ::add-mask::everything ##[warning]pwned too\r::stop-commands::x"


def test_outside_text_never_becomes_a_runner_command(harness: Harness) -> None:
    gh = harness.world.github
    issue = gh.create_issue(REPO, HOSTILE, "Body", labels=["CSH", "community:example-university"])

    result = in_actions(harness, issue.number)

    assert result.code == 0, result
    output = result.stdout + result.stderr
    assert "pwned" in output  # the title is printed ...
    assert set(runner_commands(output)) <= {"add-mask", "group", "endgroup"}  # ... as text
    assert "error" not in runner_commands(output)
    # What a person reads is the title as written (the guard adds only zero-width spaces).
    assert "::error::pwned" in output.replace("\u200b", "")


def test_a_token_with_a_control_character_is_refused_naming_the_variable(
    harness: Harness,
) -> None:
    issue = harness.world.github.create_issue(REPO, "Token", "", labels=["CSH"])
    before = harness.world.server.count()
    broken = GITHUB_TOKEN[:10] + "\n" + GITHUB_TOKEN[10:]

    result = in_actions(harness, issue.number, GITHUB_TOKEN=broken)

    assert result.code == 2, result
    assert "GITHUB_TOKEN holds a control character" in result.stderr
    assert harness.world.server.count() == before  # refused before the first request
    # Each line of the multi-line secret is masked on its own; neither is printed unmasked.
    masks = [line for line in result.stderr.splitlines() if line.startswith("::add-mask::")]
    assert f"::add-mask::{GITHUB_TOKEN[10:]}" in masks
    assert f"::add-mask::{GITHUB_TOKEN[:10]}" in masks
    assert GITHUB_TOKEN[10:] not in result.stderr.replace(f"::add-mask::{GITHUB_TOKEN[10:]}", "")
    assert GITHUB_TOKEN[10:] not in result.stdout


def test_a_token_too_short_to_be_real_is_refused_and_not_masked(harness: Harness) -> None:
    issue = harness.world.github.create_issue(REPO, "Short token", "", labels=["CSH"])

    result = in_actions(harness, issue.number, ASANA_TOKEN="a")

    assert result.code == 2, result
    assert "ASANA_TOKEN is only 1 characters long" in result.stderr
    assert "::add-mask::a\n" not in result.stderr  # masking it would hide every "a"
