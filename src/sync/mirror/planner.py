"""Compare what Asana should hold with what it holds, and list the changes. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sync.mirror.compare import html_equivalent, plain_as_rich_text, same_value
from sync.mirror.model import KEEP, Desired, DesiredTask, FieldMap, ParentRef, TaskSnapshot
from sync.mirror.notes import still_signed
from sync.mirror.plan import AddToProject, Change, CreateTask, DeleteTask, MoveTask, UpdateTask

TaskIndex = Mapping[str, list[TaskSnapshot]]  # github_url -> tasks carrying it


def oldest_first(tasks: Iterable[TaskSnapshot]) -> list[TaskSnapshot]:
    """Tasks ordered so that the one to keep (created first) comes first."""
    return sorted(tasks, key=lambda t: (t.created_at or "~", len(t.gid), t.gid))


def plan_tasks(desired: Desired, index: TaskIndex, project: str, fields: FieldMap) -> list[Change]:
    """The task changes that make Asana match ``desired`` (empty when nothing drifted)."""
    primary = {url: oldest_first(tasks)[0] for url, tasks in index.items() if tasks}
    changes: list[Change] = []
    for task in desired.tasks:
        found = oldest_first(t for url in (task.url, *task.old_urls) for t in index.get(url, []))
        if not found:
            changes.append(CreateTask(task))
            continue
        keep, duplicates = found[0], found[1:]
        changes += _reconcile(task, keep, _parent_gid(task.parent, primary), project, fields)
        changes += [
            DeleteTask(d.gid, task.ref, f"duplicate of task {keep.gid}", keep.gid)
            for d in duplicates
        ]
    for removal in desired.removals:
        changes += [
            DeleteTask(t.gid, removal.ref, removal.reason, t.parent_gid)
            for t in index.get(removal.url, [])
        ]
    return _ordered(changes)


def _ordered(changes: list[Change]) -> list[Change]:
    """Creates and moves first (parents before children), deletes last (children first)."""
    deletes = [c for c in changes if isinstance(c, DeleteTask)]
    others = [c for c in changes if not isinstance(c, DeleteTask)]
    return others + deletes[::-1]


def _parent_gid(parent: ParentRef, primary: Mapping[str, TaskSnapshot]) -> str | None:
    if parent.issue_url is not None:
        task = primary.get(parent.issue_url)
        return task.gid if task else None
    return parent.task_gid


def _reconcile(
    task: DesiredTask, have: TaskSnapshot, parent_gid: str | None, project: str, fields: FieldMap
) -> list[Change]:
    changes: list[Change] = []
    if project not in have.project_gids:
        changes.append(AddToProject(have.gid, task.ref, project))
    if have.parent_gid != parent_gid or (task.parent.issue_url and parent_gid is None):
        changes.append(MoveTask(have.gid, task.ref, task.parent))
    data, diffs = field_changes(task, have, fields)
    if data:
        completes = data.get("completed") is True
        hours = fields.names.get(fields.hours_gid, fields.hours_gid)
        changes.append(UpdateTask(have.gid, task.ref, data, tuple(diffs), completes, hours))
    return changes


def field_changes(
    task: DesiredTask, have: TaskSnapshot, fields: FieldMap
) -> tuple[dict[str, Any], list[tuple[str, Any, Any]]]:
    """The update body for the owned fields that differ, and their (label, old, new) diffs."""
    data: dict[str, Any] = {}
    diffs: list[tuple[str, Any, Any]] = []
    simple = [
        ("name", "name", have.name, task.name, have.name == task.name),
        ("description", "html_notes", None, None, _same_notes(task, have)),
        (
            "assignee",
            "assignee",
            have.assignee_gid,
            task.assignee,
            _same_assignee(task.assignee, have),
        ),
        (
            "completed",
            "completed",
            have.completed,
            task.completed,
            have.completed == task.completed,
        ),
    ]
    for label, key, old, new, same in simple:
        if not same:
            data[key] = task.html_notes if key == "html_notes" else new
            diffs.append((label, old, new))
    custom = _custom_changes(task, have, fields, diffs)
    if custom:
        data["custom_fields"] = custom
    data.update(_date_changes(task, have, diffs))
    return data, diffs


def _custom_changes(
    task: DesiredTask, have: TaskSnapshot, fields: FieldMap, diffs: list[tuple[str, Any, Any]]
) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    for gid, value in task.custom_fields.items():
        if value is KEEP or same_value(have.custom_fields.get(gid), value):
            continue
        changed[gid] = value
        diffs.append((fields.names.get(gid, gid), have.custom_fields.get(gid), value))
    return changed


def _date_changes(
    task: DesiredTask, have: TaskSnapshot, diffs: list[tuple[str, Any, Any]]
) -> dict[str, Any]:
    current = {"start_on": have.start_on, "due_on": have.due_on}
    changed = {k: v for k, v in task.dates.items() if current.get(k) != v}
    for key, value in changed.items():
        diffs.append((key, current.get(key), value))
    if "start_on" in changed and "due_on" not in changed:
        # Asana refuses a start_on change, set or unset, without due_on in the same request.
        changed["due_on"] = task.dates.get("due_on", have.due_on)
    return changed


def _same_notes(task: DesiredTask, have: TaskSnapshot) -> bool:
    """Same description, or the plain-text fallback of it: a body Asana refused as rich text
    was sent as plain text, and sending the rich text again would only be refused again."""
    if still_signed(have.html_notes, task.notes_key):
        return True  # made from this very body, and unchanged since: no need to render it
    if html_equivalent(have.html_notes, task.html_notes):
        return True
    if not task.description and not task.header:
        return False
    return html_equivalent(have.html_notes, plain_as_rich_text(task.plain_notes()))


def _same_assignee(wanted: str | None, have: TaskSnapshot) -> bool:
    if wanted is None:
        return have.assignee_gid is None
    return have.assignee_gid == wanted  # emails were resolved to gids where tasks exist
