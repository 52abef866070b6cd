"""GraphQL views that refer to no other view, and the filters and orders of connections.

Part of :mod:`sync.emulator.github_graphql_views`: labels, fields and field values, the
ordering and filtering of issues, and the lookups the recursive views in
:mod:`sync.emulator.github_graphql_objects` build on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sync.emulator.github_graphql_base import Context, Info, Json, connection, visible
from sync.emulator.github_json import sub_issues_summary
from sync.emulator.github_state import Issue, Label, ProjectField, ProjectItem, Repo


def _repo_items(ctx: Context, repo: Repo, pulls: bool) -> list[Issue]:
    return [
        issue
        for issue in ctx.state.issues.values()
        if issue.repo == repo.full_name and issue.is_pull == pulls and visible(issue)
    ]


_ORDER_KEYS: dict[str, Callable[[Issue], Any]] = {
    "CREATED_AT": lambda issue: (issue.created_at, issue.number),
    "UPDATED_AT": lambda issue: (issue.updated_at, issue.number),
    "COMMENTS": lambda issue: (len(issue.comments), issue.number),
}


def _ordered(issues: list[Issue], order: Json | None) -> list[Issue]:
    if not order:
        return issues
    key = _ORDER_KEYS[order["field"]]
    return sorted(issues, key=key, reverse=order["direction"] == "DESC")


def _has_any_label(issue: Issue, names: Sequence[str] | None) -> bool:
    if names is None:
        return True
    wanted = _wanted(tuple(names))
    return any(label.lower() in wanted for label in issue.labels)


@functools.lru_cache(maxsize=64)
def _wanted(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name.lower() for name in names)


def _matches_filter(issue: Issue, filters: Json) -> bool:
    since = filters.get("since")
    if since and _utc(issue.updated_at) < _utc(datetime.fromisoformat(since)):
        return False
    states = filters.get("states")
    if states and issue.state.upper() not in states:
        return False
    assignee, creator = filters.get("assignee"), filters.get("createdBy")
    if assignee and assignee != "*" and assignee.lower() not in _lower(issue.assignees):
        return False
    if assignee == "*" and not issue.assignees:
        return False
    if creator and creator.lower() != issue.author.lower():
        return False
    return _has_any_label(issue, filters.get("labels"))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _lower(names: Sequence[str]) -> set[str]:
    return {name.lower() for name in names}


def _sorted_labels(labels: list[Label], order: Json | None) -> list[Label]:
    field_name = (order or {}).get("field", "CREATED_AT")
    key: Callable[[Label], Any] = (
        (lambda label: label.name.lower()) if field_name == "NAME" else (lambda label: label.id)
    )
    return sorted(labels, key=key, reverse=(order or {}).get("direction") == "DESC")


def _repo_labels(repo: Repo, info: Info, **args: Any) -> Json:
    query = (args.get("query") or "").lower()
    labels = [label for label in repo.labels.values() if query in label.name.lower()]
    labels = _sorted_labels(labels, args.get("orderBy"))
    return connection(info, labels, label_view, args)


def label_view(label: Label) -> Json:
    """A Label."""
    return {
        "__typename": "Label",
        "id": label.node_id,
        "name": label.name,
        "color": label.color,
        "description": label.description,
    }


def _label_or_none(label: Label | None) -> Json | None:
    return label_view(label) if label is not None else None


def pull_state(pull: Issue) -> str:
    """The PullRequestState of a pull request."""
    if pull.merged_at is not None:
        return "MERGED"
    return pull.state.upper()


def _state_reason(issue: Issue, info: Info, **args: Any) -> str | None:
    reason = issue.state_reason.upper() if issue.state_reason else None
    if reason == "DUPLICATE" and not args.get("enableDuplicate"):
        return "NOT_PLANNED"  # GitHub hides DUPLICATE from clients that did not opt in
    return reason


def _issue_labels(issue: Issue, info: Info, **args: Any) -> Json:
    repo = info.context.state.repo(issue.repo)
    labels = [repo.labels[name.lower()] for name in issue.labels if name.lower() in repo.labels]
    labels = _sorted_labels(labels, args.get("orderBy"))
    return connection(info, labels, label_view, args)


def _children(ctx: Context, issue: Issue) -> list[Issue]:
    children = (ctx.state.issues.get(key) for key in issue.sub_issues)
    return [child for child in children if child is not None and visible(child)]


def _summary(ctx: Context, issue: Issue) -> Json:
    summary = sub_issues_summary(ctx.state, issue)
    return {
        "total": summary["total"],
        "completed": summary["completed"],
        "percentCompleted": summary["percent_completed"],
    }


_FIELD_TYPENAMES = {
    "SINGLE_SELECT": "ProjectV2SingleSelectField",
    "ITERATION": "ProjectV2IterationField",
}
_VALUE_TYPENAMES = {
    "SINGLE_SELECT": "ProjectV2ItemFieldSingleSelectValue",
    "NUMBER": "ProjectV2ItemFieldNumberValue",
    "TEXT": "ProjectV2ItemFieldTextValue",
    "TITLE": "ProjectV2ItemFieldTextValue",
    "DATE": "ProjectV2ItemFieldDateValue",
}


def field_view(pfield: ProjectField) -> Json:
    """A ProjectV2Field, ProjectV2SingleSelectField or ProjectV2IterationField."""
    return {
        "__typename": _FIELD_TYPENAMES.get(pfield.data_type, "ProjectV2Field"),
        "id": pfield.id,
        "name": pfield.name,
        "dataType": pfield.data_type,
        "options": lambda info, names=None: [
            {"id": o.id, "name": o.name, "color": o.color, "description": o.description}
            for o in pfield.options
            if names is None or o.name in names
        ],
    }


def _field_or_none(pfield: ProjectField | None) -> Json | None:
    return field_view(pfield) if pfield is not None else None


def _value_parts(
    ctx: Context, item: ProjectItem, pfield: ProjectField
) -> tuple[Json, datetime, datetime] | None:
    """(value fields, createdAt, updatedAt); the built-in Title is the content's title."""
    if pfield.data_type == "TITLE":
        return {"text": _title(ctx, item)}, item.created_at, item.updated_at
    stored = item.values.get(pfield.id)
    if stored is None:
        return None
    return _value_payload(pfield, stored.value), stored.created_at, stored.updated_at


def _title(ctx: Context, item: ProjectItem) -> str:
    content = ctx.state.issues.get(item.content) if item.content else None
    return content.title if content is not None else item.draft_title or ""


def _value_payload(pfield: ProjectField, value: Any) -> Json:
    if pfield.data_type == "SINGLE_SELECT":
        option = next((o for o in pfield.options if o.id == value), None)
        return {"optionId": value, "name": option.name if option else None}
    if pfield.data_type == "NUMBER":
        return {"number": float(value)}
    if pfield.data_type == "DATE":
        return {"date": value.isoformat() if isinstance(value, date) else str(value)}
    return {"text": str(value)}
