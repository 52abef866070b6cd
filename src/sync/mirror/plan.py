"""The typed changes a sync can make. ``--dry-run`` prints their ``describe()`` lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.mirror.model import DesiredTask, ParentRef


def _quote(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return f'"{value}"' if isinstance(value, str) else str(value)


def _where(parent: ParentRef) -> str:
    return f'under "{parent.label}"' if parent.label else "in the project only"


@dataclass(frozen=True)
class CreateTask:
    """Create the task of an issue, in the project and under its parent."""

    desired: DesiredTask

    def describe(self) -> str:
        """The dry-run line."""
        return f'create task "{self.desired.name}" {_where(self.desired.parent)}'


@dataclass(frozen=True)
class UpdateTask:
    """Overwrite owned fields that drifted."""

    gid: str
    ref: str
    data: Mapping[str, Any]
    diffs: tuple[tuple[str, Any, Any], ...]
    completes: bool = False
    hours_label: str = ""  # how the diffs name the GitHub Hours field

    def describe(self) -> str:
        """The dry-run line."""
        parts = [
            f"{label} changed" if label == "description" else f"{label} {_quote(a)} -> {_quote(b)}"
            for label, a, b in self.diffs
        ]
        return f"update task {self.gid}: " + ", ".join(parts)


@dataclass(frozen=True)
class MoveTask:
    """Put a task under another parent (community task, parent issue's task, or none)."""

    gid: str
    ref: str
    parent: ParentRef

    def describe(self) -> str:
        """The dry-run line."""
        return f"move task {self.gid} ({self.ref}) {_where(self.parent)}"


@dataclass(frozen=True)
class AddToProject:
    """Multi-home a task into the project so it carries the project's custom fields."""

    gid: str
    ref: str
    project: str

    def describe(self) -> str:
        """The dry-run line."""
        return f"add task {self.gid} ({self.ref}) to project {self.project}"


@dataclass(frozen=True)
class DeleteTask:
    """Delete a task (Asana keeps it in the trash for 30 days)."""

    gid: str
    ref: str
    reason: str
    parent_gid: str | None = None  # where subtasks a person added under it are moved first

    def describe(self) -> str:
        """The dry-run line."""
        return f"delete task {self.gid} ({self.reason})"


@dataclass(frozen=True)
class LinkComment:
    """Post, or edit in place, the one comment that links an issue to its task."""

    repo: str
    number: int
    url: str  # the issue, whose task gid is known only after it is created
    comment_id: int | None
    over_contract: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"

    def describe(self) -> str:
        """The dry-run line."""
        verb = "update the link comment" if self.comment_id else "comment"
        return f"{verb} on {self.ref} linking its Asana task"


@dataclass(frozen=True)
class ReopenIssue:
    """Reopen an issue closed as completed without hours, and say why in one comment."""

    repo: str
    number: int
    node_id: str
    reason: str
    comment_id: int | None = None  # the sync's earlier guard comment: edited, not repeated

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"

    def describe(self) -> str:
        """The dry-run line."""
        return f"reopen {self.ref}: {self.reason}"


Change = CreateTask | UpdateTask | MoveTask | AddToProject | DeleteTask | LinkComment | ReopenIssue


@dataclass
class Plan:
    """Changes in the order they must be applied, plus warnings found while planning."""

    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def lines(self) -> list[str]:
        """One line per change, as ``--dry-run`` prints them."""
        return [change.describe() for change in self.changes]
