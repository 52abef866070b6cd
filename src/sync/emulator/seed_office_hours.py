"""An office hours world for the demo and the tests: board #9, topics, people, and the config.

Seed after `seed_csh` (which makes the organisation, the repositories and the users). Every
timestamp is fixed around the session of 2026-01-21 (sessions every 14 days from 2026-01-07,
16:00 to 17:30 UTC), so a run at `SEEDED_NOW` is in that session's prepare window.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sync.emulator import World
from sync.emulator.github_state import GitHubState, Issue, Project

COMMUNITY = "example-org/community"
SUPPORT = "example-org/support"
STATUSES = ("Up Next", "In progress", "Discussed")
SEEDED_NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # the 2026-01-21 window opened 01-14

OFFICE_HOURS_CONFIG = """\
office_hours:
  repository: example-org/community
  board: {owner: example-org, number: 9, status_field: Status, up_next: Up Next,
          discussed: Discussed}
  schedule: {first_session: 2026-01-07, every_days: 14, start: "16:00", timezone: UTC,
             duration_minutes: 90, prepare_days: 7}
  min_topics: 3
  topic_minutes: 15
  qa_minutes: 45
  extra_timezones: [America/Los_Angeles, Europe/Berlin, Asia/Kolkata]
  recording_notice: true
  recording_consent_url: https://example.org/recording-consent
  meeting_url: https://meet.example.org/office-hours
  remind_hours_before: 24
  feature_labels: [enhancement]
  topic_label: office-hours
  escalation: {channel: "#office-hours-planning", issue_label: office-hours-planning,
               community_label: needs-community}
  grooming: {engineers: [octocat], min_body_chars: 200}
  invitees: {stale_pr_days: 30, proposal_labels: [new-plugin, enhancement], invite: true,
             max_per_session: 5}
"""

LONG_BODY = (
    "The Snowflake tap re-reads whole tables on every run. We would like to keep incremental "
    "state per stream, bookmark on a replication key, and resume after a failure without "
    "re-extracting what was loaded. Questions for the session: which key to bookmark on, how "
    "to handle late-arriving rows, and whether state belongs in the system database."
)


@dataclass(frozen=True)
class OfficeHoursSeed:
    """Numbers of what was seeded (issues and pull requests by their role)."""

    board: Project
    snowflake: int  # Up Next, long description
    versioning: int  # Up Next, short description: needs grooming
    in_progress: int
    discussed: int
    pull: int  # labeled office-hours, not on the board yet (the sweep queues it)
    proposal: int  # open, labeled new-plugin: its author is a suggested invitee
    stale_pull: int  # in example-org/support, open since 2025-11-03
    merged_pull: int  # in example-org/support, merged since the last session
    feature_pull: int  # labeled enhancement, merged since the last session: a topic candidate
    release: str  # a tag of example-org/support published since the last session


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A UTC instant, for the seeded timeline."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@contextmanager
def clock_at(gh: GitHubState, moment: datetime) -> Iterator[None]:
    """Let the emulated GitHub's clock read `moment` for a while (to seed history)."""
    saved = gh.clock
    gh.clock = lambda: moment
    try:
        yield
    finally:
        gh.clock = saved


def card(gh: GitHubState, board: Project, issue: Issue, status: str, moment: datetime) -> None:
    """Put an issue on the board with a status, as if done at `moment`."""
    with clock_at(gh, moment):
        gh.set_item_value(board, gh.add_project_item(board, issue), "Status", status)


def open_item(
    gh: GitHubState,
    repo: str,
    title: str,
    moment: datetime,
    *,
    body: str = LONG_BODY,
    labels: Sequence[str] = ("office-hours",),
    author: str = "octocat",
    is_pull: bool = False,
) -> Issue:
    """Create an issue or pull request as if at `moment`."""
    with clock_at(gh, moment):
        return gh.create_issue(repo, title, body, labels=labels, author=author, is_pull=is_pull)


