"""GitHub's JSON shapes of accounts, labels and repositories, and the URL helpers all shapes share.

Part of :mod:`sync.emulator.github_json`, which documents the ``base_url`` convention.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from sync.emulator.github_state import GitHubState, Issue, Label, Repo, User

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


def html_url(issue: Issue) -> str:
    """The github.com address of an issue or pull request."""
    kind = "pull" if issue.is_pull else "issues"
    return f"{WEB_URL}/{issue.repo}/{kind}/{issue.number}"


def issue_api_url(issue: Issue, base_url: str) -> str:
    """The API address of an issue (``{base}/repos/{owner}/{repo}/issues/{number}``)."""
    return f"{base_url}/repos/{issue.repo}/issues/{issue.number}"
