"""When office hours sessions fall: pure functions over the configured `Schedule`.

A session starts at `start` local time in the schedule's zone, so across a daylight saving
change its local time stays put and its UTC instant moves. A local start that does not exist
(a spring-forward gap) moves forward by the gap; one that exists twice takes the first.
Every comparison with "now" is made in UTC: aware datetimes sharing one zone compare by wall
clock in Python, which is wrong for the repeated hour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sync.config import Schedule

UTC = dt.UTC


@dataclass(frozen=True, slots=True)
class Session:
    """One session: its local date, start and end (aware, in the schedule's zone), UTC times."""

    date: dt.date
    start: dt.datetime
    end: dt.datetime
    start_utc: dt.datetime
    end_utc: dt.datetime
    index: int  # 0 for first_session


def session_at(schedule: Schedule, index: int) -> Session:
    """The session number `index` (0 is `first_session`)."""
    if index < 0:
        raise ValueError(f"session index {index} is before the first session")
    zone = ZoneInfo(schedule.timezone)
    day = schedule.first_session + dt.timedelta(days=index * schedule.every_days)
    # The round trip through UTC resolves a local time in a gap or a fold to a real instant.
    start_utc = dt.datetime.combine(day, schedule.start, tzinfo=zone).astimezone(UTC)
    end_utc = start_utc + dt.timedelta(minutes=schedule.duration_minutes)
    return Session(
        date=day,
        start=start_utc.astimezone(zone),
        end=end_utc.astimezone(zone),
        start_utc=start_utc,
        end_utc=end_utc,
        index=index,
    )


def session_on(schedule: Schedule, day: dt.date) -> Session | None:
    """The session held on `day`, or None when `day` is no session date."""
    offset = (day - schedule.first_session).days
    if offset < 0 or offset % schedule.every_days:
        return None
    return session_at(schedule, offset // schedule.every_days)


def next_session(schedule: Schedule, on_or_after: dt.date) -> Session:
    """The first session on `on_or_after` or later."""
    offset = (on_or_after - schedule.first_session).days
    return session_at(schedule, max(0, -(-offset // schedule.every_days)))


def nearest_sessions(schedule: Schedule, day: dt.date) -> tuple[Session | None, Session]:
    """The last session before `day` (None if there is none) and the first one after it."""
    index = _index_on_or_before(schedule, day - dt.timedelta(days=1))
    before = session_at(schedule, index) if index >= 0 else None
    return before, next_session(schedule, day + dt.timedelta(days=1))


def previous_session(schedule: Schedule, before: dt.datetime) -> Session | None:
    """The last session that starts before the instant `before`, or None."""
    instant = _utc(before)
    local_day = instant.astimezone(ZoneInfo(schedule.timezone)).date()
    index = _index_on_or_before(schedule, local_day)
    while index >= 0:
        session = session_at(schedule, index)
        if session.start_utc < instant:
            return session
        index -= 1
    return None


def last_ended_session(schedule: Schedule, now: dt.datetime) -> Session | None:
    """The last session whose end is at or before `now`, or None."""
    instant = _utc(now)
    session = previous_session(schedule, instant)
    # A session may have started and not ended yet: step back to one that has ended.
    while session is not None and session.end_utc > instant:
        session = session_at(schedule, session.index - 1) if session.index else None
    return session


def upcoming_session(schedule: Schedule, now: dt.datetime) -> Session:
    """The session in progress at `now`, else the next one to start."""
    ended = last_ended_session(schedule, now)
    return session_at(schedule, 0 if ended is None else ended.index + 1)


def prepare_window_opens(schedule: Schedule, session: Session) -> dt.datetime:
    """When a session's preparation starts: `prepare_days` before its start, same local time."""
    # Aware arithmetic within one zone is wall-clock arithmetic, as wanted here.
    opens = session.start - dt.timedelta(days=schedule.prepare_days)
    return opens.astimezone(UTC)


def in_prepare_window(schedule: Schedule, session: Session, now: dt.datetime) -> bool:
    """Whether `now` is within `prepare_days` before the session's start, and before its end."""
    return prepare_window_opens(schedule, session) <= _utc(now) < session.end_utc


def _index_on_or_before(schedule: Schedule, day: dt.date) -> int:
    """The index of the last session on or before `day`; negative when there is none."""
    return (day - schedule.first_session).days // schedule.every_days


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; pass an aware datetime")
    return moment.astimezone(UTC)
