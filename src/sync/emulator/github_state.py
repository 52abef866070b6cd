"""The emulated GitHub's state: users, repositories, issues, comments, sub-issues and Projects v2.

Plain data plus the operations both the API handlers and the tests' seeding use, so that a
test can say ``gh.close_issue("o/r", 1, "not_planned")`` and the REST and GraphQL views agree.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    Release,
    Repo,
    User,
)
from sync.emulator.github_state_base import DEFAULT_VIEWER, GitHubStateBase

__all__ = [
    "DEFAULT_VIEWER",
    "Comment",
    "FieldValue",
    "GitHubState",
    "Issue",
    "IssueKey",
    "Label",
    "Option",
    "Project",
    "ProjectField",
    "ProjectItem",
    "Release",
    "Repo",
    "User",
]


class GitHubState(GitHubStateBase):
    """Everything the emulated GitHub knows. Methods are the operations of the real service."""

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

    def add_issue_label(
        self, repo_name: str, number: int, name: str, actor: str | None = None
    ) -> None:
        """Add a label to an issue, creating it on the repo when missing; ``actor`` (default:
        the issue's author) is who the timeline's LabeledEvent names."""
        issue = self.issue(repo_name, number)
        label = self.add_label(repo_name, name)
        if label.name not in issue.labels:
            issue.labels.append(label.name)
            issue.label_events.append((label.name, actor or issue.author, self.clock()))
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
        new.moves = [*old.moves, ("TRANSFERRED_EVENT", self.clock())]
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
        child_issue.moves.append(("PARENT_ISSUE_ADDED_EVENT", self.clock()))
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

    # -- releases ----------------------------------------------------------------------------
    def add_release(
        self,
        repo_name: str,
        tag_name: str,
        name: str | None = None,
        *,
        author: str = "octocat",
        draft: bool = False,
        prerelease: bool = False,
        description: str = "",
    ) -> Release:
        """Create a release, published now unless it is a draft."""
        repo = self.repo(repo_name)
        self.add_user(author)
        now = self.clock()
        published = None if draft else now
        release = Release(0, "", repo.full_name, tag_name, name, author, now, published)
        release.prerelease, release.description = prerelease, description
        release.id, release.node_id = self._new_id("RE", release)
        repo.releases.append(release)
        return release
