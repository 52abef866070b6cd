"""Read the tasks below each community's CSH task from Asana, 100 subtasks per request.

Tasks logged by hand in Asana are not in the mirror's project, so the project's task list
cannot find them: the tree is walked with the subtasks endpoint, level by level, asking only
tasks that have subtasks (``num_subtasks``) for theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sync.asana.client import AsanaClient
from sync.asana.tasks import to_snapshot
from sync.errors import ApiFailure
from sync.hours.model import LoggedTask

HOURS_TASK_FIELDS = (
    "gid",
    "name",
    "completed",
    "completed_at",
    "actual_time_minutes",
    "num_subtasks",
    "assignee.name",
    "parent.gid",
    "custom_fields.gid",
    "custom_fields.type",
    "custom_fields.number_value",
    "custom_fields.text_value",
)


def read_community_tasks(
    asana: AsanaClient, root: str, url_gid: str, logins: Mapping[str, str] | None = None
) -> list[LoggedTask] | None:
    """Every task below ``root`` at any depth, parents first; None when ``root`` is gone.
    ``logins``: Asana user gid -> GitHub login."""
    try:
        records = list(asana.subtasks(root, HOURS_TASK_FIELDS))
    except ApiFailure as failure:
        if failure.status == 404:
            return None
        raise
    found: list[LoggedTask] = []
    level: list[tuple[dict[str, Any], tuple[str, ...]]] = [(r, ()) for r in records]
    depth = 1
    while level:
        deeper: list[tuple[dict[str, Any], tuple[str, ...]]] = []
        for record, path in level:
            logged = to_logged(record, url_gid, depth, path, logins)
            found.append(logged)
            if record.get("num_subtasks"):
                below = (*path, logged.task.name)
                deeper += [(r, below) for r in asana.subtasks(logged.task.gid, HOURS_TASK_FIELDS)]
        level, depth = deeper, depth + 1
    return found


def to_logged(
    record: Mapping[str, Any],
    url_gid: str,
    depth: int,
    path: tuple[str, ...] = (),
    logins: Mapping[str, str] | None = None,
) -> LoggedTask:
    """A LoggedTask from a subtask record read with HOURS_TASK_FIELDS."""
    assignee = record.get("assignee") or {}
    gid = str(assignee.get("gid") or "")
    return LoggedTask(
        task=to_snapshot(record, url_gid),
        depth=depth,
        completed_on=_day(record.get("completed_at")) if record.get("completed") else None,
        path=path,
        assignee=assignee.get("name") or None,
        login=(logins or {}).get(gid) if gid else None,
    )


def with_entries(asana: AsanaClient, logged: LoggedTask) -> LoggedTask:
    """The task with its time-tracking entries' days and minutes, read from Asana.

    Per task: the workspace-wide ``GET /time_tracking_entries`` answers compact entries
    without their task, so it cannot tell which community an entry's hours belong to."""
    entries = tuple(
        (date.fromisoformat(str(e["entered_on"])), int(e.get("duration_minutes") or 0))
        for e in asana.time_entries_of(logged.task.gid)
        if e.get("entered_on")
    )
    return replace(logged, entries=entries)


def _day(value: Any) -> date | None:
    """The UTC date of an Asana timestamp such as ``2026-03-02T10:00:00.000Z``."""
    if not value:
        return None
    return datetime.fromisoformat(str(value)).date()
