"""What the team was already told: flag ids, and the hidden markers that record them. Pure.

A flag is "new" until a team report announced it. Its id is a short hash of the community,
the period, the flag's kind and its subject (a task gid, or nothing for a community-wide
flag such as "over contract"), so the same flag in the next period is new again. The record
is the set of ids of the flags current at the last report: a flag that clears and comes back
is announced again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sync.hours.model import CommunityHours, Flag, Span

_PREFIX = "<!-- community-sync:hours"
TEAM_REPORT = f"{_PREFIX}-team-report -->"
"""Carried by the team's report issue."""
TEAM_RECORD = f"{_PREFIX}-team-record -->"
"""Carried by the issue that records what a Slack team report announced."""
ASK_FOR_HOURS = f"{_PREFIX}-ask -->"
"""Opens the one comment that asks an assignee to add the hours of a completed issue."""
_ANNOUNCED = re.compile(rf"{re.escape(_PREFIX)}-announced ids=([0-9a-f,]*) -->")


@dataclass(frozen=True)
class TeamFlag:
    """A flag as the team report tracks it."""

    id: str
    community: str  # the community's name
    flag: Flag


def community_marker(key: str, span: Span | None) -> str:
    """Carried by a community's report issue for one period; finding it finds the issue."""
    period = f"{span[0].isoformat()}..{span[1].isoformat()}" if span else "all"
    return f"{_PREFIX}-community-report community={key} period={period} -->"


def team_flags(rows: Sequence[CommunityHours]) -> list[TeamFlag]:
    """Every current flag of every community, with its id."""
    return [
        TeamFlag(flag_id(row.community.key, row.span, flag), row.community.name, flag)
        for row in rows
        for flag in row.flags
    ]


def flag_id(key: str, span: Span | None, flag: Flag) -> str:
    """A short, stable id for one flag in one period."""
    period = f"{span[0].isoformat()}..{span[1].isoformat()}" if span else "all"
    text = "|".join((key, period, flag.kind, flag.subject))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def announced(body: str) -> set[str]:
    """The flag ids recorded in an issue body (none when it has no record)."""
    match = _ANNOUNCED.search(body)
    return {i for i in (match.group(1).split(",") if match else []) if i}


def record(ids: Iterable[str]) -> str:
    """The marker that records which flags the team has been told about."""
    return f"{_PREFIX}-announced ids={','.join(sorted(set(ids)))} -->"


def new_flags(flags: Sequence[TeamFlag], body: str) -> list[TeamFlag]:
    """The flags not announced yet, per the record in ``body``."""
    told = announced(body)
    return [f for f in flags if f.id not in told]
