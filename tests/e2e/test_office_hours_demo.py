"""The office hours steps of `community-sync demo` tell their story without an error."""

from __future__ import annotations

import io

import pytest

from sync import demo
from sync.actions_runtime import Runtime
from sync.demo_office_hours import office_hours_steps


def test_the_demo_shows_every_office_hours_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(demo, "STEPS", (office_hours_steps,))
    out = io.StringIO()
    assert demo.run_demo(Runtime(env={}, stdout=out, stderr=out)) == 0
    text = out.getvalue()
    assert "exit code" not in text and "error:" not in text
    assert "# Office hours 2026-01-21" in text
    assert "Slack received: Office hours 2026-01-21 needs attention" in text
    assert "agenda issue example-org/community#8: unchanged; escalation: already sent" in text
    assert "Slack messages so far: 1" in text
    assert "office-hours.ics: 27 sessions, from Office hours 2026-01-07 on" in text
    assert "**Join:** <https://meet.example.org/office-hours>" in text
    assert "[Add to calendar](https://calendar.google.com/" in text
    assert "stays open for at least 10 minutes" in text and "[recording consent](" in text
    assert "- release [Retries that respect Retry-After]" in text  # shipped: a candidate
    assert "comment on example-org/support#1: invite @erin to the session" in text
    assert "example-org/support#1 got: @erin: [office hours 2026-01-21]" in text
    assert text.count("send Slack reminder") == 1 and "2 topics): already sent" in text
    assert "Slack received: Office hours 2026-01-21: Wednesday 2026-01-21, 16:00 UTC" in text
    assert "comment on example-org/community#1: discussed at office hours 2026-01-21" in text
    assert "Recording: <https://videos.example.org/office-hours-2026-01-21>" in text
    assert 'move example-org/community#1 "Incremental state for the Snowflake tap"' in text
    assert "  Up Next: #5\n" in text and "  Discussed: #4, #1, #2\n" in text
