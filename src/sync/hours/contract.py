"""Where each community stands against its contract, one line each, the closest first. Pure.

Staff read these lines before logging new work: the team report lists them first and
``check`` prints them. "Near" means within NEAR_SHARE of the contracted hours, or over them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync.domain import format_hours
from sync.hours.model import CommunityHours
from sync.hours.report import percent

NEAR_SHARE = 0.9
NEAR = "within 10% of contract"
OVER = "over contract"


def near_or_over(row: CommunityHours) -> bool:
    """Whether a community has used at least 90% of its contracted hours."""
    contracted = row.community.contracted_hours
    if not contracted or row.missing_task:
        return False
    return row.used >= NEAR_SHARE * contracted


def contract_first(rows: Sequence[CommunityHours]) -> list[CommunityHours]:
    """The rows with those near or over their contract first (highest share first), then
    the others in their configured order."""
    near = sorted((r for r in rows if near_or_over(r)), key=lambda r: -(r.share or 0.0))
    return near + [r for r in rows if not near_or_over(r)]


def contract_line(row: CommunityHours) -> str:
    """One plain line: the community, its hours against its contract, and how close it is."""
    community = row.community
    span = f" in {row.span[0].isoformat()} to {row.span[1].isoformat()}" if row.span else ""
    head = f"{community.name} ({community.key})"
    if row.missing_task:
        return f"{head}: its Asana task {community.asana_task} is missing"
    contracted = community.contracted_hours
    if not contracted:
        return f"{head}: {format_hours(row.used)} hours used{span}, no contracted hours"
    share = percent(row.used / contracted)
    used = f"{format_hours(row.used)} of {format_hours(contracted)} contracted hours used ({share})"
    if row.used > contracted:
        return f"{head}: {used}{span}, {format_hours(row.used - contracted)} {OVER}"
    left = f"{format_hours(contracted - row.used)} remaining"
    return f"{head}: {used}{span}, {left}" + (f", {NEAR}" if near_or_over(row) else "")
