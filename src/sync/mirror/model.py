"""Plain data the mirror reasons about: what GitHub says, what Asana has, what Asana should have."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.domain import (
    DROPPING_REASONS,
    KEEP,
    FieldMap,
    FieldTarget,
    IssueNode,
    LinkCommentRead,
    TaskSnapshot,
)
from sync.mirror.notes import notes_key, signed_notes

__all__ = [
    "DROPPING_REASONS",
    "KEEP",
    "Ancestor",
    "Desired",
    "DesiredTask",
    "FieldMap",
    "FieldTarget",
    "IssueNode",
    "LinkCommentRead",
    "ParentRef",
    "Removal",
    "TaskSnapshot",
]


@dataclass(frozen=True)
class Ancestor:
    """A parent issue above the synced tree: enough to know whether it is mirrored."""

    repo: str
    number: int
    url: str
    mirrored: bool
    link_comment: LinkCommentRead | None = None

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True)
class ParentRef:
    """Where a task belongs: under a community task, under another issue's task, or nowhere."""

    task_gid: str | None = None  # a known task (a community's CSH task)
    issue_url: str | None = None  # the task of another mirrored issue
    label: str = ""  # for messages: "Example University / Community Success Hours"


@dataclass(frozen=True)
class DesiredTask:
    """What the Asana task of one mirrored issue should look like."""

    url: str
    ref: str
    name: str
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

    @property
    def notes_key(self) -> str:
        """The digest of what the description is made from (see sync.mirror.notes)."""
        return notes_key(self.description, self.url, self.header)

    @functools.cached_property
    def html_notes(self) -> str:
        """The description as Asana rich text, rendered when first asked for: a run in sync
        compares the task's signature instead (see sync.mirror.notes)."""
        return signed_notes(self.description, self.url, self.header)

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
