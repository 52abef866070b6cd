"""Which hours of a task fall within a report's period. Pure.

- Asana actual time counts by its time-tracking entries' ``entered_on`` days.
- GitHub Hours count on the day the task was completed; an open task's count in the period
  that contains the report's day (the current one), and in no other.
- A community without a period (and no ``--period``) counts everything, as one open span.

Each task's hours are rounded to two decimals before they are summed, so the per-task figures
of the JSON and CSV documents add up to exactly the "used" of the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sync.config import Community
from sync.domain import task_hours
from sync.hours.model import LoggedTask, Span


def community_span(community: Community, today: date, override: Span | None) -> Span | None:
    """The span a community's hours are counted in: ``--period``, else its current period."""
    if override is not None:
        return override
    return community.period.span(today) if community.period else None


def within(day: date, span: Span | None) -> bool:
    """Whether ``day`` lies in ``span`` (both ends included; no span holds every day)."""
    return span is None or span[0] <= day <= span[1]


def github_hours(logged: LoggedTask, hours_gid: str) -> float | None:
    """The task's GitHub Hours (None when the field is empty)."""
    value = logged.task.custom_fields.get(hours_gid)
    return float(value) if isinstance(value, int | float) else None


def counted_hours(logged: LoggedTask, hours_gid: str, span: Span | None, today: date) -> float:
    """The task's hours within ``span``, rounded to two decimals (0 when none fall in it)."""
    github = github_hours(logged, hours_gid)
    if github is not None:
        return round(github, 2) if counts_now(logged, span, today) else 0.0
    if span is None or logged.entries is None:  # all time, or entries not read: actual time
        return round(task_hours(logged.task, hours_gid) or 0.0, 2)
    minutes = sum(m for day, m in logged.entries if within(day, span))
    return round(minutes / 60, 2)


def counts_now(logged: LoggedTask, span: Span | None, today: date) -> bool:
    """Whether a task's completion (or, open, being current) falls within ``span``."""
    if logged.task.completed:
        return within(logged.completed_on or today, span)
    return within(today, span)


def in_report(logged: LoggedTask, hours: float, span: Span | None, today: date) -> bool:
    """A task belongs to the period's report when hours of it fall in the period, or it was
    completed in it, or it is open and the period is the current one."""
    return hours > 0 or counts_now(logged, span, today)


def needs_entries(tasks: Sequence[LoggedTask], hours_gid: str) -> list[LoggedTask]:
    """The tasks whose hours are Asana actual time, so their entries must be read."""
    return [t for t in tasks if t.task.actual_time_minutes and github_hours(t, hours_gid) is None]
