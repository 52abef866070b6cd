"""The emulated GitHub REST API (the issues, labels, comments, sub-issues and pulls subset).

Served under the ``/github`` prefix, so PyGithub talks to it with
``base_url=<emulator>/github``. Answers follow api.github.com: paginated lists with a ``Link``
header, ``422 Validation Failed`` with an ``errors`` list for bad input, ``301`` for a
transferred issue and ``410`` for a deleted one. ``POST /graphql`` is handed to the GraphQL
service over the same state.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import unquote, urlencode

from sync.emulator import github_json as js
from sync.emulator.core import ApiError, Handler, Request, Response, Router
from sync.emulator.github_state import Comment, GitHubState, Issue, Label, Repo

DOCS_URL = "https://docs.github.com/rest"
REDIRECT_DOCS_URL = (
    "https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects"
)
RATE_LIMIT = 5000
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100  # GitHub silently caps per_page at 100
MAX_SUB_ISSUE_DEPTH = 8
STATE_REASONS = ("completed", "not_planned", "duplicate", "reopened")

_REPO = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
_ISSUE = _REPO + r"/issues/(?P<number>\d+)"
_COMMENT = _REPO + r"/issues/comments/(?P<comment_id>\d+)"
_LABEL = r"/labels/(?P<name>[^/]+)"
_BY_REPO_ID = re.compile(r"/repositories/(?P<id>\d+)(?P<rest>/.*)?\Z")

T = TypeVar("T")
GraphQL = Callable[[Request], Response]


# -- errors ------------------------------------------------------------------------------------
def error_body(status: int, body: Any) -> Any:
    """Give an error body GitHub's ``documentation_url`` and ``status`` fields."""
    if not isinstance(body, dict):
        return body
    return {
        **body,
        "documentation_url": body.get("documentation_url", DOCS_URL),
        "status": str(status),
    }


def not_found() -> ApiError:
    """GitHub's 404 (also what it answers for things the token may not see)."""
    return ApiError(404, {"message": "Not Found"})


def validation_failed(
    resource: str, field: str, code: str = "invalid", value: Any = None, message: str = ""
) -> ApiError:
    """A ``422 Validation Failed`` with one entry in ``errors``."""
    error: dict[str, Any] = {"resource": resource, "code": code, "field": field}
    if value is not None:
        error["value"] = value
    if message:
        error["message"] = message
    return ApiError(422, {"message": "Validation Failed", "errors": [error]})


