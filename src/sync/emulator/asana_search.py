"""Search of the emulated Asana: ``GET /workspaces/{gid}/tasks/search`` over a lagging index.

The filters run over the snapshots :meth:`AsanaState.indexed_tasks` gives, that is, over the
tasks as they were ``search_lag_seconds`` ago, as Asana's eventually consistent index does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sync.emulator.asana_state import AsanaState, Task
from sync.emulator.core import Request

_FIELD_FILTER = re.compile(r"custom_fields\.(\d+)\.(\w+)\Z")


def search(state: AsanaState, workspace_gid: str, request: Request, limit: int) -> list[Task]:
    """The live tasks the index finds for a search request, sorted as asked."""
    checks = _search_checks(request)
    found = [t for t in state.indexed_tasks() if t.workspace == workspace_gid]
    found = [t for t in found if state.is_live(t.gid) and all(c(t) for c in checks)]
    found = _sort(found, request.arg("sort_by") or "modified_at", request.arg("sort_ascending"))
    return [state.tasks[t.gid] for t in found[:limit]]


def _search_checks(request: Request) -> list[Callable[[Task], bool]]:
    """The filters of a search request, as predicates over indexed task snapshots."""
    checks: list[Callable[[Task], bool]] = []
    arg = request.arg
    if (text := arg("text")) is not None:
        checks.append(lambda t: text.lower() in f"{t.name}\n{t.notes}".lower())
    if (any_of := arg("projects.any")) is not None:
        checks.append(lambda t: bool(set(any_of.split(",")) & set(t.projects)))
    if (none_of := arg("projects.not")) is not None:
        checks.append(lambda t: not set(none_of.split(",")) & set(t.projects))
    if (completed := arg("completed")) is not None:
        checks.append(lambda t: t.completed == (completed == "true"))
    if (is_subtask := arg("is_subtask")) is not None:
        checks.append(lambda t: (t.parent is not None) == (is_subtask == "true"))
    for key, values in request.query.items():
        match = _FIELD_FILTER.match(key)
        if match is not None:
            checks.append(_field_check(match.group(1), match.group(2), values[0]))
    return checks


def _field_check(field_gid: str, op: str, wanted: str) -> Callable[[Task], bool]:
    def check(task: Task) -> bool:
        value = task.custom_values.get(field_gid)
        if op == "is_set":
            return (value is not None) == (wanted == "true")
        if value is None:
            return False
        if op in {"less_than", "greater_than"}:
            number = float(wanted)
            return bool(value < number if op == "less_than" else value > number)
        text = str(value)
        tests = {"contains": wanted in text, "starts_with": text.startswith(wanted)}
        tests |= {"ends_with": text.endswith(wanted), "value": _same(value, wanted)}
        return tests.get(op, True)

    return check


def _same(value: Any, wanted: str) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(wanted) == value
        except ValueError:
            return False
    return str(value) == wanted


def _sort(tasks: list[Task], sort_by: str, ascending: str | None) -> list[Task]:
    keys: dict[str, Callable[[Task], Any]] = {
        "created_at": lambda t: t.created_at.isoformat(),
        "completed_at": lambda t: t.completed_at.isoformat() if t.completed_at else "",
        "due_date": lambda t: t.due_on or "",
        "modified_at": lambda t: t.modified_at.isoformat(),
    }
    key = keys.get(sort_by, keys["modified_at"])
    return sorted(tasks, key=key, reverse=ascending != "true")
