"""The pacer keeps Asana requests under the plan's limit, which Asana counts in minute-long
windows: no 60 s window may hold more than ``rate_limit_per_minute`` requests, whatever the
pattern of calls, while a long backfill still runs close to the limit."""

from __future__ import annotations

from bisect import bisect_left

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.asana.pacer import Pacer


def sent_at(per_minute: int, gaps: list[float]) -> list[float]:
    """When each request leaves, for calls made ``gaps`` seconds apart (fake clock)."""
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(per_minute, monotonic=lambda: now[0], sleep=sleep)
    times = []
    for gap in gaps:
        now[0] += gap
        pacer.wait()
        times.append(now[0])
    return times


def busiest_minute(times: list[float]) -> int:
    """The most requests in any 60 s window [t, t + 60)."""
    return max(bisect_left(times, t + 60) - i for i, t in enumerate(times))


@settings(max_examples=200, deadline=None)
@given(
    per_minute=st.sampled_from([1, 2, 7, 60, 150, 1500]),
    gaps=st.lists(
        st.sampled_from([0.0, 0.0, 0.0, 0.01, 0.5, 3.0, 30.0, 75.0]), min_size=1, max_size=800
    ),
)
def test_no_minute_holds_more_requests_than_the_limit(per_minute: int, gaps: list[float]) -> None:
    assert busiest_minute(sent_at(per_minute, gaps)) <= per_minute


def test_a_backfill_runs_close_to_the_limit() -> None:
    times = sent_at(1500, [0.0] * 6000)
    per_minute = (len(times) - 1) / (times[-1] - times[0]) * 60
    assert 1450 <= per_minute <= 1500


def test_an_event_goes_out_without_waiting() -> None:
    times = sent_at(150, [0.0] * 8)  # a labeled event needs about five Asana requests
    assert times[-1] == 0.0
