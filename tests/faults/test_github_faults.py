"""GitHub misbehaving while `community-sync issue` and `reconcile` run: GraphQL errors with HTTP
200 (RATE_LIMITED and others), secondary rate limits (403 + retry-after), 5xx bursts, resets,
slow answers and failures that outlast the retries, on GraphQL reads and REST writes.

A failed GitHub read must never turn into an Asana write: reconcile reads all of GitHub before
it plans, so an outage halfway through the issue list changes nothing (no task is deleted for
an issue it did not get to see).
"""

from __future__ import annotations

import functools
import re

import pytest

import sync.github.client
from sync.emulator.github_state import Issue
from sync.emulator.seed import REPO
from sync.github.client import GitHubClient
from sync.mirror.link_comment import LOST_COMMENT_AGE
from tests.e2e.conftest import Harness, Result
from tests.e2e.test_issue_events import (
    URL,
    link_comments,
    new_issue,
    only_task,
    set_hours,
    tasks_for,
)
from tests.faults.checks import (
    FakeClock,
    assert_clean_exit,
    assert_nothing_invalid_sent,
    duplicates,
)

GRAPHQL = r"^/graphql$"
COMMENTS = r"^/repos/[^/]+/[^/]+/issues/\d+/comments$"
ISSUE = r"^/repos/[^/]+/[^/]+/issues/\d+$"
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before retrying."
RATE_LIMITED = {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]}


def statuses(h: Harness, method: str, path: str) -> list[int]:
    pattern = re.compile(path)
    with h.world.server.lock:
        return [
            r.status
            for r in h.world.server.requests
            if r.service == "github" and r.method == method and pattern.search(r.path)
        ]


def labeled(h: Harness, clock: FakeClock, title: str = "GitHub hiccups") -> tuple[Issue, Result]:
    """A new CSH issue with hours, handed to `issue` as its `labeled` event."""
    issue = new_issue(h, title=title)
    set_hours(h, issue, 3)
    path = h.write_event("issues", "labeled", issue.number, label="CSH")
    result = h.cli("issue", "--event", str(path), "--event-name", "issues", policy=clock.policy())
    assert_clean_exit(result.code, result.stdout, result.stderr)
    return issue, result


def assert_mirrored_once(h: Harness, issue: Issue) -> None:
    task = only_task(h, issue)
    assert task.parent == h.seeded.communities["example-university"]
    assert len(link_comments(h, issue)) == 1
    assert duplicates(h.world, h.seeded.url_field) == {}
    assert_nothing_invalid_sent(h.world)


# -- GraphQL reads during `issue` -------------------------------------------------------------

GRAPHQL_FAULTS = {
    "5xx burst": ([{"status": 500}, {"status": 502}, {"status": 503}], [1.0, 2.0, 4.0]),
    "RATE_LIMITED with HTTP 200": ([{"status": 200, "body": RATE_LIMITED, "times": 2}], [1.0, 2.0]),
    "RATE_LIMITED with retry-after": (
        [{"status": 200, "body": RATE_LIMITED, "retry_after": 25}],
        [25.0],
    ),
    "secondary rate limit 403": (
        [{"status": 403, "retry_after": 60, "body": {"message": SECONDARY}}],
        [60.0],
    ),
    "429": ([{"status": 429, "retry_after": 3, "times": 2}], [3.0, 3.0]),
    "connection reset": ([{"kind": "reset", "times": 2}], [1.0, 2.0]),
}


@pytest.mark.parametrize("name", list(GRAPHQL_FAULTS))
def test_graphql_faults_on_the_issue_read_are_ridden_out(
    harness: Harness, clock: FakeClock, name: str
) -> None:
    h = harness
    faults, sleeps = GRAPHQL_FAULTS[name]
    for fault in faults:
        h.world.server.inject("github", method="POST", path=GRAPHQL, **fault)

    issue, result = labeled(h, clock)

    assert result.code == 0, result.stderr
    assert clock.sleeps == sleeps
    assert_mirrored_once(h, issue)


