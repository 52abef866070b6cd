"""Webhook payloads for ``issues`` and ``sub_issues`` events, as GitHub delivers them.

Built from the emulated state with the same serializers as the REST API (URLs point at
api.github.com by default), so a test can act on the state and then hand the matching event
to ``community-sync issue --event PATH`` exactly as GitHub Actions would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.emulator import github_json as js
from sync.emulator.github_state import GitHubState, Issue, IssueKey

ISSUES_ACTIONS = frozenset(
    {
        "opened",
        "edited",
        "labeled",
        "unlabeled",
        "assigned",
        "unassigned",
        "closed",
        "reopened",
        "deleted",
        "transferred",
    }
)
SUB_ISSUES_ACTIONS = frozenset(
    {"sub_issue_added", "sub_issue_removed", "parent_issue_added", "parent_issue_removed"}
)


def webhook_payload(
    state: GitHubState,
    event: str,
    action: str,
    repo: str,
    number: int,
    *,
    api_url: str = js.API_URL,
    **extra: Any,
) -> dict[str, Any]:
    """Build the payload of one ``issues`` or ``sub_issues`` webhook delivery.

    ``repo``/``number`` name the issue the event is about: for ``sub_issue_*`` the parent,
    for ``parent_issue_*`` the sub-issue, for ``transferred`` the old issue. ``extra`` may give
    ``changes`` (edited), ``label`` (a name), ``assignee`` (a login), ``sender`` (a login, default
    the issue's author), ``sub_issue`` / ``parent_issue`` (``(repo, number)`` or ``"o/r#n"``);
    anything else is copied into the payload as is (e.g. ``installation``).
    """
    issue = state.issue(repo, number)
    sender = str(extra.pop("sender", issue.author))
    if event == "issues" and action in ISSUES_ACTIONS:
        body = _issues_body(state, issue, action, api_url, extra)
    elif event == "sub_issues" and action in SUB_ISSUES_ACTIONS:
        body = _sub_issues_body(state, issue, action, api_url, extra)
    else:
        raise ValueError(f"unsupported webhook {event}.{action}")
    return {**body, **_envelope(state, issue.repo, sender, api_url), **extra}


def write_event(path: str | Path, payload: dict[str, Any]) -> Path:
    """Write a payload where ``GITHUB_EVENT_PATH`` would point; return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return target


def _envelope(state: GitHubState, repo_name: str, sender: str, api_url: str) -> dict[str, Any]:
    repo = state.repo(repo_name)
    envelope = {"repository": {**js.repo_json(state, repo, api_url), "custom_properties": {}}}
    owner = state.add_user(repo.owner)
    if owner.type == "Organization":
        envelope["organization"] = js.org_json(owner, api_url)
    envelope["sender"] = js.user_json(state.add_user(sender), api_url)
    return envelope


def _issue(state: GitHubState, issue: Issue, api_url: str) -> dict[str, Any]:
    # Webhook issue objects have always carried "draft", also for plain issues.
    return {"draft": False, **js.issue_json(state, issue, api_url)}


def _issues_body(
    state: GitHubState, issue: Issue, action: str, api_url: str, extra: dict[str, Any]
) -> dict[str, Any]:
    body: dict[str, Any] = {"action": action, "issue": _issue(state, issue, api_url)}
    if action == "edited":
        body["changes"] = extra.pop("changes", {})
    elif action in {"labeled", "unlabeled"}:
        body["label"] = _label(state, issue, action, extra.pop("label", None), api_url)
    elif action in {"assigned", "unassigned"}:
        body["assignee"] = _assignee(state, issue, action, extra.pop("assignee", None), api_url)
    elif action == "transferred":
        body["changes"] = _transfer_changes(state, issue, api_url)
    return body


def _label(
    state: GitHubState, issue: Issue, action: str, name: str | None, api_url: str
) -> dict[str, Any]:
    if name is None and action == "labeled" and issue.labels:
        name = issue.labels[-1]
    if name is None:
        raise ValueError(f"issues.{action} needs label=<name>")
    return js.label_json(state.add_label(issue.repo, name), issue.repo, api_url)


def _assignee(
    state: GitHubState, issue: Issue, action: str, login: str | None, api_url: str
) -> dict[str, Any]:
    if login is None and action == "assigned" and issue.assignees:
        login = issue.assignees[-1]
    if login is None:
        raise ValueError(f"issues.{action} needs assignee=<login>")
    return js.user_json(state.add_user(login), api_url)


def _transfer_changes(state: GitHubState, issue: Issue, api_url: str) -> dict[str, Any]:
    if issue.transferred_to is None:
        raise ValueError(f"{issue.repo}#{issue.number} was not transferred")
    new = state.issues[issue.transferred_to]
    new_repo = js.repo_json(state, state.repo(new.repo), api_url)
    return {"new_issue": _issue(state, new, api_url), "new_repository": new_repo}


def _issue_ref(state: GitHubState, ref: Any) -> Issue:
    if isinstance(ref, str):
        repo, _, number = ref.partition("#")
        return state.issue(repo, int(number))
    repo, number = ref
    return state.issue(str(repo), int(number))


def _sub_issues_body(
    state: GitHubState, issue: Issue, action: str, api_url: str, extra: dict[str, Any]
) -> dict[str, Any]:
    if action.startswith("sub_issue"):
        parent, child = issue, _other(state, extra.pop("sub_issue", None), _last_sub(issue))
        side = "sub_issue_repo", child.repo
    else:
        parent, child = _other(state, extra.pop("parent_issue", None), issue.parent), issue
        side = "parent_issue_repo", parent.repo
    return {
        "action": action,
        "sub_issue_id": child.id,
        "sub_issue": js.issue_json(state, child, api_url),
        "parent_issue_id": parent.id,
        "parent_issue": js.issue_json(state, parent, api_url),
        side[0]: js.repo_json(state, state.repo(side[1]), api_url),
    }


def _last_sub(issue: Issue) -> IssueKey | None:
    return issue.sub_issues[-1] if issue.sub_issues else None


def _other(state: GitHubState, ref: Any, default: IssueKey | None) -> Issue:
    ref = ref if ref is not None else default
    if ref is None:
        raise ValueError("sub_issues events need sub_issue=... or parent_issue=...")
    return _issue_ref(state, ref)
