"""`community-sync office-hours` end to end: the real CLI against the emulated GitHub and Slack.

The emulated GitHub's clock and `COMMUNITY_SYNC_NOW` move together, so the board's status
timestamps and the command's "now" tell one story around the session of 2026-01-21
(16:00-17:30 UTC; its prepare window opens 2026-01-14 16:00).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from sync.emulator import World
from sync.emulator.github_state import Issue
from sync.emulator.github_webhooks import webhook_payload
from sync.emulator.seed import seed_csh
from sync.emulator.seed_office_hours import (
    COMMUNITY,
    OFFICE_HOURS_CONFIG,
    SEEDED_NOW,
    OfficeHoursSeed,
    at,
    card,
    clock_at,
    open_item,
    seed_office_hours,
)
from sync.github.client import PROJECTS_HINT
from tests.e2e.conftest import Harness, Result, check_requests_against_references
from tests.fakes import ManualClock as Clock

EXPECTED = Path(__file__).parents[1] / "office_hours" / "expected"
UPDATE = os.environ.get("UPDATE_EXPECTED") == "1"
TITLE = "Office hours 2026-01-21"
AFTER_SESSION = at(2026, 1, 21, 18)


@dataclass
class OfficeHours:
    """The harness plus the clock and what was seeded."""

    harness: Harness
    clock: Clock
    seed: OfficeHoursSeed

    @property
    def world(self) -> World:
        return self.harness.world

    def run(
        self, *argv: str, now: datetime = SEEDED_NOW, slack: bool = False, **env: str
    ) -> Result:
        """Run `community-sync office-hours ...` as if at `now`."""
        self.clock.now = now
        if slack:
            env["SLACK_WEBHOOK_URL"] = self.world.env(slack=True)["SLACK_WEBHOOK_URL"]
        global_args = [a for a in argv if a == "--dry-run"]
        rest = [a for a in argv if a != "--dry-run"]
        env["COMMUNITY_SYNC_NOW"] = now.isoformat()
        return self.harness.cli(*global_args, "office-hours", *rest, **env)

    def status(self, number: int, repo: str = COMMUNITY) -> str | None:
        """The board status of an issue or PR (None when not on the board or unset)."""
        board = self.seed.board
        field = board.field_by_name("Status")
        assert field is not None
        for item in board.items:
            if item.content == (repo, number):
                value = item.values.get(field.id)
                return next((o.name for o in field.options if value and o.id == value.value), None)
        return None

    def put(self, number: int, status: str, moment: datetime) -> None:
        card(
            self.world.github,
            self.seed.board,
            self.world.github.issue(COMMUNITY, number),
            status,
            moment,
        )

    def agenda_issues(self, title: str = TITLE) -> list[Issue]:
        return [
            i for i in self.world.github.issues.values() if i.repo == COMMUNITY and i.title == title
        ]

    def comments(self, number: int) -> list[str]:
        gh = self.world.github
        return [c.body for c in gh.issue_comments(gh.issue(COMMUNITY, number))]

    def writes(self) -> int:
        return self.world.server.count("github", writes=True)

    def configure(self, old: str, new: str) -> None:
        """Edit the config file: replace `old` (which must be there) by `new`."""
        path = self.harness.folder / "community-sync.yml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")


@contextmanager
def office_hours_world(tmp_path: Path) -> Iterator[OfficeHours]:
    """A seeded world at `SEEDED_NOW` with the office hours config written to `tmp_path`."""
    clock = Clock(at(2025, 10, 1))
    with World(clock=clock) as world:
        seeded = seed_csh(world)
        seed = seed_office_hours(world)
        clock.now = SEEDED_NOW
        config = seeded.config_yaml(extra=OFFICE_HOURS_CONFIG)
        (tmp_path / "community-sync.yml").write_text(config, encoding="utf-8")
        yield OfficeHours(Harness(world, seeded, tmp_path), clock, seed)
        check_requests_against_references(world)


@pytest.fixture
def oh(tmp_path: Path) -> Iterator[OfficeHours]:
    with office_hours_world(tmp_path) as world:
        yield world


def check_expected(name: str, text: str) -> None:
    path = EXPECTED / f"{name}.md"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# -- agenda ----------------------------------------------------------------------------------
def test_agenda_of_a_normal_session(oh: OfficeHours) -> None:
    oh.put(oh.seed.pull, "Up Next", at(2026, 1, 14))
    result = oh.run("agenda")
    assert result.code == 0, result.stderr
    check_expected("e2e_normal", result.stdout)
    assert oh.writes() == 0
    assert result.outputs["session"] == "2026-01-21" and result.outputs["topics"] == "3"


def test_agenda_short_of_topics_suggests_invitees(oh: OfficeHours) -> None:
    result = oh.run("agenda", "--output", str(oh.harness.folder / "agenda.md"))
    text = (oh.harness.folder / "agenda.md").read_text(encoding="utf-8")
    assert result.code == 0 and result.stdout == ""
    assert "This session has 2 of the 3 topics" in text
    assert "- @erin: pull request example-org/support#1 open since 2025-11-03" in text
    assert f"- @carol: proposal example-org/community#{oh.seed.proposal} labeled new-plugin" in text
    assert "- @dave" in text  # merged since the last session


def test_a_date_that_is_no_session_names_the_nearest(oh: OfficeHours) -> None:
    for action in ("agenda", "rotate"):
        result = oh.run(action, "--date", "2026-01-22")
        assert result.code == 0
        assert "2026-01-22 is no office hours session date" in result.stdout
        assert "2026-01-21 and 2026-02-04" in result.stdout
        assert result.outputs["action"] == "skipped"
    assert oh.world.server.count("github") == 0


def test_agenda_for_a_chosen_past_session(oh: OfficeHours) -> None:
    result = oh.run("agenda", "--date", "2026-01-07")
    assert result.code == 0 and result.stdout.startswith("# Office hours 2026-01-07\n")


# -- publish ---------------------------------------------------------------------------------
def test_publish_creates_the_agenda_issue_once_and_refreshes_it(oh: OfficeHours) -> None:
    first = oh.run("agenda", "--publish")
    assert first.code == 0, first.stderr
    assert first.outputs["action"] == "created"
    [issue] = oh.agenda_issues()
    assert f"https://github.com/example-org/community/issues/{oh.seed.snowflake}" in issue.body
    assert "<!-- community-sync:office-hours-agenda session=2026-01-21 -->" in (issue.body or "")

    writes = oh.writes()
    again = oh.run("agenda", "--publish", now=at(2026, 1, 16))
    assert again.outputs["action"] == "unchanged" and again.outputs["changes"] == "0"
    assert oh.writes() == writes

    oh.world.github.edit_issue(
        COMMUNITY, issue.number, body=f"Notes from the host.\n\n{issue.body}"
    )
    oh.put(oh.seed.pull, "Up Next", at(2026, 1, 17))
    oh.world.github.close_issue(COMMUNITY, issue.number)
    late = oh.run("agenda", "--publish", now=at(2026, 1, 21, 16, 30))  # during the session
    assert late.outputs["action"] == "updated"
    [same] = oh.agenda_issues()
    assert same.number == issue.number and same.state == "closed"
    assert (same.body or "").startswith("Notes from the host.")
    assert "Add a dbt-postgres utility" in (same.body or "")


def test_publish_adopts_an_agenda_issue_opened_by_hand(oh: OfficeHours) -> None:
    by_hand = open_item(oh.world.github, COMMUNITY, TITLE, at(2026, 1, 14), body="Bring demos!")
    result = oh.run("agenda", "--publish")
    assert result.outputs["action"] == "updated"
    [issue] = oh.agenda_issues()
    assert issue.number == by_hand.number
    assert (issue.body or "").startswith("Bring demos!\n\n<!-- community-sync:office-hours-agenda")


def test_a_create_that_failed_after_happening_is_not_repeated(oh: OfficeHours) -> None:
    issues = r"/repos/example-org/community/issues$"
    fault = oh.world.server.inject("github", kind="after", method="POST", path=issues, status=502)
    result = oh.run("agenda", "--publish")
    assert result.code == 0, result.stderr
    assert fault.times == 0  # the first create happened, and its answer was lost
    assert len(oh.agenda_issues()) == 1 and result.outputs["action"] == "created"


def test_publish_outside_the_prepare_window_does_nothing(oh: OfficeHours) -> None:
    result = oh.run("agenda", "--publish", now=at(2026, 1, 12))
    assert result.code == 0
    assert "nothing to do: the agenda of 2026-01-21 is published from 2026-01-14 16:00 UTC" in (
        result.stdout
    )
    assert oh.agenda_issues() == [] and oh.world.server.count("github") == 0
    forced = oh.run("agenda", "--publish", "--force", now=at(2026, 1, 12))
    assert forced.outputs["action"] == "created" and len(oh.agenda_issues()) == 1


def test_dry_run_publish_prints_the_plan_and_writes_nothing(oh: OfficeHours) -> None:
    result = oh.run("--dry-run", "agenda", "--publish")
    assert result.code == 0
    assert f'create issue "{TITLE}" in example-org/community' in result.stdout
    assert "labeled office-hours-planning" in result.stdout
    assert f"comment on example-org/community#{oh.seed.versioning}" in result.stdout
    assert oh.writes() == 0 and oh.world.slack.messages == []
    said = f'agenda issue "{TITLE}" (to be created): would create; escalation: would be opened'
    assert said in result.stderr and ": created" not in result.stderr
    assert f"### {TITLE}: would create" in result.summary
    assert result.outputs["action"] == "created"  # the output keeps the contract's values


# -- escalation ------------------------------------------------------------------------------
def test_escalation_goes_to_slack_once(oh: OfficeHours) -> None:
    url = oh.world.env(slack=True)["SLACK_WEBHOOK_URL"]
    runs = [
        oh.run("agenda", "--publish", slack=True),
        oh.run("agenda", "--publish", slack=True, now=at(2026, 1, 16)),
        oh.run("agenda", "--publish", slack=True, now=at(2026, 1, 21, 17)),  # late
    ]
    assert [r.code for r in runs] == [0, 0, 0]
    [message] = oh.world.slack.messages
    assert message["text"].startswith(f"{TITLE} needs attention: It has 2 of the 3 topics")
    assert [block["type"] for block in message["blocks"]] == ["header", "section", "context"]
    assert [r.outputs["escalation"] for r in runs] == ["slack", "already sent", "already sent"]
    [issue] = oh.agenda_issues()
    assert "<!-- community-sync:office-hours-escalated session=2026-01-21 -->" in (issue.body or "")
    assert oh.agenda_issues(f"{TITLE} needs attention") == []
    for run in runs:
        assert url not in run.stdout + run.stderr + run.summary


def test_escalation_without_slack_is_an_issue_once(oh: OfficeHours) -> None:
    runs = [
        oh.run("agenda", "--publish"),
        oh.run("agenda", "--publish", now=at(2026, 1, 18)),
        oh.run("agenda", "--publish", now=at(2026, 1, 21, 17)),  # late, during the session
    ]
    assert [r.outputs["escalation"] for r in runs] == ["issue", "already sent", "already sent"]
    [escalation] = oh.agenda_issues(f"{TITLE} needs attention")
    assert escalation.labels == ["office-hours-planning"]
    assert "It has 2 of the 3 topics it aims for" in (escalation.body or "")
    assert oh.world.slack.messages == []


def test_a_topic_needing_the_community_escalates_with_enough_topics(oh: OfficeHours) -> None:
    oh.put(oh.seed.pull, "Up Next", at(2026, 1, 14))
    oh.run("agenda", "--publish", slack=True, now=at(2026, 1, 15))
    assert oh.world.slack.messages == []  # three topics, none labeled needs-community
    oh.world.github.add_issue_label(COMMUNITY, oh.seed.snowflake, "needs-community")
    oh.run("agenda", "--publish", slack=True, now=at(2026, 1, 16))
    oh.run("agenda", "--publish", slack=True, now=at(2026, 1, 17))
    [message] = oh.world.slack.messages
    assert "Incremental state for the Snowflake tap" in message["text"]
    assert "needs community members" in message["text"]


# -- grooming --------------------------------------------------------------------------------
def test_grooming_asks_once_per_issue_per_session(oh: OfficeHours) -> None:
    oh.run("agenda", "--publish")
    oh.run("agenda", "--publish", now=at(2026, 1, 17))
    [ask] = oh.comments(oh.seed.versioning)
    assert "@octocat" in ask and "session=2026-01-21" in ask
    assert oh.comments(oh.seed.snowflake) == []  # its description is long enough
    oh.run("agenda", "--publish", "--date", "2026-02-04", "--force", now=at(2026, 1, 18))
    assert len(oh.comments(oh.seed.versioning)) == 2  # a new session asks again, once


# -- rotate ----------------------------------------------------------------------------------
def test_rotate_moves_only_what_was_up_next_when_the_session_ended(oh: OfficeHours) -> None:
    late = open_item(oh.world.github, COMMUNITY, "Queued after the session", at(2026, 1, 21, 17))
    oh.put(oh.seed.pull, "Up Next", at(2026, 1, 21, 17, 20))  # during the session
    oh.put(late.number, "Up Next", at(2026, 1, 21, 17, 45))  # after its end (17:30)
    result = oh.run("rotate", now=AFTER_SESSION)
    assert result.code == 0, result.stderr
    assert result.outputs == {"action": "updated", "changes": "6"}  # 3 comments, 3 moves
    for number in (oh.seed.snowflake, oh.seed.versioning, oh.seed.pull, oh.seed.discussed):
        assert oh.status(number) == "Discussed"
    assert oh.status(late.number) == "Up Next"
    assert oh.status(oh.seed.in_progress) == "In progress"
    assert (
        f'move example-org/community#{oh.seed.pull} "Add a dbt-postgres utility"' in result.stdout
    )
    again = oh.run("rotate", now=at(2026, 1, 23))
    assert again.outputs == {"action": "unchanged", "changes": "0"}
    assert "nothing to move" in again.stdout


def test_rotate_waits_for_the_end_of_the_session(oh: OfficeHours) -> None:
    early = oh.run("rotate", "--date", "2026-01-21", now=at(2026, 1, 21, 17))
    assert early.code == 0 and "ends at 2026-01-21 17:30 UTC" in early.stdout
    assert oh.status(oh.seed.snowflake) == "Up Next"
    default = oh.run("rotate", now=at(2026, 1, 21, 17))  # the last ended session is 01-07
    assert default.outputs["changes"] == "0" and oh.status(oh.seed.snowflake) == "Up Next"
    forced = oh.run("rotate", "--date", "2026-01-21", "--force", now=at(2026, 1, 21, 17))
    assert forced.outputs["changes"] == "4" and oh.status(oh.seed.snowflake) == "Discussed"


def test_rotate_in_a_dry_run_moves_nothing(oh: OfficeHours) -> None:
    result = oh.run("--dry-run", "rotate", now=AFTER_SESSION)
    assert result.stdout.count('from "Up Next" to "Discussed"') == 2
    assert oh.status(oh.seed.snowflake) == "Up Next" and oh.writes() == 0


# -- queue -----------------------------------------------------------------------------------
def _labeled_event(oh: OfficeHours, number: int, label: str = "office-hours") -> str:
    gh = oh.world.github
    with clock_at(gh, oh.clock.now):
        gh.add_issue_label(COMMUNITY, number, label)
    payload = webhook_payload(gh, "issues", "labeled", COMMUNITY, number, label=label)
    path = oh.harness.folder / f"labeled-{number}-{label}.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def test_queue_from_a_labeled_event(oh: OfficeHours) -> None:
    fresh = open_item(oh.world.github, COMMUNITY, "Plugin test harness", SEEDED_NOW, labels=())
    event = _labeled_event(oh, fresh.number)
    result = oh.run("queue", "--event", event, GITHUB_EVENT_NAME="issues")
    assert result.code == 0, result.stderr
    assert result.outputs == {"action": "created", "changes": "1"}
    assert oh.status(fresh.number) == "Up Next"
    assert oh.seed.board.items[-1].content == (COMMUNITY, fresh.number)  # at the bottom
    again = oh.run("queue", "--event", event, GITHUB_EVENT_NAME="issues")
    assert again.outputs["changes"] == "0" and "is on example-org board #9 already" in again.stdout


def test_queue_never_moves_a_card_already_on_the_board(oh: OfficeHours) -> None:
    event = _labeled_event(oh, oh.seed.in_progress)
    result = oh.run("queue", "--event", event, GITHUB_EVENT_NAME="issues")
    assert result.outputs["changes"] == "0"
    assert oh.status(oh.seed.in_progress) == "In progress"


def test_queue_ignores_other_labels_and_pull_request_events(oh: OfficeHours) -> None:
    event = _labeled_event(oh, oh.seed.proposal, "enhancement")
    other = oh.run("queue", "--event", event, GITHUB_EVENT_NAME="issues")
    assert other.code == 0 and "not labeled office-hours" in other.stdout
    pulls = oh.run("queue", "--event", event, GITHUB_EVENT_NAME="pull_request")
    assert "pull requests are queued by the scheduled run" in pulls.stdout
    assert oh.world.server.count("github") == 0
    # the same issue, labeled office-hours, then labeled again before its run started: the run
    # that replaced the first one (one pending run per concurrency group) queues it
    gh = oh.world.github
    gh.add_issue_label(COMMUNITY, oh.seed.proposal, "office-hours")
    later = _labeled_event(oh, oh.seed.proposal, "needs-triage")
    replaced = oh.run("queue", "--event", later, GITHUB_EVENT_NAME="issues")
    assert replaced.code == 0 and replaced.outputs["changes"] == "1", replaced.stdout


def test_scheduled_sweep_queues_labeled_issues_and_pull_requests(oh: OfficeHours) -> None:
    gh = oh.world.github
    support = open_item(gh, "example-org/support", "Docs for the CLI", SEEDED_NOW, author="bob")
    closed = open_item(gh, COMMUNITY, "Old question", at(2026, 1, 3))
    gh.close_issue(COMMUNITY, closed.number)
    result = oh.run("queue", GITHUB_EVENT_NAME="schedule")
    assert result.code == 0, result.stderr
    assert result.outputs == {"action": "created", "changes": "2"}
    assert oh.status(oh.seed.pull) == "Up Next"
    assert oh.status(support.number, "example-org/support") == "Up Next"
    assert oh.status(closed.number) is None
    assert oh.status(oh.seed.discussed) == "Discussed"  # labeled too, but on the board already
    again = oh.run("queue")
    assert again.outputs["changes"] == "0"


# -- failures --------------------------------------------------------------------------------
def test_a_token_without_projects_access_explains_what_is_needed(oh: OfficeHours) -> None:
    oh.world.github.project_denied_tokens.add(oh.world.github_token)
    result = oh.run("agenda")
    assert result.code == 1
    assert PROJECTS_HINT in result.stderr and "GitHub App token" in result.stderr


def test_a_bad_now_is_a_usage_error(oh: OfficeHours) -> None:
    result = oh.harness.cli("office-hours", "agenda", COMMUNITY_SYNC_NOW="next tuesday")
    assert result.code == 2 and "COMMUNITY_SYNC_NOW" in result.stderr


def test_a_missing_status_option_is_named(oh: OfficeHours) -> None:
    field = oh.seed.board.field_by_name("Status")
    assert field is not None
    field.options[0].name = "Next up"
    result = oh.run("rotate", now=AFTER_SESSION)
    assert result.code == 2
    assert 'has no option "Up Next" (office_hours.board.up_next)' in result.stderr


def test_the_console_script_runs_the_agenda(oh: OfficeHours) -> None:
    env = {"COMMUNITY_SYNC_NOW": SEEDED_NOW.isoformat()}
    process = oh.harness.process("office-hours", "agenda", **env)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert stdout.startswith(f"# {TITLE}\n") and "## Looking for topics" in stdout
