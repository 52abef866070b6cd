"""The shared virtual clock: waits on two threads at once overlap, as in real time."""

from __future__ import annotations

import threading

from sync.emulator.virtual_clock import PARTICIPANTS, VirtualClock
from sync.mirror.comment_queue import WORKER_NAME


def test_a_lone_wait_costs_no_wall_time_and_moves_the_clock() -> None:
    clock = VirtualClock(start=1000.0)
    clock.sleep(3600.0)
    assert 4600.0 <= clock.monotonic() < 4601.0
    assert clock.sleeps[0][0] == 3600.0 and 1000.0 <= clock.sleeps[0][1] < 1001.0


def test_waits_on_two_threads_at_once_overlap() -> None:
    clock = VirtualClock()
    woke: dict[str, float] = {}

    def worker() -> None:
        clock.sleep(50.0)
        woke["worker"] = clock.monotonic()
        clock.sleep(20.0)  # wakes at 70: after the main thread's 60
        woke["worker again"] = clock.monotonic()

    thread = threading.Thread(target=worker, name=WORKER_NAME)
    thread.start()
    clock.sleep(60.0)
    woke["main"] = clock.monotonic()
    thread.join()
    assert 50.0 <= woke["worker"] < 51.0
    assert 60.0 <= woke["main"] < 61.0  # not 50 + 60 + 20: the waits overlapped
    assert 70.0 <= woke["worker again"] < 71.0


def test_a_working_participant_holds_time_back() -> None:
    clock = VirtualClock()
    busy, release = threading.Event(), threading.Event()

    def worker() -> None:
        busy.set()
        release.wait()  # "sending a request": not a wait on the clock

    thread = threading.Thread(target=worker, name=WORKER_NAME)
    thread.start()
    busy.wait()
    waiter = threading.Timer(0.05, release.set)
    waiter.start()
    clock.sleep(30.0)  # cannot jump while the worker works; it ends, then the jump comes
    thread.join()
    assert 30.0 <= clock.monotonic() < 31.0


def test_the_worker_thread_is_a_participant() -> None:
    assert WORKER_NAME in PARTICIPANTS


def test_a_participant_joining_another_counts_as_waiting() -> None:
    clock = VirtualClock()

    def worker() -> None:
        clock.sleep(45.0)

    thread = threading.Thread(target=worker, name=WORKER_NAME)
    thread.start()
    thread.join()  # the main thread waits for the worker, so the worker's wait is skipped
    assert 45.0 <= clock.monotonic() < 46.0
