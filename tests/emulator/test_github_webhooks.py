"""Webhook payloads built from the emulated state, checked against GitHub's own descriptions.

Every payload validates against its event schema in the official webhooks OpenAPI subset, and
carries at least the keys of octokit's real example deliveries.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from sync.emulator.github_state import GitHubState
from sync.emulator.github_webhooks import webhook_payload, write_event

REFERENCE = Path(
    os.environ.get("SYNC_REFERENCE_DIR", Path(__file__).resolve().parents[3] / "shared/reference")
)
SCHEMAS = REFERENCE / "webhooks/_schemas/github-webhooks-subset.openapi.json"
EXAMPLES = REFERENCE / "webhooks/issues"
ORG = "example-org"
SUPPORT = f"{ORG}/support"
COMMUNITY = f"{ORG}/community"


@pytest.fixture(scope="module")
def components() -> dict[str, Any]:
    if not SCHEMAS.exists():
        pytest.skip(f"reference webhook schemas not found at {SCHEMAS}")
    document: dict[str, Any] = json.loads(SCHEMAS.read_text())["components"]
    return document


def assert_valid(components: dict[str, Any], name: str, payload: dict[str, Any]) -> None:
    """Validate a payload against ``#/components/schemas/<name>``, refs resolved in the file."""
    validator = Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": components}
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(payload)]
    assert not errors, f"{name}:\n" + "\n".join(errors[:10])


def example(action: str) -> dict[str, Any] | None:
    """octokit's real example delivery for ``issues.<action>``, if there is one."""
    path = EXAMPLES / f"{action}.json"
    return json.loads(path.read_text()) if path.exists() else None


def assert_has_example_keys(payload: dict[str, Any], real: dict[str, Any]) -> None:
    """Every key of the real delivery (and of its nested objects) is in the payload."""
    assert set(real) - {"installation"} <= set(payload)
    for key in ("issue", "repository", "sender", "label", "assignee"):
        if isinstance(real.get(key), dict):
            assert set(real[key]) <= set(payload[key]), key
    for key in ("user", "reactions"):
        assert set(real["issue"][key]) <= set(payload["issue"][key]), key
    if real["issue"]["labels"] and payload["issue"]["labels"]:
        assert set(real["issue"]["labels"][0]) <= set(payload["issue"]["labels"][0])


@pytest.fixture
def state() -> GitHubState:
    gh = GitHubState()
    gh.add_repo(SUPPORT, labels=["CSH", "bug"])
    gh.add_repo(COMMUNITY)
    gh.add_user("octocat")
    gh.add_user("hubot")
    gh.create_issue(SUPPORT, "Fix login", "It breaks", labels=["CSH"], assignees=["octocat"])
    return gh


def _edited(gh: GitHubState) -> dict[str, Any]:
    gh.edit_issue(SUPPORT, 1, title="Fix the login")
    return {"changes": {"title": {"from": "Fix login"}}}


def _labeled(gh: GitHubState) -> dict[str, Any]:
    gh.add_issue_label(SUPPORT, 1, "bug")
    return {"label": "bug", "sender": "hubot"}


def _unlabeled(gh: GitHubState) -> dict[str, Any]:
    gh.remove_issue_label(SUPPORT, 1, "CSH")
    return {"label": "CSH"}


def _assigned(gh: GitHubState) -> dict[str, Any]:
    gh.set_assignees(SUPPORT, 1, ["octocat", "hubot"])
    return {"assignee": "hubot"}


def _unassigned(gh: GitHubState) -> dict[str, Any]:
    gh.set_assignees(SUPPORT, 1, [])
    return {"assignee": "octocat"}


def _closed(gh: GitHubState) -> dict[str, Any]:
    gh.close_issue(SUPPORT, 1, "not_planned")
    return {}


def _reopened(gh: GitHubState) -> dict[str, Any]:
    gh.close_issue(SUPPORT, 1)
    gh.reopen_issue(SUPPORT, 1)
    return {}


def _deleted(gh: GitHubState) -> dict[str, Any]:
    gh.delete_issue(SUPPORT, 1)
    return {}


def _transferred(gh: GitHubState) -> dict[str, Any]:
    gh.transfer_issue(SUPPORT, 1, COMMUNITY)
    return {}


SCENARIOS: dict[str, Callable[[GitHubState], dict[str, Any]]] = {
    "opened": lambda gh: {},
    "edited": _edited,
    "labeled": _labeled,
    "unlabeled": _unlabeled,
    "assigned": _assigned,
    "unassigned": _unassigned,
    "closed": _closed,
    "reopened": _reopened,
    "deleted": _deleted,
    "transferred": _transferred,
}


@pytest.mark.parametrize("action", sorted(SCENARIOS))
def test_issues_payloads_match_schema_and_real_examples(
    state: GitHubState, components: dict[str, Any], action: str
) -> None:
    payload = webhook_payload(state, "issues", action, SUPPORT, 1, **SCENARIOS[action](state))
    assert payload["action"] == action
    assert_valid(components, f"webhook-issues-{action}", payload)
    real = example(action)
    if real is not None:
        assert_has_example_keys(payload, real)
    assert "state_reason" in payload["issue"]
    assert payload["repository"]["full_name"] == SUPPORT
    assert payload["organization"]["login"] == ORG


