"""GitHub's JSON shape of pull requests (see :mod:`sync.emulator.github_json`)."""

from __future__ import annotations

from typing import Any

from sync.emulator.github_json_issues import issue_json
from sync.emulator.github_json_repos import _owner, iso, issue_api_url, repo_json, user_json
from sync.emulator.github_state import GitHubState, Issue


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
