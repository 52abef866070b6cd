"""The office hours schedule: session dates, daylight saving changes, window edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.config import Schedule
from sync.office_hours.schedule import (
    Session,
    in_prepare_window,
    last_ended_session,
    nearest_sessions,
    next_session,
    prepare_window_opens,
    previous_session,
    session_at,
    session_on,
    upcoming_session,
)

BERLIN = Schedule(first_session=date(2026, 1, 7), every_days=14, timezone="Europe/Berlin")
LOS_ANGELES = Schedule(first_session=date(2026, 1, 14), timezone="America/Los_Angeles")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def day_of(session: Session | None) -> date | None:
    return None if session is None else session.date


def local(session: Session) -> tuple[str, str]:
    return session.start.strftime("%H:%M"), session.end.strftime("%H:%M")


# ---- session dates -------------------------------------------------------------------------


def test_first_session_is_index_zero() -> None:
    session = session_on(BERLIN, date(2026, 1, 7))
    assert session is not None
    assert (session.index, session.date, local(session)) == (
        0,
        date(2026, 1, 7),
        ("16:00", "17:00"),
    )
    assert session.start.tzinfo == ZoneInfo("Europe/Berlin")
    assert session.start_utc == utc(2026, 1, 7, 15, 0)


def test_sessions_step_every_14_days() -> None:
    days = [date(2026, 1, 7) + timedelta(days=n) for n in range(43)]
    found = [(d, s.index) for d in days if (s := session_on(BERLIN, d)) is not None]
    assert found == [(date(2026, 1, 7), 0), (date(2026, 1, 21), 1), (date(2026, 2, 4), 2),
                     (date(2026, 2, 18), 3)]  # fmt: skip


def test_no_session_before_the_first() -> None:
    assert session_on(BERLIN, date(2025, 12, 24)) is None
    assert session_on(BERLIN, date(2025, 12, 24) - timedelta(days=14 * 100)) is None
    assert previous_session(BERLIN, utc(2026, 1, 7, 14, 59)) is None
    assert last_ended_session(BERLIN, utc(2026, 1, 7, 15, 59)) is None
    assert nearest_sessions(BERLIN, date(2026, 1, 1)) == (None, session_at(BERLIN, 0))


def test_session_index_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="before the first session"):
        session_at(BERLIN, -1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 6, 1), date(2026, 1, 7)),
        (date(2026, 1, 7), date(2026, 1, 7)),
        (date(2026, 1, 8), date(2026, 1, 21)),
        (date(2026, 1, 20), date(2026, 1, 21)),
        (date(2026, 1, 21), date(2026, 1, 21)),
        (date(2026, 10, 27), date(2026, 10, 28)),
    ],
)
def test_next_session_on_or_after(day: date, expected: date) -> None:
    assert next_session(BERLIN, day).date == expected


def test_nearest_sessions_around_a_date_that_is_no_session() -> None:
    before, after = nearest_sessions(LOS_ANGELES, date(2026, 11, 24))
    assert (before and before.date, after.date) == (date(2026, 11, 18), date(2026, 12, 2))


def test_nearest_sessions_of_a_session_date_are_its_neighbours() -> None:
    before, after = nearest_sessions(LOS_ANGELES, date(2026, 11, 18))
    assert (before and before.date, after.date) == (date(2026, 11, 4), date(2026, 12, 2))


# ---- daylight saving time ------------------------------------------------------------------


def test_berlin_keeps_local_time_when_summer_time_ends_in_october() -> None:
    summer, winter = session_on(BERLIN, date(2026, 10, 14)), session_on(BERLIN, date(2026, 10, 28))
    assert summer is not None and winter is not None
    assert local(summer) == local(winter) == ("16:00", "17:00")
    assert (summer.start_utc, winter.start_utc) == (utc(2026, 10, 14, 14), utc(2026, 10, 28, 15))
    assert (summer.end_utc, winter.end_utc) == (utc(2026, 10, 14, 15), utc(2026, 10, 28, 16))


def test_los_angeles_keeps_local_time_when_summer_time_starts_in_march() -> None:
    schedule = Schedule(first_session=date(2026, 1, 7), timezone="America/Los_Angeles")
    before, after = session_on(schedule, date(2026, 3, 4)), session_on(schedule, date(2026, 3, 18))
    assert before is not None and after is not None
    assert local(before) == local(after) == ("16:00", "17:00")
    assert before.start_utc == utc(2026, 3, 5, 0)  # PST: already the next day in UTC
    assert after.start_utc == utc(2026, 3, 18, 23)  # PDT


def test_los_angeles_keeps_local_time_when_summer_time_ends_in_november() -> None:
    before, after = (
        session_on(LOS_ANGELES, date(2026, 10, 21)),
        next_session(LOS_ANGELES, date(2026, 11, 1)),
    )
    assert before is not None and after.date == date(2026, 11, 4)
    assert local(before) == local(after) == ("16:00", "17:00")
    assert (before.start_utc, after.start_utc) == (utc(2026, 10, 21, 23), utc(2026, 11, 5, 0))


def test_a_start_in_the_spring_forward_gap_moves_forward_by_the_gap() -> None:
    daily = Schedule(date(2026, 3, 27), every_days=1, start=time(2, 30), timezone="Europe/Berlin")
    session = session_on(daily, date(2026, 3, 29))
    assert session is not None
    assert (session.start.strftime("%H:%M %Z"), session.start_utc) == (
        "03:30 CEST",
        utc(2026, 3, 29, 1, 30),
    )


def test_a_start_in_the_repeated_hour_takes_the_first_and_lasts_real_minutes() -> None:
    daily = Schedule(date(2026, 10, 24), every_days=1, start=time(2, 30), timezone="Europe/Berlin")
    session = session_on(daily, date(2026, 10, 25))
    assert session is not None
    assert session.start.strftime("%H:%M %Z") == "02:30 CEST"
    assert session.end.strftime("%H:%M %Z") == "02:30 CET"  # 60 real minutes later
    assert session.end_utc - session.start_utc == timedelta(minutes=60)
    # 02:15 the second time round (CET) is 01:15 UTC: the session, started at 00:30 UTC, runs;
    # a wall-clock comparison would say it has not even started
    inside = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=ZoneInfo("Europe/Berlin"))
    assert previous_session(daily, inside) == session
    assert upcoming_session(daily, inside) == session
    assert last_ended_session(daily, inside) == session_on(daily, date(2026, 10, 24))


# ---- relative to now -----------------------------------------------------------------------


def test_previous_session_starts_strictly_before() -> None:
    start = utc(2026, 10, 28, 15)
    assert day_of(previous_session(BERLIN, start)) == date(2026, 10, 14)
    after = previous_session(BERLIN, start + timedelta(seconds=1))
    assert after is not None and after.date == date(2026, 10, 28)


def test_previous_session_accepts_any_zone() -> None:
    tokyo = datetime(2026, 10, 29, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # 2026-10-28 15:30 UTC
    assert day_of(previous_session(BERLIN, tokyo)) == date(2026, 10, 28)


def test_last_ended_session_at_the_exact_end_minute() -> None:
    end = utc(2026, 10, 28, 16)  # 17:00 CET
    assert day_of(last_ended_session(BERLIN, end - timedelta(minutes=1))) == date(2026, 10, 14)
    assert day_of(last_ended_session(BERLIN, end)) == date(2026, 10, 28)


def test_upcoming_session_is_the_one_in_progress_then_the_next() -> None:
    assert upcoming_session(BERLIN, utc(2025, 1, 1)).index == 0
    assert upcoming_session(BERLIN, utc(2026, 10, 28, 15, 30)).date == date(2026, 10, 28)
    assert upcoming_session(BERLIN, utc(2026, 10, 28, 16)).date == date(2026, 11, 11)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        previous_session(BERLIN, datetime(2026, 10, 28, 16))


def test_prepare_window_keeps_local_time_across_the_change() -> None:
    session = session_at(BERLIN, 21)  # 2026-10-28, window opens 2026-10-21 16:00 CEST
    assert session.date == date(2026, 10, 28)
    assert prepare_window_opens(BERLIN, session) == utc(2026, 10, 21, 14)


@pytest.mark.parametrize(
    ("now", "inside"),
    [
        (utc(2026, 10, 21, 13, 59), False),
        (utc(2026, 10, 21, 14, 0), True),
        (utc(2026, 10, 28, 15, 59), True),
        (utc(2026, 10, 28, 16, 0), False),
        (utc(2026, 11, 4), False),
    ],
)
def test_prepare_window_edges(now: datetime, inside: bool) -> None:
    assert in_prepare_window(BERLIN, session_at(BERLIN, 21), now) is inside


def test_prepare_days_zero_means_only_while_the_session_runs() -> None:
    schedule = Schedule(first_session=date(2026, 1, 7), prepare_days=0)
    session = session_at(schedule, 0)
    assert not in_prepare_window(schedule, session, utc(2026, 1, 7, 15, 59))
    assert in_prepare_window(schedule, session, utc(2026, 1, 7, 16))


# ---- properties ----------------------------------------------------------------------------

ZONES = st.sampled_from(
    ["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe"]
)
SCHEDULES = st.builds(
    Schedule,
    first_session=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    every_days=st.integers(1, 28),
    start=st.times(),
    timezone=ZONES,
    duration_minutes=st.integers(1, 1440),
    prepare_days=st.integers(0, 14),
)
INSTANTS = st.datetimes(datetime(2019, 1, 1), datetime(2031, 1, 1), timezones=st.just(UTC))


@given(SCHEDULES, INSTANTS)
def test_last_ended_and_upcoming_meet_at_now(schedule: Schedule, now: datetime) -> None:
    ended = last_ended_session(schedule, now)
    upcoming = upcoming_session(schedule, now)
    assert upcoming.index == (0 if ended is None else ended.index + 1)
    assert upcoming.end_utc > now
    assert ended is None or ended.end_utc <= now


@given(SCHEDULES, st.dates(date(2019, 1, 1), date(2031, 1, 1)))
def test_sessions_fall_on_their_dates_in_order(schedule: Schedule, day: date) -> None:
    session = next_session(schedule, day)
    assert session.date >= day and session_on(schedule, session.date) == session
    assert session.start.date() == session.date
    assert session.end_utc - session.start_utc == timedelta(minutes=schedule.duration_minutes)
    before, after = nearest_sessions(schedule, day)
    assert after.date > day and (before is None or before.date < day)
