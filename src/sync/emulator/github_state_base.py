"""The base of the emulated GitHub's state: ids, accounts, repositories, labels and Projects v2.

:class:`sync.emulator.github_state.GitHubState` adds the issue, sub-issue and comment operations.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from sync.emulator.github_model import (
    Comment,
    FieldValue,
    Issue,
    IssueKey,
    Label,
    Option,
    Project,
    ProjectField,
    ProjectItem,
    Repo,
    User,
)

DEFAULT_VIEWER = "community-sync[bot]"  # who an unknown token acts as
# Every new board has these, in this position order, before any field its owner adds.
BUILT_IN_FIELDS = (
    ("Title", "TITLE"),
    ("Assignees", "ASSIGNEES"),
    ("Labels", "LABELS"),
    ("Linked pull requests", "LINKED_PULL_REQUESTS"),
    ("Milestone", "MILESTONE"),
    ("Repository", "REPOSITORY"),
    ("Reviewers", "REVIEWERS"),
    ("Parent issue", "PARENT_ISSUE"),
    ("Sub-issues progress", "SUB_ISSUES_PROGRESS"),
)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class GitHubStateBase:
    """The records of the emulated GitHub; the account, repository, label and board operations."""

    def __init__(self, clock: Callable[[], datetime] = _utcnow) -> None:
        self.clock = clock
        self.users: dict[str, User] = {}
        self.repos: dict[str, Repo] = {}  # by lower-cased full name
        self.issues: dict[IssueKey, Issue] = {}
        self.comments: dict[int, Comment] = {}
        self.projects: dict[tuple[str, int], Project] = {}
        self.nodes: dict[str, Any] = {}
        # Tokens that, like an Actions GITHUB_TOKEN, cannot read or write Projects v2.
        self.project_denied_tokens: set[str] = set()
        # Token -> login of the account it authenticates (GraphQL viewer, author of writes).
        self.token_logins: dict[str, str] = {}
        # Owner (lower-cased) -> login (lower-cased) -> repository role (read, triage, write,
        # maintain, admin): organization members and outside collaborators alike.
        self.roles: dict[str, dict[str, str]] = {}
        # Repositories (lower-cased full names) the tokens cannot see: REST and GraphQL answer
        # as GitHub does for a private repository an App is not installed on (404, NOT_FOUND).
        self.hidden_repos: set[str] = set()
        self._ids = itertools.count(1_000_001)
        self.items_version = 0  # bumped when an item's content changes (the index is cached)
        self._board_index: dict[IssueKey, list[tuple[Project, ProjectItem]]] | None = None
        self._board_version: tuple[int, int] = (-1, -1)

    def viewer_for_token(self, token: str | None) -> str:
        """The login a token acts as (default: the app's bot account)."""
        return self.token_logins.get(token or "", DEFAULT_VIEWER)

    def add_member(self, owner: str, login: str, role: str = "write") -> None:
        """Give ``login`` a role on every repository of ``owner`` (an organization member)."""
        self.add_user(login)
        self.roles.setdefault(owner.lower(), {})[login.lower()] = role

    def role_of(self, repo: Repo, login: str) -> str | None:
        """The login's role on a repository: admin for its owner, else as granted, else None."""
        if login.lower() == repo.owner.lower():
            return "admin"
        return self.roles.get(repo.owner.lower(), {}).get(login.lower())

    def association(self, repo: Repo, login: str) -> str:
        """How GitHub relates an author to a repository: OWNER, MEMBER or NONE."""
        if login.lower() == repo.owner.lower():
            return "OWNER"
        return "MEMBER" if self.role_of(repo, login) else "NONE"

    # -- ids ---------------------------------------------------------------------------------
    def _new_id(self, prefix: str, obj: Any) -> tuple[int, str]:
        num = next(self._ids)
        node_id = f"{prefix}_kwDO{num:08d}"
        self.nodes[node_id] = obj
        return num, node_id

    # -- users, orgs, repos ------------------------------------------------------------------
    def add_user(self, login: str, name: str | None = None, type: str = "User") -> User:
        """Create (or return) a user or organization account."""
        if login.lower() in self.users:
            return self.users[login.lower()]
        user = User(login=login, id=0, node_id="", name=name, type=type)
        user.id, user.node_id = self._new_id("U" if type != "Organization" else "O", user)
        self.users[login.lower()] = user
        return user

    def add_org(self, login: str) -> User:
        """Create an organization account."""
        return self.add_user(login, type="Organization")

    def add_repo(self, full_name: str, labels: Iterable[str] = ()) -> Repo:
        """Create a repository (its owner account too, as an org unless it exists)."""
        owner, name = full_name.split("/", 1)
        if owner.lower() not in self.users:
            self.add_org(owner)
        repo = Repo(id=0, node_id="", owner=self.users[owner.lower()].login, name=name)
        repo.id, repo.node_id = self._new_id("R", repo)
        self.repos[full_name.lower()] = repo
        for label in labels:
            self.add_label(full_name, label)
        return repo

    def repo(self, full_name: str) -> Repo:
        """Return a repository by full name (case-insensitive); KeyError if absent."""
        return self.repos[full_name.lower()]

    def add_label(self, repo_name: str, name: str, color: str = "ededed") -> Label:
        """Create a label on a repository (or return the existing one)."""
        repo = self.repo(repo_name)
        if name.lower() not in repo.labels:
            label = Label(id=0, node_id="", name=name, color=color)
            label.id, label.node_id = self._new_id("LA", label)
            repo.labels[name.lower()] = label
        return repo.labels[name.lower()]

    # -- Projects v2 -------------------------------------------------------------------------
    def add_project(self, owner: str, number: int, title: str) -> Project:
        """Create a Projects v2 board owned by an org or user, with GitHub's built-in fields
        (Title, Assignees, Labels, ...; not the default Status, which seeds add as they need)."""
        if owner.lower() not in self.users:
            self.add_org(owner)
        project = Project(id="", owner=self.users[owner.lower()].login, number=number, title=title)
        _, project.id = self._new_id("PVT", project)
        self.projects[(project.owner.lower(), number)] = project
        for name, data_type in BUILT_IN_FIELDS:
            self.add_project_field(project, name, data_type)
        return project

    def project(self, owner: str, number: int) -> Project:
        """Return a board by owner login and number; KeyError if absent."""
        return self.projects[(owner.lower(), number)]

    def add_project_field(
        self, project: Project, name: str, data_type: str, options: Iterable[str] = ()
    ) -> ProjectField:
        """Add a field (NUMBER, TEXT, DATE, SINGLE_SELECT with option names) to a board."""
        pfield = ProjectField(id="", name=name, data_type=data_type)
        _, pfield.id = self._new_id("PVTF" if data_type != "SINGLE_SELECT" else "PVTSSF", pfield)
        for option_name in options:
            # GitHub's option ids are 8 hex digits, unique on the board.
            pfield.options.append(Option(id=f"{next(self._ids):08x}", name=option_name))
        project.fields.append(pfield)
        return pfield

    def add_project_item(self, project: Project, issue: Issue) -> ProjectItem:
        """Put an issue or PR on a board (returns the existing item if already there)."""
        for item in project.items:
            if item.content == issue.key:
                return item
        now = self.clock()
        item = ProjectItem(
            id="",
            project=(project.owner, project.number),
            content=issue.key,
            created_at=now,
            updated_at=now,
        )
        _, item.id = self._new_id("PVTI", item)
        project.items.append(item)
        return item

    def set_item_value(
        self, project: Project, item: ProjectItem, field_name: str, value: Any
    ) -> None:
        """Set a board field on an item by field name; option names for single-selects;
        ``None`` clears the value."""
        pfield = project.field_by_name(field_name)
        if pfield is None:
            raise KeyError(field_name)
        if value is None:
            item.values.pop(pfield.id, None)
        else:
            stored = self._coerce_value(pfield, value)
            now = self.clock()
            previous = item.values.get(pfield.id)
            item.values[pfield.id] = FieldValue(
                stored, now, previous.created_at if previous else now
            )
        item.updated_at = self.clock()

    @staticmethod
    def _coerce_value(pfield: ProjectField, value: Any) -> Any:
        if pfield.data_type == "SINGLE_SELECT":
            option = pfield.option(value) or next(
                (o for o in pfield.options if o.id == value), None
            )
            if option is None:
                raise KeyError(f"no option {value!r} on {pfield.name}")
            return option.id
        if pfield.data_type == "NUMBER":
            return float(value)
        if pfield.data_type == "DATE":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        return str(value)

    def items_for(self, issue: Issue) -> list[tuple[Project, ProjectItem]]:
        """Every board item whose content is this issue."""
        return self.board_index().get(issue.key, [])

    def board_index(self) -> dict[IssueKey, list[tuple[Project, ProjectItem]]]:
        """Board items by the issue they hold, rebuilt only after items were added or moved."""
        version = (self.items_version, sum(len(p.items) for p in self.projects.values()))
        if self._board_index is None or self._board_version != version:
            index: dict[IssueKey, list[tuple[Project, ProjectItem]]] = {}
            for project in self.projects.values():
                for item in project.items:
                    if item.content is not None:
                        index.setdefault(item.content, []).append((project, item))
            self._board_index, self._board_version = index, version
        return self._board_index
