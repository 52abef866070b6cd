"""`office-hours remind`: one Slack message `remind_hours_before` hours before a session.

Safe to run hourly: the reminder is due from `remind_hours_before` hours before the session's
start until the start, so a late or dropped run is made up by the next one; once sent, a marker
in the session's agenda issue says so and no later run sends it again. Without an agenda issue
there is nowhere to record the reminder (and nothing to link to), so it waits for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync.config import OfficeHoursConfig
from sync.github.client import GitHubClient
from sync.github.marked_issues import IssueRef, edit_body
from sync.office_hours import markers
from sync.office_hours.notices import slack_escape, when
from sync.office_hours.schedule import Session
from sync.office_hours.writes import Writes
from sync.slack import SlackWebhook


def due_from(config: OfficeHoursConfig, session: Session) -> datetime:
    """When the session's reminder is due (UTC); `remind_hours_before` must be set."""
    hours = config.remind_hours_before or 0
    return session.start_utc - timedelta(hours=hours)


def not_due(config: OfficeHoursConfig, session: Session, now: datetime) -> str | None:
    """Why no reminder is sent at `now`, or None when it is due."""
    if config.remind_hours_before is None:
        return "office_hours.remind_hours_before is not set"
    if now >= session.start_utc:
        return f"the session of {session.date} has started"
    opens = due_from(config, session)
    if now < opens:
        local = opens.astimezone(session.start.tzinfo)
        return (
            f"the reminder of {session.date} is due from {local:%Y-%m-%d %H:%M} "
            f"{session.start.tzinfo} ({config.remind_hours_before} hours before)"
        )
    return None


def message(
    config: OfficeHoursConfig, session: Session, topics: int, agenda_url: str
) -> dict[str, Any]:
    """The webhook payload: when, how many topics, the agenda and the meeting link."""
    noun = "topic" if topics == 1 else "topics"
    lines = [f"Office hours {session.date.isoformat()}: {when(session)}, {topics} {noun}."]
    lines.append(f"Agenda: {agenda_url}")
    if config.meeting_url:
        lines.append(f"Join: {config.meeting_url}")
    text = slack_escape(" ".join(lines))
    section = "\n".join(slack_escape(line) for line in lines)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": section}}]
    return {"text": text, "blocks": blocks}


@dataclass(frozen=True, slots=True)
class Reminder:
    """What to remind of: the session, its agenda issue and its topic count."""

    config: OfficeHoursConfig
    session: Session
    issue: IssueRef
    topics: int


def remind(gh: GitHubClient, reminder: Reminder, slack: SlackWebhook, writes: Writes) -> str:
    """Send the reminder unless the agenda issue records it; `sent` or `already sent`."""
    marker = markers.reminded(reminder.session.date)
    issue = reminder.issue
    if marker in issue.body:
        return "already sent"
    payload = message(reminder.config, reminder.session, reminder.topics, issue.url)
    channel = reminder.config.escalation.channel or "the webhook channel"
    writes.apply(
        f"send Slack reminder to {channel}",
        lambda: slack.post(payload, what="send the reminder to Slack"),
    )
    body = markers.with_marker(issue.body, marker)
    writes.apply(
        f"update {issue.ref}: note the reminder",
        lambda: edit_body(gh, issue, body),
    )
    return "sent"
