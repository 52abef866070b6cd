"""GitHub's JSON shapes of issues and issue comments (see :mod:`sync.emulator.github_json`)."""

from __future__ import annotations

from typing import Any

from sync.emulator.github_json_repos import (
    html_url,
    iso,
    issue_api_url,
    label_json,
    reactions_json,
    user_json,
)
from sync.emulator.github_state import Comment, GitHubState, Issue


def sub_issues_summary(state: GitHubState, issue: Issue) -> dict[str, int]:
    """The ``sub_issues_summary`` of an issue: closed sub-issues count as completed."""
    subs = [state.issues[key] for key in issue.sub_issues if key in state.issues]
    done = sum(1 for sub in subs if sub.state == "closed")
    percent = done * 100 // len(subs) if subs else 0
    return {"total": len(subs), "completed": done, "percent_completed": percent}


def _labels(state: GitHubState, issue: Issue, base_url: str) -> list[dict[str, Any]]:
    labels = state.repo(issue.repo).labels
    found = [labels[name.lower()] for name in issue.labels if name.lower() in labels]
    return [label_json(label, issue.repo, base_url) for label in found]


def _users(state: GitHubState, logins: list[str], base_url: str) -> list[dict[str, Any]]:
    return [user_json(state.add_user(login), base_url) for login in logins]


def issue_json(state: GitHubState, issue: Issue, base_url: str) -> dict[str, Any]:
    """An ``issue`` object (pull requests carry a ``pull_request`` key and ``draft``)."""
    repo = state.repo(issue.repo)
    url = issue_api_url(issue, base_url)
    assignees = _users(state, issue.assignees, base_url)
    data: dict[str, Any] = {
        "url": url,
        "repository_url": f"{base_url}/repos/{repo.full_name}",
        "labels_url": url + "/labels{/name}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": html_url(issue),
        "id": issue.id,
        "node_id": issue.node_id,
        "number": issue.number,
        "title": issue.title,
        "user": user_json(state.add_user(issue.author), base_url),
        "labels": _labels(state, issue, base_url),
        "state": issue.state,
        "locked": False,
        "assignee": assignees[0] if assignees else None,
        "assignees": assignees,
        "milestone": None,
        "comments": len(state.issue_comments(issue)),
        "created_at": iso(issue.created_at),
        "updated_at": iso(issue.updated_at),
        "closed_at": iso(issue.closed_at),
        "author_association": state.association(repo, issue.author),
        "type": None,
        "active_lock_reason": None,
        "sub_issues_summary": sub_issues_summary(state, issue),
        "issue_dependencies_summary": _no_dependencies(),
        "body": issue.body,
        "reactions": reactions_json(url),
        "timeline_url": f"{url}/timeline",
        "performed_via_github_app": None,
        "state_reason": issue.state_reason,
    }
    _add_links(data, issue, base_url)
    return data


def _no_dependencies() -> dict[str, int]:
    return {"blocked_by": 0, "blocking": 0, "total_blocked_by": 0, "total_blocking": 0}


def _add_links(data: dict[str, Any], issue: Issue, base_url: str) -> None:
    if issue.parent is not None:
        parent_repo, parent_number = issue.parent
        data["parent_issue_url"] = f"{base_url}/repos/{parent_repo}/issues/{parent_number}"
    if issue.is_pull:
        html = html_url(issue)
        data["draft"] = issue.draft
        data["pull_request"] = {
            "url": f"{base_url}/repos/{issue.repo}/pulls/{issue.number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": iso(issue.merged_at),
        }


def comment_json(state: GitHubState, comment: Comment, base_url: str) -> dict[str, Any]:
    """An ``issue-comment`` object."""
    issue = state.issues[comment.issue]
    repo = state.repo(issue.repo)
    url = f"{base_url}/repos/{repo.full_name}/issues/comments/{comment.id}"
    return {
        "url": url,
        "html_url": f"{html_url(issue)}#issuecomment-{comment.id}",
        "issue_url": issue_api_url(issue, base_url),
        "id": comment.id,
        "node_id": comment.node_id,
        "user": user_json(state.add_user(comment.author), base_url),
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
        "author_association": state.association(repo, comment.author),
        "body": comment.body,
        "reactions": reactions_json(url),
        "performed_via_github_app": None,
    }
