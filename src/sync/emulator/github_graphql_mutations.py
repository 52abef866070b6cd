"""Write side of the emulated GitHub GraphQL API: the mutations community-sync uses.

Each resolver receives ``(info, input)``, changes the :class:`GitHubState` through its own
operations (so REST and GraphQL agree) and answers the mutation's payload as views. Ids that
resolve to nothing (or to the wrong kind of node) answer NOT_FOUND, like GitHub.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sync.emulator.github_graphql_base import Context, GitHubError, Info, cursor, visible
from sync.emulator.github_graphql_views import (
    comment_view,
    issue_view,
    item_view,
    node_not_found,
)
from sync.emulator.github_state import (
    Comment,
    Issue,
    Label,
    Project,
    ProjectField,
    ProjectItem,
)

Json = dict[str, Any]
T = TypeVar("T")

# The ProjectV2FieldValue key each settable field type takes.
_VALUE_KEYS = {
    "SINGLE_SELECT": "singleSelectOptionId",
    "NUMBER": "number",
    "TEXT": "text",
    "DATE": "date",
}


def _resolve(ctx: Context, node_id: str, kind: type[T]) -> T:
    obj = ctx.state.nodes.get(node_id)
    gone = isinstance(obj, Issue) and not visible(obj)  # deleted or transferred away
    if gone or not isinstance(obj, kind):
        raise node_not_found(node_id)
    return obj


def _payload(data: Json, **fields: Any) -> Json:
    return {"clientMutationId": data.get("clientMutationId"), **fields}


def _body(data: Json) -> str:
    body = str(data["body"])
    if not body.strip():
        raise GitHubError("Body can't be blank", "UNPROCESSABLE")
    return body


# -- comments and issue state ----------------------------------------------------------------


def add_comment(info: Info, input: Json) -> Json:
    """``addComment``: comment on an issue or pull request as the token's account."""
    ctx: Context = info.context
    issue = _resolve(ctx, input["subjectId"], Issue)
    body = _body(input)
    ctx.state.add_user(ctx.viewer, type="Bot" if ctx.viewer.endswith("[bot]") else "User")
    comment = ctx.state.add_comment(issue.repo, issue.number, body, ctx.viewer)
    ctx.state.touch(issue)  # a new comment bumps the issue's updatedAt, as on GitHub
    edge = {"cursor": cursor(len(issue.comments) - 1), "node": comment_view(ctx, comment)}
    return _payload(input, commentEdge=edge, subject=issue_view(ctx, issue))


def update_issue_comment(info: Info, input: Json) -> Json:
    """``updateIssueComment``: replace a comment's body."""
    ctx: Context = info.context
    comment = _resolve(ctx, input["id"], Comment)
    if comment.id not in ctx.state.comments:
        raise node_not_found(input["id"])
    ctx.state.edit_comment(comment.id, _body(input))
    return _payload(input, issueComment=comment_view(ctx, comment))


def _issue(ctx: Context, node_id: str) -> Issue:
    issue = _resolve(ctx, node_id, Issue)
    if issue.is_pull:
        raise node_not_found(node_id)
    return issue


def close_issue(info: Info, input: Json) -> Json:
    """``closeIssue``: close with a state reason (COMPLETED by default); closed stays closed."""
    ctx: Context = info.context
    issue = _issue(ctx, input["issueId"])
    if issue.state != "closed":
        reason = str(input.get("stateReason") or "COMPLETED").lower()
        ctx.state.close_issue(issue.repo, issue.number, reason)
    return _payload(input, issue=issue_view(ctx, issue))


def reopen_issue(info: Info, input: Json) -> Json:
    """``reopenIssue``: reopen a closed issue (an open one is left as is)."""
    ctx: Context = info.context
    issue = _issue(ctx, input["issueId"])
    if issue.state == "closed":
        ctx.state.reopen_issue(issue.repo, issue.number)
    return _payload(input, issue=issue_view(ctx, issue))


# -- labels ----------------------------------------------------------------------------------


def _labels(ctx: Context, issue: Issue, label_ids: list[str]) -> list[Label]:
    repo = ctx.state.repo(issue.repo)
    labels = [_resolve(ctx, label_id, Label) for label_id in label_ids]
    for label, label_id in zip(labels, label_ids, strict=True):
        if repo.labels.get(label.name.lower()) is not label:
            raise node_not_found(label_id)  # a label of another repository
    return labels


def add_labels(info: Info, input: Json) -> Json:
    """``addLabelsToLabelable``: add labels (by node id) to an issue or pull request."""
    ctx: Context = info.context
    issue = _resolve(ctx, input["labelableId"], Issue)
    for label in _labels(ctx, issue, input["labelIds"]):
        ctx.state.add_issue_label(issue.repo, issue.number, label.name, actor=ctx.viewer)
    return _payload(input, labelable=issue_view(ctx, issue))


