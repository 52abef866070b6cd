"""Mentions from outside text are neutralised; the ones the tool writes on purpose stay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sync.hours.render import build_community_context
from sync.hours.report import summarize
from sync.mentions import ZERO_WIDTH_SPACE as ZW
from sync.mentions import neutralise_mentions
from sync.office_hours.notices import Concern, escalation_body
from sync.office_hours.schedule import session_on
from tests.hours.test_report import HOURS, MIDDLE, UNI, task
from tests.office_hours.test_agenda import CONFIG_OH, context, topic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ping @team now", f"Ping @{ZW}team now"),
        ("@example-org/maintainers, look", f"@{ZW}example-org/maintainers, look"),
        ("(@octocat)", f"(@{ZW}octocat)"),
        ("mail me: someone@example.org", "mail me: someone@example.org"),
        ("`@code` and @@double", "`@code` and @@double"),
        ("an @ alone, @-dash, @_under", "an @ alone, @-dash, @_under"),
        ("line\n@start", f"line\n@{ZW}start"),
    ],
)
def test_neutralise_mentions(text: str, expected: str) -> None:
    assert neutralise_mentions(text) == expected


def test_agenda_topic_titles_do_not_ping_but_authors_are_mentioned() -> None:
    topics = [topic(12, "Ask @example-org/everyone about @hubot", "octocat")]
    [row] = context(topics, CONFIG_OH)["topics"]
    assert row["title"] == f"Ask @{ZW}example-org/everyone about @{ZW}hubot"
    assert row["author"] == "@octocat"  # the tool's own call-out stays a mention


def test_report_task_names_do_not_ping() -> None:
    done = task("5", completed=True, hours=2)
    done = replace(done, task=replace(done.task, name="Fix for @team"))
    row = summarize(UNI, [done], HOURS, MIDDLE)
    [item] = build_community_context(row, MIDDLE, HOURS)["completed"]
    assert f"Fix for @{ZW}team" in item["name"]


def test_the_escalation_issue_does_not_ping_from_topic_titles() -> None:
    session = session_on(CONFIG_OH.schedule, date(2026, 11, 25))
    assert session is not None
    found = Concern(3, 3, (topic(7, "Bring @example-org/everyone"),))
    body = escalation_body(CONFIG_OH, session, found, "https://github.com/o/r/issues/9")
    assert f"Bring @{ZW}example-org/everyone" in body
    assert "@example-org/everyone" not in body
