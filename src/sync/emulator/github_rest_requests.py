"""What the emulated GitHub REST handlers share: errors, request parsing, pagination, filters.

Part of :mod:`sync.emulator.github_rest`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from sync.emulator.core import ApiError, Request, Response
from sync.emulator.github_state import Issue

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
        since = datetime.fromisoformat(raw)
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
