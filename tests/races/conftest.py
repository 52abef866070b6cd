"""Race-suite fixtures: the e2e Harness (every request checked against the references)."""

from __future__ import annotations

from tests.e2e.conftest import harness  # noqa: F401 - the fixture, shared with tests/e2e
