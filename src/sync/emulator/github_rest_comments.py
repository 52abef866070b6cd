"""The emulated GitHub REST API: comments, labels and assignees."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from sync.emulator import github_json as js
from sync.emulator.core import ApiError, Request, Response
from sync.emulator.github_rest_issues import IssueHandlers
from sync.emulator.github_rest_requests import (
    _dedupe,
    _label_names,
    _since,
    _text,
    json_object,
    not_found,
    paginate,
    validation_failed,
)
from sync.emulator.github_state import Label, Repo


class CommentHandlers(IssueHandlers):
    """The comment, label and assignee endpoints of the REST service."""

    # -- comments ------------------------------------------------------------------------------
    def list_comments(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``GET .../issues/{number}/comments`` (oldest first; ``since`` filters)."""
        issue = self._issue(request, owner, repo, number)
        since = _since(request)
        found = [
            c for c in self.state.issue_comments(issue) if since is None or c.updated_at >= since
        ]
        return paginate(request, found, lambda c: js.comment_json(self.state, c, request.base_url))

    def create_comment(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``POST .../issues/{number}/comments``."""
        issue = self._issue(request, owner, repo, number)
        body = json_object(request).get("body")
        if not isinstance(body, str) or not body:
            raise validation_failed("IssueComment", "body", "missing_field")
        comment = self.state.add_comment(issue.repo, issue.number, body, self.viewer)
        self.state.touch(issue)
        data = js.comment_json(self.state, comment, request.base_url)
        return Response(201, data, {"Location": data["url"]})

    def get_comment(self, request: Request, owner: str, repo: str, comment_id: str) -> Response:
        """``GET .../issues/comments/{id}``."""
        comment = self._comment(owner, repo, comment_id)
        return Response(200, js.comment_json(self.state, comment, request.base_url))

    def update_comment(self, request: Request, owner: str, repo: str, comment_id: str) -> Response:
        """``PATCH .../issues/comments/{id}``."""
        comment = self._comment(owner, repo, comment_id)
        body = json_object(request).get("body")
        if not isinstance(body, str) or not body:
            raise validation_failed("IssueComment", "body", "missing_field")
        self.state.edit_comment(comment.id, body)
        return Response(200, js.comment_json(self.state, comment, request.base_url))

    def delete_comment(self, request: Request, owner: str, repo: str, comment_id: str) -> Response:
        """``DELETE .../issues/comments/{id}``."""
        self.state.delete_comment(self._comment(owner, repo, comment_id).id)
        return Response(204)

    # -- labels --------------------------------------------------------------------------------
    def list_issue_labels(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``GET .../issues/{number}/labels``."""
        issue = self._issue(request, owner, repo, number)
        return paginate(request, self._labels(request, issue), lambda label: label)

    def add_issue_labels(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``POST .../issues/{number}/labels``: add to the existing labels."""
        issue = self._issue(request, owner, repo, number)
        for name in _label_names(request.json() or []):
            self.state.add_issue_label(issue.repo, issue.number, name, actor=self.viewer)
        return Response(200, self._labels(request, issue))

    def set_issue_labels(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``PUT .../issues/{number}/labels``: replace the labels."""
        issue = self._issue(request, owner, repo, number)
        self._set_labels(issue, _label_names(request.json() or []))
        return Response(200, self._labels(request, issue))

    def clear_issue_labels(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``DELETE .../issues/{number}/labels``."""
        self._set_labels(self._issue(request, owner, repo, number), [])
        return Response(204)

    def remove_issue_label(
        self, request: Request, owner: str, repo: str, number: str, name: str
    ) -> Response:
        """``DELETE .../issues/{number}/labels/{name}``: 404 when the issue lacks it."""
        issue = self._issue(request, owner, repo, number)
        label = unquote(name)
        if label.lower() not in {n.lower() for n in issue.labels}:
            raise ApiError(404, {"message": "Label does not exist"})
        self.state.remove_issue_label(issue.repo, issue.number, label)
        return Response(200, self._labels(request, issue))

    def list_labels(self, request: Request, owner: str, repo: str) -> Response:
        """``GET /repos/{owner}/{repo}/labels`` (by name)."""
        found = self._repo(owner, repo)
        labels = sorted(found.labels.values(), key=lambda label: label.name.lower())
        return paginate(request, labels, lambda label: self._label(request, found, label))

    def _label(self, request: Request, repo: Repo, label: Label) -> dict[str, Any]:
        return js.label_json(label, repo.full_name, request.base_url)

    def create_label(self, request: Request, owner: str, repo: str) -> Response:
        """``POST /repos/{owner}/{repo}/labels``."""
        found = self._repo(owner, repo)
        data = json_object(request)
        name, color = data.get("name"), str(data.get("color") or "ededed").lstrip("#")
        if not isinstance(name, str) or not name.strip():
            raise validation_failed("Label", "name", "missing_field")
        if name.lower() in found.labels:
            raise validation_failed("Label", "name", "already_exists", value=name)
        if not re.fullmatch(r"[0-9a-fA-F]{6}", color):
            raise validation_failed("Label", "color", value=color)
        label = self.state.add_label(found.full_name, name, color.lower())
        label.description = _text(data, "description")
        created = self._label(request, found, label)
        return Response(201, created, {"Location": created["url"]})

    def get_label(self, request: Request, owner: str, repo: str, name: str) -> Response:
        """``GET /repos/{owner}/{repo}/labels/{name}``."""
        found = self._repo(owner, repo)
        label = found.labels.get(unquote(name).lower())
        if label is None:
            raise not_found()
        return Response(200, self._label(request, found, label))

    # -- assignees -----------------------------------------------------------------------------
    def add_assignees(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``POST .../assignees``: logins that cannot be assigned are silently ignored."""
        issue = self._issue(request, owner, repo, number)
        wanted = [self._known_login(login) for login in json_object(request).get("assignees", [])]
        added = [login for login in wanted if login is not None]
        self.state.set_assignees(issue.repo, issue.number, _dedupe(issue.assignees + added))
        return Response(201, self._issue_json(request, issue))

    def remove_assignees(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``DELETE .../assignees``."""
        issue = self._issue(request, owner, repo, number)
        gone = {str(login).lower() for login in json_object(request).get("assignees", [])}
        kept = [login for login in issue.assignees if login.lower() not in gone]
        self.state.set_assignees(issue.repo, issue.number, kept)
        return Response(200, self._issue_json(request, issue))
