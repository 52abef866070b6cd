"""The emulated GitHub's records: users, labels, repositories, comments, issues and Projects v2.

Plain dataclasses; :mod:`sync.emulator.github_state` holds them and runs the operations on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

IssueKey = tuple[str, int]  # (owner/name, number)


@dataclass
class User:
    login: str
    id: int
    node_id: str
    name: str | None = None
    type: str = "User"  # or "Organization", "Bot"


@dataclass
class Label:
    id: int
    node_id: str
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Repo:
    id: int
    node_id: str
    owner: str
    name: str
    labels: dict[str, Label] = field(default_factory=dict)  # by lower-cased name
    private: bool = False
    next_number: int = 1
    releases: list[Release] = field(default_factory=list)  # oldest first

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass
class Release:
    """A GitHub release: a draft has no ``published_at``."""

    id: int
    node_id: str
    repo: str
    tag_name: str
    name: str | None
    author: str
    created_at: datetime
    published_at: datetime | None = None
    prerelease: bool = False
    description: str = ""


@dataclass
class Comment:
    id: int
    node_id: str
    issue: IssueKey
    body: str
    author: str
    created_at: datetime
    updated_at: datetime


@dataclass
class Issue:
    """An issue or (``is_pull``) a pull request."""

    id: int
    node_id: str
    repo: str
    number: int
    title: str
    body: str | None
    author: str
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    labels: list[str] = field(default_factory=list)  # label names as on the repo
    assignees: list[str] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)
    parent: IssueKey | None = None
    sub_issues: list[IssueKey] = field(default_factory=list)
    is_pull: bool = False
    merged_at: datetime | None = None
    draft: bool = False
    transferred_to: IssueKey | None = None
    deleted: bool = False
    # (label name, actor login, when): the issue's LabeledEvents, as its timeline shows them
    label_events: list[tuple[str, str, datetime]] = field(default_factory=list)
    # (PARENT_ISSUE_ADDED_EVENT or TRANSFERRED_EVENT, when): the timeline's other kept items
    moves: list[tuple[str, datetime]] = field(default_factory=list)

    @property
    def key(self) -> IssueKey:
        return (self.repo, self.number)


@dataclass
class Option:
    id: str
    name: str
    color: str = "GRAY"
    description: str = ""


@dataclass
class ProjectField:
    id: str
    name: str
    data_type: str  # NUMBER, TEXT, DATE, SINGLE_SELECT (plus built-ins TITLE, ASSIGNEES, ...)
    options: list[Option] = field(default_factory=list)

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


@dataclass
class FieldValue:
    value: Any  # float for NUMBER, str for TEXT, date for DATE, option id for SINGLE_SELECT
    updated_at: datetime
    created_at: datetime


@dataclass
class ProjectItem:
    id: str
    project: tuple[str, int]  # (owner login, number)
    content: IssueKey | None  # None for a draft issue
    created_at: datetime
    updated_at: datetime
    values: dict[str, FieldValue] = field(default_factory=dict)  # by field id
    archived: bool = False
    draft_title: str | None = None


@dataclass
class Project:
    id: str
    owner: str
    number: int
    title: str
    fields: list[ProjectField] = field(default_factory=list)
    items: list[ProjectItem] = field(default_factory=list)  # in board order
    closed: bool = False

    def field_by_name(self, name: str) -> ProjectField | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_by_id(self, field_id: str) -> ProjectField | None:
        return next((f for f in self.fields if f.id == field_id), None)