def test_a_graphql_answer_slower_than_the_timeout_is_retried(
    harness: Harness, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    # A second of timeout: the retry's answer must fit in it on a loaded CI machine too (the
    # emulator answers in the test's own process); 0.3 s was once not enough.
    monkeypatch.setattr(
        sync.github.client, "GitHubClient", functools.partial(GitHubClient, timeout=1.0)
    )
    h.world.server.inject("github", kind="delay", method="POST", path=GRAPHQL, seconds=2.0)

    issue, result = labeled(h, clock)

    assert result.code == 0, result.stderr
    assert clock.sleeps == [1.0]
    assert_mirrored_once(h, issue)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ({"status": 503, "times": 10_000}, "GitHub API error 503"),
        ({"status": 200, "body": RATE_LIMITED, "times": 10_000}, "GraphQL rate limited"),
        (
            {
                "status": 200,
                "times": 10_000,
                "body": {"errors": [{"type": "INTERNAL", "message": "Something went wrong"}]},
            },
            "GitHub API error: GraphQL: Something went wrong",
        ),
        ({"kind": "reset", "times": 10_000}, "connection failed"),
    ],
)
def test_github_down_for_good_exits_1_without_touching_asana(
    harness: Harness, clock: FakeClock, fault: dict[str, object], words: str
) -> None:
    h = harness
    h.world.server.inject("github", method="POST", path=GRAPHQL, **fault)

    issue, failed = labeled(h, clock)

    assert failed.code == 1
    [line] = [x for x in failed.stderr.splitlines() if x.startswith("error: ")]
    assert line.startswith("error: GitHub API error") and words in line, line
    assert h.world.server.count("asana", writes=True) == 0
    h.world.server.clear_faults()
    path = h.write_event("issues", "labeled", issue.number, label="CSH")
    recovered = h.cli("issue", "--event", str(path), "--event-name", "issues")
    assert recovered.code == 0, recovered.stderr
    assert_mirrored_once(h, issue)


# -- REST writes during `issue` ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "sleeps"),
    [
        ({"status": 403, "retry_after": 61, "body": {"message": SECONDARY}}, [61.0]),
        ({"status": 429, "retry_after": 2, "times": 3}, [2.0, 2.0, 2.0]),
    ],
)
def test_rate_limited_link_comment_is_posted_once_after_waiting(
    harness: Harness, clock: FakeClock, fault: dict[str, object], sleeps: list[float]
) -> None:
    h = harness
    h.world.server.inject("github", method="POST", path=COMMENTS, **fault)

    issue, result = labeled(h, clock)

    assert result.code == 0, result.stderr
    assert clock.sleeps == sleeps
    assert_mirrored_once(h, issue)


