"""A first backfill against Asana's enforced per-minute limit and GitHub's content limits.

The emulator counts requests per token as the real services do (Asana: a minute-long window,
429 with ``Retry-After``; GitHub: 80 content-creating requests a minute, 403 "secondary rate
limit"), on a virtual clock it shares with the program's retry policy, so minutes cost nothing.
With no ``asana.rate_limit_per_minute`` the program does not pace itself: it sends until Asana
says stop, waits exactly what ``Retry-After`` says, and goes on, so it runs at Asana's rate.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from sync.emulator.core import Request, Response
from sync.emulator.rate_limits import RateLimits
from sync.emulator.virtual_clock import VirtualClock
from sync.retry import RetryPolicy
from tests.e2e.conftest import Harness
from tests.faults.checks import assert_clean_exit, labeled_issues, live_tasks_by_url, urls_of

ISSUES = 200  # more tasks than Asana's free plan allows writes in a minute


def unpaced(h: Harness) -> None:
    """The config without asana.rate_limit_per_minute: no pacing at all."""
    text = re.sub(r"\n *rate_limit_per_minute: \d+", "", h.seeded.config_yaml())
    h.config.write_text(text, encoding="utf-8")


def seed(h: Harness) -> set[str]:
    return urls_of(labeled_issues(h.world, ISSUES, "Limit"))


class TimedLimits(RateLimits):
    """The emulator's limits, noting the virtual time of every request they let through."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__(asana_per_minute=150, github_content=True, clock=clock.monotonic)
        self.passed: list[tuple[str, str, str, float]] = []  # (service, method, path, time)

    def check(self, service: str, request: Request) -> Response | None:
        """As RateLimits, and note when a request went through."""
        refusal = super().check(service, request)
        if refusal is None:
            self.passed.append((service, request.method, request.path, self.clock()))
        return refusal


def test_an_unpaced_backfill_runs_into_the_limit_and_waits_only_what_asana_says(
    harness: Harness,
) -> None:
    h = harness
    unpaced(h)
    urls = seed(h)
    clock = VirtualClock(start=1000.0)  # waits on the two sides overlap, as in real time
    limits = TimedLimits(clock)
    h.world.server.limits = limits
    policy = RetryPolicy(monotonic=clock.monotonic, sleep=clock.sleep, jitter=lambda: 1.0)

    # Writes spaced by a millisecond (the default is GitHub's one second, in real time): the
    # run paces its link comments within GitHub's content limits.
    result = h.cli("-q", "reconcile", policy=policy, COMMUNITY_SYNC_WRITE_INTERVAL="0.001")

    assert_clean_exit(result.code, result.stdout, result.stderr)
    assert result.code == 0, result.stderr
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    assert {url: len(tasks) for url, tasks in made.items()} == dict.fromkeys(urls, 1)
    refused = [r for r in h.world.server.requests if r.fault == "rate-limit"]
    # Asana is run into its limit; GitHub never has to refuse: the comments are paced.
    assert refused and {(r.service, r.status) for r in refused} == {("asana", 429)}
    posted = [t for s, m, p, t in limits.passed if s == "github" and p.endswith("/comments")]
    assert len(posted) == 100  # MAX_NEW_COMMENTS: the rest next run
    assert all(sum(0 <= t - start < 60 for t in posted) <= 80 for start in posted)
    assert posted[80] - posted[0] >= 60  # the 81st waited out GitHub's minute
    # Alongside the Asana writes, not after them: the first comment went out while they ran,
    # and the last one no later than the later of their end and GitHub's minute (the 81st).
    asana_writes = [t for s, m, _, t in limits.passed if s == "asana" and m != "GET"]
    assert posted[0] < asana_writes[-1]
    assert posted[-1] <= max(asana_writes[-1], posted[0] + 60) + 5
    # Every other wait is a Retry-After that ends Asana's minute window.
    pacing = [(wait, began) for wait, began in clock.sleeps if (began + wait) % 60 >= 2]
    assert len(clock.sleeps) - len(pacing) == len(refused)
    assert all(0 < wait <= 60 for wait, _ in clock.sleeps)
    # No minute window was left unused: each but the last carried the full 150.
    windows = Counter(math.floor(t / 60) for s, _, _, t in limits.passed if s == "asana")
    assert list(windows.values())[:-1] == [150] * (len(windows) - 1)
    assert sorted(windows) == list(range(min(windows), max(windows) + 1))


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
