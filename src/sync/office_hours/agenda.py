"""Everything an office hours agenda shows, computed from plain inputs. Pure.

`build_context` does all the work and all the escaping: the template only lays the values
out. Text that comes from GitHub (titles, logins, reasons) is escaped here for Markdown, so
it renders literally, cannot break a table, and never reaches Jinja as template source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sync.config import OfficeHoursConfig
from sync.mentions import neutralise_mentions
from sync.office_hours.calendar import calendar_link
from sync.office_hours.schedule import Session
from sync.templating import (
    code_span,
    escape_table_cell,
    markdown_link,
    safe_url,
)

TopicKind = Literal["issue", "pull request"]

DASH = "\u2013"  # an en dash, between the ends of a time span
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BOT_LOGINS = frozenset({"dependabot", "renovate", "github-actions", "pre-commit-ci", "ghost"})
"""Logins never called out: GraphQL names apps without their `[bot]` suffix; `ghost` is a
deleted account."""


@dataclass(frozen=True, slots=True)
class Topic:
    """An "Up Next" card: an issue or a pull request, as the board lists it."""

    title: str
    url: str
    author: str
    kind: TopicKind
    labels: tuple[str, ...]
    number: int
    repo: str  # owner/name
    body_chars: int

    @property
    def ref(self) -> str:
        """The topic as `owner/repo#number`."""
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True, slots=True)
class Person:
    """A suggested invitee and why: e.g. the author of a pull request open for 40 days."""

    login: str
    reason: str
    repo: str = ""  # the pull request or proposal the reason names, when there is one
    number: int = 0
    node_id: str = ""


@dataclass(frozen=True, slots=True)
class Shipped:
    """A topic candidate from what shipped: a release, or a merged feature pull request."""

    kind: Literal["release", "pull request"]
    title: str
    url: str
    ref: str  # owner/repo#number, or owner/repo@tag for a release
    author: str
    at: dt.datetime  # published or merged


def is_bot(login: str) -> bool:
    """Whether `login` is an app or a deleted account rather than a person."""
    name = login.strip().removeprefix("@").casefold()
    return not name or name.endswith("[bot]") or name in BOT_LOGINS


def build_context(
    config: OfficeHoursConfig,
    session: Session,
    topics: Sequence[Topic],
    merged_pr_authors: Sequence[str],
    invitee_candidates: Sequence[Person],
    shipped: Sequence[Shipped] = (),
) -> dict[str, Any]:
    """The values the agenda template shows for `session`, escaped for Markdown."""
    rows = _topic_rows(config, topics)
    qa_start = len(rows) * config.topic_minutes
    planned = qa_start + config.qa_minutes
    short = len(rows) < config.min_topics
    return {
        "title": f"Office hours {session.date.isoformat()}",
        "date": session.date.isoformat(),
        "weekday": WEEKDAYS[session.date.weekday()],
        "timezone": config.schedule.timezone,
        "up_next": escape_table_cell(f'"{config.board.up_next}"'),
        "duration_minutes": config.schedule.duration_minutes,
        "times": _times(session, (config.schedule.timezone, "UTC", *config.extra_timezones)),
        "topics": rows,
        "topic_minutes": config.topic_minutes,
        "qa_minutes": config.qa_minutes,
        "qa_timebox": _timebox(qa_start, planned),
        "planned_minutes": planned,
        "overrun_minutes": max(0, planned - config.schedule.duration_minutes),
        "contributors": _contributors(topics, merged_pr_authors),
        "recording_notice": config.recording_notice,
        "recording_consent_url": safe_url(config.recording_consent_url or ""),
        "meeting_url": safe_url(config.meeting_url or ""),
        "calendar_url": safe_url(calendar_link(config, session)),
        "min_topics": config.min_topics,
        "short_of_topics": short,
        "missing_topics": max(0, config.min_topics - len(rows)),
        "topic_label": code_span(config.topic_label),
        "invitees": _invitees(invitee_candidates) if short else [],
        "candidates": shipped_rows(shipped) if short else [],
        "needs_community": [row for row in rows if row["needs_community"]],
        "community_label": code_span(config.escalation.community_label),
    }


def _topic_rows(config: OfficeHoursConfig, topics: Sequence[Topic]) -> list[dict[str, Any]]:
    """One row per topic in board order, with its running timebox."""
    community = config.escalation.community_label.casefold()
    rows: list[dict[str, Any]] = []
    for position, topic in enumerate(topics, start=1):
        start = (position - 1) * config.topic_minutes
        title = escape_table_cell(neutralise_mentions(topic.title)) or "(untitled)"
        rows.append(
            {
                "position": position,
                "title": title,
                "url": safe_url(topic.url),
                "link": markdown_link(title, topic.url),
                "ref": escape_table_cell(topic.ref),
                "author": _mention(topic.author) if topic.author.strip() else "(unknown)",
                "kind": topic.kind,
                "timebox": _timebox(start, start + config.topic_minutes),
                "needs_community": any(lb.casefold() == community for lb in topic.labels),
            }
        )
    return rows


def _times(session: Session, zones: Iterable[str]) -> list[dict[str, Any]]:
    """The session's start and end in each zone once, the session's own zone first."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for zone in zones:
        if zone.casefold() in seen:
            continue
        seen.add(zone.casefold())
        start = session.start_utc.astimezone(ZoneInfo(zone))
        end = session.end_utc.astimezone(ZoneInfo(zone))
        rows.append(
            {
                "zone": zone,
                "date": start.date().isoformat(),
                "start": f"{start:%H:%M}",
                "end": f"{end:%H:%M}",
                "text": f"{start:%H:%M}{DASH}{end:%H:%M} {zone}{_dates_note(session, start, end)}",
            }
        )
    return rows