def seed_office_hours(world: World) -> OfficeHoursSeed:
    """Board #9 with Up Next / In progress / Discussed, topics, contributors, invitees."""
    gh = world.github
    for login in ("alice", "bob", "carol", "dave", "erin"):
        gh.add_user(login)
    for label in ("office-hours", "needs-community", "new-plugin", "office-hours-planning"):
        gh.add_label(COMMUNITY, label)
    board = gh.add_project("example-org", 9, "Office hours")
    gh.add_project_field(board, "Status", "SINGLE_SELECT", STATUSES)
    snowflake, versioning, progress, discussed, pull, proposal = _topics(gh, board)
    stale, merged = _support_pulls(gh)
    feature, release = _shipped(gh)
    return OfficeHoursSeed(
        board, snowflake, versioning, progress, discussed, pull, proposal, stale, merged,
        feature, release,
    )  # fmt: skip


def _topics(gh: GitHubState, board: Project) -> list[int]:
    snowflake = open_item(
        gh, COMMUNITY, "Incremental state for the Snowflake tap", at(2026, 1, 8), author="monalisa"
    )
    versioning = open_item(
        gh, COMMUNITY, "Versioning policy for the SDK", at(2026, 1, 12),
        body="Should we follow SemVer?", author="hubot",
    )  # fmt: skip
    progress = open_item(gh, COMMUNITY, "Plugin for dbt Cloud jobs", at(2026, 1, 2), author="alice")
    discussed = open_item(gh, COMMUNITY, "Roadmap for 2026", at(2025, 12, 20))
    pull = open_item(
        gh, COMMUNITY, "Add a dbt-postgres utility", at(2026, 1, 13), author="bob", is_pull=True
    )
    proposal = open_item(
        gh, COMMUNITY, "A tap for Zendesk", at(2025, 12, 1), labels=["new-plugin"], author="carol"
    )
    card(gh, board, discussed, "Discussed", at(2026, 1, 7, 18))
    card(gh, board, progress, "In progress", at(2026, 1, 5))
    card(gh, board, snowflake, "Up Next", at(2026, 1, 9))
    card(gh, board, versioning, "Up Next", at(2026, 1, 12))
    issues = (snowflake, versioning, progress, discussed, pull, proposal)
    return [issue.number for issue in issues]


def _support_pulls(gh: GitHubState) -> tuple[int, int]:
    stale = open_item(
        gh, SUPPORT, "Support Python 3.13", at(2025, 11, 3), body="CI matrix update.",
        labels=(), author="erin", is_pull=True,
    )  # fmt: skip
    merged = open_item(
        gh, SUPPORT, "Fix retries in the target", at(2026, 1, 8), body="Retries 429s.",
        labels=(), author="dave", is_pull=True,
    )  # fmt: skip
    with clock_at(gh, at(2026, 1, 10)):
        gh.merge_pull(SUPPORT, merged.number)
    return stale.number, merged.number


def _shipped(gh: GitHubState) -> tuple[int, str]:
    """Since the last session: a release and a merged feature; before it and a draft: not."""
    feature = open_item(
        gh, COMMUNITY, "Add a --dry-run flag to the loader", at(2026, 1, 9), body="Dry runs.",
        labels=("enhancement",), author="alice", is_pull=True,
    )  # fmt: skip
    with clock_at(gh, at(2026, 1, 11)):
        gh.merge_pull(COMMUNITY, feature.number)
    with clock_at(gh, at(2025, 12, 15)):
        gh.add_release(SUPPORT, "v1.3.0", "v1.3.0", author="dave")
    with clock_at(gh, at(2026, 1, 12)):
        release = gh.add_release(
            SUPPORT, "v1.4.0", "Retries that respect Retry-After", author="dave"
        )
    with clock_at(gh, at(2026, 1, 13)):
        gh.add_release(SUPPORT, "v1.5.0", "Next", author="dave", draft=True)
    return feature.number, release.tag_name
