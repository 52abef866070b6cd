"""Plumbing shared by the emulated GitHub GraphQL API's resolvers.

GitHub's error shape (:class:`GitHubError` with a ``type``), the per-request :class:`Context`
(state, caller, Projects v2 access, caches) and connections as GitHub pages them: ``first`` or
``last`` (at most 100) to list nodes, opaque cursors, ``pageInfo`` and ``totalCount``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias, TypeGuard, TypeVar

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
)

from sync.emulator.github_state import GitHubState, Issue, IssueKey, Project, ProjectItem

Json = dict[str, Any]
T = TypeVar("T")

MAX_PAGE = 100  # GitHub's limit for `first` / `last`
FORBIDDEN = "Resource not accessible by integration"
_CURSOR_PREFIX = "cursor:v2:"
_MISSING = (
    "You must provide a `first` or `last` value to properly paginate the `{name}` connection."
)
_BOTH = "Passing both `first` and `last` to paginate the `{name}` connection is not supported."
_NEGATIVE = "`{argument}` on the `{name}` connection cannot be less than zero."
_EXCESSIVE = (
    "Requesting {value} records on the `{name}` connection exceeds the `{argument}` limit of "
    "{limit} records."
)


class GitHubError(Exception):
    """A field error as GitHub words it: a message and, usually, a ``type``."""

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


def not_found(message: str) -> GitHubError:
    """A NOT_FOUND error with GitHub's message."""
    return GitHubError(message, "NOT_FOUND")


# -- request context ------------------------------------------------------------------------


@dataclass
class Context:
    """What resolvers share during one request: the state, the caller and per-request caches."""

    state: GitHubState
    token: str
    viewer: str
    rate: Json
    _boards: dict[IssueKey, list[tuple[Project, ProjectItem]]] | None = None
    _pages: dict[int, bool] = field(default_factory=dict)

    def require_projects(self) -> None:
        """Raise FORBIDDEN when the token may not use Projects v2 (an Actions GITHUB_TOKEN)."""
        if self.token in self.state.project_denied_tokens:
            raise GitHubError(FORBIDDEN, "FORBIDDEN")

    def board_items(self, key: IssueKey) -> list[tuple[Project, ProjectItem]]:
        """The board items of an issue, from an index built once per request."""
        if self._boards is None:
            self._boards = self.state.board_index()
        return self._boards.get(key, [])

    def boards_changed(self) -> None:
        """Forget the board index after a mutation put an item on a board."""
        self._boards = None

    def project_of(self, item: ProjectItem) -> Project:
        """The board an item is on."""
        owner, number = item.project
        return self.state.project(owner, number)

    def selects_page(self, info: Info) -> bool:
        """True when the current connection field selects ``nodes`` or ``edges``."""
        key = id(info.field_nodes[0])
        if key not in self._pages:
            self._pages[key] = bool(_subfield_names(info) & {"nodes", "edges"})
        return self._pages[key]


# What every resolver receives: graphql-core's info, whose ``context`` is the request's Context.
Info: TypeAlias = "GraphQLResolveInfo[Context]"


def _subfield_names(info: Info) -> set[str]:
    names: set[str] = set()
    pending: list[SelectionSetNode | None] = [node.selection_set for node in info.field_nodes]
    while pending:
        selection_set = pending.pop()
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                names.add(node.name.value)
            elif isinstance(node, InlineFragmentNode):
                pending.append(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                pending.append(info.fragments[node.name.value].selection_set)
    return names


def visible(issue: Issue | None) -> TypeGuard[Issue]:
    """True for an issue GraphQL can find: not deleted, not transferred away."""
    return issue is not None and not issue.deleted and issue.transferred_to is None


def iso(moment: datetime | None) -> str | None:
    """A GitHub DateTime (``2026-01-07T16:00:00Z``)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- connections ----------------------------------------------------------------------------


def cursor(index: int) -> str:
    """An opaque cursor for a position in a connection."""
    return base64.b64encode(f"{_CURSOR_PREFIX}{index}".encode()).decode()


def _cursor_index(value: str, argument: str) -> int:
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
        if text.startswith(_CURSOR_PREFIX):
            return int(text.removeprefix(_CURSOR_PREFIX))
    except (ValueError, UnicodeDecodeError):
        pass
    raise GitHubError(
        f"`{argument}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS"
    )


def _check_bounds(info: Info, first: int | None, last: int | None) -> None:
    name = info.field_name
    if first is None and last is None:
        if info.context.selects_page(info):  # GitHub counts (totalCount) without bounds
            raise GitHubError(_MISSING.format(name=name), "MISSING_PAGINATION_BOUNDARIES")
        return
    if first is not None and last is not None:
        raise GitHubError(_BOTH.format(name=name))
    argument, value = ("first", first) if first is not None else ("last", last or 0)
    if value < 0:
        raise GitHubError(_NEGATIVE.format(argument=argument, name=name))
    if value > MAX_PAGE:
        message = _EXCESSIVE.format(value=value, name=name, argument=argument, limit=MAX_PAGE)
        raise GitHubError(message, "EXCESSIVE_PAGINATION")


def _window(info: Info, total: int, args: Json) -> tuple[int, int]:
    first, last = args.get("first"), args.get("last")
    _check_bounds(info, first, last)
    start = _cursor_index(args["after"], "after") + 1 if args.get("after") else 0
    end = _cursor_index(args["before"], "before") if args.get("before") else total
    start = min(start, total)
    end = max(min(end, total), start)
    if first is None and last is None:
        return start, start  # only totalCount (or pageInfo) was asked for
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    return start, end


def connection(info: Info, items: Sequence[T], view: Callable[[T], Json], args: Json) -> Json:
    """A GitHub connection (totalCount, nodes, edges, pageInfo) over one page of ``items``."""
    start, end = _window(info, len(items), args)
    nodes = [view(item) for item in items[start:end]]
    return {
        "totalCount": len(items),
        "nodes": nodes,
        "edges": [{"cursor": cursor(start + i), "node": node} for i, node in enumerate(nodes)],
        "pageInfo": {
            "startCursor": cursor(start) if nodes else None,
            "endCursor": cursor(end - 1) if nodes else None,
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
        },
    }