def _dates_note(session: Session, start: dt.datetime, end: dt.datetime) -> str:
    """Name the local dates when they are not the session's date, e.g. past midnight."""
    starts_apart, ends_apart = start.date() != session.date, end.date() != start.date()
    if starts_apart and ends_apart:
        return f" ({start.date().isoformat()}, ends {end.date().isoformat()})"
    if starts_apart:
        return f" ({start.date().isoformat()})"
    return f" (ends {end.date().isoformat()})" if ends_apart else ""


def _contributors(topics: Sequence[Topic], merged_pr_authors: Sequence[str]) -> list[str]:
    """Topic authors, then authors of merged pull requests: people only, each once."""
    logins = [topic.author for topic in topics] + list(merged_pr_authors)
    return [_mention(login) for login in _unique_people(logins)]


def shipped_rows(shipped: Sequence[Shipped]) -> list[dict[str, str]]:
    """Topic candidates from what shipped, one line each: link, ref, author and date."""
    return [
        {
            "kind": item.kind,
            "link": markdown_link(
                escape_table_cell(item.title) or escape_table_cell(item.ref), item.url
            ),
            "ref": escape_table_cell(item.ref),
            "author": _person_or_app(item.author),
            "date": item.at.date().isoformat(),
        }
        for item in shipped
    ]


def _invitees(candidates: Sequence[Person]) -> list[dict[str, str]]:
    """Suggested invitees, people only, each once with the first reason given."""
    first: dict[str, Person] = {}
    for person in candidates:
        if not is_bot(person.login):
            first.setdefault(_login_key(person.login), person)
    return [
        {"mention": _mention(p.login), "reason": escape_table_cell(neutralise_mentions(p.reason))}
        for p in first.values()
    ]


def _unique_people(logins: Iterable[str]) -> list[str]:
    """Logins without bots and repeats (ignoring case and a leading @), in first-seen order."""
    seen: dict[str, str] = {}
    for login in logins:
        if not is_bot(login):
            seen.setdefault(_login_key(login), login.strip().removeprefix("@"))
    return list(seen.values())


def _person_or_app(login: str) -> str:
    """A person as a mention; an app or an unknown author by name only (never pinged)."""
    if not login.strip():
        return "(unknown)"
    return escape_table_cell(login) if is_bot(login) else _mention(login)


def _login_key(login: str) -> str:
    return login.strip().removeprefix("@").casefold()


def _mention(login: str) -> str:
    return "@" + escape_table_cell(login.strip().removeprefix("@"))


def _timebox(start: int, end: int) -> str:
    """Minutes from the session's start as a span, e.g. 0:15 to 0:30."""
    return f"{start // 60}:{start % 60:02d}{DASH}{end // 60}:{end % 60:02d}"
