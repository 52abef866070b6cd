"""Asana task records <-> the mirror's snapshots, and the project's custom fields by name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sync.config import AsanaConfig, CshConfig
from sync.domain import FieldMap, FieldTarget, TaskSnapshot
from sync.errors import UsageError

TASK_FIELDS = (
    "gid",
    "name",
    "html_notes",
    "completed",
    "created_at",
    "start_on",
    "due_on",
    "actual_time_minutes",
    "parent.gid",
    "projects.gid",
    "assignee.gid",
    "custom_fields.gid",
    "custom_fields.name",
    "custom_fields.type",
    "custom_fields.number_value",
    "custom_fields.text_value",
    "custom_fields.enum_value.gid",
    "permalink_url",
)
DATE_TARGETS = ("start_on", "due_on")


def _field_value(field: Mapping[str, Any]) -> Any:
    kind = field.get("type") or field.get("resource_subtype")
    if kind == "number":
        return field.get("number_value")
    if kind == "enum":
        return (field.get("enum_value") or {}).get("gid")
    return field.get("text_value")


def to_snapshot(record: Mapping[str, Any], url_gid: str) -> TaskSnapshot:
    """Reduce a task record (read with TASK_FIELDS) to a TaskSnapshot."""
    custom = {f["gid"]: _field_value(f) for f in record.get("custom_fields") or [] if f}
    parent = record.get("parent") or {}
    assignee = record.get("assignee") or {}
    return TaskSnapshot(
        gid=str(record["gid"]),
        name=record.get("name") or "",
        html_notes=record.get("html_notes") or "",
        completed=bool(record.get("completed")),
        parent_gid=parent.get("gid"),
        project_gids=tuple(p["gid"] for p in record.get("projects") or [] if p),
        assignee_gid=assignee.get("gid"),
        custom_fields=custom,
        github_url=custom.get(url_gid) or None,
        created_at=record.get("created_at") or "",
        start_on=record.get("start_on"),
        due_on=record.get("due_on"),
        actual_time_minutes=record.get("actual_time_minutes"),
    )


def index_by_url(tasks: Iterable[TaskSnapshot]) -> dict[str, list[TaskSnapshot]]:
    """Tasks grouped by their GitHub URL field (tasks without one are left out)."""
    index: dict[str, list[TaskSnapshot]] = defaultdict(list)
    for task in tasks:
        if task.github_url:
            index[task.github_url].append(task)
    return dict(index)


def resolve_fields(
    project_fields: Sequence[Mapping[str, Any]], asana: AsanaConfig, csh: CshConfig | None
) -> FieldMap:
    """Match the configured field names (or gids) to the project's custom fields."""
    url = _find(project_fields, asana.fields.github_url, "asana.fields.github_url", "text", asana)
    hours = _find(
        project_fields, asana.fields.github_hours, "asana.fields.github_hours", "number", asana
    )
    extras: list[FieldTarget] = []
    for i, extra in enumerate(csh.board.extra_fields if csh and csh.board else ()):
        if extra.asana in DATE_TARGETS:
            extras.append(FieldTarget(extra.github, extra.asana))
            continue
        found = _find(
            project_fields, extra.asana, f"csh.board.extra_fields[{i}].asana", None, asana
        )
        options = {o["name"]: o["gid"] for o in found.get("enum_options") or [] if o}
        extras.append(FieldTarget(extra.github, "custom", found["gid"], found["type"], options))
    names = {f["gid"]: f["name"] for f in project_fields}
    return FieldMap(url["gid"], hours["gid"], tuple(extras), names)


def fields_from_records(
    records: Sequence[Mapping[str, Any]], asana: AsanaConfig, csh: CshConfig | None
) -> FieldMap | None:
    """The FieldMap from the custom fields task records carry (a task in the project carries
    all of the project's fields); None when they cannot tell (no task, or enum options needed)."""
    if csh and csh.board and any(e.asana not in DATE_TARGETS for e in csh.board.extra_fields):
        return None  # enum options are only in the project's field settings
    for record in records:
        fields = [f for f in record.get("custom_fields") or [] if f and f.get("gid")]
        try:
            return resolve_fields(fields, asana, csh)
        except UsageError:
            continue
    url, hours = asana.fields.github_url, asana.fields.github_hours
    if url.isdigit() and hours.isdigit():  # configured by gid: nothing to look up
        return FieldMap(url, hours, tuple(FieldTarget(e.github, e.asana) for e in _dates(csh)))
    return None


def _dates(csh: CshConfig | None) -> list[Any]:
    return [
        e for e in (csh.board.extra_fields if csh and csh.board else ()) if e.asana in DATE_TARGETS
    ]


def _find(
    fields: Sequence[Mapping[str, Any]],
    wanted: str,
    key: str,
    kind: str | None,
    asana: AsanaConfig,
) -> Mapping[str, Any]:
    for field in fields:
        if wanted in (field.get("gid"), field.get("name")):
            if kind and field.get("type") != kind:
                raise UsageError(
                    f"{key}: the Asana field {wanted!r} is of type {field.get('type')}, "
                    f"expected {kind}"
                )
            return field
    raise UsageError(
        f"{key}: no custom field {wanted!r} on Asana project {asana.project}; add the field to "
        "the project or fix the name (community-sync check lists them)"
    )
