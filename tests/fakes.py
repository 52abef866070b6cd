"""Test doubles shared by the suites."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sync.retry import RetryPolicy


@dataclass
class FakeClock:
    """Time that only moves when the retry policy sleeps: retries cost no wall time."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now

    def policy(self) -> RetryPolicy:
        """The production policy (attempts, caps) on this clock, without jitter."""
        return RetryPolicy(sleep=self.sleep, monotonic=self.monotonic, jitter=lambda: 1.0)


class ManualClock:
    """A wall clock (for the emulated services) that a test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
