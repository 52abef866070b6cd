"""A first backfill against Asana's enforced per-minute limit and GitHub's content limits.

The emulator counts requests per token as the real services do (Asana: a minute-long window,
429 with ``Retry-After``; GitHub: 80 content-creating requests a minute, 403 "secondary rate
limit"), on a virtual clock it shares with the program's retry policy, so minutes cost nothing.
With no ``asana.rate_limit_per_minute`` the program does not pace itself: it sends until Asana
says stop, waits exactly what ``Retry-After`` says, and goes on, so it runs at Asana's rate.
"""

from __future__ import annotations

import re

from sync.emulator.core import Request
from sync.emulator.rate_limits import RateLimits
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.faults.checks import FakeClock, assert_clean_exit, live_tasks_by_url

ISSUES = 200  # more tasks than Asana's free plan allows writes in a minute


def unpaced(h: Harness) -> None:
    """The config without asana.rate_limit_per_minute: no pacing at all."""
    text = re.sub(r"\n *rate_limit_per_minute: \d+", "", h.seeded.config_yaml())
    h.config.write_text(text, encoding="utf-8")


def seed(h: Harness) -> set[str]:
    urls = set()
    for i in range(ISSUES):
        labels = ["CSH", "community:example-university"]
        issue = h.world.github.create_issue(REPO, f"Limit {i}", f"Request {i}", labels=labels)
        urls.add(f"https://github.com/{REPO}/issues/{issue.number}")
    return urls


def test_an_unpaced_backfill_runs_into_the_limit_and_waits_only_what_asana_says(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    unpaced(h)
    urls = seed(h)
    limits = RateLimits(asana_per_minute=150, github_content=True, clock=clock.monotonic)
    h.world.server.limits = limits

    result = h.cli("-q", "reconcile", policy=clock.policy())

    assert_clean_exit(result.code, result.stdout, result.stderr)
    assert result.code == 0, result.stderr
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    assert {url: len(tasks) for url, tasks in made.items()} == dict.fromkeys(urls, 1)
    refused = [r for r in h.world.server.requests if r.fault == "rate-limit"]
    assert {(r.service, r.status) for r in refused} == {("asana", 429), ("github", 403)}
    # 100 link comments this run (MAX_NEW_COMMENTS): the 81st waited for GitHub's minute.
    comments = [r for r in h.world.server.requests if r.path.endswith("/comments")]
    assert sum(r.status == 201 for r in comments) == 100
    # Every wait is a Retry-After that ends a minute window: none between requests otherwise.
    assert len(clock.sleeps) == len(refused)
    for r, (wait, started) in zip(refused, _waits(clock), strict=True):
        assert 0 < wait <= 60
        assert r.service == "github" or (started + wait) % 60 == 0, (wait, started)
    asana = sum(1 for r in h.world.server.requests if r.service == "asana" and r.fault is None)
    minutes = clock.now / 60 - 1000 / 60
    assert asana / 150 <= minutes + 1 <= asana / 150 + 2  # no minute was left unused


def _waits(clock: FakeClock) -> list[tuple[float, float]]:
    """(wait, clock when it started) for each sleep of the fake clock."""
    start, found = 1000.0, []
    for wait in clock.sleeps:
        found.append((wait, start))
        start += wait
    return found


def request(method: str, path: str, token: str, body: bytes = b"") -> Request:
    return Request(method, path, {}, {"Authorization": f"Bearer {token}"}, body)


def test_asana_counts_per_token_in_minute_windows_and_says_when_to_retry() -> None:
    now = [30.0]
    limits = RateLimits(asana_per_minute=3, clock=lambda: now[0])
    answers = [limits.check("asana", request("GET", "/tasks/1", "a")) for _ in range(4)]
    assert answers[:3] == [None, None, None]
    refused = answers[3]
    assert refused is not None and refused.status == 429
    assert refused.headers == {"Retry-After": "30"}
    assert "too many requests" in str(refused.body).lower()
    assert limits.check("asana", request("GET", "/tasks/1", "b")) is None  # another token
    now[0] = 60.0
    assert limits.check("asana", request("GET", "/tasks/1", "a")) is None  # a new window
    assert limits.check("github", request("POST", "/repos/o/r/issues/1/comments", "a")) is None


def test_github_limits_content_creation_to_80_a_minute_and_500_an_hour() -> None:
    now = [0.0]
    limits = RateLimits(github_content=True, clock=lambda: now[0])
    comment = request("POST", "/repos/o/r/issues/1/comments", "t")
    assert all(limits.check("github", comment) is None for _ in range(80))
    assert limits.check("github", request("GET", "/repos/o/r/issues/1", "t")) is None  # reads
    refused = limits.check("github", comment)
    assert refused is not None and refused.status == 403
    assert "secondary rate limit" in refused.body["message"]
    assert refused.headers["Retry-After"] == "60"
    for minute in range(1, 7):  # 80 a minute for six minutes would be 560: the hour stops it
        now[0] = minute * 61.0
        allowed = sum(limits.check("github", comment) is None for _ in range(80))
        assert allowed == (80 if minute < 6 else 20)
    mutation = request("POST", "/graphql", "t", b'{"query": "mutation { addComment }"}')
    assert limits.check("github", mutation) is not None
