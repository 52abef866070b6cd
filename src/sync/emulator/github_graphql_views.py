"""Read side of the emulated GitHub GraphQL API: GitHub objects as graphql-core sources.

Every object is a dict keyed by GraphQL field names, so graphql-core's default resolver serves
it: plain values for cheap fields, callables ``(info, **args)`` for fields with arguments or
lookups, and ``__typename`` for the object type behind an abstract field. ``info.context`` is
the request's :class:`Context`.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from sync.emulator.github_graphql_base import (
    Context,
    GitHubError,
    Info,
    Json,
    connection,
    iso,
    not_found,
    visible,
)
from sync.emulator.github_json import WEB_URL, html_url, sub_issues_summary
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

# -- accounts and repositories ---------------------------------------------------------------


def account(ctx: Context, login: str) -> Json:
    """A User, Organization or Bot (GraphQL shows a bot's login without ``[bot]``)."""
    user = ctx.state.users.get(login.lower())
    login = user.login if user is not None else login
    kind = user.type if user is not None else "User"
    if login.endswith("[bot]"):
        kind, login = "Bot", login.removesuffix("[bot]")
    return {
        "__typename": kind if kind in {"Organization", "Bot"} else "User",
        "id": user.node_id if user is not None else f"U_{login}",
        "databaseId": user.id if user is not None else None,
        "login": login,
        "name": user.name if user is not None else None,
        "url": f"{WEB_URL}/apps/{login}" if kind == "Bot" else f"{WEB_URL}/{login}",
        "projectV2": partial(_owner_project, login),
    }


def _owner_project(login: str, info: Info, number: int) -> Json:
    ctx: Context = info.context
    ctx.require_projects()
    project = ctx.state.projects.get((login.lower(), number))
    if project is None:
        raise not_found(f"Could not resolve to a ProjectV2 with the number {number}.")
    return project_view(ctx, project)


def repository(ctx: Context, repo: Repo) -> Json:
    """A Repository."""
    return {
        "__typename": "Repository",
        "id": repo.node_id,
        "databaseId": repo.id,
        "name": repo.name,
        "nameWithOwner": repo.full_name,
        "url": f"{WEB_URL}/{repo.full_name}",
        "owner": lambda info: account(info.context, repo.owner),
        "issue": partial(_repo_issue, repo),
        "issueOrPullRequest": partial(_repo_issue_or_pull, repo),
        "issues": partial(_repo_issues, repo),
        "pullRequests": partial(_repo_pulls, repo),
        "labels": partial(_repo_labels, repo),
        "label": lambda info, name: _label_or_none(repo.labels.get(name.lower())),
    }


def _repo_issue(repo: Repo, info: Info, number: int) -> Json:
    issue = info.context.state.issues.get((repo.full_name, number))
    if not visible(issue) or issue.is_pull:
        raise not_found(f"Could not resolve to an Issue with the number of {number}.")
    return issue_view(info.context, issue)


def _repo_issue_or_pull(repo: Repo, info: Info, number: int) -> Json:
    issue = info.context.state.issues.get((repo.full_name, number))
    if not visible(issue):
        raise not_found(
            f"Could not resolve to an issue or pull request with the number of {number}."
        )
    return issue_view(info.context, issue)


def _repo_items(ctx: Context, repo: Repo, pulls: bool) -> list[Issue]:
    return [
        issue
        for issue in ctx.state.issues.values()
        if issue.repo == repo.full_name and issue.is_pull == pulls and visible(issue)
    ]


_ORDER_KEYS: dict[str, Callable[[Issue], Any]] = {
    "CREATED_AT": lambda issue: (issue.created_at, issue.number),
    "UPDATED_AT": lambda issue: (issue.updated_at, issue.number),
    "COMMENTS": lambda issue: (len(issue.comments), issue.number),
}


def _ordered(issues: list[Issue], order: Json | None) -> list[Issue]:
    if not order:
        return issues
    key = _ORDER_KEYS[order["field"]]
    return sorted(issues, key=key, reverse=order["direction"] == "DESC")


def _has_any_label(issue: Issue, names: Sequence[str] | None) -> bool:
    if names is None:
        return True
    wanted = _wanted(tuple(names))
    return any(label.lower() in wanted for label in issue.labels)


@functools.lru_cache(maxsize=64)
def _wanted(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name.lower() for name in names)


def _matches_filter(issue: Issue, filters: Json) -> bool:
    since = filters.get("since")
    if since and _utc(issue.updated_at) < _utc(datetime.fromisoformat(since)):
        return False
    states = filters.get("states")
    if states and issue.state.upper() not in states:
        return False
    assignee, creator = filters.get("assignee"), filters.get("createdBy")
    if assignee and assignee != "*" and assignee.lower() not in _lower(issue.assignees):
        return False
    if assignee == "*" and not issue.assignees:
        return False
    if creator and creator.lower() != issue.author.lower():
        return False
    return _has_any_label(issue, filters.get("labels"))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _lower(names: Sequence[str]) -> set[str]:
    return {name.lower() for name in names}


def _repo_issues(repo: Repo, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    states, filters = set(args.get("states") or ()), args.get("filterBy") or {}
    labels = args.get("labels")
    wanted = _wanted(tuple(labels)) if labels is not None else None
    issues = [  # one pass, the cheap tests first: a page of 10,000 issues filters them all
        issue
        for issue in _repo_items(ctx, repo, pulls=False)
        if (not states or issue.state.upper() in states)
        and (wanted is None or any(label.lower() in wanted for label in issue.labels))
        and (not filters or _matches_filter(issue, filters))
    ]
    issues = _ordered(issues, args.get("orderBy"))
    return connection(info, issues, lambda issue: issue_view(ctx, issue), args)


def _repo_pulls(repo: Repo, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    states = args.get("states")
    pulls = [
        pull
        for pull in _repo_items(ctx, repo, pulls=True)
        if (not states or pull_state(pull) in states) and _has_any_label(pull, args.get("labels"))
    ]
    pulls = _ordered(pulls, args.get("orderBy"))
    return connection(info, pulls, lambda pull: issue_view(ctx, pull), args)


def _sorted_labels(labels: list[Label], order: Json | None) -> list[Label]:
    field_name = (order or {}).get("field", "CREATED_AT")
    key: Callable[[Label], Any] = (
        (lambda label: label.name.lower()) if field_name == "NAME" else (lambda label: label.id)
    )
    return sorted(labels, key=key, reverse=(order or {}).get("direction") == "DESC")


def _repo_labels(repo: Repo, info: Info, **args: Any) -> Json:
    query = (args.get("query") or "").lower()
    labels = [label for label in repo.labels.values() if query in label.name.lower()]
    labels = _sorted_labels(labels, args.get("orderBy"))
    return connection(info, labels, label_view, args)


def label_view(label: Label) -> Json:
    """A Label."""
    return {
        "__typename": "Label",
        "id": label.node_id,
        "name": label.name,
        "color": label.color,
        "description": label.description,
    }


def _label_or_none(label: Label | None) -> Json | None:
    return label_view(label) if label is not None else None


# -- issues, pull requests and comments ------------------------------------------------------


def pull_state(pull: Issue) -> str:
    """The PullRequestState of a pull request."""
    if pull.merged_at is not None:
        return "MERGED"
    return pull.state.upper()


def issue_view(ctx: Context, issue: Issue) -> Json:
    """An Issue or a PullRequest."""
    view: Json = {
        "__typename": "PullRequest" if issue.is_pull else "Issue",
        "id": issue.node_id,
        "databaseId": issue.id,
        "number": issue.number,
        "title": issue.title,
        "body": issue.body or "",
        "url": html_url(issue),
        "closed": issue.state == "closed",
        "closedAt": iso(issue.closed_at),
        "createdAt": iso(issue.created_at),
        "updatedAt": iso(issue.updated_at),
        "author": lambda info: account(info.context, issue.author),
        "assignees": partial(_assignees, issue),
        "labels": partial(_issue_labels, issue),
        "repository": lambda info: repository(info.context, info.context.state.repo(issue.repo)),
        "projectItems": partial(_project_items, issue),
    }
    if issue.is_pull:
        view.update(state=pull_state(issue), mergedAt=iso(issue.merged_at), isDraft=issue.draft)
    else:
        view.update(_issue_only(issue))
    return view


def _issue_only(issue: Issue) -> Json:
    return {
        "state": issue.state.upper(),
        "stateReason": partial(_state_reason, issue),
        "comments": partial(_comments, issue),
        "subIssues": partial(_sub_issues, issue),
        "subIssuesSummary": lambda info: _summary(info.context, issue),
        "parent": lambda info: _parent(info.context, issue),
    }


def _state_reason(issue: Issue, info: Info, **args: Any) -> str | None:
    reason = issue.state_reason.upper() if issue.state_reason else None
    if reason == "DUPLICATE" and not args.get("enableDuplicate"):
        return "NOT_PLANNED"  # GitHub hides DUPLICATE from clients that did not opt in
    return reason


def _assignees(issue: Issue, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    return connection(info, issue.assignees, lambda login: account(ctx, login), args)


def _issue_labels(issue: Issue, info: Info, **args: Any) -> Json:
    repo = info.context.state.repo(issue.repo)
    labels = [repo.labels[name.lower()] for name in issue.labels if name.lower() in repo.labels]
    labels = _sorted_labels(labels, args.get("orderBy"))
    return connection(info, labels, label_view, args)


def comment_view(ctx: Context, comment: Comment) -> Json:
    """An IssueComment."""
    issue = ctx.state.issues[comment.issue]
    return {
        "__typename": "IssueComment",
        "id": comment.node_id,
        "databaseId": comment.id,
        "body": comment.body,
        "url": f"{html_url(issue)}#issuecomment-{comment.id}",
        "createdAt": iso(comment.created_at),
        "updatedAt": iso(comment.updated_at),
        "author": lambda info: account(info.context, comment.author),
    }


def _comments(issue: Issue, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    comments = ctx.state.issue_comments(issue)
    order = args.get("orderBy")
    if order:
        comments.sort(key=lambda c: (c.updated_at, c.id), reverse=order["direction"] == "DESC")
    return connection(info, comments, lambda comment: comment_view(ctx, comment), args)


def _children(ctx: Context, issue: Issue) -> list[Issue]:
    children = (ctx.state.issues.get(key) for key in issue.sub_issues)
    return [child for child in children if child is not None and visible(child)]


def _sub_issues(issue: Issue, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    return connection(info, _children(ctx, issue), lambda child: issue_view(ctx, child), args)


def _summary(ctx: Context, issue: Issue) -> Json:
    summary = sub_issues_summary(ctx.state, issue)
    return {
        "total": summary["total"],
        "completed": summary["completed"],
        "percentCompleted": summary["percent_completed"],
    }


def _parent(ctx: Context, issue: Issue) -> Json | None:
    parent = ctx.state.issues.get(issue.parent) if issue.parent else None
    return issue_view(ctx, parent) if parent is not None and visible(parent) else None


def _project_items(issue: Issue, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    ctx.require_projects()
    archived = args.get("includeArchived", True)
    pairs = [pair for pair in ctx.board_items(issue.key) if archived or not pair[1].archived]
    return connection(info, pairs, lambda pair: item_view(ctx, *pair), args)


# -- Projects v2 -----------------------------------------------------------------------------

_FIELD_TYPENAMES = {
    "SINGLE_SELECT": "ProjectV2SingleSelectField",
    "ITERATION": "ProjectV2IterationField",
}
_VALUE_TYPENAMES = {
    "SINGLE_SELECT": "ProjectV2ItemFieldSingleSelectValue",
    "NUMBER": "ProjectV2ItemFieldNumberValue",
    "TEXT": "ProjectV2ItemFieldTextValue",
    "TITLE": "ProjectV2ItemFieldTextValue",
    "DATE": "ProjectV2ItemFieldDateValue",
}


def project_view(ctx: Context, project: Project) -> Json:
    """A ProjectV2 board."""
    owner = ctx.state.users.get(project.owner.lower())
    scope = "orgs" if owner is not None and owner.type == "Organization" else "users"
    return {
        "__typename": "ProjectV2",
        "id": project.id,
        "number": project.number,
        "title": project.title,
        "closed": project.closed,
        "url": f"{WEB_URL}/{scope}/{project.owner}/projects/{project.number}",
        "owner": lambda info: account(ctx, project.owner),
        "field": lambda info, name: _field_or_none(project.field_by_name(name)),
        "fields": lambda info, **args: connection(info, project.fields, field_view, args),
        "items": partial(_board_items, project),
    }


def field_view(pfield: ProjectField) -> Json:
    """A ProjectV2Field, ProjectV2SingleSelectField or ProjectV2IterationField."""
    return {
        "__typename": _FIELD_TYPENAMES.get(pfield.data_type, "ProjectV2Field"),
        "id": pfield.id,
        "name": pfield.name,
        "dataType": pfield.data_type,
        "options": lambda info, names=None: [
            {"id": o.id, "name": o.name, "color": o.color, "description": o.description}
            for o in pfield.options
            if names is None or o.name in names
        ],
    }


def _field_or_none(pfield: ProjectField | None) -> Json | None:
    return field_view(pfield) if pfield is not None else None


def _board_items(project: Project, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    items = [
        item
        for item in project.items
        if item.content is None or visible(ctx.state.issues.get(item.content))
    ]
    return connection(info, items, lambda item: item_view(ctx, project, item), args)


def item_view(ctx: Context, project: Project, item: ProjectItem) -> Json:
    """A ProjectV2Item."""
    content = ctx.state.issues.get(item.content) if item.content else None
    kind = "DRAFT_ISSUE" if content is None else "PULL_REQUEST" if content.is_pull else "ISSUE"
    return {
        "__typename": "ProjectV2Item",
        "id": item.id,
        "type": kind,
        "isArchived": item.archived,
        "createdAt": iso(item.created_at),
        "updatedAt": iso(item.updated_at),
        "project": lambda info: project_view(info.context, project),
        "content": lambda info: _content(info.context, item, content),
        "fieldValueByName": partial(_value_by_name, project, item),
        "fieldValues": partial(_field_values, project, item),
    }


def _content(ctx: Context, item: ProjectItem, content: Issue | None) -> Json:
    if content is not None:
        return issue_view(ctx, content)
    title = item.draft_title or ""
    return {"__typename": "DraftIssue", "id": f"DI_{item.id}", "title": title, "body": ""}


def _value_by_name(project: Project, item: ProjectItem, info: Info, name: str) -> Json | None:
    pfield = project.field_by_name(name)
    return value_view(info.context, project, item, pfield) if pfield is not None else None


def _field_values(project: Project, item: ProjectItem, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    values = [value_view(ctx, project, item, pfield) for pfield in project.fields]
    present = [value for value in values if value is not None]
    return connection(info, present, lambda value: value, args)


def value_view(
    ctx: Context, project: Project, item: ProjectItem, pfield: ProjectField
) -> Json | None:
    """The item's value of one field (a ProjectV2ItemField*Value), or None when unset."""
    typename = _VALUE_TYPENAMES.get(pfield.data_type)
    parts = _value_parts(ctx, item, pfield) if typename is not None else None
    if parts is None:
        return None
    payload, created, updated = parts
    return {
        "__typename": typename,
        "id": f"PVTFV_{item.id}_{pfield.id}",
        "createdAt": iso(created),
        "updatedAt": iso(updated),
        "field": field_view(pfield),
        "item": lambda info: item_view(info.context, project, item),
        **payload,
    }


def _value_parts(
    ctx: Context, item: ProjectItem, pfield: ProjectField
) -> tuple[Json, datetime, datetime] | None:
    """(value fields, createdAt, updatedAt); the built-in Title is the content's title."""
    if pfield.data_type == "TITLE":
        return {"text": _title(ctx, item)}, item.created_at, item.updated_at
    stored = item.values.get(pfield.id)
    if stored is None:
        return None
    return _value_payload(pfield, stored.value), stored.created_at, stored.updated_at


def _title(ctx: Context, item: ProjectItem) -> str:
    content = ctx.state.issues.get(item.content) if item.content else None
    return content.title if content is not None else item.draft_title or ""


def _value_payload(pfield: ProjectField, value: Any) -> Json:
    if pfield.data_type == "SINGLE_SELECT":
        option = next((o for o in pfield.options if o.id == value), None)
        return {"optionId": value, "name": option.name if option else None}
    if pfield.data_type == "NUMBER":
        return {"number": float(value)}
    if pfield.data_type == "DATE":
        return {"date": value.isoformat() if isinstance(value, date) else str(value)}
    return {"text": str(value)}


# -- the Query root --------------------------------------------------------------------------


def _q_repository(info: Info, owner: str, name: str, **args: Any) -> Json:
    repo = info.context.state.repos.get(f"{owner}/{name}".lower())
    if repo is None:
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