def remove_labels(info: Info, input: Json) -> Json:
    """``removeLabelsFromLabelable``: remove labels (by node id) from an issue or PR."""
    ctx: Context = info.context
    issue = _resolve(ctx, input["labelableId"], Issue)
    for label in _labels(ctx, issue, input["labelIds"]):
        ctx.state.remove_issue_label(issue.repo, issue.number, label.name)
    return _payload(input, labelable=issue_view(ctx, issue))


# -- Projects v2 -----------------------------------------------------------------------------


def add_project_item(info: Info, input: Json) -> Json:
    """``addProjectV2ItemById``: put an issue or PR on a board (the existing item if there)."""
    ctx: Context = info.context
    ctx.require_projects()
    project = _resolve(ctx, input["projectId"], Project)
    content = ctx.state.nodes.get(input["contentId"])
    if content is None or (isinstance(content, Issue) and not visible(content)):
        raise node_not_found(input["contentId"])
    if not isinstance(content, Issue):
        raise GitHubError("contentID must refer to an Issue or a Pull Request.", "UNPROCESSABLE")
    item = ctx.state.add_project_item(project, content)
    ctx.boards_changed()
    return _payload(input, item=item_view(ctx, project, item))


def _board_target(ctx: Context, data: Json) -> tuple[Project, ProjectItem, ProjectField]:
    ctx.require_projects()
    project = _resolve(ctx, data["projectId"], Project)
    item = _resolve(ctx, data["itemId"], ProjectItem)
    owner, number = item.project
    if (owner.lower(), number) != (project.owner.lower(), project.number):
        raise GitHubError("The item does not exist in the project.", "NOT_FOUND")
    pfield = project.field_by_id(data["fieldId"])
    if pfield is None:
        raise GitHubError("The field does not exist in the project.", "NOT_FOUND")
    return project, item, pfield


def _settable_key(pfield: ProjectField) -> str:
    key = _VALUE_KEYS.get(pfield.data_type)
    if key is None:
        raise GitHubError(
            f"The field '{pfield.name}' of type {pfield.data_type} cannot be changed with "
            "this mutation.",
            "UNPROCESSABLE",
        )
    return key


def _new_value(pfield: ProjectField, value: Json) -> Any:
    key = _settable_key(pfield)
    given = {name for name, raw in value.items() if raw is not None}
    if given != {key}:
        raise GitHubError(
            f"Expected exactly one value, `{key}`, to update the field '{pfield.name}' of "
            f"type {pfield.data_type}.",
            "UNPROCESSABLE",
        )
    return _coerce(pfield, value[key])


def _coerce(pfield: ProjectField, raw: Any) -> Any:
    if pfield.data_type == "SINGLE_SELECT":
        if not any(option.id == raw for option in pfield.options):
            raise GitHubError(
                "The single select option Id does not belong to the field", "UNPROCESSABLE"
            )
        return raw
    if pfield.data_type == "NUMBER":
        return float(raw)
    if pfield.data_type == "DATE":
        try:
            return date.fromisoformat(str(raw)[:10])
        except ValueError:
            raise GitHubError(f"'{raw}' is not a valid date", "UNPROCESSABLE") from None
    return str(raw)


def update_item_value(info: Info, input: Json) -> Json:
    """``updateProjectV2ItemFieldValue``: set one field; an unchanged value keeps updatedAt."""
    ctx: Context = info.context
    project, item, pfield = _board_target(ctx, input)
    new = _new_value(pfield, input["value"])
    current = item.values.get(pfield.id)
    if current is None or current.value != new:
        ctx.state.set_item_value(project, item, pfield.name, new)
    return _payload(input, projectV2Item=item_view(ctx, project, item))


def clear_item_value(info: Info, input: Json) -> Json:
    """``clearProjectV2ItemFieldValue``: empty one field of an item."""
    ctx: Context = info.context
    project, item, pfield = _board_target(ctx, input)
    _settable_key(pfield)
    if pfield.id in item.values:
        ctx.state.set_item_value(project, item, pfield.name, None)
    return _payload(input, projectV2Item=item_view(ctx, project, item))


MUTATION: Json = {
    "addComment": add_comment,
    "updateIssueComment": update_issue_comment,
    "closeIssue": close_issue,
    "reopenIssue": reopen_issue,
    "addLabelsToLabelable": add_labels,
    "removeLabelsFromLabelable": remove_labels,
    "addProjectV2ItemById": add_project_item,
    "updateProjectV2ItemFieldValue": update_item_value,
    "clearProjectV2ItemFieldValue": clear_item_value,
}
