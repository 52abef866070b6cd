"""A reconcile's link comments go out while its Asana writes run: a failure on either side
stops the run cleanly (one error line, exit 1), no comment names a task that is not live, and
the next run finishes the job with one task and one link comment per issue."""

from __future__ import annotations

import re

import pytest

from sync.emulator.github_state import Issue
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import link_comments
from tests.faults.checks import FakeClock, assert_clean_exit, labeled_issues, live_tasks_by_url

ISSUES = 60
GID = re.compile(r"community-sync:task=(\d+)")


def seed(h: Harness) -> list[Issue]:
    return labeled_issues(h.world, ISSUES, "Alongside")


def named_tasks(h: Harness, issues: list[Issue]) -> dict[int, list[str]]:
    """The task gids each issue's link comments name."""
    return {i.number: [m[1] for c in link_comments(h, i) for m in GID.finditer(c)] for i in issues}


def assert_comments_name_live_tasks(h: Harness, issues: list[Issue]) -> None:
    live = {
        t.gid for tasks in live_tasks_by_url(h.world, h.seeded.url_field).values() for t in tasks
    }
    named = [gid for gids in named_tasks(h, issues).values() for gid in gids]
    assert set(named) <= live, set(named) - live


def assert_finished(h: Harness, issues: list[Issue]) -> None:
    """One live task per issue, and one link comment naming it."""
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    urls = {f"https://github.com/{REPO}/issues/{i.number}": i.number for i in issues}
    assert {url: len(tasks) for url, tasks in made.items()} == dict.fromkeys(urls, 1)
    gids = {urls[url]: [tasks[0].gid] for url, tasks in made.items()}
    assert named_tasks(h, issues) == gids


def fail_after(h: Harness, service: str, path: str, passing: int, status: int) -> None:
    """The first ``passing`` POSTs to ``path`` go through; every later one fails past every
    retry."""
    server = h.world.server
    server.inject(service, kind="delay", seconds=0, method="POST", path=path, times=passing)
    server.inject(service, status=status, method="POST", path=path, times=10_000)


def run_failing(h: Harness, clock: FakeClock, issues: list[Issue], error: str) -> None:
    """A reconcile that stops cleanly on the failure, its comments naming live tasks only."""
    failed = h.cli("reconcile", policy=clock.policy())
    assert_clean_exit(failed.code, failed.stdout, failed.stderr)
    assert failed.code == 1
    assert re.search(error, failed.stderr), failed.stderr
    assert_comments_name_live_tasks(h, issues)


def run_again(h: Harness, issues: list[Issue]) -> None:
    """With the fault gone, the next run finishes: every task there, each once. (The comments
    the failed run did not post follow once their tasks are LOST_COMMENT_AGE old.)"""
    h.world.server.clear_faults()
    again = h.cli("-q", "reconcile")
    assert again.code == 0, again.stderr
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    assert all(len(tasks) == 1 for tasks in made.values()) and len(made) == ISSUES
    assert_comments_name_live_tasks(h, issues)


FAILING_SIDES = {
    # The comments' POSTs fail from the tenth on: the run stops, the next one finishes.
    "the comment side": ("github", r"/comments$", 9, 502, r"comment on .*"),
    # Forty creates go through, then none: the comments stop too, none for a missing task.
    "the Asana side": ("asana", r"/tasks$", 40, 503, ""),
}


@pytest.mark.parametrize("side", list(FAILING_SIDES))
def test_a_side_that_gives_up_stops_both_and_the_next_run_finishes(
    harness: Harness, clock: FakeClock, side: str
) -> None:
    h = harness
    service, path, passing, status, what = FAILING_SIDES[side]
    issues = seed(h)
    fail_after(h, service, path, passing, status)
    run_failing(h, clock, issues, rf"error: .*{what}\(after \d+ of \d+ changes; the next run")
    if service == "asana":
        assert sum(map(len, named_tasks(h, issues).values())) <= passing
    run_again(h, issues)


def test_a_backfill_within_its_limits_leaves_one_task_and_one_comment_per_issue(
    harness: Harness,
) -> None:
    h = harness
    issues = seed(h)

    result = h.cli("-q", "reconcile")

    assert result.code == 0, result.stderr
    assert_finished(h, issues)
