"""GitHub's secondary rate limit as GitHub answers it (403 or 429, its message, usually no
Retry-After): `community-sync issue` waits at least a minute (or what Retry-After says), never
past the run's deadline, and a write refused this way is sent again exactly once."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import Harness
from tests.faults.checks import FakeClock
from tests.faults.test_github_faults import COMMENTS, GRAPHQL, assert_mirrored_once, labeled


def test_the_emulator_answers_a_secondary_limit_as_github_does(harness: Harness) -> None:
    server = harness.world.server
    server.inject("github", kind="secondary", method="GET", path=r"^/rate_limit$")
    server.inject("github", kind="secondary", path=r"^/rate_limit$", status=429, retry_after=30)
    url = f"{harness.world.env()['GITHUB_API_URL']}/rate_limit"

    bare, timed = requests.get(url, timeout=5), requests.get(url, timeout=5)

    assert bare.status_code == 403 and "Retry-After" not in bare.headers
    assert "secondary rate limit" in bare.json()["message"]
    assert bare.json()["documentation_url"].startswith("https://docs.github.com/")
    assert int(bare.headers["X-RateLimit-Remaining"]) > 0  # the primary quota is not spent
    assert timed.status_code == 429 and timed.headers["Retry-After"] == "30"


@pytest.mark.parametrize(
    ("fault", "sleeps"),
    [
        ({}, [60.0]),
        ({"status": 429}, [60.0]),
        ({"times": 2}, [60.0, 120.0]),
        ({"retry_after": 75}, [75.0]),
    ],
)
def test_a_secondary_limit_on_the_issue_read_waits_a_minute_or_retry_after(
    harness: Harness, clock: FakeClock, fault: dict[str, object], sleeps: list[float]
) -> None:
    harness.world.server.inject("github", kind="secondary", method="POST", path=GRAPHQL, **fault)

    issue, result = labeled(harness, clock)

    assert result.code == 0, result.stderr
    assert clock.sleeps == sleeps
    assert_mirrored_once(harness, issue)


def test_a_link_comment_refused_by_the_secondary_limit_is_posted_once_a_minute_later(
    harness: Harness, clock: FakeClock
) -> None:
    harness.world.server.inject("github", kind="secondary", method="POST", path=COMMENTS)

    issue, result = labeled(harness, clock)

    assert result.code == 0, result.stderr
    assert clock.sleeps == [60.0]
    assert_mirrored_once(harness, issue)


def test_no_wait_runs_past_the_deadline(harness: Harness, clock: FakeClock) -> None:
    h = harness
    h.world.server.inject("github", kind="secondary", method="POST", path=GRAPHQL, times=10_000)
    policy = clock.policy()
    policy.deadline = clock.now + 45  # a run with 45 s left cannot wait out a minute

    issue = h.world.github.create_issue("example-org/support", "Busy hour", "", labels=["CSH"])
    path = h.write_event("issues", "labeled", issue.number, label="CSH")
    result = h.cli("issue", "--event", str(path), "--event-name", "issues", policy=policy)

    assert result.code == 1
    assert "secondary rate limit" in result.stderr and "gave up after 1 attempts" in result.stderr
    assert clock.sleeps == []
    assert h.world.server.count("asana", writes=True) == 0
