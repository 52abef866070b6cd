"""Request pacing stays under the configured rate after a burst."""

from __future__ import annotations

from sync.asana.pacer import Pacer


def test_burst_then_paced_at_the_plan_rate() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(150, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(300):
        pacer.wait()
    # 300 requests at 150/minute: a burst of 10, then 140 a minute (burst and pace share the
    # minute, as Asana counts requests in minute-long windows): (300 - 10) * 60 / 140 s.
    assert 124 <= now[0] <= 125
    assert pacer.waited == now[0]


def test_no_limit_never_waits() -> None:
    pacer = Pacer(None, sleep=lambda s: (_ for _ in ()).throw(AssertionError("slept")))
    for _ in range(1000):
        pacer.wait()
    assert pacer.waited == 0