def test_a_link_comment_that_happened_but_answered_502_is_not_posted_twice(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    h.world.server.inject("github", kind="after", method="POST", path=COMMENTS, status=502)

    issue, result = labeled(h, clock)

    # The comment's outcome is unknown: the issue's comments are searched for its marker
    # before it would be sent again; it is there, so it is not resent and the run succeeds.
    assert result.code == 0, result.stderr
    assert statuses(h, "POST", COMMENTS) == [502]
    assert len(link_comments(h, issue)) == 1
    again = h.event("edited", issue.number)
    assert again.code == 0, again.stderr
    assert_mirrored_once(h, issue)


def test_a_link_comment_lost_to_a_502_is_posted_by_a_later_run(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    # Every attempt fails (a single 502 is now looked up and sent again in the same run).
    h.world.server.inject("github", method="POST", path=COMMENTS, status=502, times=50)

    issue, failed = labeled(h, clock)

    assert failed.code == 1
    h.world.server.clear_faults()
    [task] = tasks_for(h, URL.format(issue.number))
    assert h.event("edited", issue.number).code == 0
    assert link_comments(h, issue) == []  # young: the creating run may still post it
    task.created_at -= LOST_COMMENT_AGE  # later, the comment is known to be lost
    assert h.event("edited", issue.number).code == 0
    assert h.cli("reconcile").code == 0
    assert_mirrored_once(h, issue)


def test_reopening_an_issue_closed_without_hours_rides_out_a_5xx_burst(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    issue = new_issue(h, title="Closed too early")
    assert h.event("labeled", issue.number, label="CSH").code == 0
    h.world.github.close_issue(REPO, issue.number, "completed")
    for status in (502, 503):
        h.world.server.inject("github", method="PATCH", path=ISSUE, status=status)
    path = h.write_event("issues", "closed", issue.number)

    result = h.cli("issue", "--event", str(path), "--event-name", "issues", policy=clock.policy())

    assert result.code == 0, result.stderr
    assert statuses(h, "PATCH", ISSUE) == [502, 503, 200]
    assert h.world.github.issue(REPO, issue.number).state == "open"
    assert not only_task(h, issue).completed
    guards = [c for c in h.world.github.issue_comments(issue) if "hours-guard" in c.body]
    assert len(guards) == 1


# -- reconcile --------------------------------------------------------------------------------


def many_issues(h: Harness, count: int) -> list[Issue]:
    return [new_issue(h, title=f"Listed {i}") for i in range(count)]


def test_reconcile_rides_out_rate_limits_on_every_listing_page(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    issues = many_issues(h, 150)  # two pages of the issue list
    h.world.server.inject("github", method="POST", path=GRAPHQL, status=200, body=RATE_LIMITED)
    h.world.server.inject("github", method="POST", path=GRAPHQL, status=403, retry_after=9)
    h.world.server.inject("github", method="POST", path=GRAPHQL, status=502)

    result = h.cli("reconcile", policy=clock.policy())

    assert result.code == 0, result.stderr
    assert clock.sleeps == [1.0, 9.0, 4.0]  # the third attempt's backoff is 4 s
    for issue in issues:
        assert len(tasks_for(h, URL.format(issue.number))) == 1
    assert_nothing_invalid_sent(h.world)


def test_a_github_outage_halfway_through_the_listing_writes_nothing(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    issues = many_issues(h, 150)
    assert h.cli("reconcile").code == 0
    for issue in issues[:120]:  # most issues change: a partial read would see few of them
        h.world.github.close_issue(REPO, issue.number, "not_planned")
    h.world.server.reset_log()
    # The first page answers; every later GraphQL request fails.
    h.world.server.inject("github", kind="delay", method="POST", path=GRAPHQL, seconds=0)
    h.world.server.inject("github", method="POST", path=GRAPHQL, status=502, times=10_000)

    failed = h.cli("reconcile", policy=clock.policy())

    assert_clean_exit(failed.code, failed.stdout, failed.stderr)
    assert failed.code == 1
    assert "error: GitHub API error 502" in failed.stderr
    assert h.world.server.count(writes=True) == 0
    h.world.server.clear_faults()
    assert h.cli("reconcile", "--allow-deletes", "120").code == 0  # over csh.max_deletes
    for issue in issues:
        assert len(tasks_for(h, URL.format(issue.number))) == (0 if issue in issues[:120] else 1)


def test_reconcile_rides_out_faults_when_locating_a_moved_issue(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    gh = h.world.github
    gh.add_repo("example-org/elsewhere", labels=["CSH", "community:example-university"])
    issue = new_issue(h, title="Will move")
    assert h.cli("reconcile").code == 0
    gid = only_task(h, issue).gid
    moved = gh.transfer_issue(REPO, issue.number, "example-org/elsewhere")
    h.world.server.inject("github", method="GET", path=ISSUE, status=502)
    h.world.server.inject("github", kind="reset", method="GET", path=ISSUE)

    result = h.cli("reconcile", policy=clock.policy())

    assert result.code == 0, result.stderr
    assert clock.sleeps == [1.0, 2.0]
    url = f"https://github.com/example-org/elsewhere/issues/{moved.number}"
    assert h.world.asana.task(gid).custom_values[h.seeded.url_field] == url
    assert h.world.asana.is_live(gid)


# -- answers that are not what GitHub sends ---------------------------------------------------

GARBAGE = {
    "an HTML page": "<html><body>Service Unavailable</body></html>",
    "an empty body": "",
    "JSON without data": {"message": "ok"},
}


@pytest.mark.parametrize("answer", list(GARBAGE))
def test_a_garbage_graphql_answer_is_never_read_as_a_deleted_issue(
    harness: Harness, clock: FakeClock, answer: str
) -> None:
    # Read as "no such issue", a proxy's page would make the run delete the issue's task.
    h = harness
    issue = new_issue(h, title="Still here")
    assert h.event("labeled", issue.number, label="CSH").code == 0
    gid = only_task(h, issue).gid
    h.world.server.reset_log()
    h.world.server.inject(
        "github", method="POST", path=GRAPHQL, status=200, body=GARBAGE[answer], times=10_000
    )
    path = h.write_event("issues", "edited", issue.number)

    result = h.cli("issue", "--event", str(path), "--event-name", "issues", policy=clock.policy())

    assert_clean_exit(result.code, result.stdout, result.stderr)
    assert result.code == 1
    assert result.stderr.startswith("error: GitHub API error"), result.stderr
    assert h.world.asana.is_live(gid)
    assert h.world.server.count("asana", writes=True) == 0


def test_a_garbage_graphql_answer_during_reconcile_deletes_nothing(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    issues = many_issues(h, 5)
    assert h.cli("reconcile").code == 0
    h.world.server.reset_log()
    h.world.server.inject("github", method="POST", path=GRAPHQL, status=200, body="", times=10_000)

    result = h.cli("reconcile", policy=clock.policy())

    assert result.code == 1, result.stderr
    assert h.world.server.count("asana", writes=True) == 0
    for issue in issues:
        assert len(tasks_for(h, URL.format(issue.number))) == 1


@pytest.mark.parametrize("answer", list(GARBAGE))
def test_a_garbage_rest_answer_when_locating_a_moved_issue_deletes_nothing(
    harness: Harness, clock: FakeClock, answer: str
) -> None:
    h = harness
    gh = h.world.github
    gh.add_repo("example-org/elsewhere", labels=["CSH", "community:example-university"])
    issue = new_issue(h, title="Moved while GitHub misbehaved")
    assert h.cli("reconcile").code == 0
    gid = only_task(h, issue).gid
    gh.transfer_issue(REPO, issue.number, "example-org/elsewhere")
    h.world.server.inject(
        "github", method="GET", path=ISSUE, status=200, body=GARBAGE[answer], times=10_000
    )

    result = h.cli("reconcile", policy=clock.policy())

    assert_clean_exit(result.code, result.stdout, result.stderr)
    assert h.world.asana.is_live(gid), result.stdout
