"""The emulated GitHub REST API (the issues, labels, comments, sub-issues and pulls subset).

Served under the ``/github`` prefix, so PyGithub talks to it with
``base_url=<emulator>/github``. Answers follow api.github.com: paginated lists with a ``Link``
header, ``422 Validation Failed`` with an ``errors`` list for bad input, ``301`` for a
transferred issue and ``410`` for a deleted one. ``POST /graphql`` is handed to the GraphQL
service over the same state.
"""

from __future__ import annotations

from dataclasses import replace

from sync.emulator.core import ApiError, Handler, Request, Response, Router
from sync.emulator.github_rest_comments import CommentHandlers
from sync.emulator.github_rest_repos import RepoHandlers
from sync.emulator.github_rest_requests import (
    _BY_REPO_ID,
    _COMMENT,
    _ISSUE,
    _LABEL,
    _REPO,
    DEFAULT_PER_PAGE,
    DOCS_URL,
    MAX_PER_PAGE,
    MAX_SUB_ISSUE_DEPTH,
    RATE_LIMIT,
    REDIRECT_DOCS_URL,
    STATE_REASONS,
    GraphQL,
    error_body,
    filter_issues,
    json_object,
    not_found,
    paginate,
    sort_issues,
    validation_failed,
)
from sync.emulator.github_rest_sub_issues import SubIssueHandlers
from sync.emulator.github_state import GitHubState

__all__ = [
    "DEFAULT_PER_PAGE",
    "DOCS_URL",
    "MAX_PER_PAGE",
    "MAX_SUB_ISSUE_DEPTH",
    "RATE_LIMIT",
    "REDIRECT_DOCS_URL",
    "STATE_REASONS",
    "GitHubService",
    "GraphQL",
    "error_body",
    "filter_issues",
    "json_object",
    "not_found",
    "paginate",
    "sort_issues",
    "validation_failed",
]


class GitHubService(CommentHandlers, SubIssueHandlers, RepoHandlers):
    """The emulated api.github.com over a :class:`GitHubState`."""

    name = "github"

    def __init__(
        self, state: GitHubState, graphql: GraphQL | None = None, *, viewer: str = "octocat"
    ) -> None:
        self.state = state
        self.graphql = graphql
        self.viewer = viewer  # the login every accepted token authenticates as
        self.router = Router()
        self._window: tuple[int, int] = (0, 0)  # (hour, requests in that hour)
        for method, pattern, handler in self._routes():
            self.router.add(method, pattern, handler)

    def _routes(self) -> list[tuple[str, str, Handler]]:
        issue_routes: list[tuple[str, str, Handler]] = [
            ("GET", "", self.get_issue),
            ("PATCH", "", self.update_issue),
            ("GET", "/comments", self.list_comments),
            ("POST", "/comments", self.create_comment),
            ("GET", "/labels", self.list_issue_labels),
            ("POST", "/labels", self.add_issue_labels),
            ("PUT", "/labels", self.set_issue_labels),
            ("DELETE", "/labels", self.clear_issue_labels),
            ("DELETE", _LABEL, self.remove_issue_label),
            ("POST", "/assignees", self.add_assignees),
            ("DELETE", "/assignees", self.remove_assignees),
            ("GET", "/sub_issues", self.list_sub_issues),
            ("POST", "/sub_issues", self.add_sub_issue),
            ("PATCH", "/sub_issues/priority", self.reprioritize_sub_issue),
            ("DELETE", "/sub_issue", self.remove_sub_issue),
            ("GET", "/parent", self.get_parent),
        ]
        return [
            ("POST", "/graphql", self.post_graphql),
            ("GET", "/user", self.get_viewer),
            ("GET", "/rate_limit", self.get_rate_limit),
            ("GET", _REPO, self.get_repo),
            ("GET", _REPO + "/issues", self.list_issues),
            ("POST", _REPO + "/issues", self.create_issue),
            ("GET", _COMMENT, self.get_comment),
            ("PATCH", _COMMENT, self.update_comment),
            ("DELETE", _COMMENT, self.delete_comment),
            *[(method, _ISSUE + suffix, handler) for method, suffix, handler in issue_routes],
            ("GET", _REPO + "/labels", self.list_labels),
            ("POST", _REPO + "/labels", self.create_label),
            ("GET", _REPO + _LABEL, self.get_label),
            ("GET", _REPO + r"/collaborators/(?P<login>[^/]+)/permission", self.get_permission),
            ("GET", _REPO + "/pulls", self.list_pulls),
            ("GET", _REPO + r"/pulls/(?P<number>\d+)", self.get_pull),
        ]

    # -- service protocol ----------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """Answer one request as api.github.com would."""
        self._count_request()
        try:
            response = self.router.dispatch(self._canonical(request))
        except ApiError as err:
            response = Response(err.status, error_body(err.status, err.body), dict(err.headers))
        response.headers.update(self._rate_headers())
        return response

    def auth_error(self) -> Response:
        """GitHub's answer to a missing or bad token."""
        return Response(401, error_body(401, {"message": "Bad credentials"}))

    def _canonical(self, request: Request) -> Request:
        # GitHub redirects to /repositories/{id}/...; serve those like /repos/{owner}/{name}/...
        match = _BY_REPO_ID.match(request.path)
        if match is None:
            return request
        repo = next((r for r in self.state.repos.values() if r.id == int(match["id"])), None)
        if repo is None:
            raise not_found()
        return replace(request, path=f"/repos/{repo.full_name}{match['rest'] or ''}")

    # -- rate limit ----------------------------------------------------------------------------
    def _count_request(self) -> None:
        hour = int(self.state.clock().timestamp()) // 3600
        used = self._window[1] + 1 if self._window[0] == hour else 1
        self._window = (hour, used)

    def _rate(self, limit: int = RATE_LIMIT) -> dict[str, int]:
        hour, used = self._window
        used = min(used, limit)
        return {"limit": limit, "remaining": limit - used, "reset": (hour + 1) * 3600, "used": used}

    def _rate_headers(self) -> dict[str, str]:
        rate = self._rate()
        headers = {f"X-RateLimit-{key.title()}": str(value) for key, value in rate.items()}
        return {**headers, "X-RateLimit-Resource": "core"}

    def get_rate_limit(self, request: Request) -> Response:
        """``GET /rate_limit``."""
        core = self._rate()
        search = {"limit": 30, "remaining": 30, "reset": core["reset"], "used": 0}
        resources = {"core": core, "search": search, "graphql": self._rate()}
        return Response(200, {"resources": resources, "rate": core})