def test_payload_details(state: GitHubState) -> None:
    state.close_issue(SUPPORT, 1, "not_planned")
    closed = webhook_payload(state, "issues", "closed", SUPPORT, 1)
    assert (closed["issue"]["state"], closed["issue"]["state_reason"]) == ("closed", "not_planned")
    assert closed["issue"]["html_url"] == f"https://github.com/{SUPPORT}/issues/1"
    assert closed["issue"]["url"] == f"https://api.github.com/repos/{SUPPORT}/issues/1"
    assert closed["sender"]["login"] == "octocat"
    labeled = webhook_payload(state, "issues", "labeled", SUPPORT, 1, sender="hubot")
    assert (labeled["label"]["name"], labeled["sender"]["login"]) == ("CSH", "hubot")
    edited = webhook_payload(state, "issues", "edited", SUPPORT, 1, api_url="http://emu/github")
    assert edited["changes"] == {}
    assert edited["issue"]["url"] == f"http://emu/github/repos/{SUPPORT}/issues/1"


def test_transferred_fires_in_the_old_repository(state: GitHubState) -> None:
    state.create_issue(COMMUNITY, "Already there")
    state.transfer_issue(SUPPORT, 1, COMMUNITY)
    payload = webhook_payload(state, "issues", "transferred", SUPPORT, 1)
    assert payload["repository"]["full_name"] == SUPPORT
    assert payload["issue"]["number"] == 1
    new_issue, new_repo = payload["changes"]["new_issue"], payload["changes"]["new_repository"]
    assert (new_issue["number"], new_repo["full_name"]) == (2, COMMUNITY)
    assert new_issue["labels"] == []  # the target repository has no CSH label
    assert new_issue["html_url"] == f"https://github.com/{COMMUNITY}/issues/2"


def test_user_owned_repository_has_no_organization(
    state: GitHubState, components: dict[str, Any]
) -> None:
    state.add_repo("octocat/personal")
    state.create_issue("octocat/personal", "Mine")
    payload = webhook_payload(state, "issues", "opened", "octocat/personal", 1)
    assert "organization" not in payload
    assert payload["repository"]["owner"]["type"] == "User"
    assert_valid(components, "webhook-issues-opened", payload)


@pytest.mark.parametrize(
    "action",
    ["sub_issue_added", "sub_issue_removed", "parent_issue_added", "parent_issue_removed"],
)
def test_sub_issues_payloads_match_schema(
    state: GitHubState, components: dict[str, Any], action: str
) -> None:
    child = state.create_issue(COMMUNITY, "Child")
    state.add_sub_issue(SUPPORT, 1, COMMUNITY, child.number)
    if action.endswith("removed"):
        state.remove_sub_issue(SUPPORT, 1, COMMUNITY, child.number)
    if action.startswith("sub_issue"):
        payload = webhook_payload(state, "sub_issues", action, SUPPORT, 1, sub_issue=(COMMUNITY, 1))
        assert (payload["repository"]["full_name"], payload["sub_issue_repo"]["full_name"]) == (
            SUPPORT,
            COMMUNITY,
        )
    else:
        payload = webhook_payload(
            state, "sub_issues", action, COMMUNITY, 1, parent_issue=f"{SUPPORT}#1"
        )
        assert payload["repository"]["full_name"] == COMMUNITY
        assert payload["parent_issue_repo"]["full_name"] == SUPPORT
    assert_valid(components, "webhook-sub-issues-" + action.replace("_", "-"), payload)
    assert (payload["sub_issue_id"], payload["parent_issue_id"]) == (
        child.id,
        state.issue(SUPPORT, 1).id,
    )
    total = payload["parent_issue"]["sub_issues_summary"]["total"]
    assert total == (0 if action.endswith("removed") else 1)


def test_sub_issue_added_defaults_to_the_newest_link(state: GitHubState) -> None:
    child = state.create_issue(SUPPORT, "Child")
    state.add_sub_issue(SUPPORT, 1, SUPPORT, child.number)
    added = webhook_payload(state, "sub_issues", "sub_issue_added", SUPPORT, 1)
    assert added["sub_issue"]["number"] == child.number
    assert added["sub_issue"]["parent_issue_url"].endswith(f"/repos/{SUPPORT}/issues/1")
    up = webhook_payload(state, "sub_issues", "parent_issue_added", SUPPORT, child.number)
    assert up["parent_issue"]["number"] == 1


def test_extra_keys_are_copied_and_bad_requests_refused(state: GitHubState) -> None:
    installation = {"id": 42, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI="}
    payload = webhook_payload(state, "issues", "opened", SUPPORT, 1, installation=installation)
    assert payload["installation"] == installation
    with pytest.raises(ValueError, match="unsupported"):
        webhook_payload(state, "issues", "pinned", SUPPORT, 1)
    with pytest.raises(ValueError, match="unsupported"):
        webhook_payload(state, "pull_request", "opened", SUPPORT, 1)
    with pytest.raises(ValueError, match="label"):
        webhook_payload(state, "issues", "unlabeled", SUPPORT, 1)
    with pytest.raises(ValueError, match="not transferred"):
        webhook_payload(state, "issues", "transferred", SUPPORT, 1)
    with pytest.raises(ValueError, match="sub_issue"):
        webhook_payload(state, "sub_issues", "sub_issue_removed", SUPPORT, 1)


def test_write_event_round_trips(state: GitHubState, tmp_path: Path) -> None:
    payload = webhook_payload(state, "issues", "opened", SUPPORT, 1)
    path = write_event(tmp_path / "events" / "issues.json", payload)
    assert json.loads(path.read_text()) == payload


def test_schema_check_is_not_vacuous(state: GitHubState, components: dict[str, Any]) -> None:
    payload = webhook_payload(state, "issues", "opened", SUPPORT, 1)
    del payload["issue"]["user"]["login"]
    with pytest.raises(AssertionError, match="login"):
        assert_valid(components, "webhook-issues-opened", payload)
