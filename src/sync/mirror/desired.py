"""What Asana should hold for an issue tree: the mirror's rules in one place, without I/O.

- An issue is mirrored while it carries the CSH label, and so is every sub-issue below a
  mirrored issue, labeled or not. A sub-issue sits under its parent's task; an issue whose
  parent is not mirrored sits under its community's "Community Success Hours" task.
- Closed as completed: the task is completed. Closed as not planned or duplicate, deleted, or
  no longer labeled (and not below a mirrored issue): the task is deleted.
- The community comes from the board's community field, else a ``community:<key>`` label,
  else the "Community" answer of the CSH issue form. Unknown: the task lives in the project
  only, and the run warns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sync.config import CshConfig
from sync.domain import community_of
from sync.issue_form import form_header, form_request_text
from sync.mirror.model import (
    KEEP,
    Ancestor,
    Desired,
    DesiredTask,
    FieldMap,
    IssueNode,
    ParentRef,
    Removal,
)
from sync.mirror.ownership import author_trusted


@dataclass(frozen=True)
class Rules:
    """The parts of the config the mirror's decisions depend on."""

    csh: CshConfig
    fields: FieldMap
    max_depth: int = 4  # asana.max_subtask_depth: levels of tasks below a community's task


def desired_for_tree(root: IssueNode, parent: Ancestor | None, rules: Rules) -> Desired:
    """Decide the Asana state for ``root`` and all its sub-issues."""
    tasks: list[DesiredTask] = []
    removals: list[Removal] = []
    warnings: list[str] = []
    parent_ref = None
    if parent is not None and parent.mirrored:
        parent_ref = ParentRef(issue_url=parent.url, label=parent.ref)
    _visit(root, parent_ref, rules, tasks, removals, warnings, 1)
    return Desired(tuple(tasks), tuple(removals), tuple(warnings))


def _visit(
    node: IssueNode,
    parent: ParentRef | None,
    rules: Rules,
    tasks: list[DesiredTask],
    removals: list[Removal],
    warnings: list[str],
    depth: int,
) -> None:
    labeled = node.has_label(rules.csh.label)
    waiting = parent is None and labeled and not author_trusted(node, rules.csh)
    mirrored = not node.dropped and not waiting and (parent is not None or labeled)
    if mirrored:
        placement = parent or _community_parent(node, rules, warnings)
        tasks.append(_task(node, placement, rules, warnings))
        child_parent: ParentRef | None = ParentRef(issue_url=node.url, label=node.ref)
        if depth >= rules.max_depth and node.children:
            # Asana nests subtasks only so deep: deeper sub-issues sit beside this one.
            warnings.append(
                f"{node.ref}: its sub-issues would be {depth + 1} levels below the community "
                f"task, deeper than asana.max_subtask_depth ({rules.max_depth}) lets Asana "
                "nest them; their tasks sit beside its task"
            )
            child_parent, depth = placement, depth - 1
    elif waiting and not node.dropped:
        # Opened by someone outside the team (the issue form labels it for them): mirrored
        # once a person with triage access applies the label. A task it has is left alone.
        warnings.append(
            f"{node.ref}: not mirrored until someone with triage access applies the "
            f"{rules.csh.label} label (its author is not a member; csh.trusted_authors)"
        )
        child_parent = None
    else:
        removals.append(Removal(node.url, node.ref, _why_not(node, rules)))
        child_parent = None
    for child in node.children:
        _visit(child, child_parent, rules, tasks, removals, warnings, depth + 1)


def _why_not(node: IssueNode, rules: Rules) -> str:
    if node.deleted:
        return "issue deleted"
    if node.dropped:
        return f"closed as {node.state_reason}"
    return f"no {rules.csh.label} label"


def _community_parent(node: IssueNode, rules: Rules, warnings: list[str]) -> ParentRef:
    community, named = community_of(node, rules.csh)
    if community is None:
        what = f"unknown community {named!r}" if named else "no community"
        warnings.append(f"{node.ref}: {what}; its task stays in the Asana project only")
        return ParentRef()
    return ParentRef(
        task_gid=community.asana_task, label=f"{community.name} / Community Success Hours"
    )


def _task(node: IssueNode, parent: ParentRef, rules: Rules, warnings: list[str]) -> DesiredTask:
    header = form_header(node.body)
    text = form_request_text(node.body)
    custom: dict[str, Any] = {
        rules.fields.url_gid: node.url,
        rules.fields.hours_gid: _hours(node, rules),
    }
    dates: dict[str, str | None] = {}
    for extra in rules.fields.extras:
        value = node.board.get(extra.github)
        if extra.target == "custom":
            custom[extra.gid] = _extra_value(
                node, extra.github, extra.type, extra.options, value, warnings
            )
        else:
            dates[extra.target] = _iso(value)
    return DesiredTask(
        url=node.url,
        ref=node.ref,
        name=_one_line(node.title),
        description=text,
        header=tuple(header),
        assignee=_assignee(node, rules.csh.users, warnings),
        completed=node.completed,
        parent=parent,
        custom_fields=custom,
        dates=_valid_dates(node, dates, warnings),
    )


def _hours(node: IssueNode, rules: Rules) -> float | None:
    if rules.csh.board is None:
        return None
    value = node.board.get(rules.csh.board.hours_field)
    return float(value) if isinstance(value, int | float) else None


def _extra_value(
    node: IssueNode,
    name: str,
    kind: str,
    options: Mapping[str, str],
    value: Any,
    warnings: list[str],
) -> Any:
    if value is None or value == "":
        return None
    if kind == "enum":
        option = options.get(str(value))
        if option is None:
            warnings.append(f"{node.ref}: board value {value!r} of {name!r} has no Asana option")
            return KEEP
        return option
    if kind == "number":
        return float(value) if isinstance(value, int | float) else KEEP
    return str(value)


def _iso(value: Any) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if value else None


def _valid_dates(
    node: IssueNode, dates: dict[str, str | None], warnings: list[str]
) -> dict[str, str | None]:
    start, due = dates.get("start_on"), dates.get("due_on")
    if start is None or "start_on" not in dates:
        return dates
    if due is None:
        warnings.append(f"{node.ref}: a start date needs an end date in Asana; start not set")
        return {**dates, "start_on": None}
    if start >= due:
        if start > due:
            warnings.append(f"{node.ref}: start date {start} is after the end date {due}")
        return {**dates, "start_on": None}
    return dates


def _assignee(node: IssueNode, users: Mapping[str, str], warnings: list[str]) -> str | None:
    lowered = {login.lower(): target for login, target in users.items()}
    mapped = [lowered[login.lower()] for login in node.assignees if login.lower() in lowered]
    for login in node.assignees:
        if login.lower() not in lowered:
            warnings.append(f"{node.ref}: GitHub user {login} has no Asana user in csh.users")
    return mapped[0] if mapped else None


def _one_line(title: str) -> str:
    return " ".join(title.split()) or "(untitled)"
