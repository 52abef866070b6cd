"""A first reconcile with a time budget: it shows progress, stops starting changes in time,
says how far it got, exits 0, and the next run finishes the job without duplicates.

Time is simulated: the run's clock advances one second per request the emulator answers, so
the budget runs out part-way through the backfill without the test sleeping.
"""

from __future__ import annotations

import re

from sync.retry import RetryPolicy
from tests.e2e.conftest import Harness
from tests.faults.checks import assert_clean_exit, labeled_issues, live_tasks_by_url, urls_of

ISSUES = 60


def seed(h: Harness) -> set[str]:
    """ISSUES labeled issues in one community; their URLs."""
    return urls_of(labeled_issues(h.world, ISSUES, "Budget"))


def request_clock(h: Harness) -> RetryPolicy:
    """A retry policy whose clock is the number of requests answered so far (1 s each)."""
    slept: list[float] = []
    return RetryPolicy(
        monotonic=lambda: float(len(h.world.server.requests)) + sum(slept),
        sleep=slept.append,
        jitter=lambda: 1.0,
    )


def test_a_run_out_of_budget_stops_says_so_and_the_next_run_continues(harness: Harness) -> None:
    h = harness
    urls = seed(h)

    first = h.cli("reconcile", "--time-budget", "60", policy=request_clock(h))

    assert_clean_exit(first.code, first.stdout, first.stderr)
    assert first.code == 0, first.stderr
    stopped = re.search(r"(\d+) of (\d+) changes done; the rest next run", first.stderr)
    assert stopped is not None, first.stderr
    done, total = int(stopped[1]), int(stopped[2])
    assert 0 < done < total
    assert stopped[0] in first.summary
    progress = re.findall(
        r"applying changes: (\d+) of (\d+) done, \d+/min, about \S+ left", first.stderr
    )
    assert progress and all(int(t) == total for _, t in progress)
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    assert all(len(tasks) == 1 for tasks in made.values())
    assert 0 < len(made) < ISSUES
    # The run stopped before its budget ran out (60 requests, one second each).
    assert len(h.world.server.requests) <= 60 + 5
    assert f"created {len(made)} tasks" in first.stderr  # what it did, not what it planned

    second = h.cli("-q", "reconcile")

    assert second.code == 0, second.stderr
    assert "the rest next run" not in second.stderr
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    assert {url: len(tasks) for url, tasks in made.items()} == dict.fromkeys(urls, 1)


def test_a_run_within_its_budget_does_everything(harness: Harness) -> None:
    h = harness
    urls = seed(h)

    result = h.cli("reconcile", "--time-budget", "3600", policy=request_clock(h))

    assert result.code == 0, result.stderr
    assert "the rest next run" not in result.stderr
    assert set(live_tasks_by_url(h.world, h.seeded.url_field)) == urls


def test_a_time_budget_must_be_a_positive_number(harness: Harness) -> None:
    for bad in ("soon", "0", "-5", "inf", "nan"):
        result = harness.cli("reconcile", "--time-budget", bad)
        assert result.code == 2, bad
        assert "--time-budget" in result.stderr and "Traceback" not in result.stderr


def test_a_retry_that_would_outlast_the_budget_is_left_for_the_next_run(
    harness: Harness,
) -> None:
    h = harness
    urls = seed(h)
    # A few tasks go through, then Asana asks for two minutes' rest: more than the budget has.
    h.world.server.inject("asana", kind="delay", seconds=0, method="POST", times=5)
    h.world.server.inject("asana", status=429, retry_after=120, method="POST", times=1)
    policy = request_clock(h)

    first = h.cli("reconcile", "--time-budget", "100", policy=policy)

    assert first.code == 0, first.stderr
    assert "changes done; the rest next run" in first.stderr
    assert policy.slept == []  # the 120 s wait was not started
    second = h.cli("-q", "reconcile")
    assert second.code == 0, second.stderr
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    assert {url: len(tasks) for url, tasks in made.items()} == dict.fromkeys(urls, 1)
