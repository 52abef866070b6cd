"""Fault-suite fixtures: the e2e Harness (its teardown checks every request against Asana's
OpenAPI and GitHub's schema) and a fake clock for the retry policy."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import harness  # noqa: F401 - the fixture, shared with tests/e2e
from tests.faults.checks import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A clock that only moves when the retry policy sleeps."""
    return FakeClock()
