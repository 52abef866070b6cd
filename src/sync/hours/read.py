"""Read the tasks below each community's CSH task from Asana, 100 subtasks per request.

Tasks logged by hand in Asana are not in the mirror's project, so the project's task list
cannot find them: the tree is walked with the subtasks endpoint, level by level, asking only
tasks that have subtasks (``num_subtasks``) for theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    "parent.gid",
    "custom_fields.gid",
    "custom_fields.type",
    "custom_fields.number_value",
    "custom_fields.text_value",
)


def read_community_tasks(asana: AsanaClient, root: str, url_gid: str) -> list[LoggedTask] | None:
    """Every task below ``root`` at any depth, parents first; None when ``root`` is gone."""
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
            logged = to_logged(record, url_gid, depth, path)
            found.append(logged)
            if record.get("num_subtasks"):
                below = (*path, logged.task.name)
                deeper += [(r, below) for r in asana.subtasks(logged.task.gid, HOURS_TASK_FIELDS)]
        level, depth = deeper, depth + 1
    return found


def to_logged(
    record: Mapping[str, Any], url_gid: str, depth: int, path: tuple[str, ...] = ()
) -> LoggedTask:
    """A LoggedTask from a subtask record read with HOURS_TASK_FIELDS."""
    return LoggedTask(
        task=to_snapshot(record, url_gid),
        depth=depth,
        completed_on=_day(record.get("completed_at")) if record.get("completed") else None,
        path=path,
    )


def _day(value: Any) -> date | None:
    """The UTC date of an Asana timestamp such as ``2026-03-02T10:00:00.000Z``."""
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
