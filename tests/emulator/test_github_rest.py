"""The emulated GitHub REST API, driven by real PyGithub and plain requests.

JSON answers are checked against GitHub's own OpenAPI description (the subset in
``shared/reference/github/rest``), so the emulator cannot drift from the real shapes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import requests
from github import Auth, BadCredentialsException, Github, GithubException, UnknownObjectException
from jsonschema import Draft202012Validator

from sync.emulator.core import Emulator, Request, Response
from sync.emulator.github_rest import GitHubService
from sync.emulator.github_state import GitHubState

REFERENCE = Path(
    os.environ.get("SYNC_REFERENCE_DIR", Path(__file__).resolve().parents[3] / "shared/reference")
)
SPEC_PATH = REFERENCE / "github/rest/issues-subset.openapi.json"
TOKEN = "test-token"
ORG = "example-org"
SUPPORT = f"{ORG}/support"
COMMUNITY = f"{ORG}/community"


# -- OpenAPI 3.0 -> JSON Schema ---------------------------------------------------------------
def _json_schema(node: Any) -> Any:
    """Turn OpenAPI 3.0 ``nullable: true`` into JSON Schema's ``anyOf [..., null]``."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.skip(f"reference OpenAPI description not found at {SPEC_PATH}")
    document: dict[str, Any] = _json_schema(json.loads(SPEC_PATH.read_text()))
    return document


