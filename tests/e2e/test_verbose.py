"""`-v` against the emulator: one line per HTTP request and per planner decision, no secret."""

from __future__ import annotations

import re

from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness, Result
from tests.e2e.test_issue_events import new_issue
from tests.fakes import FakeClock

REQUEST = re.compile(
    r"^http: (?P<service>GitHub|Asana) (?P<method>GET|POST|PUT|PATCH|DELETE) (?P<path>/\S*) "
    r"(?P<status>\d{3}) \d+ ms, (?P<retries>\d+) retr(y|ies)$"
)


def request_lines(result: Result) -> list[re.Match[str]]:
    """The request lines on stderr (each line checked whole)."""
    return [m for line in result.stderr.splitlines() if (m := REQUEST.match(line))]


def assert_no_token(h: Harness, result: Result) -> None:
    everything = result.stdout + result.stderr + result.summary
    for token in (h.world.github_token, h.world.asana_token):
        assert token not in everything


def test_verbose_reconcile_logs_every_request_and_decision(harness: Harness) -> None:
    h = harness
    issue = new_issue(h, title="Verbose request")
    h.world.server.reset_log()

    result = h.cli("reconcile", "-v")

    assert result.code == 0, result.stderr
    lines = request_lines(result)
    assert len(lines) == len(h.world.server.requests)  # one line per request, none twice
    services = {(m["service"], m["method"]) for m in lines}
    assert ("GitHub", "POST") in services  # GraphQL
    assert ("Asana", "GET") in services and ("Asana", "POST") in services
    assert any(m["path"].endswith("/graphql") and m["status"] == "200" for m in lines)
    assert all(m["retries"] == "0" for m in lines)
    assert 'plan: create task "Verbose request"' in result.stderr
    assert f"{REPO}#{issue.number}" in result.stderr
    assert_no_token(h, result)


def test_quiet_and_default_runs_log_no_requests(harness: Harness) -> None:
    new_issue(harness, title="Quiet request")

    result = harness.cli("reconcile")

    assert result.code == 0, result.stderr
    assert request_lines(result) == []
    assert "plan:" not in result.stderr


def test_verbose_issue_event_logs_rest_requests_and_the_decision(harness: Harness) -> None:
    h = harness
    issue = new_issue(h, title="Verbose event")
    path = h.write_event("issues", "labeled", issue.number, label="CSH")

    result = h.cli("-v", "issue", "--event", str(path), "--event-name", "issues")

    assert result.code == 0, result.stderr
    github = [m for m in request_lines(result) if m["service"] == "GitHub"]
    rest = [m for m in github if not m["path"].endswith("/graphql")]
    assert any(m["method"] == "POST" and m["path"].endswith("/comments") for m in rest), rest
    assert f"plan: {REPO}#{issue.number}: created (task " in result.stderr
    assert_no_token(h, result)


def test_a_retried_request_says_so(harness: Harness) -> None:
    h = harness
    new_issue(h, title="Retried request")
    h.world.server.inject("asana", status=503, times=1)
    h.world.server.reset_log()

    result = h.cli("-v", "reconcile", policy=FakeClock().policy())

    assert result.code == 0, result.stderr
    statuses = [(m["status"], m["retries"]) for m in request_lines(result)]
    assert ("503", "0") in statuses
    assert ("200", "1") in statuses or ("201", "1") in statuses
    assert re.search(r"^retry: retrying .* in \d+\.\ds: server error 503", result.stderr, re.M)
