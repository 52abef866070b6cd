"""Pace requests so a large backfill stays under the Asana plan's request limit.

A token bucket: a short burst goes out at once (a normal event needs a handful of requests),
after that requests are spaced instead of running into 429s. Asana counts requests in
minute-long windows, so burst plus pace never exceed ``per_minute`` in any 60 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable

BURST = 10  # requests that may go out at once: more than an event needs


class Pacer:
    """Allows at most ``per_minute`` requests in any minute, with a burst of up to BURST."""

    def __init__(
        self,
        per_minute: int | None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        limit = per_minute or 0
        # A minute may see the full bucket plus what refills in it: the two share the limit
        # (a limit of 1 refills half a request a minute, so no minute sees 2).
        self.capacity = max(1.0, min(float(BURST), limit / 4))
        self.rate = max(limit - self.capacity, limit / 2) / 60.0 if limit else 0.0
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
