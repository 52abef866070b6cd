"""Hours used per community, from the Asana tasks below its CSH task. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sync.domain import TaskSnapshot


def task_hours(task: TaskSnapshot, hours_gid: str) -> float | None:
    """GitHub Hours when set, else Asana's actual time in hours, else None."""
    value = task.custom_fields.get(hours_gid)
    if isinstance(value, int | float):
        return float(value)
    if task.actual_time_minutes:
        return float(task.actual_time_minutes) / 60
    return None


def community_of_task(
    task: TaskSnapshot, by_gid: Mapping[str, TaskSnapshot], community_tasks: set[str]
) -> str | None:
    """The community CSH task a task sits under (following parents), or None."""
    seen: set[str] = set()
    current: TaskSnapshot | None = task
    while current is not None and current.gid not in seen:
        seen.add(current.gid)
        if current.parent_gid in community_tasks:
            return current.parent_gid
        current = by_gid.get(current.parent_gid or "")
    return None


def used_hours(
    tasks: Iterable[TaskSnapshot], hours_gid: str, community_tasks: set[str]
) -> dict[str, float]:
    """Hours used per community task gid, summed over its tasks and subtasks."""
    snapshot = list(tasks)
    by_gid = {t.gid: t for t in snapshot}
    used = dict.fromkeys(community_tasks, 0.0)
    for task in snapshot:
        community = community_of_task(task, by_gid, community_tasks)
        hours = task_hours(task, hours_gid)
        if community is not None and hours:
            used[community] += hours
    return used


def format_hours(value: float) -> str:
    """A number with at most two decimals and never an exponent: 9.5, 14, 12345.67."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
