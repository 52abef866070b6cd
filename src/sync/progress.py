"""Progress lines and a time budget for long runs (a first reconcile can take many minutes).

Both read an injectable monotonic clock, so tests drive them without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

INTERVAL = 10.0  # seconds between progress lines: the log shows a long run is alive
RESERVE = 5.0  # seconds a budget keeps free at least, to finish the change under way and report


@dataclass
class Progress:
    """Writes ``done/total, rate, time left`` at most every ``interval`` seconds (safe to step
    from several threads: a reconcile's Asana and GitHub sides count into one total)."""

    total: int
    what: str
    write: Callable[[str], None]
    monotonic: Callable[[], float] = time.monotonic
    interval: float = INTERVAL
    done: int = 0
    _started: float = field(init=False)
    _last: float = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._started = self._last = self.monotonic()

    def step(self, n: int = 1) -> None:
        """Count ``n`` more done; write a line when ``interval`` has passed since the last."""
        with self._lock:
            self.done += n
            now = self.monotonic()
            if now - self._last < self.interval:
                return
            self._last = now
            line = self.line(now)
        self.write(line)

    def line(self, now: float) -> str:
        """``applying changes: 120 of 300 done, 150/min, about 1m12s left``."""
        elapsed = max(now - self._started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.what}: {self.done} of {self.total} done, {rate * 60:.0f}/min"
        if rate > 0:
            text += f", about {duration((self.total - self.done) / rate)} left"
        return text


@dataclass
class Budget:
    """A run's time budget: whether there is still time to start one more change."""

    deadline: float | None  # monotonic() time by which the run must have ended; None: no budget
    monotonic: Callable[[], float] = time.monotonic
    _longest: float = 0.0

    @classmethod
    def of(cls, seconds: float | None, monotonic: Callable[[], float]) -> Budget:
        """A budget of ``seconds`` from now (None: unlimited)."""
        deadline = None if seconds is None else monotonic() + seconds
        return cls(deadline, monotonic)

    def allows_another(self) -> bool:
        """True while the longest change so far (plus RESERVE) still fits before the deadline."""
        if self.deadline is None:
            return True
        return self.monotonic() + self._longest + RESERVE <= self.deadline

    def took(self, seconds: float) -> None:
        """Record how long one change took: the next one is assumed to take as long."""
        self._longest = max(self._longest, seconds)


def duration(seconds: float) -> str:
    """``45s``, ``3m05s``, ``2h10m``."""
    total = round(seconds)
    if total < 60:
        return f"{total}s"
    if total < 3600:
        return f"{total // 60}m{total % 60:02d}s"
    return f"{total // 3600}h{total % 3600 // 60:02d}m"
