"""Read side of the emulated GitHub GraphQL API: GitHub objects as graphql-core sources.

Every object is a dict keyed by GraphQL field names, so graphql-core's default resolver serves
it: plain values for cheap fields, callables ``(info, **args)`` for fields with arguments or
lookups, and ``__typename`` for the object type behind an abstract field. ``info.context`` is
the request's :class:`Context`.

This module holds the Query root; the views live in ``github_graphql_objects`` (those
that refer to each other) and ``github_graphql_plain`` (the rest), and are re-exported here.
"""

from __future__ import annotations

import base64
from functools import partial
from typing import Any

from sync.emulator.github_graphql_base import Context, GitHubError, Info, Json, not_found, visible
from sync.emulator.github_graphql_objects import (
    account,
    comment_view,
    issue_view,
    item_view,
    project_view,
    repository,
    value_view,
)
from sync.emulator.github_graphql_plain import field_view, label_view, pull_state
from sync.emulator.github_state import (
    Comment,
    Issue,
    Label,
    Project,
    ProjectField,
    ProjectItem,
    Repo,
    User,
)

__all__ = [
    "QUERY",
    "account",
    "comment_view",
    "field_view",
    "issue_view",
    "item_view",
    "label_view",
    "node_not_found",
    "node_view",
    "project_view",
    "pull_state",
    "repository",
    "value_view",
]


# -- the Query root --------------------------------------------------------------------------


def _q_repository(info: Info, owner: str, name: str, **args: Any) -> Json:
    repo = info.context.state.repos.get(f"{owner}/{name}".lower())
    if repo is None or f"{owner}/{name}".lower() in info.context.state.hidden_repos:
        raise not_found(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
    return repository(info.context, repo)


def _q_account(kind: str, info: Info, login: str) -> Json:
    user: User | None = info.context.state.users.get(login.lower())
    if user is None or (user.type == "Organization") != (kind == "an Organization"):
        raise not_found(f"Could not resolve to {kind} with the login of '{login}'.")
    return account(info.context, user.login)


def _q_owner(info: Info, login: str) -> Json | None:
    user: User | None = info.context.state.users.get(login.lower())
    return account(info.context, user.login) if user is not None else None


def _q_viewer(info: Info) -> Json:
    ctx: Context = info.context
    return {**account(ctx, ctx.viewer), "__typename": "User", "login": ctx.viewer}


def node_view(ctx: Context, node_id: str) -> Json | None:
    """Any object by its global node id (None when there is no such visible node)."""
    obj = ctx.state.nodes.get(node_id)
    if isinstance(obj, Issue):
        return issue_view(ctx, obj) if visible(obj) else None
    if isinstance(obj, Comment):
        live = obj.id in ctx.state.comments and visible(ctx.state.issues.get(obj.issue))
        return comment_view(ctx, obj) if live else None
    if isinstance(obj, Repo):
        return repository(ctx, obj)
    if isinstance(obj, User):
        return account(ctx, obj.login)
    if isinstance(obj, Label):
        return label_view(obj)
    if isinstance(obj, Project | ProjectField | ProjectItem):
        ctx.require_projects()
        return _project_node(ctx, obj)
    return None


def _project_node(ctx: Context, obj: Project | ProjectField | ProjectItem) -> Json:
    if isinstance(obj, Project):
        return project_view(ctx, obj)
    if isinstance(obj, ProjectField):
        return field_view(obj)
    return item_view(ctx, ctx.project_of(obj), obj)


def node_not_found(node_id: str) -> GitHubError:
    """The NOT_FOUND error for a global node id that resolves to nothing (of that kind)."""
    return not_found(f"Could not resolve to a node with the global id of '{node_id}'")


def _q_node(info: Info, id: str) -> Json:
    view = node_view(info.context, id)
    if view is None:
        raise node_not_found(id)
    return view


def _q_nodes(info: Info, ids: list[str]) -> list[Json | GitHubError]:
    # An exception in the list becomes an error at that index, with null in its place.
    views = [node_view(info.context, node_id) for node_id in ids]
    return [v if v is not None else node_not_found(i) for v, i in zip(views, ids, strict=True)]


QUERY: Json = {
    "id": base64.b64encode(b"04:Query").decode(),
    "repository": _q_repository,
    "organization": partial(_q_account, "an Organization"),
    "user": partial(_q_account, "a User"),
    "repositoryOwner": _q_owner,
    "node": _q_node,
    "nodes": _q_nodes,
    "viewer": _q_viewer,
    "rateLimit": lambda info, **args: info.context.rate,
}
