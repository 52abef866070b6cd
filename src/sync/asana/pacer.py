"""Pace requests so a large backfill stays under the Asana plan's request limit.

A token bucket: a short burst goes out at once (a normal event needs a handful of requests),
after that requests are spaced at the plan's rate instead of running into 429s.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Pacer:
    """Allows ``per_minute`` requests a minute with a burst of a quarter of that."""

    def __init__(
        self,
        per_minute: int | None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = per_minute / 60.0 if per_minute else 0.0
        self.capacity = max(1.0, (per_minute or 0) / 4)
        self._tokens = self.capacity
        self._monotonic = monotonic
        self._sleep = sleep
        self._last = monotonic()
        self.waited = 0.0

    def wait(self) -> None:
        """Take one token, sleeping until one is available."""
        if not self.rate:
            return
        now = self._monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens < 1:
            delay = (1 - self._tokens) / self.rate
            self._sleep(delay)
            self.waited += delay
            self._tokens = 1.0
            self._last = now + delay
        self._tokens -= 1
