"""One retry policy for every API call, GitHub and Asana alike.

- A rate limit (429, or GitHub's secondary limit) means the request was not processed: wait for
  ``Retry-After`` (or back off) and send it again, also for a POST. GitHub's secondary limit
  often comes without ``Retry-After``; GitHub asks clients to wait at least a minute then, and
  longer on each repeat, so it waits 60 s, then 120 s, ...
- A 5xx, a reset connection or a timeout back off exponentially with jitter. For a write that is
  not idempotent (creating a task or a comment) the first attempt may have taken effect, so
  the caller's ``recover`` look-up runs before it is sent again; without one, the failure is an
  :class:`AmbiguousWrite` and nothing is sent twice.
- Any other error fails at once with the API's own message.
- Everything is capped in total time, and by the run's ``deadline`` (its time budget) when one
  is set: a wait that would pass it is not started. The clock and sleep are injectable so
  tests never sleep.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sync.errors import AmbiguousWrite, ApiFailure

T = TypeVar("T")
SECONDARY_WAIT = 60.0  # GitHub: without retry-after, "wait for at least one minute"


class GaveUp(ApiFailure):
    """A failure worth retrying (a server error, a rate limit, a lost connection) outlasted the
    retries: the request may succeed later, so the next run sends it again."""


class OutOfTime(GaveUp):
    """A retry was not started because its wait would pass the run's deadline (time budget):
    the request was not retried, so the next run does what it would have done."""


class Transient(Exception):
    """A failure worth retrying, as classified by a gateway."""

    def __init__(
        self,
        service: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        processed: bool = True,
    ) -> None:
        super().__init__(message)
        self.service = service
        self.message = message
        self.status = status
        self.retry_after = retry_after
        # False when the server certainly did not act on the request (429, connect refused).
        self.processed = processed

    @property
    def rate_limited(self) -> bool:
        """True for a rate-limit answer (the request was not processed)."""
        return self.status in (429, 403) and not self.processed

    @property
    def secondary(self) -> bool:
        """True for GitHub's secondary rate limit, which its message names (status 403 or 429)."""
        return self.rate_limited and "secondary rate limit" in self.message.lower()


@dataclass
class RetryPolicy:
    """Exponential backoff with jitter, honouring Retry-After, capped in attempts and time."""

    max_attempts: int = 6
    max_total_seconds: float = 180.0
    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    log: Callable[[str], None] = lambda _message: None
    slept: list[float] = field(default_factory=list)
    # The monotonic() time by which the run must end (its time budget); None: no budget.
    deadline: float | None = None

    def run(
        self,
        call: Callable[[], T],
        *,
        what: str,
        idempotent: bool = True,
        recover: Callable[[], T | None] | None = None,
    ) -> T:
        """Run ``call`` until it succeeds or the policy gives up (then raise ApiFailure)."""
        started = self.monotonic()
        attempt = secondary = 0
        while True:
            attempt += 1
            try:
                return call()
            except Transient as failure:
                ambiguous = failure.processed and not idempotent
                if ambiguous and recover is None:
                    raise AmbiguousWrite(failure.service, f"{what}: {failure.message}") from None
                secondary += 1 if failure.secondary else 0
                delay = self._delay(failure, attempt, secondary)
                if self._past_deadline(delay):
                    raise OutOfTime(
                        failure.service,
                        f"{what}: {failure.message} (gave up after {attempt} attempts: "
                        "no time left in the run's budget to retry)",
                        failure.status,
                    ) from None
                if attempt >= self.max_attempts or self._out_of_time(started, delay):
                    raise GaveUp(
                        failure.service,
                        f"{what}: {failure.message} (gave up after {attempt} attempts)",
                        failure.status,
                    ) from None
                self.log(f"retrying {what} in {delay:.1f}s: {failure.message}")
                self._wait(delay)
                if ambiguous and recover is not None:
                    found = self.run(recover, what=f"look-up after {what}")
                    if found is not None:
                        return found

    def _delay(self, failure: Transient, attempt: int, secondary: int) -> float:
        if failure.retry_after is not None:
            return max(0.0, failure.retry_after)
        if failure.secondary:  # a minute, doubled on each repeat within this call
            return SECONDARY_WAIT * 2.0 ** (secondary - 1)
        backoff: float = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return backoff * (0.5 + self.jitter() / 2)

    def _past_deadline(self, delay: float) -> bool:
        return self.deadline is not None and self.monotonic() + delay > self.deadline

    def _out_of_time(self, started: float, delay: float) -> bool:
        return self.monotonic() - started + delay > self.max_total_seconds

    def _wait(self, delay: float) -> None:
        self.slept.append(delay)
        if delay > 0:
            self.sleep(delay)
