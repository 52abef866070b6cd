"""Markers and the texts publish writes: pure functions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sync.config import parse_config
from sync.errors import EventError
from sync.office_hours import markers, notices
from sync.office_hours.agenda import Topic
from sync.office_hours.queue import plan_queue
from sync.office_hours.schedule import session_on

DAY = date(2026, 1, 21)
CONFIG = parse_config(
    """
office_hours:
  repository: example-org/community
  board: {owner: example-org, number: 9}
  schedule: {first_session: 2026-01-07, timezone: Europe/Berlin}
  escalation: {channel: "#office-hours-planning", community_label: needs-community}
  grooming: {engineers: [octocat, ghost, hubot], min_body_chars: 200}
""",
    "community-sync.yml",
    {},
).require("office_hours")
SESSION = session_on(CONFIG.schedule, DAY)
assert SESSION is not None
HOSTILE = Topic("<script>&{{ x }}| `a`", "https://github.com/o/r/issues/4", "alice", "issue",
                ("Needs-Community",), 4, "o/r", 10)  # fmt: skip
PLAIN = replace(HOSTILE, title="Plain", labels=(), number=5, body_chars=500)


# -- markers ---------------------------------------------------------------------------------
def test_the_agenda_region_is_refreshed_and_human_text_kept() -> None:
    first = markers.agenda_body(DAY, "# Agenda v1\n")
    assert first.startswith(markers.agenda_start(DAY)) and first.endswith(markers.AGENDA_END + "\n")
    edited = f"Host notes\r\n\r\n{first}\nAfter the meeting: recording link"
    edited = markers.with_marker(edited, markers.escalated(DAY))
    refreshed = markers.agenda_body(DAY, "# Agenda v2", edited)
    assert refreshed.startswith("Host notes\n\n") and "# Agenda v2" in refreshed
    assert "v1" not in refreshed and "recording link" in refreshed
    assert markers.escalated(DAY) in refreshed
    assert markers.same_body(refreshed, markers.agenda_body(DAY, "# Agenda v2", refreshed))


def test_a_region_without_its_end_is_replaced_to_the_end() -> None:
    body = f"Intro\n{markers.agenda_start(DAY)}\nold agenda, end marker deleted"
    assert (
        markers.agenda_body(DAY, "new", body)
        == f"Intro\n{markers.agenda_start(DAY)}\nnew\n{markers.AGENDA_END}\n"
    )


def test_an_issue_opened_by_hand_keeps_its_text() -> None:
    body = markers.agenda_body(DAY, "# Agenda", "Bring demos!\r\n")
    assert body == f"Bring demos!\n\n{markers.agenda_start(DAY)}\n# Agenda\n{markers.AGENDA_END}\n"


def test_markers_name_the_session() -> None:
    other = date(2026, 2, 4)
    assert markers.agenda_start(DAY) not in markers.agenda_body(other, "x")
    assert markers.with_marker("a\n", "m") == markers.with_marker(
        markers.with_marker("a\n", "m"), "m"
    )


# -- escalation ------------------------------------------------------------------------------
def test_concern_when_short_or_a_topic_needs_the_community() -> None:
    assert notices.concern(CONFIG, [PLAIN] * 3) is None
    short = notices.concern(CONFIG, [PLAIN])
    assert short is not None and short.short and short.community == ()
    community = notices.concern(CONFIG, [PLAIN, PLAIN, HOSTILE])
    assert community is not None and not community.short and community.community == (HOSTILE,)


def test_the_slack_message_escapes_titles_and_has_text_and_blocks() -> None:
    found = notices.concern(CONFIG, [HOSTILE])
    assert found is not None
    message = notices.slack_message(CONFIG, SESSION, found, "https://github.com/o/r/issues/9")
    assert "<script>" not in str(message) and "&lt;script&gt;&amp;" in message["text"]
    assert message["text"].startswith("Office hours 2026-01-21 needs attention: It has 1 of the 3")
    context = message["blocks"][2]["elements"][0]["text"]
    assert context.startswith("Wednesday 2026-01-21, 16:00 Europe/Berlin")


def test_the_escalation_issue_escapes_titles() -> None:
    found = notices.concern(CONFIG, [HOSTILE])
    assert found is not None
    body = notices.escalation_body(CONFIG, SESSION, found, None)
    assert body.startswith(markers.escalation_issue(DAY))
    assert "\\<script>" in body and "\\| \\`a\\`" in body and "(#office-hours-planning)" in body


# -- grooming --------------------------------------------------------------------------------
def test_grooming_is_for_short_issues_and_tags_people() -> None:
    pull = replace(HOSTILE, kind="pull request")
    assert notices.needs_grooming(CONFIG, [HOSTILE, PLAIN, pull]) == [HOSTILE]
    text = notices.grooming_comment(CONFIG, SESSION, HOSTILE, "https://github.com/o/r/issues/9")
    assert text.startswith(markers.grooming(DAY) + "\n@octocat @hubot: this topic")
    assert "ghost" not in text and "(10 characters; 200 or more" in text


# -- queue events ----------------------------------------------------------------------------
def labeled(label: str, action: str = "labeled", on: tuple[str, ...] = ()) -> dict[str, object]:
    issue = {"node_id": "I_1", "number": 1, "labels": [{"name": name} for name in on]}
    return {"action": action, "label": {"name": label}, "issue": issue,
            "repository": {"full_name": "o/r"}}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "payload", "expected"),
    [
        (None, None, "sweep"),
        ("schedule", {"schedule": "17 6 * * *"}, "sweep"),
        ("workflow_dispatch", {}, "sweep"),
        ("issues", labeled("Office-Hours"), "I_1"),
        ("issues", labeled("bug"), "the issue was labeled bug; it is not labeled office-hours"),
        # a later label event replaces the pending run of the topic label's: it queues too
        ("issues", labeled("bug", on=("office-hours", "bug")), "I_1"),
        ("issues", labeled("office-hours", "unlabeled"), "the issue was unlabeled, not labeled"),
        ("pull_request", {}, "pull requests are queued by the scheduled run"),
        ("push", {}, "a push event queues nothing"),
    ],
)
def test_what_an_event_asks_the_queue_for(name: str | None, payload: dict[str, object] | None,
                                          expected: str) -> None:  # fmt: skip
    request = plan_queue(name, payload, "office-hours", "event.json")
    got = "sweep" if request.sweep else request.node_id or request.skip or ""
    assert got.startswith(expected)


def test_a_labeled_event_without_its_issue_is_a_bad_payload() -> None:
    with pytest.raises(EventError, match=r"event.json: issue.node_id: missing"):
        plan_queue(
            "issues",
            {"action": "labeled", "label": {"name": "office-hours"}},
            "office-hours",
            "event.json",
        )
