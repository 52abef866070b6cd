"""The GraphQL views that refer to each other: accounts, repositories, issues, comments, boards.

Part of :mod:`sync.emulator.github_graphql_views`; they call each other at resolve time (an
issue's repository, a board's owner, an item's issue), so they share one module.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sync.emulator.github_graphql_base import (
    Context,
    Info,
    Json,
    connection,
    iso,
    not_found,
    visible,
)
from sync.emulator.github_graphql_plain import (
    _VALUE_TYPENAMES,
    _children,
    _field_or_none,
    _has_any_label,
    _issue_labels,
    _label_or_none,
    _matches_filter,
    _ordered,
    _repo_items,
    _repo_labels,
    _state_reason,
    _summary,
    _value_parts,
    _wanted,
    field_view,
    pull_state,
)
from sync.emulator.github_graphql_releases import repo_releases
from sync.emulator.github_json import WEB_URL, html_url
from sync.emulator.github_state import Comment, Issue, Project, ProjectField, ProjectItem, Repo

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
        "releases": partial(repo_releases, repo, lambda info, login: account(info.context, login)),
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


# -- issues, pull requests and comments ------------------------------------------------------


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
        "comments": partial(_comments, issue),
    }
    if issue.is_pull:
        view.update(state=pull_state(issue), mergedAt=iso(issue.merged_at), isDraft=issue.draft)
    else:
        view.update(_issue_only(issue))
    return view


def _issue_only(issue: Issue) -> Json:
    return {
        "authorAssociation": lambda info: _association(info.context, issue.repo, issue.author),
        "timelineItems": partial(_timeline, issue),
        "state": issue.state.upper(),
        "stateReason": partial(_state_reason, issue),
        "subIssues": partial(_sub_issues, issue),
        "subIssuesSummary": lambda info: _summary(info.context, issue),
        "parent": lambda info: _parent(info.context, issue),
    }


def _association(ctx: Context, repo: str, login: str) -> str:
    return ctx.state.association(ctx.state.repo(repo), login)


def _timeline(issue: Issue, info: Info, **args: Any) -> Json:
    """The issue's timeline, as far as the emulator keeps one: its LabeledEvents, and when
    it was made a sub-issue or transferred."""
    ctx: Context = info.context
    kinds = args.get("itemTypes")
    items: list[tuple[Any, partial[Json]]] = []
    if kinds is None or "LABELED_EVENT" in kinds:
        items += [(e[2], partial(_labeled_event, ctx, issue, *e)) for e in issue.label_events]
    items += [
        (when, partial(_move_event, issue, kind, when))
        for kind, when in issue.moves
        if kinds is None or kind in kinds
    ]
    items.sort(key=lambda item: item[0])
    return connection(info, items, lambda item: item[1](), args)


def _move_event(issue: Issue, kind: str, at: Any) -> Json:
    name = {"PARENT_ISSUE_ADDED_EVENT": "ParentIssueAddedEvent"}.get(kind, "TransferredEvent")
    return {"__typename": name, "id": f"{name}_{issue.node_id}_{iso(at)}", "createdAt": iso(at)}


def _labeled_event(ctx: Context, issue: Issue, label: str, actor: str, at: Any) -> Json:
    found = ctx.state.repo(issue.repo).labels.get(label.lower())
    return {
        "__typename": "LabeledEvent",
        "id": f"LE_{issue.node_id}_{label}_{iso(at)}",
        "createdAt": iso(at),
        "actor": lambda info: account(info.context, actor),
        "label": {"__typename": "Label", "id": found.node_id if found else "", "name": label},
    }


def _assignees(issue: Issue, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    return connection(info, issue.assignees, lambda login: account(ctx, login), args)


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
        "authorAssociation": lambda info: _association(info.context, issue.repo, comment.author),
        "viewerDidAuthor": comment.author.lower() == ctx.viewer.lower(),
    }


def _comments(issue: Issue, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    comments = ctx.state.issue_comments(issue)
    order = args.get("orderBy")
    if order:
        comments.sort(key=lambda c: (c.updated_at, c.id), reverse=order["direction"] == "DESC")
    return connection(info, comments, lambda comment: comment_view(ctx, comment), args)


def _sub_issues(issue: Issue, info: Info, **args: Any) -> Json:
    ctx: Context = info.context
    return connection(info, _children(ctx, issue), lambda child: issue_view(ctx, child), args)


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
    if pfield.data_type in _BUILT_IN_TYPENAMES:
        return _built_in_value(ctx, item, pfield)
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


# Built-in fields whose values GitHub serves; Milestone, Linked pull requests and Reviewers
# have value types too, but the emulator keeps no milestones, links or review requests, so
# those fields are always empty here (as on GitHub for an issue without them).
_BUILT_IN_TYPENAMES = {
    "ASSIGNEES": "ProjectV2ItemFieldUserValue",
    "LABELS": "ProjectV2ItemFieldLabelValue",
    "REPOSITORY": "ProjectV2ItemFieldRepositoryValue",
}


def _built_in_value(ctx: Context, item: ProjectItem, pfield: ProjectField) -> Json | None:
    """A built-in field's value, read from the item's issue (None when empty or a draft)."""
    content = ctx.state.issues.get(item.content) if item.content else None
    if content is None:
        return None
    payload: Json
    if pfield.data_type == "ASSIGNEES" and content.assignees:
        payload = {"users": partial(_assignees, content)}
    elif pfield.data_type == "LABELS" and content.labels:
        payload = {"labels": partial(_issue_labels, content)}
    elif pfield.data_type == "REPOSITORY":
        repo = ctx.state.repo(content.repo)
        payload = {"repository": lambda info: repository(info.context, repo)}
    else:
        return None
    typename = _BUILT_IN_TYPENAMES[pfield.data_type]
    return {"__typename": typename, "field": field_view(pfield), **payload}
