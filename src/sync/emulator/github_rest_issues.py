"""The emulated GitHub REST API: the lookups and rendering all handlers share, and issues."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sync.emulator import github_json as js
from sync.emulator.core import ApiError, Request, Response
from sync.emulator.github_rest_requests import (
    _ISSUE,
    REDIRECT_DOCS_URL,
    STATE_REASONS,
    GraphQL,
    _dedupe,
    _label_names,
    _live,
    _text,
    _title,
    filter_issues,
    json_object,
    not_found,
    paginate,
    sort_issues,
    validation_failed,
)
from sync.emulator.github_state import Comment, GitHubState, Issue, Repo


class IssueHandlers:
    """The part of :class:`sync.emulator.github_rest.GitHubService` every other part builds on."""

    state: GitHubState
    graphql: GraphQL | None
    viewer: str  # the login every accepted token authenticates as

    # -- lookups -------------------------------------------------------------------------------
    def _repo(self, owner: str, repo: str) -> Repo:
        if f"{owner}/{repo}".lower() in self.state.hidden_repos:
            raise not_found()
        try:
            return self.state.repo(f"{owner}/{repo}")
        except KeyError:
            raise not_found() from None

    def _issue(self, request: Request, owner: str, repo: str, number: str) -> Issue:
        found = self.state.issues.get((self._repo(owner, repo).full_name, int(number)))
        if found is None:
            raise not_found()
        if found.deleted:
            raise ApiError(410, {"message": "This issue was deleted"})
        if found.transferred_to is not None:
            raise self._moved(request, found.transferred_to)
        return found

    def _moved(self, request: Request, target: tuple[str, int]) -> ApiError:
        match = re.match(_ISSUE, request.path)
        rest = request.path[match.end() :] if match else ""
        repo_id = self.state.repo(target[0]).id
        location = f"{request.base_url}/repositories/{repo_id}/issues/{target[1]}{rest}"
        body = {
            "message": "Moved Permanently",
            "url": location,
            "documentation_url": REDIRECT_DOCS_URL,
        }
        return ApiError(301, body, {"Location": location})

    def _comment(self, owner: str, repo: str, comment_id: str) -> Comment:
        comment = self.state.comments.get(int(comment_id))
        if comment is None or comment.issue[0] != self._repo(owner, repo).full_name:
            raise not_found()
        return comment

    def _known_login(self, login: Any) -> str | None:
        user = self.state.users.get(login.lower()) if isinstance(login, str) else None
        return user.login if user is not None else None

    def _assignees(self, data: dict[str, Any]) -> list[str] | None:
        if "assignees" not in data and "assignee" not in data:
            return None
        wanted = list(data.get("assignees") or [])
        if isinstance(data.get("assignee"), str):
            wanted.insert(0, data["assignee"])
        logins = []
        for login in wanted:
            known = self._known_login(login)
            if known is None:
                raise validation_failed("Issue", "assignees", value=str(login))
            logins.append(known)
        return _dedupe(logins)

    # -- render --------------------------------------------------------------------------------
    def _issue_json(self, request: Request, issue: Issue) -> dict[str, Any]:
        return js.issue_json(self.state, issue, request.base_url)

    def _issues(self, request: Request, issues: Sequence[Issue]) -> Response:
        return paginate(request, issues, lambda issue: self._issue_json(request, issue))

    def _labels(self, request: Request, issue: Issue) -> list[dict[str, Any]]:
        return list(self._issue_json(request, issue)["labels"])

    # -- issues --------------------------------------------------------------------------------
    def list_issues(self, request: Request, owner: str, repo: str) -> Response:
        """``GET /repos/{owner}/{repo}/issues`` (pull requests included, as on GitHub)."""
        name = self._repo(owner, repo).full_name
        issues = [i for i in self.state.issues.values() if i.repo == name and _live(i)]
        sorts = ("created", "updated", "comments")
        found = sort_issues(request, filter_issues(issues, request), sorts, desc_for=sorts)
        return self._issues(request, found)

    def create_issue(self, request: Request, owner: str, repo: str) -> Response:
        """``POST /repos/{owner}/{repo}/issues``."""
        name = self._repo(owner, repo).full_name
        data = json_object(request)
        title, body = _title(data), _text(data, "body")
        labels = _label_names(data.get("labels") or [])
        assignees = self._assignees(data) or []
        issue = self.state.create_issue(
            name, title, body, labels=labels, assignees=assignees, author=self.viewer
        )
        created = self._issue_json(request, issue)
        return Response(201, created, {"Location": created["url"]})

    def get_issue(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``GET /repos/{owner}/{repo}/issues/{number}``."""
        return Response(200, self._issue_json(request, self._issue(request, owner, repo, number)))

    def update_issue(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``PATCH /repos/{owner}/{repo}/issues/{number}``: all checks run before any change."""
        issue = self._issue(request, owner, repo, number)
        edits = self._issue_edits(json_object(request))
        if "title" in edits or "body" in edits:
            texts = {key: edits[key] for key in ("title", "body") if key in edits}
            self.state.edit_issue(issue.repo, issue.number, **texts)
        if "labels" in edits:
            self._set_labels(issue, edits["labels"])
        if "assignees" in edits:
            self.state.set_assignees(issue.repo, issue.number, edits["assignees"])
        self._change_state(issue, edits.get("state"), edits.get("state_reason"))
        return Response(200, self._issue_json(request, issue))

    def _issue_edits(self, data: dict[str, Any]) -> dict[str, Any]:
        edits: dict[str, Any] = {}
        if data.get("title") is not None:
            edits["title"] = _title(data)
        if "body" in data:
            edits["body"] = _text(data, "body")
        for key, allowed in (("state", ("open", "closed")), ("state_reason", STATE_REASONS)):
            if data.get(key) is not None and data[key] not in allowed:
                raise validation_failed("Issue", key, value=str(data[key]))
            edits[key] = data.get(key)
        if edits["state"] == "closed" and edits["state_reason"] == "reopened":
            raise validation_failed("Issue", "state_reason", value="reopened")
        if "labels" in data:
            edits["labels"] = _label_names(data["labels"] or [])
        assignees = self._assignees(data)
        if assignees is not None:
            edits["assignees"] = assignees
        return edits

    def _change_state(self, issue: Issue, state: str | None, reason: str | None) -> None:
        # As documented, state_reason is ignored unless the state changes.
        if state == "closed" and issue.state == "open":
            self.state.close_issue(issue.repo, issue.number, reason or "completed")
        elif state == "open" and issue.state == "closed":
            self.state.reopen_issue(issue.repo, issue.number)

    # -- labels --------------------------------------------------------------------------------
    def _set_labels(self, issue: Issue, names: Sequence[str]) -> None:
        issue.labels = [self.state.add_label(issue.repo, name).name for name in _dedupe(names)]
        self.state.touch(issue)
