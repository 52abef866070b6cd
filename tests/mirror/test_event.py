"""Reading webhook payloads: the real examples from octokit/webhooks, and broken ones."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from sync.errors import EventError
from sync.mirror.event import plan_event
from tests.reference import reference_path

ACTIONS = ("assigned", "deleted", "edited", "labeled", "opened", "reopened", "unlabeled")


def example(action: str) -> dict[str, Any]:
    path = reference_path("webhooks", "issues", f"{action}.json")
    payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return payload


@pytest.mark.parametrize("action", ACTIONS)
def test_real_example_payloads_are_read(action: str) -> None:
    payload = example(action)
    event = plan_event("issues", payload, "CSH", "event.json")
    repo = payload["repository"]["full_name"]
    number = payload["issue"]["number"]
    # The examples carry no CSH label and no sub-issue information: the issue may still sit
    # in a CSH tree, so it is looked at rather than skipped.
    assert event.skip_reason is None
    [target] = event.targets
    assert (target.repo, target.number, target.url) == (repo, number, payload["issue"]["html_url"])
    assert target.deleted == (action == "deleted")


def test_the_csh_label_in_a_real_payload_is_seen() -> None:
    payload = example("labeled")
    payload["issue"]["labels"].append({**payload["label"], "name": "csh"})
    [target] = plan_event("issues", payload, "CSH", "event.json").targets
    assert target.may_have_task


def test_unlabeled_csh_may_leave_a_task_behind() -> None:
    payload = example("unlabeled")
    payload["label"]["name"] = "CSH"
    [target] = plan_event("issues", payload, "CSH", "event.json").targets
    assert target.may_have_task


def test_a_payload_that_proves_it_is_no_sub_issue_is_skipped() -> None:
    payload = example("opened")
    payload["issue"]["parent_issue_url"] = None
    event = plan_event("issues", payload, "CSH", "event.json")
    assert event.skip_reason is not None and "has no CSH label" in event.skip_reason


def test_other_events_and_actions_are_skipped() -> None:
    assert plan_event("push", {"action": "x"}, "CSH", "e.json").skip_reason
    assert plan_event("issues", {**example("opened"), "action": "pinned"}, "CSH", "e").skip_reason


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda p: p.pop("action"), "action"),
        (lambda p: p.pop("issue"), "issue"),
        (lambda p: p["issue"].update(number="7"), "issue.number"),
        (lambda p: p["issue"].update(number=0), "issue.number"),
        (lambda p: p["issue"].pop("html_url"), "issue.html_url"),
        (lambda p: p.update(issue=[1]), "issue"),
    ],
)
def test_broken_payloads_name_the_key(mutate: Any, key: str) -> None:
    payload = copy.deepcopy(example("opened"))
    mutate(payload)
    with pytest.raises(EventError) as raised:
        plan_event("issues", payload, "CSH", "event.json")
    assert str(raised.value).startswith(f"event.json: {key}: ")


def test_transferred_targets_the_new_issue_and_remembers_the_old_url() -> None:
    payload = copy.deepcopy(example("opened"))
    payload["action"] = "transferred"
    new_issue = {**payload["issue"], "number": 99, "html_url": "https://github.com/o/new/issues/99"}
    payload["changes"] = {"new_issue": new_issue, "new_repository": {"full_name": "o/new"}}
    [target] = plan_event("issues", payload, "CSH", "event.json").targets
    assert (target.repo, target.number) == ("o/new", 99)
    assert target.old_url == payload["issue"]["html_url"]
