"""GitHub's JSON shapes for the emulated state, shared by the REST API and webhook payloads.

Every function takes the API root (``base_url``) the ``url`` fields should point at: the
emulator's own address for REST answers, ``https://api.github.com`` for webhook payloads.
``html_url`` fields always point at github.com, as the state is not tied to a server.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from sync.emulator.github_state import Comment, GitHubState, Issue, Label, Repo, User

API_URL = "https://api.github.com"
WEB_URL = "https://github.com"
# Repositories carry no timestamps in the state; GitHub always sends some.
REPO_CREATED_AT = "2020-01-01T00:00:00Z"

_REPO_URLS = {
    "forks_url": "/forks",
    "keys_url": "/keys{/key_id}",
    "collaborators_url": "/collaborators{/collaborator}",
    "teams_url": "/teams",
    "hooks_url": "/hooks",
    "issue_events_url": "/issues/events{/number}",
    "events_url": "/events",
    "assignees_url": "/assignees{/user}",
    "branches_url": "/branches{/branch}",
    "tags_url": "/tags",
    "blobs_url": "/git/blobs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "trees_url": "/git/trees{/sha}",
    "statuses_url": "/statuses/{sha}",
    "languages_url": "/languages",
    "stargazers_url": "/stargazers",
    "contributors_url": "/contributors",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "commits_url": "/commits{/sha}",
    "git_commits_url": "/git/commits{/sha}",
    "comments_url": "/comments{/number}",
    "issue_comment_url": "/issues/comments{/number}",
    "contents_url": "/contents/{+path}",
    "compare_url": "/compare/{base}...{head}",
    "merges_url": "/merges",
    "archive_url": "/{archive_format}{/ref}",
    "downloads_url": "/downloads",
    "issues_url": "/issues{/number}",
    "pulls_url": "/pulls{/number}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "labels_url": "/labels{/name}",
    "releases_url": "/releases{/id}",
    "deployments_url": "/deployments",
}

_USER_URLS = {
    "followers_url": "/followers",
    "following_url": "/following{/other_user}",
    "gists_url": "/gists{/gist_id}",
    "starred_url": "/starred{/owner}{/repo}",
    "subscriptions_url": "/subscriptions",
    "organizations_url": "/orgs",
    "repos_url": "/repos",
    "events_url": "/events{/privacy}",
    "received_events_url": "/received_events",
}


def iso(moment: datetime | None) -> str | None:
    """Format a timestamp as GitHub does (``2026-01-07T16:00:00Z``)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_json(user: User, base_url: str) -> dict[str, Any]:
    """A ``simple-user`` object."""
    url = f"{base_url}/users/{quote(user.login)}"
    return {
        "login": user.login,
        "id": user.id,
        "node_id": user.node_id,
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{WEB_URL}/{user.login}",
        **{key: url + suffix for key, suffix in _USER_URLS.items()},
        "type": user.type,
        "user_view_type": "public",
        "site_admin": False,
    }


def org_json(org: User, base_url: str) -> dict[str, Any]:
    """An ``organization-simple`` object, as webhook payloads carry it."""
    url = f"{base_url}/orgs/{quote(org.login)}"
    return {
        "login": org.login,
        "id": org.id,
        "node_id": org.node_id,
        "url": url,
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events",
        "hooks_url": f"{url}/hooks",
        "issues_url": f"{url}/issues",
        "members_url": url + "/members{/member}",
        "public_members_url": url + "/public_members{/member}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{org.id}?v=4",
        "description": None,
    }


def label_json(label: Label, repo: str, base_url: str) -> dict[str, Any]:
    """A ``label`` object of repository ``repo`` (owner/name)."""
    return {
        "id": label.id,
        "node_id": label.node_id,
        "url": f"{base_url}/repos/{repo}/labels/{quote(label.name)}",
        "name": label.name,
        "color": label.color,
        "default": False,
        "description": label.description,
    }


def _owner(state: GitHubState, repo: Repo) -> User:
    return state.add_user(repo.owner)


def _open_count(state: GitHubState, repo: Repo) -> int:
    return sum(
        1
        for issue in state.issues.values()
        if issue.repo == repo.full_name and issue.state == "open" and _live(issue)
    )


def _live(issue: Issue) -> bool:
    return not issue.deleted and issue.transferred_to is None


