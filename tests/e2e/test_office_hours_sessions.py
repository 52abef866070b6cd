"""Office hours sessions people can join, end to end: the agenda's links, the calendar file,
invitations, reminders, topics from what shipped, the note after a session, and a bounded
search for the agenda issue. The real CLI against the emulated GitHub and Slack.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sync.emulator.seed_office_hours import COMMUNITY, SUPPORT, at, clock_at, open_item
from tests.e2e.test_office_hours import AFTER_SESSION, TITLE, OfficeHours, office_hours_world
from tests.office_hours.test_calendar import parse_ics

INVITATION = "<!-- community-sync:office-hours-invitation session=2026-01-21 -->"
DISCUSSED = "<!-- community-sync:office-hours-discussed session=2026-01-21 -->"
REMINDED = "<!-- community-sync:office-hours-reminded session=2026-01-21 -->"


@pytest.fixture
def oh(tmp_path: Path) -> Iterator[OfficeHours]:
    with office_hours_world(tmp_path) as world:
        yield world


def agenda_body(oh: OfficeHours) -> str:
    [issue] = oh.agenda_issues()
    return issue.body or ""


def support_comments(oh: OfficeHours, number: int) -> list[str]:
    gh = oh.world.github
    return [c.body for c in gh.issue_comments(gh.issue(SUPPORT, number))]


# -- 14.5: a session people can join ---------------------------------------------------------
def test_the_agenda_carries_the_meeting_calendar_timeboxes_and_consent(oh: OfficeHours) -> None:
    assert oh.run("agenda", "--publish").code == 0
    body = agenda_body(oh)
    assert "**Join:** <https://meet.example.org/office-hours>" in body
    assert "stays open for at least 10 minutes" in body
    assert "[recording consent](https://example.org/recording-consent)" in body
    assert "| 0:00\u20130:15 |" in body and "0:30\u20131:15: 45 minutes for open questions" in body
    assert "- 08:00\u201309:30 America/Los_Angeles" in body
    [link] = [line for line in body.splitlines() if line.startswith("[Add to calendar](")]
    query = parse_qs(urlsplit(link.removeprefix("[Add to calendar](").removesuffix(")")).query)
    assert query["dates"] == ["20260121T160000Z/20260121T173000Z"]
    assert query["text"] == [TITLE]
    assert query["location"] == ["https://meet.example.org/office-hours"]


def test_ics_writes_the_series_that_reads_back(oh: OfficeHours) -> None:
    path = oh.harness.folder / "office-hours.ics"
    result = oh.run("ics", "--output", str(path))
    assert result.code == 0, result.stderr
    top, events = parse_ics(path.read_bytes())
    assert top["METHOD"] == "PUBLISH"
    first = events[0]
    assert first["SUMMARY"] == "Office hours 2026-01-07"  # the one session held so far
    assert (first["DTSTART"], first["DTEND"]) == ("20260107T160000Z", "20260107T173000Z")
    assert first["DTSTAMP"] == "20260115T090000Z"
    assert first["URL"] == "https://meet.example.org/office-hours"
    assert events[1]["SUMMARY"] == TITLE
    assert oh.world.server.count() == 0  # the calendar needs no API
    later = oh.run("ics", now=at(2026, 2, 1))
    _, again = parse_ics(later.stdout.encode())
    uids = {e["SUMMARY"]: e["UID"] for e in events}
    assert all(uids[e["SUMMARY"]] == e["UID"] for e in again if e["SUMMARY"] in uids)


# -- 14.6: invitees are invited --------------------------------------------------------------
def test_invitees_are_invited_once_per_session_and_bots_never(oh: OfficeHours) -> None:
    gh = oh.world.github
    bot = open_item(
        gh, SUPPORT, "Bump deps", at(2025, 10, 1), labels=(), author="renovate[bot]", is_pull=True
    )
    first = oh.run("agenda", "--publish")
    assert first.code == 0, first.stderr
    [invite] = support_comments(oh, oh.seed.stale_pull)
    assert invite.startswith(INVITATION) and "@erin:" in invite
    assert "https://github.com/example-org/community/issues/" in invite  # the agenda issue
    assert "<https://meet.example.org/office-hours>" in invite
    [proposal] = oh.comments(oh.seed.proposal)
    assert proposal.startswith(INVITATION) and "@carol:" in proposal
    assert support_comments(oh, bot.number) == []
    oh.run("agenda", "--publish", now=at(2026, 1, 17))
    assert len(support_comments(oh, oh.seed.stale_pull)) == 1
    assert len(oh.comments(oh.seed.proposal)) == 1
    oh.run("agenda", "--publish", "--date", "2026-02-04", "--force", now=at(2026, 1, 22))
    assert len(support_comments(oh, oh.seed.stale_pull)) == 2  # a new session invites again


def test_invitations_stop_at_max_per_session(oh: OfficeHours) -> None:
    oh.configure("max_per_session: 5", "max_per_session: 1")
    oh.run("agenda", "--publish")
    open_item(oh.world.github, SUPPORT, "Old idea", at(2025, 11, 1), labels=(), is_pull=True)
    oh.run("agenda", "--publish", now=at(2026, 1, 17))
    invited = [
        body
        for body in support_comments(oh, oh.seed.stale_pull) + oh.comments(oh.seed.proposal)
        if INVITATION in body
    ]
    assert len(invited) == 1 and "@erin" in invited[0]  # the oldest pull request first


def test_no_invitations_unless_asked(oh: OfficeHours) -> None:
    oh.configure("invite: true", "invite: false")
    oh.run("agenda", "--publish")
    assert support_comments(oh, oh.seed.stale_pull) == [] and oh.comments(oh.seed.proposal) == []


# -- 14.7: reminders -------------------------------------------------------------------------
def test_the_reminder_goes_once_in_its_window(oh: OfficeHours) -> None:
    early = oh.run("remind", slack=True, now=at(2026, 1, 19))
    assert "nothing to do: the reminder of 2026-01-21 is due from 2026-01-20 16:00 UTC" in (
        early.stdout
    )
    waiting = oh.run("remind", slack=True, now=at(2026, 1, 20, 17))
    assert waiting.code == 0 and "no agenda issue" in waiting.stderr
    assert oh.world.slack.messages == []
    oh.run("agenda", "--publish", now=at(2026, 1, 15))  # escalates by issue: no Slack here
    runs = [oh.run("remind", slack=True, now=at(2026, 1, 20, hour)) for hour in (17, 18, 23)]
    assert [r.code for r in runs] == [0, 0, 0]
    [message] = oh.world.slack.messages
    [issue] = oh.agenda_issues()
    assert (
        f"Agenda: https://github.com/example-org/community/issues/{issue.number}"
        in (message["text"])
    )
    assert (
        "2 topics" in message["text"]
        and "Join: https://meet.example.org/office-hours" in (message["text"])
    )
    assert REMINDED in (issue.body or "")
    assert "already sent" in runs[1].stdout
    late = oh.run("remind", slack=True, now=at(2026, 1, 21, 16, 30))
    assert "has started" in late.stdout and len(oh.world.slack.messages) == 1


def test_a_reminder_without_a_webhook_names_the_variable(oh: OfficeHours) -> None:
    result = oh.run("remind", now=at(2026, 1, 20, 17))
    assert result.code == 2 and "SLACK_WEBHOOK_URL" in result.stderr


def test_no_reminder_unless_configured(oh: OfficeHours) -> None:
    oh.configure("  remind_hours_before: 24\n", "")
    result = oh.run("remind", slack=True, now=at(2026, 1, 20, 17))
    assert result.code == 0 and "remind_hours_before is not set" in result.stdout
    assert oh.world.server.count("github") == 0


# -- 14.8: topics from what shipped ----------------------------------------------------------
def test_a_short_agenda_and_its_escalation_list_what_shipped(oh: OfficeHours) -> None:
    result = oh.run("agenda", "--publish", slack=True)
    assert result.code == 0, result.stderr
    body = agenda_body(oh)
    release = (
        "- release [Retries that respect Retry-After]"
        "(https://github.com/example-org/support/releases/tag/v1.4.0) "
        "(example-org/support@v1.4.0), by @dave, 2026-01-12"
    )
    assert release in body
    feature = f"(example-org/community#{oh.seed.feature_pull}), by @alice, 2026-01-11"
    assert "- pull request [Add a --dry-run flag to the loader]" in body and feature in body
    assert "v1.3.0" not in body and "v1.5.0" not in body  # before the window; a draft
    assert f"{SUPPORT}#{oh.seed.merged_pull})" not in body  # merged, but not labeled enhancement
    [message] = oh.world.slack.messages
    assert (
        'Shipped since the last session: release "Retries that respect Retry-After"'
        in (message["text"])
    )


def test_the_escalation_issue_lists_what_shipped(oh: OfficeHours) -> None:
    oh.run("agenda", "--publish")
    [escalation] = oh.agenda_issues(f"{TITLE} needs attention")
    assert "Shipped since the last session, candidate topics:" in (escalation.body or "")
    assert "(example-org/support@v1.4.0)" in (escalation.body or "")


def test_enough_topics_list_no_candidates(oh: OfficeHours) -> None:
    oh.put(oh.seed.pull, "Up Next", at(2026, 1, 14))
    result = oh.run("agenda")
    assert "Shipped since the last session" not in result.stdout
    assert "Releases" not in "".join(r.body.decode() for r in oh.world.server.requests)


# -- 14.9: closing the loop ------------------------------------------------------------------
def test_rotate_tells_each_discussed_topic_once_with_agenda_and_recording(
    oh: OfficeHours,
) -> None:
    oh.put(oh.seed.pull, "Up Next", at(2026, 1, 14))
    oh.run("agenda", "--publish")
    [issue] = oh.agenda_issues()
    body = f"{issue.body}\nRecording: https://videos.example.org/oh-2026-01-21\n"
    with clock_at(oh.world.github, at(2026, 1, 21, 17, 45)):
        oh.world.github.edit_issue(COMMUNITY, issue.number, body=body)
    result = oh.run("rotate", now=AFTER_SESSION)
    assert result.code == 0, result.stderr
    link = f"[agenda](https://github.com/example-org/community/issues/{issue.number})"
    for number in (oh.seed.snowflake, oh.seed.versioning, oh.seed.pull):  # the PR too
        [note] = [c for c in oh.comments(number) if DISCUSSED in c]
        assert "Discussed at office hours 2026-01-21" in note and link in note
        assert "Recording: <https://videos.example.org/oh-2026-01-21>" in note
    assert [c for c in oh.comments(oh.seed.in_progress) if DISCUSSED in c] == []
    again = oh.run("rotate", "--date", "2026-01-21", now=at(2026, 1, 23))
    assert again.outputs["changes"] == "0"
    assert len([c for c in oh.comments(oh.seed.snowflake) if DISCUSSED in c]) == 1


def test_cards_left_in_up_next_move_later_without_a_second_comment(oh: OfficeHours) -> None:
    assert oh.run("rotate", now=AFTER_SESSION).code == 0
    # As if the move had failed after the comments were written: the cards are back in Up
    # Next with a status set before the session ended.
    oh.put(oh.seed.snowflake, "Up Next", at(2026, 1, 20))
    done = oh.run("rotate", now=at(2026, 1, 22))
    assert done.code == 0 and oh.status(oh.seed.snowflake) == "Discussed"
    assert done.outputs["changes"] == "1"  # the move only
    [note] = oh.comments(oh.seed.snowflake)
    assert note == f"{DISCUSSED}\nDiscussed at office hours 2026-01-21.\n"  # no agenda issue


# -- 11.8: the agenda issue is found without reading the whole repository ---------------------
def test_finding_the_agenda_issue_reads_one_page_however_many_issues(oh: OfficeHours) -> None:
    gh = oh.world.github
    with clock_at(gh, at(2025, 6, 1)):
        for number in range(450):
            gh.create_issue(COMMUNITY, f"Old question {number}", "Answered long ago.")

    def lookups() -> list[bytes]:
        return [r.body for r in oh.world.server.requests if b"query SessionIssues" in r.body]

    first = oh.run("agenda", "--publish")
    assert first.outputs["action"] == "created"
    assert len(lookups()) == 1  # 450 older issues, none updated since: one page
    assert b'"since": "2026-01-07T16:00:00Z"' in lookups()[0]
    oh.run("rotate", now=AFTER_SESSION)
    oh.run("remind", slack=True, now=at(2026, 2, 3, 17))
    assert len(lookups()) == 3 and len(oh.agenda_issues()) == 1


def test_a_recording_posted_after_the_rotation_is_added_to_the_notes(oh: OfficeHours) -> None:
    oh.run("agenda", "--publish")
    assert oh.run("rotate", now=AFTER_SESSION).code == 0
    [note] = oh.comments(oh.seed.snowflake)
    assert "Recording" not in note
    quiet = oh.run("rotate", now=at(2026, 1, 22))
    assert quiet.outputs == {"action": "unchanged", "changes": "0"}
    [issue] = oh.agenda_issues()
    with clock_at(oh.world.github, at(2026, 1, 22, 12)):
        body = f"{issue.body}\n**Recording:** https://videos.example.org/oh-2026-01-21\n"
        oh.world.github.edit_issue(COMMUNITY, issue.number, body=body)
    later = oh.run("rotate", now=at(2026, 1, 23))
    assert later.outputs == {"action": "updated", "changes": "2"}
    for number in (oh.seed.snowflake, oh.seed.versioning):
        [note] = [c for c in oh.comments(number) if DISCUSSED in c]  # one, edited
        assert note.endswith("Recording: <https://videos.example.org/oh-2026-01-21>\n")
    assert oh.comments(oh.seed.discussed) == []  # discussed at an earlier session
    again = oh.run("rotate", now=at(2026, 1, 24))
    assert again.outputs == {"action": "unchanged", "changes": "0"}