def assert_matches(spec: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    """Validate a response body against the spec's schema for (path, method, status)."""
    answer = spec["paths"][path][method.lower()]["responses"][str(status)]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    schema = answer["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, f"{method} {path} {status}:\n" + "\n".join(errors[:10])


# -- fixtures ----------------------------------------------------------------------------------
@pytest.fixture
def state() -> GitHubState:
    gh = GitHubState()
    gh.add_repo(SUPPORT, labels=["CSH", "bug"])
    gh.add_repo(COMMUNITY, labels=["CSH"])
    gh.add_repo("other-org/elsewhere")
    gh.add_user("octocat")
    gh.add_user("hubot")
    return gh


@pytest.fixture
def emu(state: GitHubState) -> Iterator[Emulator]:
    emulator = Emulator([("/github", GitHubService(state))], tokens={"github": {TOKEN}}).start()
    yield emulator
    emulator.stop()


def client(emu: Emulator, token: str = TOKEN, **options: Any) -> Github:
    """Real PyGithub pointed at the emulator (without its politeness pauses)."""
    return Github(
        auth=Auth.Token(token),
        base_url=emu.url + "/github",
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
        **options,
    )


@pytest.fixture
def gh(emu: Emulator) -> Github:
    return client(emu)


def call(
    emu: Emulator, method: str, path: str, token: str | None = TOKEN, **kw: Any
) -> requests.Response:
    """One raw request to the emulated GitHub (no redirects followed)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = emu.url + "/github" + path
    return requests.request(method, url, headers=headers, allow_redirects=False, timeout=10, **kw)


def issues_requests(emu: Emulator, repo: str = SUPPORT) -> int:
    return sum(1 for r in emu.requests if r.path == f"/repos/{repo}/issues")


# -- repository, user, rate limit --------------------------------------------------------------
def test_repo_user_and_rate_limit(gh: Github, emu: Emulator, spec: dict[str, Any]) -> None:
    repo = gh.get_repo(SUPPORT)
    assert (repo.full_name, repo.default_branch, repo.organization.login) == (SUPPORT, "main", ORG)
    assert gh.get_user().login == "octocat"
    assert gh.get_rate_limit().resources.core.limit == 5000
    answer = call(emu, "GET", "/rate_limit")
    assert_matches(spec, "/rate_limit", "get", 200, answer.json())
    assert answer.headers["X-RateLimit-Limit"] == "5000"
    assert int(answer.headers["X-RateLimit-Remaining"]) < 5000


# -- issues ------------------------------------------------------------------------------------
def test_create_issue_with_pygithub(gh: Github, emu: Emulator, state: GitHubState) -> None:
    issue = gh.get_repo(SUPPORT).create_issue(
        "Fix login", body="It breaks", labels=["CSH", "new-label"], assignees=["hubot"]
    )
    assert (issue.number, issue.title, issue.state, issue.state_reason) == (
        1,
        "Fix login",
        "open",
        None,
    )
    assert [label.name for label in issue.labels] == ["CSH", "new-label"]
    assert [user.login for user in issue.assignees] == ["hubot"]
    assert issue.html_url == f"https://github.com/{SUPPORT}/issues/1"
    assert issue.url == f"{emu.url}/github/repos/{SUPPORT}/issues/1"
    assert issue.user.login == "octocat"
    assert "new-label" in {label.name for label in gh.get_repo(SUPPORT).get_labels()}
    assert state.issue(SUPPORT, 1).body == "It breaks"


def test_issue_endpoints_match_the_openapi_schemas(
    emu: Emulator, state: GitHubState, spec: dict[str, Any]
) -> None:
    one = "/repos/{owner}/{repo}/issues/{issue_number}"
    created = call(emu, "POST", f"/repos/{SUPPORT}/issues", json={"title": "T", "labels": ["CSH"]})
    assert created.status_code == 201
    assert created.headers["Location"] == created.json()["url"]
    assert_matches(spec, "/repos/{owner}/{repo}/issues", "post", 201, created.json())
    assert_matches(spec, one, "get", 200, call(emu, "GET", f"/repos/{SUPPORT}/issues/1").json())
    patched = call(emu, "PATCH", f"/repos/{SUPPORT}/issues/1", json={"state": "closed"})
    assert_matches(spec, one, "patch", 200, patched.json())
    listed = call(emu, "GET", f"/repos/{SUPPORT}/issues", params={"state": "all"})
    assert_matches(spec, "/repos/{owner}/{repo}/issues", "get", 200, listed.json())
    labels = call(emu, "GET", f"/repos/{SUPPORT}/labels")
    assert_matches(spec, "/repos/{owner}/{repo}/labels", "get", 200, labels.json())
    issue_labels = call(emu, "POST", f"/repos/{SUPPORT}/issues/1/labels", json={"labels": ["bug"]})
    assert_matches(spec, one + "/labels", "post", 200, issue_labels.json())
    removed = call(emu, "DELETE", f"/repos/{SUPPORT}/issues/1/labels/bug")
    assert_matches(spec, one + "/labels/{name}", "delete", 200, removed.json())


def test_comment_and_error_answers_match_the_openapi_schemas(
    emu: Emulator, state: GitHubState, spec: dict[str, Any]
) -> None:
    state.create_issue(SUPPORT, "T")
    comments = "/repos/{owner}/{repo}/issues/{issue_number}/comments"
    posted = call(emu, "POST", f"/repos/{SUPPORT}/issues/1/comments", json={"body": "hi"})
    assert_matches(spec, comments, "post", 201, posted.json())
    listed = call(emu, "GET", f"/repos/{SUPPORT}/issues/1/comments")
    assert_matches(spec, comments, "get", 200, listed.json())
    one = "/repos/{owner}/{repo}/issues/comments/{comment_id}"
    path = f"/repos/{SUPPORT}/issues/comments/{posted.json()['id']}"
    assert_matches(spec, one, "get", 200, call(emu, "GET", path).json())
    assert_matches(spec, one, "patch", 200, call(emu, "PATCH", path, json={"body": "x"}).json())
    missing = call(emu, "GET", f"/repos/{SUPPORT}/issues/99")
    assert_matches(spec, "/repos/{owner}/{repo}/issues/{issue_number}", "get", 404, missing.json())
    invalid = call(emu, "POST", f"/repos/{SUPPORT}/issues", json={"body": "no title"})
    assert_matches(spec, "/repos/{owner}/{repo}/issues", "post", 422, invalid.json())
    label = call(emu, "POST", f"/repos/{SUPPORT}/labels", json={"name": "x", "color": "#FF0000"})
    assert_matches(spec, "/repos/{owner}/{repo}/labels", "post", 201, label.json())


def test_list_issues_follows_link_header_across_pages(
    gh: Github, emu: Emulator, state: GitHubState
) -> None:
    for n in range(250):
        state.create_issue(SUPPORT, f"Issue {n}", labels=["CSH"] if n % 2 else [])
    emu.reset_log()
    numbers = [issue.number for issue in gh.get_repo(SUPPORT).get_issues(state="all")]
    assert numbers == list(range(250, 0, -1))
    assert issues_requests(emu) == 9  # 30 a page by default
    big = client(emu, per_page=100)
    emu.reset_log()
    labeled = list(big.get_repo(SUPPORT).get_issues(labels=["CSH"], direction="asc"))
    assert [i.number for i in labeled] == list(range(2, 251, 2))
    assert issues_requests(emu) == 2
    assert gh.get_repo(SUPPORT).get_issues(state="all").totalCount == 250


def test_link_header_relations_and_per_page_cap(emu: Emulator, state: GitHubState) -> None:
    for n in range(250):
        state.create_issue(SUPPORT, f"Issue {n}")
    page = call(emu, "GET", f"/repos/{SUPPORT}/issues", params={"per_page": 100, "page": 2})
    assert len(page.json()) == 100
    links = requests.utils.parse_header_links(page.headers["Link"])
    pages = {link["rel"]: link["url"] for link in links}
    base = f"{emu.url}/github/repos/{SUPPORT}/issues?per_page=100&page="
    assert pages == {
        "prev": base + "1",
        "next": base + "3",
        "last": base + "3",
        "first": base + "1",
    }
    capped = call(emu, "GET", f"/repos/{SUPPORT}/issues", params={"per_page": 500})
    assert len(capped.json()) == 100
    single = call(emu, "GET", f"/repos/{SUPPORT}/issues", params={"labels": "nothing"})
    assert single.json() == [] and "Link" not in single.headers


def test_list_issues_filters_and_includes_pulls(emu: Emulator, state: GitHubState) -> None:
    clock = [datetime(2026, 1, 1, tzinfo=UTC)]
    state.clock = lambda: clock[0]
    state.create_issue(SUPPORT, "old", labels=["CSH", "bug"], assignees=["hubot"])
    clock[0] += timedelta(days=2)
    state.create_issue(SUPPORT, "new", labels=["CSH"], author="hubot")
    state.create_issue(SUPPORT, "pr", is_pull=True)
    state.close_issue(SUPPORT, 1)

    def numbers(**params: Any) -> list[int]:
        answer = call(emu, "GET", f"/repos/{SUPPORT}/issues", params=params).json()
        return [item["number"] for item in answer]

    assert numbers() == [3, 2]
    assert numbers(state="closed") == [1]
    assert numbers(state="all", labels="csh,bug") == [1]
    assert numbers(state="all", since="2026-01-02T00:00:00Z") == [3, 2, 1]  # 1 was closed later
    assert numbers(state="all", sort="created", direction="asc") == [1, 2, 3]
    assert numbers(state="all", creator="hubot") == [2]
    assert numbers(state="all", assignee="hubot") == [1]
    assert numbers(state="all", assignee="none") == [3, 2]
    pull = call(emu, "GET", f"/repos/{SUPPORT}/issues/3").json()
    assert pull["pull_request"]["html_url"] == f"https://github.com/{SUPPORT}/pull/3"
    assert "pull_request" not in call(emu, "GET", f"/repos/{SUPPORT}/issues/2").json()
    assert call(emu, "GET", f"/repos/{SUPPORT}/issues", params={"state": "x"}).status_code == 422


def test_edit_issue_with_pygithub(gh: Github, state: GitHubState) -> None:
    state.create_issue(SUPPORT, "Old", "old body", labels=["CSH"])
    issue = gh.get_repo(SUPPORT).get_issue(1)
    issue.edit(title="New", body="new body", labels=["bug", "fresh"], assignees=["hubot"])
    stored = state.issue(SUPPORT, 1)
    assert (stored.title, stored.body, stored.labels) == ("New", "new body", ["bug", "fresh"])
    assert stored.assignees == ["hubot"]
    assert issue.title == "New" and issue.assignees[0].login == "hubot"


@pytest.mark.parametrize("reason", ["completed", "not_planned", "duplicate"])
def test_close_with_state_reason_and_reopen(gh: Github, state: GitHubState, reason: str) -> None:
    state.create_issue(SUPPORT, "T")
    issue = gh.get_repo(SUPPORT).get_issue(1)
    issue.edit(state="closed", state_reason=reason)
    assert (issue.state, issue.state_reason) == ("closed", reason)
    assert state.issue(SUPPORT, 1).closed_at is not None
    issue.edit(state="open")
    assert (issue.state, issue.state_reason) == ("open", "reopened")
    assert issue.closed_at is None


def test_state_reason_is_ignored_unless_the_state_changes(
    emu: Emulator, state: GitHubState
) -> None:
    state.create_issue(SUPPORT, "T")
    state.close_issue(SUPPORT, 1, "completed")
    answer = call(emu, "PATCH", f"/repos/{SUPPORT}/issues/1", json={"state_reason": "not_planned"})
    assert answer.json()["state_reason"] == "completed"
    closed = call(emu, "PATCH", f"/repos/{SUPPORT}/issues/1", json={"state": "closed"})
    assert closed.json()["state_reason"] == "completed"


def test_invalid_input_answers_422_and_changes_nothing(
    gh: Github, emu: Emulator, state: GitHubState
) -> None:
    state.create_issue(SUPPORT, "T")
    bad = {"title": "changed", "state": "closed", "state_reason": "wontfix"}
    answer = call(emu, "PATCH", f"/repos/{SUPPORT}/issues/1", json=bad)
    assert answer.status_code == 422
    body = answer.json()
    assert body["message"] == "Validation Failed" and body["status"] == "422"
    assert body["errors"][0]["field"] == "state_reason"
    assert state.issue(SUPPORT, 1).title == "T"
    reopened = {"state": "closed", "state_reason": "reopened"}
    assert call(emu, "PATCH", f"/repos/{SUPPORT}/issues/1", json=reopened).status_code == 422
    with pytest.raises(GithubException) as missing_title:
        gh.get_repo(SUPPORT)._requester.requestJsonAndCheck(
            "POST", f"/repos/{SUPPORT}/issues", input={"body": "x"}
        )
    assert missing_title.value.status == 422
    assert missing_title.value.data["errors"][0]["code"] == "missing_field"
    with pytest.raises(GithubException) as unknown_user:
        gh.get_repo(SUPPORT).create_issue("T", assignees=["nobody-here"])
    assert unknown_user.value.status == 422


# -- labels, comments, assignees ---------------------------------------------------------------
def test_issue_labels(gh: Github, emu: Emulator, state: GitHubState) -> None:
    state.create_issue(SUPPORT, "T", labels=["CSH"])
    issue = gh.get_repo(SUPPORT).get_issue(1)
    issue.add_to_labels("bug", "good first issue")
    assert state.issue(SUPPORT, 1).labels == ["CSH", "bug", "good first issue"]
    issue.remove_from_labels("good first issue")
    assert [label.name for label in issue.get_labels()] == ["CSH", "bug"]
    missing = call(emu, "DELETE", f"/repos/{SUPPORT}/issues/1/labels/nope")
    assert (missing.status_code, missing.json()["message"]) == (404, "Label does not exist")
    as_list = call(emu, "POST", f"/repos/{SUPPORT}/issues/1/labels", json=["office-hours"])
    assert [label["name"] for label in as_list.json()] == ["CSH", "bug", "office-hours"]
    issue.set_labels("CSH")
    assert state.issue(SUPPORT, 1).labels == ["CSH"]
    issue.delete_labels()
    assert state.issue(SUPPORT, 1).labels == []


def test_repository_labels(gh: Github, emu: Emulator) -> None:
    repo = gh.get_repo(SUPPORT)
    created = repo.create_label("office-hours", "0E8A16", "Queue for office hours")
    assert (created.name, created.color, created.description) == (
        "office-hours",
        "0e8a16",
        "Queue for office hours",
    )
    assert [label.name for label in repo.get_labels()] == ["bug", "CSH", "office-hours"]
    assert repo.get_label("office-hours").color == "0e8a16"
    with pytest.raises(GithubException) as duplicate:
        repo.create_label("csh", "ffffff")
    assert duplicate.value.data["errors"][0]["code"] == "already_exists"
    with pytest.raises(UnknownObjectException):
        repo.get_label("missing")


def test_comments_crud_and_pagination(gh: Github, emu: Emulator, state: GitHubState) -> None:
    issue_state = state.create_issue(SUPPORT, "T")
    for n in range(35):
        state.add_comment(SUPPORT, 1, f"comment {n}", "hubot")
    issue = gh.get_repo(SUPPORT).get_issue(1)
    assert issue.comments == 35
    emu.reset_log()
    bodies = [comment.body for comment in issue.get_comments()]
    assert bodies == [f"comment {n}" for n in range(35)]
    assert sum(1 for r in emu.requests if r.path.endswith("/issues/1/comments")) == 2
    mine = issue.create_comment("Tracked in Asana")
    assert (mine.user.login, mine.html_url.split("#")[1]) == ("octocat", f"issuecomment-{mine.id}")
    assert issue_state.updated_at >= state.comments[mine.id].created_at
    mine.edit("Tracked in Asana: 1201")
    assert issue.get_comment(mine.id).body == "Tracked in Asana: 1201"
    mine.delete()
    assert call(emu, "GET", f"/repos/{SUPPORT}/issues/comments/{mine.id}").status_code == 404
    assert call(emu, "GET", f"/repos/{COMMUNITY}/issues/comments/{mine.id - 1}").status_code == 404
    empty = call(emu, "POST", f"/repos/{SUPPORT}/issues/1/comments", json={"body": ""})
    assert empty.status_code == 422


def test_assignees(gh: Github, emu: Emulator, state: GitHubState) -> None:
    state.create_issue(SUPPORT, "T", assignees=["octocat"])
    issue = gh.get_repo(SUPPORT).get_issue(1)
    issue.add_to_assignees("hubot")
    assert state.issue(SUPPORT, 1).assignees == ["octocat", "hubot"]
    issue.remove_from_assignees("octocat")
    assert state.issue(SUPPORT, 1).assignees == ["hubot"]
    ignored = call(
        emu, "POST", f"/repos/{SUPPORT}/issues/1/assignees", json={"assignees": ["ghost"]}
    )
    assert ignored.status_code == 201 and [a["login"] for a in ignored.json()["assignees"]] == [
        "hubot"
    ]


# -- sub-issues --------------------------------------------------------------------------------
def test_sub_issues_add_list_parent_remove(
    gh: Github, emu: Emulator, state: GitHubState, spec: dict[str, Any]
) -> None:
    state.create_issue(SUPPORT, "Parent", labels=["CSH"])
    child_state = state.create_issue(COMMUNITY, "Child in another repo of the same owner")
    parent = gh.get_repo(SUPPORT).get_issue(1)
    child = gh.get_repo(COMMUNITY).get_issue(1)
    parent.add_sub_issue(child)
    assert [(sub.repository.full_name, sub.number) for sub in parent.get_sub_issues()] == [
        (COMMUNITY, 1)
    ]
    base = "/repos/{owner}/{repo}/issues/{issue_number}"
    listed = call(emu, "GET", f"/repos/{SUPPORT}/issues/1/sub_issues").json()
    assert_matches(spec, base + "/sub_issues", "get", 200, listed)
    up = call(emu, "GET", f"/repos/{COMMUNITY}/issues/1/parent")
    assert_matches(spec, base + "/parent", "get", 200, up.json())
    assert up.json()["number"] == 1 and up.json()["repository_url"].endswith(SUPPORT)
    child_json = call(emu, "GET", f"/repos/{COMMUNITY}/issues/1").json()
    assert child_json["parent_issue_url"] == f"{emu.url}/github/repos/{SUPPORT}/issues/1"
    state.close_issue(COMMUNITY, 1)
    summary = call(emu, "GET", f"/repos/{SUPPORT}/issues/1").json()["sub_issues_summary"]
    assert summary == {"total": 1, "completed": 1, "percent_completed": 100}
    removed = call(
        emu, "DELETE", f"/repos/{SUPPORT}/issues/1/sub_issue", json={"sub_issue_id": child_state.id}
    )
    assert_matches(spec, base + "/sub_issue", "delete", 200, removed.json())
    assert removed.json()["sub_issues_summary"]["total"] == 0
    assert call(emu, "GET", f"/repos/{COMMUNITY}/issues/1/parent").status_code == 404
    assert "parent_issue_url" not in call(emu, "GET", f"/repos/{COMMUNITY}/issues/1").json()


def test_sub_issue_rules(emu: Emulator, state: GitHubState) -> None:
    parent = state.create_issue(SUPPORT, "Parent")
    child = state.create_issue(SUPPORT, "Child")
    other_parent = state.create_issue(SUPPORT, "Other parent")
    foreign = state.create_issue("other-org/elsewhere", "Foreign")
    pull = state.create_issue(SUPPORT, "PR", is_pull=True)

    def add(number: int, body: dict[str, Any]) -> requests.Response:
        return call(emu, "POST", f"/repos/{SUPPORT}/issues/{number}/sub_issues", json=body)

    assert add(1, {"sub_issue_id": child.number}).status_code == 422  # a number, not the id
    assert add(1, {}).status_code == 422
    assert add(1, {"sub_issue_id": foreign.id}).status_code == 422  # another owner
    assert add(1, {"sub_issue_id": pull.id}).status_code == 422
    assert add(1, {"sub_issue_id": parent.id}).status_code == 422  # itself
    created = add(1, {"sub_issue_id": child.id})
    assert created.status_code == 201 and created.json()["number"] == 1  # answers the parent
    assert add(2, {"sub_issue_id": parent.id}).status_code == 422  # a cycle
    assert add(3, {"sub_issue_id": child.id}).status_code == 422  # already has a parent
    moved = add(3, {"sub_issue_id": child.id, "replace_parent": True})
    assert moved.status_code == 201
    assert (state.issue(SUPPORT, 2).parent, parent.sub_issues) == (other_parent.key, [])
    gone = call(
        emu, "DELETE", f"/repos/{SUPPORT}/issues/1/sub_issue", json={"sub_issue_id": child.id}
    )
    assert gone.status_code == 404


def test_sub_issue_depth_and_order(emu: Emulator, state: GitHubState) -> None:
    chain = [state.create_issue(SUPPORT, f"level {n}") for n in range(9)]
    for upper, lower in pairwise(chain[:8]):
        state.add_sub_issue(SUPPORT, upper.number, SUPPORT, lower.number)
    too_deep = {"sub_issue_id": chain[8].id}
    answer = call(emu, "POST", f"/repos/{SUPPORT}/issues/8/sub_issues", json=too_deep)
    assert answer.status_code == 422
    assert "8 levels" in answer.json()["errors"][0]["message"]
    parent = state.create_issue(SUPPORT, "Parent")
    kids = [state.create_issue(SUPPORT, f"kid {n}") for n in range(3)]
    for kid in kids:
        state.add_sub_issue(SUPPORT, parent.number, SUPPORT, kid.number)
    move = {"sub_issue_id": kids[2].id, "after_id": kids[0].id}
    path = f"/repos/{SUPPORT}/issues/{parent.number}/sub_issues/priority"
    assert call(emu, "PATCH", path, json=move).status_code == 200
    assert parent.sub_issues == [kids[0].key, kids[2].key, kids[1].key]


# -- pull requests -----------------------------------------------------------------------------
def test_pulls_list_and_get(gh: Github, emu: Emulator, state: GitHubState) -> None:
    state.create_issue(SUPPORT, "An issue")
    state.create_issue(SUPPORT, "Open PR", labels=["office-hours"], author="hubot", is_pull=True)
    state.create_issue(SUPPORT, "Merged PR", is_pull=True)
    state.merge_pull(SUPPORT, 3)
    repo = gh.get_repo(SUPPORT)
    assert [pull.number for pull in repo.get_pulls()] == [2]
    assert [pull.number for pull in repo.get_pulls(state="all", direction="asc")] == [2, 3]
    merged = repo.get_pull(3)
    assert merged.merged and merged.merged_at is not None and merged.state == "closed"
    opened = repo.get_pull(2)
    assert (opened.user.login, opened.draft, opened.merged_at) == ("hubot", False, None)
    assert opened.html_url == f"https://github.com/{SUPPORT}/pull/2"
    assert [label.name for label in opened.labels] == ["office-hours"]
    assert opened.created_at.tzinfo is not None
    with pytest.raises(UnknownObjectException):
        repo.get_pull(1)
    as_issue = call(emu, "GET", f"/repos/{SUPPORT}/issues/3").json()
    assert as_issue["pull_request"]["merged_at"] is not None


# -- transferred, deleted, auth, errors --------------------------------------------------------
def test_transferred_issue_answers_301_and_pygithub_follows(
    gh: Github, emu: Emulator, state: GitHubState, spec: dict[str, Any]
) -> None:
    state.create_issue(COMMUNITY, "Already there")
    state.create_issue(SUPPORT, "Moving", labels=["CSH", "bug"])
    new = state.transfer_issue(SUPPORT, 1, COMMUNITY)
    answer = call(emu, "GET", f"/repos/{SUPPORT}/issues/1")
    location = f"{emu.url}/github/repositories/{state.repo(COMMUNITY).id}/issues/{new.number}"
    assert (answer.status_code, answer.headers["Location"]) == (301, location)
    assert answer.json()["message"] == "Moved Permanently"
    assert_matches(spec, "/repos/{owner}/{repo}/issues/{issue_number}", "get", 301, answer.json())
    followed = gh.get_repo(SUPPORT).get_issue(1)
    assert (followed.number, followed.repository.full_name) == (2, COMMUNITY)
    assert [label.name for label in followed.labels] == ["CSH"]
    assert followed.html_url == f"https://github.com/{COMMUNITY}/issues/2"
    sub = call(emu, "GET", f"/repos/{SUPPORT}/issues/1/comments")
    assert sub.headers["Location"] == location + "/comments"
    assert call(emu, "GET", f"/repos/{SUPPORT}/issues", params={"state": "all"}).json() == []


def test_deleted_issue_answers_410(gh: Github, emu: Emulator, state: GitHubState) -> None:
    state.create_issue(SUPPORT, "Doomed")
    state.delete_issue(SUPPORT, 1)
    answer = call(emu, "GET", f"/repos/{SUPPORT}/issues/1")
    assert answer.status_code == 410
    assert answer.json() == {
        "message": "This issue was deleted",
        "documentation_url": "https://docs.github.com/rest",
        "status": "410",
    }
    with pytest.raises(GithubException) as gone:
        gh.get_repo(SUPPORT).get_issue(1)
    assert gone.value.status == 410
    assert call(emu, "GET", f"/repos/{SUPPORT}/issues", params={"state": "all"}).json() == []


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_missing_or_bad_token_answers_401(emu: Emulator, token: str | None) -> None:
    answer = call(emu, "GET", f"/repos/{SUPPORT}", token=token)
    assert answer.status_code == 401
    assert answer.json() == {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/rest",
        "status": "401",
    }
    bad = client(emu, token or "x")
    with pytest.raises(BadCredentialsException):
        bad.get_repo(SUPPORT)


def test_errors_in_github_format(emu: Emulator) -> None:
    missing = call(emu, "GET", "/repos/nobody/nothing")
    assert missing.json() == {
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
        "status": "404",
    }
    assert call(emu, "GET", "/no/such/endpoint").status_code == 404
    garbled = call(emu, "POST", f"/repos/{SUPPORT}/issues", data=b"{not json")
    assert garbled.status_code == 400 and garbled.json()["message"].startswith(
        "Problems parsing JSON"
    )
    assert call(emu, "PUT", f"/repos/{SUPPORT}").status_code == 405


def test_repositories_by_id_are_served(emu: Emulator, state: GitHubState) -> None:
    state.create_issue(SUPPORT, "T")
    repo_id = state.repo(SUPPORT).id
    assert call(emu, "GET", f"/repositories/{repo_id}/issues/1").json()["title"] == "T"
    assert call(emu, "GET", "/repositories/1/issues/1").status_code == 404


def test_graphql_is_delegated(state: GitHubState) -> None:
    seen: list[Request] = []

    def graphql(request: Request) -> Response:
        seen.append(request)
        return Response(200, {"data": {"viewer": {"login": "octocat"}}})

    services = [("/github", GitHubService(state, graphql)), ("/bare", GitHubService(state))]
    with Emulator(services, tokens={"github": {TOKEN}}) as emu:
        headers = {"Authorization": f"bearer {TOKEN}"}
        query = {"query": "{ viewer { login } }"}
        answer = requests.post(emu.url + "/github/graphql", json=query, headers=headers, timeout=10)
        bare = requests.post(emu.url + "/bare/graphql", json=query, headers=headers, timeout=10)
    assert answer.json() == {"data": {"viewer": {"login": "octocat"}}}
    assert json.loads(seen[0].body) == query
    assert bare.status_code == 404


def test_schema_check_is_not_vacuous(spec: dict[str, Any]) -> None:
    broken = {"id": 1, "node_id": "x", "url": "u", "name": "bug", "color": "fff"}
    with pytest.raises(AssertionError, match="description"):
        assert_matches(spec, "/repos/{owner}/{repo}/labels", "get", 200, [broken])
    with pytest.raises(AssertionError, match="None is not of type 'string'"):
        assert_matches(
            spec, "/repos/{owner}/{repo}/labels/{name}", "get", 200, {**broken, "name": None}
        )
