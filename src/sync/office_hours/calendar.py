"""The session series as a calendar: an iCalendar file (RFC 5545) and "add to calendar" links.

Pure. Times are written in UTC (`...Z`), so the file needs no VTIMEZONE; each session's UTC
instant already follows the schedule's zone, daylight saving time included. Each session has
a UID made of its date and the office hours repository, so a calendar that re-reads the file
updates an event instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from sync.config import OfficeHoursConfig
from sync.office_hours import schedule as sched
from sync.office_hours.schedule import Session

CRLF = "\r\n"
LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded
PRODID = "-//community-sync//office hours//EN"
PAST_SESSIONS = 2  # sessions already held that the file still lists
HORIZON_DAYS = 365  # how far ahead the file lists sessions
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"


def title(session: Session) -> str:
    """An event's title: the agenda issue's title."""
    return f"Office hours {session.date.isoformat()}"


def stamp(moment: dt.datetime) -> str:
    """A UTC DATE-TIME value, e.g. 20260121T160000Z."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def uid(config: OfficeHoursConfig, session: Session) -> str:
    """The session's stable UID: the same for every run that lists it."""
    return f"office-hours-{session.date.isoformat()}@{config.repository.lower()}.community-sync"


def series(config: OfficeHoursConfig, now: dt.datetime) -> list[Session]:
    """The last `PAST_SESSIONS` sessions held and the ones in the next `HORIZON_DAYS` days."""
    schedule = config.schedule
    upcoming = sched.upcoming_session(schedule, now)
    last_day = now.astimezone(dt.UTC).date() + dt.timedelta(days=HORIZON_DAYS)
    last = (last_day - schedule.first_session).days // schedule.every_days
    first = max(0, upcoming.index - PAST_SESSIONS)
    return [sched.session_at(schedule, i) for i in range(first, max(last, upcoming.index) + 1)]


def description(config: OfficeHoursConfig, session: Session) -> str:
    """What an event says: where to join, where the agenda is, how to bring a topic."""
    agenda = f"https://github.com/{config.repository}/issues?" + urlencode(
        {"q": f'is:issue in:title "{title(session)}"'}
    )
    lines = [f"Join: {config.meeting_url}"] if config.meeting_url else []
    lines.append(f"Agenda: {agenda}")
    lines.append(f"Bring a topic: label an issue or pull request {config.topic_label}.")
    return "\n".join(lines)


def calendar_link(config: OfficeHoursConfig, session: Session) -> str:
    """A Google Calendar "add to calendar" link for one session."""
    query = {
        "action": "TEMPLATE",
        "text": title(session),
        "dates": f"{stamp(session.start_utc)}/{stamp(session.end_utc)}",
        "details": description(config, session),
    }
    if config.meeting_url:
        query["location"] = config.meeting_url
    return f"{GOOGLE_CALENDAR}?{urlencode(query)}"


def ics(config: OfficeHoursConfig, sessions: Iterable[Session], now: dt.datetime) -> str:
    """The sessions as one VCALENDAR, CRLF line ends, long lines folded."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'Office hours ({config.repository})')}",
    ]
    for session in sessions:
        lines.extend(_event(config, session, now))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def _event(config: OfficeHoursConfig, session: Session, now: dt.datetime) -> Iterator[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{uid(config, session)}"
    yield f"DTSTAMP:{stamp(now)}"
    yield f"DTSTART:{stamp(session.start_utc)}"
    yield f"DTEND:{stamp(session.end_utc)}"
    yield f"SUMMARY:{escape_text(title(session))}"
    yield f"DESCRIPTION:{escape_text(description(config, session))}"
    if config.meeting_url:
        yield f"LOCATION:{escape_text(config.meeting_url)}"
        yield f"URL:{config.meeting_url}"
    yield "END:VEVENT"


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets, never inside a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1  # a continuation starts with a space
        current, size = current + char, size + width
    parts.append(current)
    return (CRLF + " ").join(parts)
