"""The retry policy, with a fake clock: nothing here sleeps."""

from __future__ import annotations

import pytest

from sync.errors import AmbiguousWrite, ApiFailure
from sync.retry import RetryPolicy, Transient
from tests.fakes import FakeClock


def policy(clock: FakeClock, **kwargs: float) -> RetryPolicy:
    return RetryPolicy(
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        jitter=lambda: 1.0,
        **kwargs,  # type: ignore[arg-type]
    )


def failing(*failures: Exception, result: str = "ok"):
    calls: list[int] = []

    def call() -> str:
        calls.append(1)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        return result

    return call, calls


def test_rate_limit_waits_for_retry_after_even_for_a_create() -> None:
    clock = FakeClock()
    call, calls = failing(Transient("Asana", "429", status=429, retry_after=7, processed=False))
    assert policy(clock).run(call, what="create", idempotent=False) == "ok"
    assert clock.sleeps == [7]
    assert len(calls) == 2


def test_server_errors_back_off_exponentially() -> None:
    clock = FakeClock()
    call, calls = failing(*[Transient("GitHub", "502", status=502)] * 3)
    assert policy(clock).run(call, what="read") == "ok"
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert len(calls) == 4


def test_jitter_keeps_delay_between_half_and_full_backoff() -> None:
    clock = FakeClock()
    retry = RetryPolicy(sleep=clock.sleep, monotonic=clock.monotonic, jitter=lambda: 0.0)
    call, _ = failing(Transient("GitHub", "500", status=500))
    retry.run(call, what="read")
    assert clock.sleeps == [0.5]


def test_gives_up_after_max_attempts_with_api_failure() -> None:
    clock = FakeClock()
    call, calls = failing(*[Transient("Asana", "503", status=503)] * 10)
    with pytest.raises(ApiFailure, match="gave up after 3 attempts"):
        policy(clock, max_attempts=3).run(call, what="read")
    assert len(calls) == 3


def test_total_time_is_capped() -> None:
    clock = FakeClock()
    call, calls = failing(*[Transient("Asana", "429", retry_after=50, processed=False)] * 10)
    with pytest.raises(ApiFailure):
        policy(clock, max_total_seconds=120).run(call, what="read")
    assert sum(clock.sleeps) <= 120
    assert len(calls) == 3


def test_ambiguous_write_without_recover_is_not_sent_twice() -> None:
    clock = FakeClock()
    call, calls = failing(Transient("Asana", "500", status=500))
    with pytest.raises(AmbiguousWrite):
        policy(clock).run(call, what="create", idempotent=False)
    assert len(calls) == 1


def test_ambiguous_write_recovers_what_the_failed_attempt_created() -> None:
    clock = FakeClock()
    call, calls = failing(Transient("Asana", "500", status=500))
    found = policy(clock).run(call, what="create", idempotent=False, recover=lambda: "found")
    assert found == "found"
    assert len(calls) == 1


def test_ambiguous_write_is_retried_when_recover_finds_nothing() -> None:
    clock = FakeClock()
    call, calls = failing(Transient("Asana", "timeout"))
    assert policy(clock).run(call, what="create", idempotent=False, recover=lambda: None) == "ok"
    assert len(calls) == 2


def test_other_errors_fail_at_once() -> None:
    clock = FakeClock()
    call, calls = failing(ApiFailure("Asana", "custom field not on project", 400))
    with pytest.raises(ApiFailure, match="custom field not on project"):
        policy(clock).run(call, what="update")
    assert len(calls) == 1
    assert clock.sleeps == []


SECONDARY = "rate limited (403): You have exceeded a secondary rate limit."


def secondary_limit(retry_after: float | None = None, status: int = 403) -> Transient:
    """GitHub's secondary rate limit as the gateway classifies it."""
    return Transient("GitHub", SECONDARY, status=status, retry_after=retry_after, processed=False)


def test_secondary_limit_without_retry_after_waits_a_minute_then_longer() -> None:
    clock = FakeClock()
    call, calls = failing(secondary_limit(), secondary_limit(status=429))
    assert policy(clock).run(call, what="comment", idempotent=False) == "ok"
    assert clock.sleeps == [60.0, 120.0]
    assert len(calls) == 3


def test_secondary_limit_with_retry_after_waits_what_github_says() -> None:
    clock = FakeClock()
    call, _ = failing(secondary_limit(retry_after=90))
    policy(clock).run(call, what="read")
    assert clock.sleeps == [90.0]


def test_a_primary_limit_is_no_secondary_one() -> None:
    primary = Transient("GitHub", "GraphQL rate limited: API rate limit exceeded", status=403)
    primary.processed = False
    assert primary.rate_limited and not primary.secondary
    assert not Transient("GitHub", "server error 502: secondary rate limit", status=502).secondary


def test_secondary_limit_gives_up_when_the_wait_outlasts_the_call_cap() -> None:
    clock = FakeClock()
    call, calls = failing(*[secondary_limit()] * 10)
    with pytest.raises(ApiFailure, match="gave up after 3 attempts"):
        policy(clock).run(call, what="read")
    assert clock.sleeps == [60.0, 120.0]  # 240 s more would pass max_total_seconds (180)
    assert len(calls) == 3


def test_no_wait_starts_that_would_pass_the_runs_deadline() -> None:
    clock = FakeClock()
    call, calls = failing(secondary_limit(), secondary_limit())
    retry = policy(clock)
    retry.deadline = clock.now + 100
    with pytest.raises(ApiFailure, match="secondary rate limit"):
        retry.run(call, what="read")
    assert clock.sleeps == [60.0]  # the next wait (120 s) would end after the deadline
    assert len(calls) == 2


def test_a_deadline_already_near_stops_even_a_short_backoff() -> None:
    clock = FakeClock()
    call, calls = failing(Transient("Asana", "503", status=503))
    retry = policy(clock)
    retry.deadline = clock.now + 0.5
    with pytest.raises(ApiFailure):
        retry.run(call, what="read")
    assert clock.sleeps == [] and len(calls) == 1
