"""GitHub's answers classified without I/O: the clock is passed in, so the wait until a spent
quota resets is exact and testable."""

from __future__ import annotations

import pytest

from sync.errors import ApiFailure
from sync.github.client import _raise_for_http
from sync.retry import Transient


def test_a_spent_quota_waits_until_its_reset_by_the_clock_passed_in() -> None:
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1000"}
    with pytest.raises(Transient) as caught:
        _raise_for_http(403, headers, {"message": "API rate limit exceeded"}, now=940.0)
    assert caught.value.retry_after == 60.0


def test_retry_after_wins_and_a_plain_403_is_a_refusal() -> None:
    with pytest.raises(Transient) as caught:
        _raise_for_http(429, {"Retry-After": "7"}, {"message": "slow down"}, now=0.0)
    assert caught.value.retry_after == 7.0
    with pytest.raises(ApiFailure) as refused:
        _raise_for_http(403, {}, {"message": "Resource not accessible by integration"}, now=0.0)
    assert refused.value.status == 403 and not isinstance(refused.value, Transient)
