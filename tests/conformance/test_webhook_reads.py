"""Every key `community-sync issue` reads from a webhook payload (src/sync/mirror/event.py) is
in GitHub's description of that event, and every key it cannot do without is one GitHub always
sends (required there).

The reads are recorded while :func:`plan_event` handles payloads built by the emulator for each
action (and octokit's real example deliveries), then looked up in the official webhooks
OpenAPI subset (``webhook-issues-<action>``, ``webhook-sub-issues-<action>``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from sync.emulator.github_state import GitHubState
from sync.emulator.github_webhooks import webhook_payload
from sync.errors import EventError
from sync.mirror.event import ISSUE_ACTIONS, SUB_ISSUE_ACTIONS, plan_event
from tests.conformance.graphql_reads import Path, Reads, track
from tests.emulator.test_github_webhooks import COMMUNITY, SCENARIOS, SUPPORT
from tests.reference import reference_path

Schema = dict[str, Any]
# Read although GitHub's issues-event descriptions leave it out (REST issues have it): when it
# is absent, event.py cannot rule out that the issue is a sub-issue and reads the issue tree,
# so its absence costs one read, never a missed sync.
UNDESCRIBED_PROBES = {("issue", "parent_issue_url")}


@pytest.fixture(scope="module")
def schemas() -> dict[str, Schema]:
    path = reference_path("webhooks", "_schemas", "github-webhooks-subset.openapi.json")
    found: dict[str, Schema] = json.loads(path.read_text(encoding="utf-8"))["components"]["schemas"]
    return found


def _resolve(schemas: dict[str, Schema], schema: Schema) -> Iterator[Schema]:
    """The schema and every alternative it stands for ($ref, allOf, anyOf, oneOf)."""
    if "$ref" in schema:
        yield from _resolve(schemas, schemas[schema["$ref"].rsplit("/", 1)[1]])
        return
    yield schema
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key) or ():
            yield from _resolve(schemas, part)


def lookup(schemas: dict[str, Schema], event: str, path: Path) -> tuple[bool, bool]:
    """(the path is described, every key on it is required) in the event's schema; list items
    are looked through, since reads record a list's items at the list's own path."""
    level, required = [schemas[event]], True
    for key in path:
        nxt: list[Schema] = []
        key_required = False
        for schema in (s for top in level for s in _resolve(schemas, top)):
            items = schema.get("items")
            candidates = [*_resolve(schemas, items)] if isinstance(items, dict) else [schema]
            for candidate in candidates:
                if key in (candidate.get("properties") or {}):
                    nxt.append(candidate["properties"][key])
                    key_required = key_required or key in (candidate.get("required") or ())
        if not nxt:
            return False, False
        level, required = nxt, required and key_required
    return True, required


def read_paths(name: str, payload: dict[str, Any]) -> tuple[set[Path], set[Path]]:
    """(every path plan_event read, those read with [] - it cannot do without them)."""
    reads = Reads()
    wrapped = track(payload, name, (), reads)
    with contextlib.suppress(EventError):  # a payload it refuses still shows what it read
        plan_event(name.split("-")[0], wrapped, "CSH", "event.json")
    return reads.paths.get(name, set()), reads.required.get(name, set())


def issue_payloads() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(action, origin, payload): the emulator's for every action, octokit's real examples."""
    for action in sorted(SCENARIOS):
        gh = GitHubState()
        gh.add_repo(SUPPORT, labels=["CSH", "bug"])
        gh.add_repo(COMMUNITY)
        gh.add_user("octocat")
        gh.add_user("hubot")
        gh.create_issue(SUPPORT, "Fix login", "It breaks", labels=["CSH"], assignees=["octocat"])
        extra = SCENARIOS[action](gh)
        yield action, "emulator", webhook_payload(gh, "issues", action, SUPPORT, 1, **extra)
    for action in sorted(ISSUE_ACTIONS):
        try:
            path = reference_path("webhooks", "issues", f"{action}.json")
        except pytest.skip.Exception:
            continue
        yield action, "octokit example", json.loads(path.read_text(encoding="utf-8"))


def sub_issue_payloads() -> Iterator[tuple[str, dict[str, Any]]]:
    for action in sorted(SUB_ISSUE_ACTIONS):
        gh = GitHubState()
        gh.add_repo(SUPPORT, labels=["CSH"])
        gh.add_repo(COMMUNITY)
        gh.create_issue(SUPPORT, "Parent", labels=["CSH"])
        child = gh.create_issue(COMMUNITY, "Child")
        gh.add_sub_issue(SUPPORT, 1, COMMUNITY, child.number)
        if action.endswith("removed"):
            gh.remove_sub_issue(SUPPORT, 1, COMMUNITY, child.number)
        if action.startswith("sub_issue"):  # delivered to the parent's repository
            side: dict[str, Any] = {"sub_issue": (COMMUNITY, child.number)}
            yield action, webhook_payload(gh, "sub_issues", action, SUPPORT, 1, **side)
        else:  # delivered to the sub-issue's repository
            side = {"parent_issue": f"{SUPPORT}#1"}
            yield action, webhook_payload(gh, "sub_issues", action, COMMUNITY, child.number, **side)


def problems(
    schemas: dict[str, Schema], event: str, paths: set[Path], hard: set[Path]
) -> list[str]:
    found = []
    for path in sorted(paths):
        described, required = lookup(schemas, event, path)
        if not described and path in UNDESCRIBED_PROBES and path not in hard:
            continue
        if not described:
            found.append(f"{'.'.join(path)}: not in {event}")
        elif path in hard and not required:
            found.append(f"{'.'.join(path)}: read with [] but not required in {event}")
    return found


def test_every_issues_payload_key_read_is_in_githubs_description(
    schemas: dict[str, Schema],
) -> None:
    found, seen = [], set()
    for action, origin, payload in issue_payloads():
        paths, hard = read_paths(f"issues-{action}", payload)
        seen |= paths
        event = f"webhook-issues-{action}"
        found += [f"{origin} {action}: {p}" for p in problems(schemas, event, paths, hard)]
    assert found == [], "\n".join(found)
    assert {("issue", "html_url"), ("changes", "new_issue"), ("label", "name")} <= seen
    assert seen >= UNDESCRIBED_PROBES  # still read: the exception is still needed


def test_every_sub_issues_payload_key_read_is_in_githubs_description(
    schemas: dict[str, Schema],
) -> None:
    found, seen = [], set()
    for action, payload in sub_issue_payloads():
        paths, hard = read_paths(f"sub_issues-{action}", payload)
        seen |= paths
        event = f"webhook-sub-issues-{action.replace('_', '-')}"
        found += [f"{action}: {p}" for p in problems(schemas, event, paths, hard)]
    assert found == []
    assert {("sub_issue", "number"), ("parent_issue", "html_url")} <= seen


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("issue", "html_url"), (True, True)),
        (("issue", "labels", "name"), (True, False)),  # through the list's items
        (("issue", "no_such_key"), (False, False)),
        (("label", "name"), (True, False)),  # "label" itself is optional on `labeled`
    ],
)
def test_lookup_follows_refs_and_list_items(
    schemas: dict[str, Schema], path: Path, expected: tuple[bool, bool]
) -> None:
    assert lookup(schemas, "webhook-issues-labeled", path) == expected
