"""Invitations, reminders, notes after a session and what shipped: the pure parts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sync.config import parse_config
from sync.github.client import GitHubClient
from sync.office_hours import markers, notices, remind
from sync.office_hours.activity import MergedPull, feature_pulls
from sync.office_hours.agenda import Person
from sync.office_hours.releases import releases_published
from sync.office_hours.schedule import session_on
from sync.office_hours.session_issues import lookup_since
from tests.office_hours.test_board import FakeGitHub

DAY = date(2026, 1, 21)
CONFIG = parse_config(
    """
office_hours:
  repository: example-org/community
  board: {owner: example-org, number: 9}
  schedule: {first_session: 2026-01-07, timezone: Europe/Berlin, start: "17:00",
             prepare_days: 7}
  meeting_url: https://meet.example.org/oh
  remind_hours_before: 2
  feature_labels: [Enhancement, feature]
""",
    "community-sync.yml",
    {},
).require("office_hours")
SESSION = session_on(CONFIG.schedule, DAY)
assert SESSION is not None


def utc(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


# -- invitations -----------------------------------------------------------------------------
def test_invitees_are_people_once_each_with_an_item_to_comment_on() -> None:
    people = [
        Person("erin", "pull request o/r#1 open since 2025-11-03", "o/r", 1, "PR_1"),
        Person("renovate[bot]", "pull request o/r#2", "o/r", 2, "PR_2"),
        Person("dependabot", "pull request o/r#3", "o/r", 3, "PR_3"),
        Person("@Erin", "proposal o/r#4 labeled new-plugin", "o/r", 4, "I_4"),
        Person("carol", "listed without an item"),
        Person("carol", "proposal o/r#5 labeled new-plugin", "o/r", 5, "I_5"),
    ]
    assert [(p.login, p.number) for p in notices.to_invite(people)] == [("erin", 1), ("carol", 5)]


def test_the_invitation_names_the_session_the_item_and_the_label() -> None:
    person = Person("e_r*in", "pull request o/r#1 open since 2025-11-03", "o/r", 1, "PR_1")
    text = notices.invitation_comment(CONFIG, SESSION, person, "https://gh/o/r/issues/9")
    assert text.startswith(markers.invitation(DAY) + "\n@e\\_r\\*in: ")
    assert "[office hours 2026-01-21](https://gh/o/r/issues/9)" in text
    assert "(Wednesday 2026-01-21, 17:00 Europe/Berlin)" in text
    assert "(pull request o/r#1 open since 2025-11-03)" in text
    assert "<https://meet.example.org/oh>" in text and "label it `office-hours`" in text


# -- after the session -----------------------------------------------------------------------
def test_the_discussed_note_links_what_exists() -> None:
    full = notices.discussed_comment(SESSION, "https://gh/o/r/issues/9", "https://v.example/1")
    assert full == (
        f"{markers.discussed(DAY)}\nDiscussed at office hours 2026-01-21: see the "
        "[agenda](https://gh/o/r/issues/9). Recording: <https://v.example/1>\n"
    )
    bare = notices.discussed_comment(SESSION, None, None)
    assert bare == f"{markers.discussed(DAY)}\nDiscussed at office hours 2026-01-21.\n"


def test_the_recording_line_is_read_from_what_people_wrote() -> None:
    region = markers.agenda_body(DAY, "Recording: https://spoofed.example/in-the-agenda")
    body = (
        "Notes\nrecording: https://first.example/a\n"
        f"{region}**Recording:** <https://videos.example/oh?t=1>\r\n"
    )
    assert markers.recording_url(DAY, body) == "https://videos.example/oh?t=1"
    assert markers.recording_url(DAY, region) is None
    assert markers.recording_url(DAY, "Recording: not a link\nRecording: ftp://x/y") is None
    assert markers.recording_url(DAY, "- Recording: https://x.example/r") == "https://x.example/r"


# -- reminders -------------------------------------------------------------------------------
def test_the_reminder_is_due_from_its_hours_before_until_the_start() -> None:
    assert SESSION.start_utc == utc(21, 16)
    assert remind.not_due(CONFIG, SESSION, utc(21, 13, 59)) == (
        "the reminder of 2026-01-21 is due from 2026-01-21 15:00 Europe/Berlin (2 hours before)"
    )
    assert remind.not_due(CONFIG, SESSION, utc(21, 14)) is None
    assert remind.not_due(CONFIG, SESSION, utc(21, 15, 59)) is None
    assert remind.not_due(CONFIG, SESSION, utc(21, 16)) == "the session of 2026-01-21 has started"


def test_the_reminder_message_escapes_for_slack() -> None:
    payload = remind.message(CONFIG, SESSION, 1, "https://gh/o/r/issues/9?a=1&b=<2>")
    assert payload["text"] == (
        "Office hours 2026-01-21: Wednesday 2026-01-21, 17:00 Europe/Berlin, 1 topic. "
        "Agenda: https://gh/o/r/issues/9?a=1&amp;b=&lt;2&gt; Join: https://meet.example.org/oh"
    )
    assert payload["blocks"][0]["text"]["type"] == "mrkdwn"


# -- what shipped ----------------------------------------------------------------------------
def test_feature_pulls_are_those_with_a_feature_label_ignoring_case() -> None:
    def pull(number: int, *labels: str) -> MergedPull:
        return MergedPull(
            "o/r", number, f"PR {number}", f"https://x/{number}", "a", utc(10), labels
        )

    pulls = [pull(1, "enhancement"), pull(2, "bug"), pull(3), pull(4, "docs", "FEATURE")]
    shipped = feature_pulls(pulls, CONFIG.feature_labels)
    assert [item.ref for item in shipped] == ["o/r#1", "o/r#4"]
    assert {item.kind for item in shipped} == {"pull request"}


def test_releases_in_the_window_and_the_scan_stops_at_older_ones() -> None:
    def release(tag: str, created: str, published: str | None, draft: bool = False) -> Any:
        return {
            "name": None if tag == "v2" else f"Release {tag}",
            "tagName": tag,
            "url": f"https://github.com/o/r/releases/tag/{tag}",
            "isDraft": draft,
            "createdAt": created,
            "publishedAt": published,
            "author": {"login": "dave"},
        }

    nodes = [
        release("v4", "2026-01-21T17:00:00Z", "2026-01-21T17:00:00Z"),  # after the window
        release("v3", "2026-01-13T00:00:00Z", None, draft=True),
        release("v2", "2026-01-12T00:00:00Z", "2026-01-12T00:00:00Z"),
        release("v1", "2025-12-01T00:00:00Z", "2026-01-09T00:00:00Z"),  # created before
    ]
    page = {"pageInfo": {"hasNextPage": True, "endCursor": "c"}, "nodes": nodes}
    gh = FakeGitHub([{"repository": {"releases": page}}])
    found = releases_published(cast(GitHubClient, gh), ["o/r"], utc(7, 16, 30), utc(21, 16))
    assert [(r.ref, r.title, r.author) for r in found] == [("o/r@v2", "v2", "dave")]
    assert len(gh.calls) == 1  # the second page is never read


def test_the_agenda_issue_is_looked_for_since_the_previous_session() -> None:
    assert lookup_since(CONFIG.schedule, SESSION) == utc(7, 16)  # 2026-01-07 17:00 Berlin
    first = session_on(CONFIG.schedule, date(2026, 1, 7))
    assert first is not None
    assert lookup_since(CONFIG.schedule, first) == datetime(2025, 12, 24, 16, tzinfo=UTC)
