"""The iCalendar series and the "add to calendar" link, read back by an RFC 5545 reader."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from sync.config import OfficeHoursConfig, parse_config
from sync.office_hours import calendar
from sync.office_hours.schedule import session_on

CONFIG = """
office_hours:
  repository: example-org/community
  board: {owner: example-org, number: 9}
  schedule: {first_session: 2026-01-07, every_days: 14, start: "09:30",
             timezone: America/New_York, duration_minutes: 60}
  meeting_url: "https://meet.example.org/oh?room=a,b;c"
  topic_label: "office-hours; topics, please"
"""

Event = dict[str, str]


def config(text: str = CONFIG) -> OfficeHoursConfig:
    return parse_config(text, "community-sync.yml", {}).require("office_hours")


def unescape(value: str) -> str:
    """A TEXT value as written (RFC 5545 3.3.11)."""
    escapes = {"\\\\": "\\", "\\;": ";", "\\,": ",", "\\n": "\n", "\\N": "\n"}
    return re.sub(r"\\[\\;,nN]", lambda m: escapes[m.group(0)], value)


def parse_ics(data: bytes) -> tuple[Event, list[Event]]:
    """The calendar's properties and its events, each a {NAME: value} map (values unescaped)."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF only
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
    unfolded = re.sub(r"\r\n[ \t]", "", text[:-2]).split("\r\n")
    top: Event = {}
    events: list[Event] = []
    current = top
    for line in unfolded:
        name, _, value = line.partition(":")
        name = name.split(";", 1)[0].upper()
        if (name, value) == ("BEGIN", "VEVENT"):
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            events.append(current)
            current = top
        elif name not in ("BEGIN", "END"):
            assert name not in current, f"{name} twice"
            current[name] = unescape(value)
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-1] == "END:VCALENDAR"
    return top, events


NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_the_series_reads_back_with_utc_times_that_follow_daylight_saving() -> None:
    oh = config()
    top, events = parse_ics(calendar.ics(oh, calendar.series(oh, NOW), NOW).encode())
    assert top["VERSION"] == "2.0" and top["PRODID"] == calendar.PRODID
    by_summary = {event["SUMMARY"]: event for event in events}
    winter, summer = by_summary["Office hours 2026-03-04"], by_summary["Office hours 2026-03-18"]
    assert (winter["DTSTART"], winter["DTEND"]) == ("20260304T143000Z", "20260304T153000Z")
    assert summer["DTSTART"] == "20260318T133000Z"  # 09:30 in New York after the change
    assert winter["DTSTAMP"] == "20260301T120000Z"
    assert winter["LOCATION"] == "https://meet.example.org/oh?room=a,b;c"
    assert "label an issue or pull request office-hours; topics, please." in winter["DESCRIPTION"]
    assert winter["DESCRIPTION"].startswith("Join: https://meet.example.org/oh?room=a,b;c\n")
    dates = [event["SUMMARY"].removeprefix("Office hours ") for event in events]
    assert dates[:3] == ["2026-02-04", "2026-02-18", "2026-03-04"]  # two held, then the next
    assert dates[-1] == "2027-02-17" and len(dates) == 28  # a year ahead of 2026-03-01
    assert len({event["UID"] for event in events}) == len(events)


def test_uids_are_stable_from_run_to_run() -> None:
    oh = config()
    later = datetime(2026, 5, 1, tzinfo=UTC)
    _, first = parse_ics(calendar.ics(oh, calendar.series(oh, NOW), NOW).encode())
    _, second = parse_ics(calendar.ics(oh, calendar.series(oh, later), later).encode())
    uids = {e["SUMMARY"]: e["UID"] for e in first}
    shared = [e for e in second if e["SUMMARY"] in uids]
    assert shared and all(uids[e["SUMMARY"]] == e["UID"] for e in shared)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_folds_and_escapes_to_lines_that_read_back(text: str) -> None:
    line = "DESCRIPTION:" + calendar.escape_text(text)
    data = (calendar.fold(line) + "\r\n").encode("utf-8")
    physical = data.decode().split("\r\n")[:-1]
    assert all(len(part.encode()) <= 75 for part in physical)
    unfolded = re.sub(r"\r\n[ \t]", "", data.decode()[:-2])
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert unescape(unfolded.removeprefix("DESCRIPTION:")) == expected


def test_folding_never_splits_a_character() -> None:
    line = "SUMMARY:" + "é" * 100 + "🙂" * 30
    folded = calendar.fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))


def test_the_add_to_calendar_link_names_the_session_and_its_place() -> None:
    oh = config()
    session = session_on(oh.schedule, datetime(2026, 3, 18).date())
    assert session is not None
    url = urlsplit(calendar.calendar_link(oh, session))
    query = parse_qs(url.query)
    assert url.netloc == "calendar.google.com" and query["action"] == ["TEMPLATE"]
    assert query["dates"] == ["20260318T133000Z/20260318T143000Z"]
    assert query["text"] == ["Office hours 2026-03-18"]
    assert query["location"] == ["https://meet.example.org/oh?room=a,b;c"]
