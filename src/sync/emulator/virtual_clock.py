"""A virtual clock for the program and the emulator together, where waits cost no wall time
even when the program waits on two threads at once.

Time is real elapsed time plus every wait that was skipped. A wait is skipped only when every
participating thread is waiting: then time jumps to the earliest wake-up. So two threads that
wait at the same time wait side by side, as they would in real time (a clock that just adds
each wait would count them one after the other), and a thread that is working (sending a
request) holds time back for the others until it waits too or ends.

The participants are the threads whose names start with one of ``threads``: the main thread
and the reconcile's link-comment worker by default. A participant blocked on another thread
(joining it, waiting for its result) counts as waiting; one blocked on anything else (a
request) counts as working. A thread that is not a participant never holds time back.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType

# The main thread and sync.mirror.comment_queue.WORKER_NAME (a test holds the two together).
PARTICIPANTS = ("MainThread", "link-comments")
POLL = 0.005  # seconds a waiting thread sleeps in real time before it looks again
# Where a thread blocked on another thread is (threading's Python frames above the C lock).
BLOCKED_IN = frozenset({"wait", "join", "_wait_for_tstate_lock"})
# Seconds (real) a thread must stay blocked there to count as waiting: starting a thread also
# waits there, for an instant, before the caller goes on working.
SETTLE = 0.05


class VirtualClock:
    """``monotonic`` and ``sleep`` for a retry policy, a budget and the emulator's limits."""

    def __init__(self, start: float = 0.0, threads: Sequence[str] = PARTICIPANTS) -> None:
        self._real_start = time.monotonic()
        self._skipped = start
        self._threads = tuple(threads)
        self._changed = threading.Condition()
        self._waking: dict[int, float] = {}  # waiting thread's ident: when it wakes
        # ident: (id of the frame, real time seen); not the frame, which would keep everything
        # the thread's stack refers to alive (an SDK client's pool, closed late at exit)
        self._blocked: dict[int, tuple[int, float]] = {}
        self.sleeps: list[tuple[float, float]] = []  # (seconds, when the wait began)

    def monotonic(self) -> float:
        """Seconds on the virtual clock."""
        return time.monotonic() - self._real_start + self._skipped

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of virtual time: at once when every participant waits."""
        me = threading.get_ident()
        with self._changed:
            began = self.monotonic()
            self.sleeps.append((seconds, began))
            self._waking[me] = began + seconds
            try:
                while (now := self.monotonic()) < self._waking[me]:
                    due = min(self._waking.values())  # past: that thread is about to leave
                    if due > now and self._all_waiting():
                        self._skipped += due - now
                        self._changed.notify_all()
                    else:
                        self._changed.wait(POLL)
            finally:
                del self._waking[me]

    def _all_waiting(self) -> bool:
        frames = sys._current_frames()
        for thread in threading.enumerate():
            if not thread.name.startswith(self._threads) or thread.ident in self._waking:
                continue
            if not self._waits_on_a_thread(thread.ident or 0, frames.get(thread.ident or 0)):
                return False
        return True

    def _waits_on_a_thread(self, ident: int, frame: FrameType | None) -> bool:
        """True when the thread has been blocked on another thread for SETTLE seconds."""
        if frame is None or frame.f_code.co_filename != threading.__file__:
            return False
        if frame.f_code.co_name not in BLOCKED_IN:
            return False
        seen = self._blocked.get(ident)
        if seen is None or seen[0] != id(frame):
            self._blocked[ident] = (id(frame), time.monotonic())
            return False
        return time.monotonic() - seen[1] >= SETTLE
