"""Turn an ``issues`` or ``sub_issues`` webhook payload into the issues to sync. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sync.errors import EventError

ISSUE_ACTIONS = frozenset(
    {
        "opened",
        "edited",
        "labeled",
        "unlabeled",
        "assigned",
        "unassigned",
        "closed",
        "reopened",
        "transferred",
        "deleted",
    }
)
SUB_ISSUE_ACTIONS = frozenset(
    {"sub_issue_added", "sub_issue_removed", "parent_issue_added", "parent_issue_removed"}
)


@dataclass(frozen=True)
class Target:
    """One issue to sync because of an event."""

    repo: str
    number: int
    url: str
    old_url: str | None = None  # a transferred issue's URL before the move
    deleted: bool = False
    # The event may have left a task behind that must go (label removed, sub-issue unlinked),
    # so Asana is checked even when the issue is not mirrored now.
    may_have_task: bool = True


@dataclass(frozen=True)
class EventPlan:
    """What an event asks for: targets, or a reason to skip it."""

    action: str
    targets: tuple[Target, ...] = ()
    skip_reason: str | None = None
    closed_now: bool = False  # an `issues` `closed` event (the close guard applies)


def _get(payload: Mapping[str, Any], path: str, where: str) -> Any:
    node: Any = payload
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise EventError(where, path, "missing from the event payload")
        node = node[part]
    return node


def _issue_target(issue: Any, repo: Any, where: str, key: str) -> Target:
    if not isinstance(issue, Mapping):
        raise EventError(where, key, "expected an object")
    number, url = issue.get("number"), issue.get("html_url")
    full_name = repo.get("full_name") if isinstance(repo, Mapping) else _repo_from_url(issue)
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise EventError(where, f"{key}.number", "expected a positive issue number")
    if not isinstance(url, str) or not isinstance(full_name, str) or "/" not in full_name:
        raise EventError(where, f"{key}.html_url", "expected the issue URL and repository name")
    return Target(full_name, number, url)


def _repo_from_url(issue: Mapping[str, Any]) -> str | None:
    """``owner/name`` from an issue's ``repository_url`` (``.../repos/owner/name``)."""
    url = issue.get("repository_url")
    if not isinstance(url, str) or "/repos/" not in url:
        return None
    return url.rsplit("/repos/", 1)[1].strip("/") or None


def plan_event(name: str, payload: Mapping[str, Any], label: str, where: str) -> EventPlan:
    """Decide which issues an event concerns (exit 2 on a payload that cannot be used)."""
    action = payload.get("action")
    if not isinstance(action, str):
        raise EventError(where, "action", "missing from the event payload")
    if name == "issues":
        return _issues_event(action, payload, label, where)
    if name == "sub_issues":
        return _sub_issues_event(action, payload, where)
    return EventPlan(action, skip_reason=f"event {name!r} is not handled by this command")


def _issues_event(action: str, payload: Mapping[str, Any], label: str, where: str) -> EventPlan:
    if action not in ISSUE_ACTIONS:
        return EventPlan(action, skip_reason=f"issues action {action!r} needs no sync")
    issue = _get(payload, "issue", where)
    target = _issue_target(issue, _get(payload, "repository", where), where, "issue")
    if action == "transferred":
        new_issue = _get(payload, "changes.new_issue", where)
        new_repo = _get(payload, "changes.new_repository", where)
        moved = _issue_target(new_issue, new_repo, where, "changes.new_issue")
        return EventPlan(action, (Target(moved.repo, moved.number, moved.url, target.url),))
    if action == "deleted":
        target = Target(target.repo, target.number, target.url, deleted=True)
    if not _may_concern_csh(action, payload, issue, label):
        return EventPlan(action, skip_reason=f"{target.repo}#{target.number} has no {label} label")
    lost_label = action == "unlabeled" and _label_name(payload.get("label")) == label.lower()
    labeled = label.lower() in {_label_name(lbl) for lbl in _labels(issue)}
    target = replace(target, may_have_task=labeled or lost_label or action == "deleted")
    return EventPlan(action, (target,), closed_now=action == "closed")


def _labels(issue: Mapping[str, Any]) -> list[Any]:
    labels = issue.get("labels")
    return labels if isinstance(labels, list) else []


def _label_name(label: Any) -> str:
    return str(label.get("name", "")).lower() if isinstance(label, Mapping) else ""


def _may_concern_csh(action: str, payload: Mapping[str, Any], issue: Any, label: str) -> bool:
    """False only when the payload proves the issue is outside every CSH tree."""
    if label.lower() in {_label_name(lbl) for lbl in _labels(issue)}:
        return True
    if action == "unlabeled" and _label_name(payload.get("label")) == label.lower():
        return True
    return _maybe_sub_issue(issue)


def _maybe_sub_issue(issue: Mapping[str, Any]) -> bool:
    # A sub-issue may sit in a CSH tree; an older payload without the key cannot tell.
    return "parent_issue_url" not in issue or bool(issue.get("parent_issue_url"))


def _sub_issues_event(action: str, payload: Mapping[str, Any], where: str) -> EventPlan:
    if action not in SUB_ISSUE_ACTIONS:
        return EventPlan(action, skip_reason=f"sub_issues action {action!r} needs no sync")
    # sub_issue_* events name the sub-issue's repository, parent_issue_* the parent's; the
    # other side is the event's own repository (or the issue's repository_url).
    if action.startswith("parent_issue"):
        child_repo, parent_repo = payload.get("repository"), payload.get("parent_issue_repo")
    else:
        child_repo, parent_repo = payload.get("sub_issue_repo"), payload.get("repository")
    child = _issue_target(_get(payload, "sub_issue", where), child_repo, where, "sub_issue")
    parent = _issue_target(_get(payload, "parent_issue", where), parent_repo, where, "parent_issue")
    return EventPlan(action, (child, parent))
