"""What both sides share, on the ground floor: an issue as read, a task as read, the fields the
mirror writes. Plain data, no I/O; gateways and features import it, it imports neither."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DROPPING_REASONS = frozenset({"not_planned", "duplicate"})


class _Keep:
    """Marker value: leave the Asana value as it is (e.g. a board option Asana lacks)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


@dataclass(frozen=True)
class LinkComment:
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
    link_comment: LinkComment | None = None
    comments_complete: bool = False  # every comment was read: no link comment means none
    children: tuple[IssueNode, ...] = ()
    deleted: bool = False
    author_association: str = ""  # OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ...
    labeled_by: tuple[tuple[str, str], ...] = ()  # (label, actor login) of recent LabeledEvents
    # Marker comments written by someone other than the sync (never trusted unless the author
    # is in csh.link_comment_authors), and the sync's own close-guard comment.
    foreign_links: tuple[LinkComment, ...] = ()
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
        return any(label.lower() == name.lower() for label in self.labels)

    def walk(self) -> list[IssueNode]:
        """This issue and every descendant, parents before children."""
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
class ExtraField:
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
    extras: tuple[ExtraField, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # gid -> field name, for messages
