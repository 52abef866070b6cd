"""Plain data the hours report is computed from and rendered with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sync.config import Community
from sync.domain import TaskSnapshot

OVER_CONTRACT = "over contract"
UNDER_USING = "under-using"
NO_HOURS = "no hours"
LOGGED_BOTH_WAYS = "logged both ways"
WRONG_COMMUNITY = "wrong community"
FLAG_KINDS = (OVER_CONTRACT, UNDER_USING, NO_HOURS, LOGGED_BOTH_WAYS, WRONG_COMMUNITY)
"""The flags' words, fixed so that people can search reports for them."""

Span = tuple[date, date]
"""A report's period: first and last day, both included."""


@dataclass(frozen=True)
class LoggedTask:
    """A task somewhere below a community's "Community Success Hours" task."""

    task: TaskSnapshot
    depth: int  # 1: directly under the community's CSH task
    completed_on: date | None = None
    path: tuple[str, ...] = ()  # names of the tasks between the CSH task and this one
    # (entered_on, minutes) of its time-tracking entries; None: not read (no actual time)
    entries: tuple[tuple[date, int], ...] | None = None
    assignee: str | None = None  # the Asana assignee's name (or email)
    login: str | None = None  # the assignee's GitHub login, from csh.users


@dataclass(frozen=True)
class Flag:
    """Something about a community's hours that a person should look at."""

    kind: str  # one of FLAG_KINDS
    message: str  # plain text, starting with the kind
    url: str | None = None  # the issue the message names (and quotes), if any
    subject: str = ""  # what it is about (a task gid; empty: the community), for "new" flags


@dataclass(frozen=True)
class Expectation:
    """How far into its contract period a community is on a given day."""

    elapsed_days: int
    period_days: int
    expected_hours: float

    @property
    def fraction(self) -> float:
        """The share of the period that has passed, from 0 to 1."""
        return self.elapsed_days / self.period_days


@dataclass(frozen=True)
class CommunityHours:
    """One community's hours against its contract, with its flags."""

    community: Community
    used: float
    tasks: tuple[LoggedTask, ...] = ()
    flags: tuple[Flag, ...] = ()
    expectation: Expectation | None = None
    missing_task: bool = False  # its Asana task does not exist (or was deleted)
    span: Span | None = None  # the period counted (None: all time)
    hours: Mapping[str, float] = field(default_factory=dict)  # task gid -> hours in the span

    @property
    def share(self) -> float | None:
        """Hours used as a share of the contracted hours (None without a contract)."""
        contracted = self.community.contracted_hours
        return self.used / contracted if contracted else None
