"""What both sides share, on the ground floor: an issue as read, a task as read, the fields the
mirror writes. Plain data, no I/O; gateways and features import it, it imports neither."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sync.config import Community, CshConfig
from sync.issue_form import parse_issue_form

DROPPING_REASONS = frozenset({"not_planned", "duplicate"})


class _Keep:
    """Marker value: leave the Asana value as it is (e.g. a board option Asana lacks)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


@dataclass(frozen=True)
class LinkCommentRead:
    """The bot's comment on an issue that links its Asana task (found by a hidden marker)."""

    id: int
    node_id: str
    body: str
    task_gid: str | None
    author: str = ""  # login of the comment's author ("" when GitHub does not say)
    by_viewer: bool = False  # written by the sync's own identity (GraphQL viewerDidAuthor)


@dataclass(frozen=True)
class IssueNode:
    """One issue as GitHub reports it, with its sub-issues (at any depth)."""

    repo: str
    number: int
    url: str
    node_id: str
    title: str
    body: str
    state: str  # "open" or "closed"
    state_reason: str | None  # completed, not_planned, duplicate, reopened or None
    labels: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    board: Mapping[str, Any] = field(
        default_factory=dict
    )  # CSH board field values by field name (None = on board, empty)
    closed_at: datetime | None = None
    link_comment: LinkCommentRead | None = None
    comments_complete: bool = False  # every comment was read: no link comment means none
    children: tuple[IssueNode, ...] = ()
    deleted: bool = False
    author_association: str = ""  # OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ...
    labeled_by: tuple[tuple[str, str], ...] = ()  # (label, actor login) of recent LabeledEvents
    # What the timeline tells about where its task can be: the labels of its last 10
    # LabeledEvents, how often it was made a sub-issue, whether it came from another repository.
    label_history: tuple[str, ...] = ()
    parent_events: int = 0
    transferred: bool = False
    # Marker comments written by someone other than the sync (never trusted unless the author
    # is in csh.link_comment_authors), and the sync's own close-guard comment.
    foreign_links: tuple[LinkCommentRead, ...] = ()
    guard_comment_id: int | None = None
    vouched: bool = False  # someone with triage access or more applied the CSH label

    def last_labeler(self, label: str) -> str | None:
        """Who applied ``label`` most recently, as far as the timeline read shows."""
        found = [actor for name, actor in self.labeled_by if name.lower() == label.lower()]
        return found[-1] if found else None

    @property
    def ref(self) -> str:
        """How messages name the issue: ``owner/repo#number``."""
        return f"{self.repo}#{self.number}"

    @property
    def dropped(self) -> bool:
        """Deleted, or closed as not planned or duplicate: its task must go."""
        return self.deleted or (self.state == "closed" and self.state_reason in DROPPING_REASONS)

    @property
    def completed(self) -> bool:
        """Closed as completed (an old close without a reason counts as completed)."""
        return self.state == "closed" and self.state_reason not in DROPPING_REASONS

    def has_label(self, name: str) -> bool:
        """Label test, case-insensitive like GitHub."""
        return name.lower() in self._folded_labels

    @functools.cached_property
    def _folded_labels(self) -> frozenset[str]:
        return frozenset(label.lower() for label in self.labels)

    def walk(self) -> list[IssueNode]:
        """This issue and every descendant, parents before children."""
        if not self.children:
            return [self]
        found: list[IssueNode] = []
        stack = [self]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.children))
        return found


@dataclass(frozen=True)
class TaskSnapshot:
    """An Asana task as read back, reduced to what the mirror owns and needs."""

    gid: str
    name: str
    html_notes: str
    completed: bool
    parent_gid: str | None
    project_gids: tuple[str, ...]
    assignee_gid: str | None
    custom_fields: Mapping[str, Any]  # field gid -> value (number, text, enum option gid, None)
    github_url: str | None
    created_at: str = ""
    start_on: str | None = None
    due_on: str | None = None
    actual_time_minutes: float | None = None


@dataclass(frozen=True)
class FieldTarget:
    """A board field mirrored into Asana: a custom field, or the task's start/due date."""

    github: str
    target: str  # "custom", "start_on" or "due_on"
    gid: str = ""
    type: str = ""  # number, text, enum
    options: Mapping[str, str] = field(default_factory=dict)  # enum option name -> gid


@dataclass(frozen=True)
class FieldMap:
    """The Asana custom fields the mirror writes, resolved to gids."""

    url_gid: str
    hours_gid: str
    extras: tuple[FieldTarget, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # gid -> field name, for messages


# -- which community an issue names ------------------------------------------------------
def community_of(node: IssueNode, csh: CshConfig) -> tuple[Community | None, str | None]:
    """The issue's community and the raw value it was named by (None when not named)."""
    field = csh.board.community_field if csh.board else None
    board_value = node.board.get(field) if field else None
    candidates: list[str] = []
    if isinstance(board_value, str) and board_value:
        candidates.append(board_value)
    prefix = csh.community_label_prefix.lower()
    candidates += [lbl[len(prefix) :] for lbl in node.labels if lbl.lower().startswith(prefix)]
    form_value = parse_issue_form(node.body).get("Community")
    if form_value:
        candidates.append(form_value)
    for value in candidates:
        community = csh.community_by_key_or_name(value.strip())
        if community is not None:
            return community, value
    return None, candidates[0] if candidates else None


# -- hours used (the hours report and the link comment count them the same way) -----------
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


def split_issue_url(url: str) -> tuple[str, str, int] | None:
    """(owner, repo, number) of an issue URL such as https://github.com/o/r/issues/7."""
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) < 4 or parts[-2] != "issues" or not parts[-1].isdigit():
        return None
    return parts[-4], parts[-3], int(parts[-1])
