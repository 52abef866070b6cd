"""Progress lines and the time budget, on a fake clock."""

from __future__ import annotations

from sync.errors import ApiFailure
from sync.mirror.apply import permanent
from sync.progress import RESERVE, Budget, Progress, duration
from sync.retry import OutOfTime
from tests.fakes import FakeClock


def test_a_line_at_most_every_interval_with_rate_and_time_left() -> None:
    clock, lines = FakeClock(now=0.0), []
    progress = Progress(300, "applying changes", lines.append, clock.monotonic)
    for _ in range(30):
        clock.sleep(0.4)  # 150 changes a minute
        progress.step()
    assert lines == ["applying changes: 25 of 300 done, 150/min, about 1m50s left"]


def test_a_budget_leaves_room_for_the_longest_change_so_far() -> None:
    clock = FakeClock(now=0.0)
    budget = Budget.of(60, clock.monotonic)
    budget.took(20)
    clock.sleep(60 - 20 - RESERVE)
    assert budget.allows_another()
    clock.sleep(0.5)
    assert not budget.allows_another()
    assert Budget.of(None, clock.monotonic).allows_another()


def test_durations_read_naturally() -> None:
    assert [duration(s) for s in (4.6, 185, 7800)] == ["5s", "3m05s", "2h10m"]


def test_a_retry_cut_short_by_the_budget_is_not_a_refusal() -> None:
    assert permanent(ApiFailure("GitHub", "forbidden", 403))
    assert not permanent(OutOfTime("GitHub", "secondary rate limit (no time left)", 403))