# -- request parsing ---------------------------------------------------------------------------
def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object ({} when empty)."""
    data = request.json()
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ApiError(422, {"message": "Invalid request.\n\nThe body must be a JSON object."})
    return data


def _int_arg(request: Request, name: str, default: int) -> int:
    raw = request.arg(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        return default


def _choice(request: Request, name: str, allowed: Sequence[str], default: str) -> str:
    value = request.arg(name) or default
    if value not in allowed:
        raise validation_failed("Issue", name, value=value)
    return value


def _since(request: Request) -> datetime | None:
    raw = request.arg("since")
    if not raw:
        return None
    try:
        since = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise validation_failed("Issue", "since", value=raw) from None
    return since if since.tzinfo else since.replace(tzinfo=UTC)


def _label_names(value: Any) -> list[str]:
    items = value.get("labels", []) if isinstance(value, dict) else value
    items = [items] if isinstance(items, str) else items
    if not isinstance(items, list):
        raise validation_failed("Label", "labels")
    names: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise validation_failed("Label", "labels", "missing_field")
        names.append(name)
    return _dedupe(names)


def _dedupe(names: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise validation_failed("Issue", key, value=str(value))
    return value


def _title(data: dict[str, Any]) -> str:
    title = data.get("title")
    if isinstance(title, bool) or not isinstance(title, str | int) or not str(title).strip():
        raise validation_failed("Issue", "title", "missing_field")
    return str(title)


def _sub_issue_id(data: dict[str, Any]) -> int:
    value = data.get("sub_issue_id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise validation_failed("Issue", "sub_issue_id", "missing_field")
    return value


# -- pagination --------------------------------------------------------------------------------
def paginate(request: Request, items: Sequence[T], render: Callable[[T], Any]) -> Response:
    """One page of ``items`` (``per_page``, ``page``) with GitHub's ``Link`` header."""
    per_page = min(max(_int_arg(request, "per_page", DEFAULT_PER_PAGE), 1), MAX_PER_PAGE)
    page = max(_int_arg(request, "page", 1), 1)
    last = max(math.ceil(len(items) / per_page), 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = {"Link": _link_header(request, page, last)} if last > 1 else {}
    return Response(200, [render(item) for item in chunk], headers)


def _link_header(request: Request, page: int, last: int) -> str:
    rels: list[tuple[str, int]] = []
    if page > 1:
        rels.append(("prev", min(page - 1, last)))
    if page < last:
        rels += [("next", page + 1), ("last", last)]
    if page > 1:
        rels.append(("first", 1))
    return ", ".join(f'<{_page_url(request, number)}>; rel="{rel}"' for rel, number in rels)


def _page_url(request: Request, page: int) -> str:
    query = {key: values for key, values in request.query.items() if key != "page"}
    query["page"] = [str(page)]
    return f"{request.base_url}{request.path}?{urlencode(query, doseq=True)}"


# -- listing -----------------------------------------------------------------------------------
def _live(issue: Issue) -> bool:
    return not issue.deleted and issue.transferred_to is None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _person_matches(issue: Issue, request: Request) -> bool:
    creator, assignee = request.arg("creator"), request.arg("assignee")
    assignees = [login.lower() for login in issue.assignees]
    if creator and creator.lower() != issue.author.lower():
        return False
    if assignee == "none":
        return not assignees
    if assignee == "*":
        return bool(assignees)
    return not assignee or assignee.lower() in assignees


def filter_issues(issues: Sequence[Issue], request: Request) -> list[Issue]:
    """Apply the ``state``, ``labels``, ``since``, ``creator`` and ``assignee`` filters."""
    wanted = _choice(request, "state", ("open", "closed", "all"), "open")
    labels = {n.strip().lower() for n in (request.arg("labels") or "").split(",") if n.strip()}
    since = _since(request)
    return [
        issue
        for issue in issues
        if wanted in ("all", issue.state)
        and labels <= {name.lower() for name in issue.labels}
        and (since is None or _aware(issue.updated_at) >= since)
        and _person_matches(issue, request)
    ]


_SORT_KEYS: dict[str, Callable[[Issue], Any]] = {
    "created": lambda issue: (issue.created_at, issue.number),
    "updated": lambda issue: (issue.updated_at, issue.number),
    "comments": lambda issue: (len(issue.comments), issue.number),
    "popularity": lambda issue: (len(issue.comments), issue.number),
    "long-running": lambda issue: (issue.created_at, issue.number),
}


def sort_issues(
    request: Request, issues: list[Issue], sorts: Sequence[str], desc_for: Sequence[str]
) -> list[Issue]:
    """Order by ``sort`` and ``direction`` (desc by default for the sorts in ``desc_for``)."""
    sort = _choice(request, "sort", sorts, "created")
    default = "desc" if sort in desc_for else "asc"
    direction = _choice(request, "direction", ("asc", "desc"), default)
    return sorted(issues, key=_SORT_KEYS[sort], reverse=direction == "desc")


class GitHubService:
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

    # -- lookups -------------------------------------------------------------------------------
    def _repo(self, owner: str, repo: str) -> Repo:
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

    # -- GraphQL, user, repository -------------------------------------------------------------
    def post_graphql(self, request: Request) -> Response:
        """``POST /graphql``: handed to the GraphQL service."""
        if self.graphql is None:
            raise not_found()
        return self.graphql(request)

    def get_viewer(self, request: Request) -> Response:
        """``GET /user``: the account the token belongs to."""
        user = self.state.add_user(self.viewer)
        owned = sum(1 for repo in self.state.repos.values() if repo.owner == user.login)
        data = js.user_json(user, request.base_url)
        data.update(name=user.name, company=None, blog="", location=None, email=None, bio=None)
        data.update(public_repos=owned, public_gists=0, followers=0, following=0)
        data.update(created_at=js.REPO_CREATED_AT, updated_at=js.REPO_CREATED_AT)
        return Response(200, data)

    def get_repo(self, request: Request, owner: str, repo: str) -> Response:
        """``GET /repos/{owner}/{repo}``."""
        found = self._repo(owner, repo)
        data = js.repo_json(self.state, found, request.base_url)
        permissions = {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True}
        data.update(permissions=permissions, network_count=0, subscribers_count=0)
        account = self.state.add_user(found.owner)
        if account.type == "Organization":
            data["organization"] = js.user_json(account, request.base_url)
        return Response(200, data)

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
    def _set_labels(self, issue: Issue, names: Sequence[str]) -> None:
        issue.labels = [self.state.add_label(issue.repo, name).name for name in _dedupe(names)]
        self.state.touch(issue)

    def list_issue_labels(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``GET .../issues/{number}/labels``."""
        issue = self._issue(request, owner, repo, number)
        return paginate(request, self._labels(request, issue), lambda label: label)

    def add_issue_labels(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``POST .../issues/{number}/labels``: add to the existing labels."""
        issue = self._issue(request, owner, repo, number)
        for name in _label_names(request.json() or []):
            self.state.add_issue_label(issue.repo, issue.number, name)
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

    # -- pull requests -------------------------------------------------------------------------
    def list_pulls(self, request: Request, owner: str, repo: str) -> Response:
        """``GET /repos/{owner}/{repo}/pulls`` (``state``, ``sort``, ``direction``)."""
        name = self._repo(owner, repo).full_name
        pulls = [p for p in self.state.issues.values() if p.repo == name and p.is_pull]
        wanted = _choice(request, "state", ("open", "closed", "all"), "open")
        pulls = [p for p in pulls if wanted in ("all", p.state) and _live(p)]
        sorts = ("created", "updated", "popularity", "long-running")
        pulls = sort_issues(request, pulls, sorts, desc_for=("created",))
        base = request.base_url
        return paginate(request, pulls, lambda p: js.pull_json(self.state, p, base, detail=False))

    def get_pull(self, request: Request, owner: str, repo: str, number: str) -> Response:
        """``GET /repos/{owner}/{repo}/pulls/{number}``."""
        pull = self.state.issues.get((self._repo(owner, repo).full_name, int(number)))
        if pull is None or not pull.is_pull or not _live(pull):
            raise not_found()
        return Response(200, js.pull_json(self.state, pull, request.base_url))
