"""The comment side of a reconcile: paced within GitHub's content limits, each link comment
only after its create was verified (in batches), and a failure on either side stops both."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, cast

import pytest

from sync.errors import ApiFailure
from sync.mirror.apply import Applied, Applier
from sync.mirror.comment_queue import CONTENT_LIMITS, CommentSide, ContentPacer
from sync.mirror.model import DesiredTask, ParentRef
from sync.mirror.plan import Change, CreateTask, LinkComment, ReopenIssue
from sync.progress import Budget, Progress
from sync.retry import GaveUp
from tests.fakes import FakeClock

URL = "https://github.com/o/r/issues/{}"


def test_the_pacer_lets_80_through_a_minute_then_waits_for_the_oldest_to_leave() -> None:
    clock = FakeClock(now=0.0)
    pacer = ContentPacer(clock.monotonic)
    for _ in range(80):
        assert pacer.delay() == 0.0
        pacer.sent()
        clock.sleep(0.25)  # 80 in 20 s
    assert pacer.delay() == pytest.approx(40.0)  # the first leaves the window at 60 s
    clock.sleep(40.0)
    assert pacer.delay() == 0.0


def test_the_pacer_keeps_an_hour_to_500() -> None:
    clock = FakeClock(now=0.0)
    pacer = ContentPacer(clock.monotonic)
    for _ in range(500):
        clock.sleep(pacer.delay())
        pacer.sent()
    assert clock.now == pytest.approx(6 * 60.0)  # 80 a minute: six full minutes, then 20
    assert pacer.delay() == pytest.approx(3600.0 - clock.now)
    assert ContentPacer(clock.monotonic, ()).delay() == 0.0  # no limits: never waits
    assert CONTENT_LIMITS == ((60.0, 80), (3600.0, 500))


class FakeApplier:
    """Records verifications and posts; checks that no comment precedes its verification."""

    def __init__(self, fail_on: str | None = None, lose: Sequence[str] = ()) -> None:
        self.verified: set[str] = set()
        self.batches: list[list[str]] = []
        self.posted: list[str] = []
        self.early: list[str] = []  # comments posted before their create was verified
        # (issues numbered 900 and up have a task already: their comments need no check)
        self.fail_on = fail_on
        self.lose = set(lose)
        self.lock = threading.Lock()

    def settle_creates(self, creates: list[CreateTask], result: Applied) -> None:
        urls = [c.desired.url for c in creates]
        with self.lock:
            self.batches.append(urls)
            self.verified.update(urls)
        result.lost |= self.lose & set(urls)

    def apply(self, changes: Sequence[Change], result: Applied | None = None) -> Applied:
        for change in changes:
            url = change.url if isinstance(change, LinkComment) else str(change)
            if url == self.fail_on:
                raise GaveUp("GitHub", "server error 502 (gave up after 6 attempts)", 502)
            with self.lock:
                waits = isinstance(change, LinkComment) and change.number < 900  # created
                if waits and url not in self.verified:
                    self.early.append(url)
                self.posted.append(url)
        return result or Applied()


def create(n: int) -> CreateTask:
    desired = DesiredTask(URL.format(n), f"o/r#{n}", f"Issue {n}", "", None, False, ParentRef(), {})
    return CreateTask(desired)


def comment(n: int) -> LinkComment:
    return LinkComment("o/r", n, URL.format(n), None)


def side(
    applier: FakeApplier, comments: Sequence[Change], created: int, **kwargs: Any
) -> CommentSide:
    clock = FakeClock(now=0.0)
    budget = kwargs.pop("budget", Budget(None, clock.monotonic))
    known = kwargs.pop("known", 0)  # tasks the project had already
    gids = {URL.format(n): str(n) for n in range(created)}
    return CommentSide(
        cast(Applier, applier),
        Applied(task_gids=gids | {f"{URL.format(n)}#old": str(n) for n in range(known)}),
        comments,
        {URL.format(n) for n in range(created)},
        budget=budget,
        progress=Progress(len(comments), "applying changes", lambda _line: None),
        sleep=clock.sleep,
        pacer=ContentPacer(clock.monotonic),
        asana_changes=kwargs.pop("asana_changes", created),
        **kwargs,
    )


def test_each_link_comment_waits_for_its_create_to_be_verified_in_batches() -> None:
    applier = FakeApplier()
    comments = [comment(n) for n in range(100)]
    repair = LinkComment("o/r", 999, URL.format(999), None)  # a task that exists: no wait
    reopen = ReopenIssue("o/r", 998, "I_998", "no hours")
    comments_side = side(applier, [repair, reopen, *comments], created=300)
    for n in range(300):  # the Asana thread's creates, one after another
        comments_side.after(create(n))
    comments_side.finish()

    assert applier.early == []
    assert sorted(applier.posted) == sorted(
        [URL.format(999), str(reopen), *map(URL.format, range(100))]
    )
    assert sum(map(len, applier.batches)) == 300  # every create verified once
    # At least 25 commented creates a check (or the last of them, with 25 or more creates
    # still to come), plus one for the rest.
    assert len(applier.batches) <= 100 // 25 + 2
    assert comments_side.progress.done == 102


def test_the_last_comments_are_checked_early_when_much_asana_work_is_left() -> None:
    applier = FakeApplier()
    comments_side = side(applier, [comment(n) for n in range(30)], created=300)
    for n in range(25):
        comments_side.after(create(n))
    assert applier.batches == [[URL.format(n) for n in range(25)]]  # the first batch
    wait_for(lambda: len(applier.posted) == 25)  # the comment side runs dry
    for n in range(25, 30):
        comments_side.after(create(n))
    assert applier.batches[1:] == [[URL.format(n) for n in range(25, 30)]]  # the last five
    for n in range(30, 300):
        comments_side.after(create(n))
    assert len(applier.batches) == 2  # no comment waits: no check until the end
    comments_side.finish()
    assert len(applier.batches) == 3 and len(applier.batches[2]) == 270
    assert applier.early == [] and len(applier.posted) == 30


def wait_for(condition: Callable[[], bool]) -> None:
    """Wait (up to 10 s) until the worker thread has made ``condition`` true."""
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there"
        time.sleep(0.001)


def test_a_few_comments_cost_the_one_check_after_the_creates() -> None:
    applier = FakeApplier()
    comments_side = side(applier, [comment(n) for n in range(3)], created=10)
    for n in range(10):
        comments_side.after(create(n))
    assert applier.batches == []
    comments_side.finish()
    assert len(applier.batches) == 1 and sorted(applier.posted) == sorted(
        URL.format(n) for n in range(3)
    )


def test_a_large_project_verifies_in_larger_batches() -> None:
    applier = FakeApplier()
    # 6,000 tasks: 60 pages a check, so a check before the last must release 120 comments.
    comments_side = side(applier, [comment(n) for n in range(100)], created=100, known=5_900)
    for n in range(100):
        comments_side.after(create(n))
    comments_side.finish()
    assert len(applier.batches) == 1
    assert applier.early == [] and len(applier.posted) == 100


def test_a_comment_whose_task_lost_the_race_is_handed_to_the_applier_after_verification() -> None:
    applier = FakeApplier(lose=[URL.format(3)])
    comments_side = side(applier, [comment(n) for n in range(5)], created=5)
    for n in range(5):
        comments_side.after(create(n))
    comments_side.finish()
    # The applier skips a lost task's comment (the run that created it first posts it).
    assert URL.format(3) in comments_side.applied.lost
    assert applier.early == []


def test_a_failed_comment_stops_the_asana_side_at_its_next_change() -> None:
    applier = FakeApplier(fail_on=URL.format(1))
    comments_side = side(applier, [comment(n) for n in range(30)], created=30)
    with pytest.raises(ApiFailure, match="gave up"):
        for n in range(30):
            comments_side.after(create(n))
        comments_side.finish()
    comments_side.halt()
    assert URL.format(1) not in applier.posted
    assert len(applier.posted) <= 1  # nothing after the failure


def test_the_comment_side_stops_at_the_time_budget() -> None:
    clock = FakeClock(now=0.0)
    applier = FakeApplier()
    spent = Budget(clock.now + 1.0, clock.monotonic)  # less than the reserve a write keeps
    comments_side = side(applier, [comment(n) for n in range(3)], created=0, budget=spent)
    comments_side.finish()
    assert applier.posted == []
    assert comments_side.out_of_time


def test_a_halt_stops_the_worker_and_leaves_the_rest() -> None:
    applier = FakeApplier()
    comments_side = side(applier, [comment(n) for n in range(50)], created=50)
    comments_side.halt()  # the Asana side failed before any create
    comments_side.finish()
    assert applier.posted == [] and applier.batches == []
