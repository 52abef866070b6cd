"""The emulated GitHub's state: users, repositories, issues, comments, sub-issues and Projects v2.

Plain data plus the operations both the API handlers and the tests' seeding use, so that a
test can say ``gh.close_issue("o/r", 1, "not_planned")`` and the REST and GraphQL views agree.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

IssueKey = tuple[str, int]  # (owner/name, number)
DEFAULT_VIEWER = "community-sync[bot]"  # who an unknown token acts as


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


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

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


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


class GitHubState:
    """Everything the emulated GitHub knows. Methods are the operations of the real service."""

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
        self._ids = itertools.count(1_000_001)
        self.items_version = 0  # bumped when an item's content changes (the index is cached)
        self._board_index: dict[IssueKey, list[tuple[Project, ProjectItem]]] | None = None
        self._board_version: tuple[int, int] = (-1, -1)

    def viewer_for_token(self, token: str | None) -> str:
        """The login a token acts as (default: the app's bot account)."""
        return self.token_logins.get(token or "", DEFAULT_VIEWER)

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

    # -- issues ------------------------------------------------------------------------------
    def create_issue(
        self,
        repo_name: str,
        title: str,
        body: str | None = "",
        *,
        labels: Iterable[str] = (),
        assignees: Iterable[str] = (),
        author: str = "octocat",
        is_pull: bool = False,
    ) -> Issue:
        """Open an issue (or pull request); labels are created on the repo as needed."""
        repo = self.repo(repo_name)
        self.add_user(author)
        now = self.clock()
        issue = Issue(0, "", repo.full_name, repo.next_number, title, body, author, now, now)
        issue.is_pull = is_pull
        issue.id, issue.node_id = self._new_id("PR" if is_pull else "I", issue)
        repo.next_number += 1
        self.issues[issue.key] = issue
        for label in labels:
            self.add_issue_label(repo.full_name, issue.number, label)
        for login in assignees:
            self.add_user(login)
            issue.assignees.append(login)
        return issue

    def issue(self, repo_name: str, number: int) -> Issue:
        """Return an issue by repository and number; KeyError if absent."""
        return self.issues[(self.repo(repo_name).full_name, number)]

    def touch(self, issue: Issue) -> None:
        """Mark an issue updated now."""
        issue.updated_at = self.clock()

    def edit_issue(self, repo_name: str, number: int, **changes: Any) -> Issue:
        """Change title and/or body."""
        issue = self.issue(repo_name, number)
        for key, value in changes.items():
            if key not in {"title", "body"}:
                raise ValueError(f"cannot edit {key}")
            setattr(issue, key, value)
        self.touch(issue)
        return issue

    def add_issue_label(self, repo_name: str, number: int, name: str) -> None:
        """Add a label to an issue, creating it on the repo when missing."""
        issue = self.issue(repo_name, number)
        label = self.add_label(repo_name, name)
        if label.name not in issue.labels:
            issue.labels.append(label.name)
            self.touch(issue)

    def remove_issue_label(self, repo_name: str, number: int, name: str) -> None:
        """Remove a label from an issue (no-op when absent)."""
        issue = self.issue(repo_name, number)
        issue.labels = [n for n in issue.labels if n.lower() != name.lower()]
        self.touch(issue)

    def set_assignees(self, repo_name: str, number: int, logins: Iterable[str]) -> None:
        """Replace the assignees of an issue."""
        issue = self.issue(repo_name, number)
        issue.assignees = list(logins)
        for login in issue.assignees:
            self.add_user(login)
        self.touch(issue)

    def close_issue(self, repo_name: str, number: int, reason: str = "completed") -> Issue:
        """Close an issue with a state reason: completed, not_planned or duplicate."""
        issue = self.issue(repo_name, number)
        issue.state, issue.state_reason = "closed", reason
        issue.closed_at = self.clock()
        self.touch(issue)
        return issue

    def reopen_issue(self, repo_name: str, number: int) -> Issue:
        """Reopen an issue (state_reason becomes "reopened")."""
        issue = self.issue(repo_name, number)
        issue.state, issue.state_reason, issue.closed_at = "open", "reopened", None
        self.touch(issue)
        return issue

    def merge_pull(self, repo_name: str, number: int) -> Issue:
        """Merge a pull request (closes it)."""
        pull = self.issue(repo_name, number)
        pull.merged_at = self.clock()
        pull.state, pull.closed_at = "closed", pull.merged_at
        return pull

    def delete_issue(self, repo_name: str, number: int) -> Issue:
        """Delete an issue: REST then answers 410 Gone, GraphQL no longer finds it."""
        issue = self.issue(repo_name, number)
        issue.deleted = True
        self.unlink_sub_issue(issue)
        return issue

    def transfer_issue(self, repo_name: str, number: int, new_repo: str) -> Issue:
        """Move an issue to another repository; labels survive only where the target has them."""
        old = self.issue(repo_name, number)
        target = self.repo(new_repo)
        kept = [n for n in old.labels if n.lower() in target.labels]
        new = self.create_issue(target.full_name, old.title, old.body, author=old.author)
        new.labels, new.assignees, new.comments = kept, list(old.assignees), list(old.comments)
        new.state, new.state_reason, new.closed_at = old.state, old.state_reason, old.closed_at
        for cid in new.comments:
            self.comments[cid].issue = new.key
        old.transferred_to = new.key
        old.comments = []
        self._move_project_items(old.key, new.key)
        self._relink_sub_issues(old, new)
        return new

    def _move_project_items(self, old: IssueKey, new: IssueKey) -> None:
        self.items_version += 1
        for project in self.projects.values():
            for item in project.items:
                if item.content == old:
                    item.content = new

    def _relink_sub_issues(self, old: Issue, new: Issue) -> None:
        new.parent, new.sub_issues = old.parent, list(old.sub_issues)
        if old.parent is not None:
            siblings = self.issues[old.parent].sub_issues
            siblings[siblings.index(old.key)] = new.key
        for child in new.sub_issues:
            self.issues[child].parent = new.key
        old.parent, old.sub_issues = None, []

    # -- sub-issues --------------------------------------------------------------------------
    def add_sub_issue(self, parent_repo: str, parent: int, child_repo: str, child: int) -> None:
        """Make child a sub-issue of parent (as GitHub: one parent per issue, up to 100)."""
        parent_issue = self.issue(parent_repo, parent)
        child_issue = self.issue(child_repo, child)
        if child_issue.parent is not None:
            raise ValueError("issue already has a parent")
        if len(parent_issue.sub_issues) >= 100:
            raise ValueError("parent has 100 sub-issues")
        parent_issue.sub_issues.append(child_issue.key)
        child_issue.parent = parent_issue.key
        self.touch(parent_issue)

    def remove_sub_issue(self, parent_repo: str, parent: int, child_repo: str, child: int) -> None:
        """Remove child from parent's sub-issues."""
        child_issue = self.issue(child_repo, child)
        if child_issue.parent != self.issue(parent_repo, parent).key:
            raise ValueError("not a sub-issue of this parent")
        self.unlink_sub_issue(child_issue)

    def unlink_sub_issue(self, child: Issue) -> None:
        """Detach an issue from its parent, if it has one."""
        if child.parent is not None:
            parent = self.issues[child.parent]
            parent.sub_issues.remove(child.key)
            child.parent = None
            self.touch(parent)

    # -- comments ----------------------------------------------------------------------------
    def add_comment(self, repo_name: str, number: int, body: str, author: str) -> Comment:
        """Comment on an issue."""
        issue = self.issue(repo_name, number)
        now = self.clock()
        comment = Comment(0, "", issue.key, body, author, now, now)
        comment.id, comment.node_id = self._new_id("IC", comment)
        self.comments[comment.id] = comment
        issue.comments.append(comment.id)
        return comment

    def issue_comments(self, issue: Issue) -> list[Comment]:
        """The comments of an issue, oldest first."""
        return [self.comments[c] for c in issue.comments if c in self.comments]

    def edit_comment(self, comment_id: int, body: str) -> Comment:
        """Replace a comment's body; KeyError if absent."""
        comment = self.comments[comment_id]
        comment.body, comment.updated_at = body, self.clock()
        return comment

    def delete_comment(self, comment_id: int) -> None:
        """Delete a comment; KeyError if absent."""
        comment = self.comments.pop(comment_id)
        issue = self.issues.get(comment.issue)
        if issue is not None and comment_id in issue.comments:
            issue.comments.remove(comment_id)

    def issue_by_id(self, issue_id: int) -> Issue | None:
        """Find a live (not deleted, not transferred) issue or PR by its numeric id."""
        for issue in self.issues.values():
            if issue.id == issue_id and not issue.deleted and issue.transferred_to is None:
                return issue
        return None

    # -- Projects v2 -------------------------------------------------------------------------
    def add_project(self, owner: str, number: int, title: str) -> Project:
        """Create a Projects v2 board owned by an org or user (with the built-in Title field)."""
        if owner.lower() not in self.users:
            self.add_org(owner)
        project = Project(id="", owner=self.users[owner.lower()].login, number=number, title=title)
        _, project.id = self._new_id("PVT", project)
        self.projects[(project.owner.lower(), number)] = project
        self.add_project_field(project, "Title", "TITLE")
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
