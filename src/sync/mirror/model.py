"""Plain data the mirror reasons about: what GitHub says, what Asana has, what Asana should have."""

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
class Ancestor:
    """A parent issue above the synced tree: enough to know whether it is mirrored."""

    repo: str
    number: int
    url: str
    mirrored: bool
    link_comment: LinkComment | None = None

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"


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
class ParentRef:
    """Where a task belongs: under a community task, under another issue's task, or nowhere."""

    task_gid: str | None = None  # a known task (a community's CSH task)
    issue_url: str | None = None  # the task of another mirrored issue
    label: str = ""  # for messages: "Example University / Community Success Hours"


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


@dataclass(frozen=True)
class DesiredTask:
    """What the Asana task of one mirrored issue should look like."""

    url: str
    ref: str
    name: str
    html_notes: str
    assignee: str | None  # Asana email or gid
    completed: bool
    parent: ParentRef
    custom_fields: Mapping[str, Any]  # field gid -> value
    dates: Mapping[str, str | None] = field(
        default_factory=dict
    )  # "start_on"/"due_on" -> value, only when owned
    description: str = ""  # the Markdown the notes were made from (for the plain fallback)
    header: tuple[tuple[str, str], ...] = ()
    old_urls: tuple[str, ...] = ()  # earlier URLs of a transferred issue

    def plain_notes(self) -> str:
        """The description as plain text, for when Asana refuses the rich text."""
        from sync.rich_text import markdown_to_plain_notes

        return markdown_to_plain_notes(self.description, issue_url=self.url, header=self.header)


@dataclass(frozen=True)
class Removal:
    """A task that must go, and why (for the plan line and the summary)."""

    url: str
    ref: str
    reason: str


@dataclass(frozen=True)
class Desired:
    """The outcome of reading GitHub: tasks to have, tasks to remove, and warnings."""

    tasks: tuple[DesiredTask, ...] = ()
    removals: tuple[Removal, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
