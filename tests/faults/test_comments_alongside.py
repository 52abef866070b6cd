"""A reconcile's link comments go out while its Asana writes run: a failure on either side
stops the run cleanly (one error line, exit 1), no comment names a task that is not live, and
the next run finishes the job with one task and one link comment per issue."""

from __future__ import annotations

import re

from sync.emulator.github_state import Issue
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import link_comments
from tests.faults.checks import FakeClock, assert_clean_exit, live_tasks_by_url

ISSUES = 60
GID = re.compile(r"community-sync:task=(\d+)")


def seed(h: Harness) -> list[Issue]:
    labels = ["CSH", "community:example-university"]
    return [
        h.world.github.create_issue(REPO, f"Alongside {i}", f"Request {i}", labels=labels)
        for i in range(ISSUES)
    ]


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


def test_a_comment_side_that_gives_up_stops_the_run_and_the_next_run_finishes(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    issues = seed(h)
    # The comments' POSTs fail from the tenth on, past every retry.
    h.world.server.inject(
        "github", kind="delay", seconds=0, method="POST", path=r"/comments$", times=9
    )
    h.world.server.inject("github", status=502, method="POST", path=r"/comments$", times=10_000)

    failed = h.cli("reconcile", policy=clock.policy())

    assert_clean_exit(failed.code, failed.stdout, failed.stderr)
    assert failed.code == 1
    assert re.search(
        r"error: .*comment on .*\(after \d+ of \d+ changes; the next run", failed.stderr
    )
    assert_comments_name_live_tasks(h, issues)
    h.world.server.clear_faults()
    again = h.cli("-q", "reconcile")
    assert again.code == 0, again.stderr
    # The comments the failed run did not post follow once their tasks are LOST_COMMENT_AGE
    # old; the tasks are all there, each once.
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    assert all(len(tasks) == 1 for tasks in made.values()) and len(made) == ISSUES
    assert_comments_name_live_tasks(h, issues)


def test_an_asana_side_that_gives_up_stops_the_comments_too(
    harness: Harness, clock: FakeClock
) -> None:
    h = harness
    issues = seed(h)
    # Forty creates go through, then Asana fails every create past the retries.
    h.world.server.inject(
        "asana", kind="delay", seconds=0, method="POST", path=r"/tasks$", times=40
    )
    h.world.server.inject("asana", status=503, method="POST", path=r"/tasks$", times=10_000)

    failed = h.cli("reconcile", policy=clock.policy())

    assert_clean_exit(failed.code, failed.stdout, failed.stderr)
    assert failed.code == 1
    assert re.search(r"error: .*\(after \d+ of \d+ changes; the next run", failed.stderr)
    assert_comments_name_live_tasks(h, issues)  # only verified tasks were named
    posted = sum(map(len, named_tasks(h, issues).values()))
    assert posted <= 40  # none for a task that was not created
    h.world.server.clear_faults()
    again = h.cli("-q", "reconcile")
    assert again.code == 0, again.stderr
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    assert all(len(tasks) == 1 for tasks in made.values()) and len(made) == ISSUES
    assert_comments_name_live_tasks(h, issues)


def test_a_backfill_within_its_limits_leaves_one_task_and_one_comment_per_issue(
    harness: Harness,
) -> None:
    h = harness
    issues = seed(h)

    result = h.cli("-q", "reconcile")

    assert result.code == 0, result.stderr
    assert_finished(h, issues)