def repo_json(state: GitHubState, repo: Repo, base_url: str) -> dict[str, Any]:
    """A ``repository`` object (the full shape of ``GET /repos/{owner}/{repo}``)."""
    url = f"{base_url}/repos/{repo.full_name}"
    html = f"{WEB_URL}/{repo.full_name}"
    owner = _owner(state, repo)
    open_issues = _open_count(state, repo)
    return {
        "id": repo.id,
        "node_id": repo.node_id,
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": user_json(owner, base_url),
        "html_url": html,
        "description": None,
        "fork": False,
        "url": url,
        **{key: url + suffix for key, suffix in _REPO_URLS.items()},
        "created_at": REPO_CREATED_AT,
        "updated_at": REPO_CREATED_AT,
        "pushed_at": REPO_CREATED_AT,
        "git_url": f"git://github.com/{repo.full_name}.git",
        "ssh_url": f"git@github.com:{repo.full_name}.git",
        "clone_url": f"{html}.git",
        "svn_url": html,
        "homepage": None,
        "size": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "language": None,
        "has_issues": True,
        "has_projects": True,
        "has_downloads": True,
        "has_wiki": True,
        "has_pages": False,
        "has_discussions": False,
        "forks_count": 0,
        "mirror_url": None,
        "archived": False,
        "disabled": False,
        "open_issues_count": open_issues,
        "license": None,
        "allow_forking": True,
        "is_template": False,
        "web_commit_signoff_required": False,
        "topics": [],
        "visibility": "private" if repo.private else "public",
        "forks": 0,
        "open_issues": open_issues,
        "watchers": 0,
        "default_branch": "main",
    }


def reactions_json(url: str) -> dict[str, Any]:
    """An empty ``reaction-rollup`` for the object at ``url``."""
    counts = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")
    return {"url": f"{url}/reactions", "total_count": 0, **dict.fromkeys(counts, 0)}


def author_association(repo: Repo, login: str) -> str:
    """How GitHub relates an author to the repository (OWNER or NONE here)."""
    return "OWNER" if login.lower() == repo.owner.lower() else "NONE"


def html_url(issue: Issue) -> str:
    """The github.com address of an issue or pull request."""
    kind = "pull" if issue.is_pull else "issues"
    return f"{WEB_URL}/{issue.repo}/{kind}/{issue.number}"


def issue_api_url(issue: Issue, base_url: str) -> str:
    """The API address of an issue (``{base}/repos/{owner}/{repo}/issues/{number}``)."""
    return f"{base_url}/repos/{issue.repo}/issues/{issue.number}"


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
        "author_association": author_association(repo, issue.author),
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
        "author_association": author_association(repo, comment.author),
        "body": comment.body,
        "reactions": reactions_json(url),
        "performed_via_github_app": None,
    }


def _sha(seed: int, salt: int) -> str:
    # A stable, fake commit id: pull requests in the emulator have no git history.
    return format(seed * 1_000_003 + salt, "040x")


def _branch(state: GitHubState, pull: Issue, ref: str, salt: int, base_url: str) -> Any:
    repo = state.repo(pull.repo)
    return {
        "label": f"{repo.owner}:{ref}",
        "ref": ref,
        "sha": _sha(pull.id, salt),
        "user": user_json(_owner(state, repo), base_url),
        "repo": repo_json(state, repo, base_url),
    }


def pull_json(
    state: GitHubState, pull: Issue, base_url: str, *, detail: bool = True
) -> dict[str, Any]:
    """A ``pull-request`` object; ``detail`` adds the fields only ``GET .../pulls/{n}`` has."""
    data = {k: v for k, v in issue_json(state, pull, base_url).items() if k not in _NOT_IN_PULLS}
    api = f"{base_url}/repos/{pull.repo}"
    url = f"{api}/pulls/{pull.number}"
    data.update(
        url=url,
        diff_url=f"{data['html_url']}.diff",
        patch_url=f"{data['html_url']}.patch",
        issue_url=issue_api_url(pull, base_url),
        commits_url=f"{url}/commits",
        review_comments_url=f"{url}/comments",
        review_comment_url=api + "/pulls/comments{/number}",
        statuses_url=f"{api}/statuses/{_sha(pull.id, 1)}",
        draft=pull.draft,
        merged_at=iso(pull.merged_at),
        merge_commit_sha=_sha(pull.id, 3) if pull.merged_at else None,
        requested_reviewers=[],
        requested_teams=[],
        head=_branch(state, pull, f"patch-{pull.number}", 1, base_url),
        base=_branch(state, pull, "main", 2, base_url),
        auto_merge=None,
    )
    data["_links"] = _pull_links(data)
    if detail:
        data.update(_pull_detail(pull))
    return data


_NOT_IN_PULLS = frozenset(
    {
        "pull_request",
        "sub_issues_summary",
        "issue_dependencies_summary",
        "type",
        "reactions",
        "timeline_url",
        "state_reason",
        "events_url",
        "labels_url",
        "repository_url",
        "parent_issue_url",
        "performed_via_github_app",
        "comments",
    }
)


def _pull_detail(pull: Issue) -> dict[str, Any]:
    return {
        "merged": pull.merged_at is not None,
        "mergeable": None,
        "rebaseable": None,
        "mergeable_state": "unknown",
        "merged_by": None,
        "comments": len(pull.comments),
        "review_comments": 0,
        "maintainer_can_modify": False,
        "commits": 1,
        "additions": 0,
        "deletions": 0,
        "changed_files": 0,
    }


def _pull_links(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    keys = {
        "self": "url",
        "html": "html_url",
        "issue": "issue_url",
        "comments": "comments_url",
        "review_comments": "review_comments_url",
        "review_comment": "review_comment_url",
        "commits": "commits_url",
        "statuses": "statuses_url",
    }
    return {name: {"href": data[key]} for name, key in keys.items()}
