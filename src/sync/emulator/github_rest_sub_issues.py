"""The emulated GitHub REST API: sub-issues."""

from __future__ import annotations

from sync.emulator.core import Request, Response
from sync.emulator.github_rest_issues import IssueHandlers
from sync.emulator.github_rest_requests import (
    MAX_SUB_ISSUE_DEPTH,
    _sub_issue_id,
    json_object,
    not_found,
    validation_failed,
)
from sync.emulator.github_state import Issue


class SubIssueHandlers(IssueHandlers):
    """The sub-issue endpoints of :class:`sync.emulator.github_rest.GitHubService`."""

    # -- sub-issues ----------------------------------------------------------------------------
    def list_sub_issues(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``GET .../sub_issues``, in the parent's order."""
        parent = self._issue(request, owner, repo, number)
        return self._issues(request, [self.state.issues[key] for key in parent.sub_issues])

    def add_sub_issue(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``POST .../sub_issues`` with the sub-issue's ``id``; answers the parent."""
        parent = self._issue(request, owner, repo, number)
        data = json_object(request)
        child = self.state.issue_by_id(_sub_issue_id(data))
        if child is None:
            raise validation_failed("Issue", "sub_issue_id", message="Sub-issue does not exist")
        self._check_sub_issue(parent, child, replace_parent=data.get("replace_parent") is True)
        self.state.unlink_sub_issue(child)
        self.state.add_sub_issue(parent.repo, parent.number, child.repo, child.number)
        added = self._issue_json(request, parent)
        return Response(201, added, {"Location": added["url"]})

    def _check_sub_issue(self, parent: Issue, child: Issue, *, replace_parent: bool) -> None:
        problem = ""
        if child.is_pull:
            problem = "Pull requests cannot be sub-issues"
        elif child.repo.split("/")[0].lower() != parent.repo.split("/")[0].lower():
            problem = "The sub-issue must belong to the same repository owner as the parent"
        elif child.key == parent.key or child.key in self._ancestors(parent):
            problem = "An issue cannot be a sub-issue of itself or of its own sub-issues"
        elif child.parent is not None and not replace_parent:
            problem = "The issue already has a parent issue"
        elif len(parent.sub_issues) >= 100:
            problem = "An issue can have at most 100 sub-issues"
        elif len(self._ancestors(parent)) + 1 + self._height(child) > MAX_SUB_ISSUE_DEPTH:
            problem = f"Sub-issues can be nested at most {MAX_SUB_ISSUE_DEPTH} levels deep"
        if problem:
            raise validation_failed("Issue", "sub_issue_id", "custom", message=problem)

    def _ancestors(self, issue: Issue) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        while issue.parent is not None:
            found.append(issue.parent)
            issue = self.state.issues[issue.parent]
        return found

    def _height(self, issue: Issue) -> int:
        children = [self.state.issues[key] for key in issue.sub_issues]
        return 1 + max((self._height(child) for child in children), default=0)

    def remove_sub_issue(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``DELETE .../sub_issue`` with the sub-issue's ``id``; answers the parent."""
        parent = self._issue(request, owner, repo, number)
        child = self.state.issue_by_id(_sub_issue_id(json_object(request)))
        if child is None or child.parent != parent.key:
            raise not_found()
        self.state.unlink_sub_issue(child)
        return Response(200, self._issue_json(request, parent))

    def reprioritize_sub_issue(
        self, request: Request, owner: str, repo: str, number: str
    ) -> Response:
        """``PATCH .../sub_issues/priority``: move a sub-issue before or after a sibling."""
        parent = self._issue(request, owner, repo, number)
        data = json_object(request)
        keys = {self.state.issues[key].id: key for key in parent.sub_issues}
        anchor_id = data.get("after_id") or data.get("before_id")
        moved = keys.get(_sub_issue_id(data))
        anchor = keys.get(anchor_id) if isinstance(anchor_id, int) else None
        if moved is None or anchor is None or moved == anchor:
            raise validation_failed("Issue", "sub_issue_id", message="Not a sibling sub-issue")
        parent.sub_issues.remove(moved)
        offset = 1 if data.get("after_id") else 0
        parent.sub_issues.insert(parent.sub_issues.index(anchor) + offset, moved)
        return Response(200, self._issue_json(request, parent))

    def get_parent(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``GET .../parent``: 404 when the issue has no parent."""
        issue = self._issue(request, owner, repo, number)
        if issue.parent is None:
            raise not_found()
        return Response(200, self._issue_json(request, self.state.issues[issue.parent]))
