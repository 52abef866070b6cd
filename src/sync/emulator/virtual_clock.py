"""A virtual clock for the program and the emulator together, where waits cost no wall time
even when the program waits on two threads at once.

Time is real elapsed time plus every wait that was skipped. A wait is skipped only when every
participating thread is waiting: then time jumps to the earliest wake-up. So two threads that
wait at the same time wait side by side, as they would in real time (a clock that just adds
each wait would count them one after the other), and a thread that is working (sending a
request) holds time back for the others until it waits too or ends.

The participants are the threads whose names start with one of ``threads``: the main thread
and the reconcile's link-comment worker by default. A thread that is not a participant (or a
participant blocked on something other than this clock) makes the others wait in real time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

# The main thread and sync.mirror.comment_queue.WORKER_NAME (a test holds the two together).
PARTICIPANTS = ("MainThread", "link-comments")
POLL = 0.005  # seconds a waiting thread sleeps in real time before it looks again


class VirtualClock:
    """``monotonic`` and ``sleep`` for a retry policy, a budget and the emulator's limits."""

    def __init__(self, start: float = 0.0, threads: Sequence[str] = PARTICIPANTS) -> None:
        self._real_start = time.monotonic()
        self._skipped = start
        self._threads = tuple(threads)
        self._changed = threading.Condition()
        self._waking: dict[int, float] = {}  # waiting thread's ident: when it wakes
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
        for thread in threading.enumerate():
            if thread.name.startswith(self._threads) and thread.ident not in self._waking:
                return False
        return True
