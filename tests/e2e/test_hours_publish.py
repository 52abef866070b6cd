"""`hours --publish` end to end: reports reach people, new flags are told once, and a
completed issue without hours is asked for them once. Against the emulator, on seed_hours.
"""

from __future__ import annotations

import pytest

from sync.emulator.seed import REPO, HoursSeed, seed_hours
from tests.e2e.conftest import Harness

MIDDLE = "2026-07-02"
UNI = "example-university"
COMMUNITY_REPO = "example-org/example-university"
TEAM_REPO = "example-org/csh-reports"
UNI_PERIOD = "period: {start: 2026-01-01, end: 2026-12-31}"


def configure(h: Harness, *, report: str, team: str = "", ask: bool = False) -> None:
    """Give Example University a `report`, and csh a team_report / ask_for_missing_hours."""
    text = h.config.read_text(encoding="utf-8")
    first = text.index(UNI_PERIOD) + len(UNI_PERIOD)
    text = f"{text[:first]}\n      report: {report}{text[first:]}"
    extra = (f"  team_report: {team}\n" if team else "") + (
        "  ask_for_missing_hours: true\n" if ask else ""
    )
    text = text.replace("  users:\n", f"{extra}  users:\n", 1)
    h.config.write_text(text, encoding="utf-8")


@pytest.fixture
def seeded(harness: Harness) -> HoursSeed:
    harness.world.github.add_repo(COMMUNITY_REPO)
    harness.world.github.add_repo(TEAM_REPO)
    return seed_hours(harness.world, harness.seeded)


def issues_in(h: Harness, repo: str) -> list[object]:
    return [i for key, i in h.world.github.issues.items() if key[0] == repo]


def test_the_community_report_is_one_issue_per_period(harness: Harness, seeded: HoursSeed) -> None:
    configure(harness, report=f"{{repository: {COMMUNITY_REPO}}}")
    argv = ("hours", "--community", UNI, "--date", MIDDLE, "--publish")
    first = harness.cli(*argv)
    assert first.code == 0, first.stderr
    assert first.outputs["action"] == "created"
    [issue] = issues_in(harness, COMMUNITY_REPO)
    assert issue.title == "Community Success Hours: Example University, 2026-01-01 to 2026-12-31"
    number = seeded.issues["Set up GPU images"]
    url = f"https://github.com/{REPO}/issues/{number}"
    assert f"[{REPO}#{number}]({url})" in issue.body  # every completed issue, linked
    assert "| 6 |" in issue.body
    again = harness.cli(*argv)
    assert again.outputs["action"] == "unchanged"
    harness.world.asana.add_task(
        "Late report",
        parent=harness.seeded.communities[UNI],
        actual_time_minutes=60,
        completed=True,
    )
    third = harness.cli(*argv)
    assert third.outputs["action"] == "updated"
    assert len(issues_in(harness, COMMUNITY_REPO)) == 1
    assert "Late report" in issues_in(harness, COMMUNITY_REPO)[0].body
    next_year = harness.cli(
        "hours", "--community", UNI, "--period", "2027-01-01..2027-12-31", "--publish"
    )
    assert next_year.outputs["action"] == "created"  # another period, another issue
    assert len(issues_in(harness, COMMUNITY_REPO)) == 2


def test_the_community_report_to_slack_never_shows_the_url(
    harness: Harness, seeded: HoursSeed
) -> None:
    configure(harness, report="{slack_webhook_env: EU_SLACK_WEBHOOK}")
    url = harness.world.env(slack=True)["SLACK_WEBHOOK_URL"]
    result = harness.cli(
        "hours",
        "--community",
        UNI,
        "--date",
        MIDDLE,
        "--publish",
        GITHUB_ACTIONS="true",
        EU_SLACK_WEBHOOK=url,
    )
    assert result.code == 0, result.stderr
    [message] = harness.world.slack.messages
    number = seeded.issues["Set up GPU images"]
    assert (
        f"<https://github.com/{REPO}/issues/{number}|{REPO}#{number}> Set up GPU images"
        in (message["text"])
    )
    assert f"::add-mask::{url}" in result.stderr
    shown = [line for line in result.stderr.splitlines() if not line.startswith("::add-mask::")]
    assert url not in result.stdout + "\n".join(shown) + result.summary
    missing = harness.cli("hours", "--community", UNI, "--publish")
    assert missing.code == 2 and "EU_SLACK_WEBHOOK is not set" in missing.stderr


def test_new_flags_are_announced_to_the_team_once(harness: Harness, seeded: HoursSeed) -> None:
    configure(
        harness, report=f"{{repository: {COMMUNITY_REPO}}}", team=f"{{repository: {TEAM_REPO}}}"
    )
    argv = ("hours", "--date", MIDDLE, "--publish")
    assert harness.cli(*argv).outputs["action"] == "created"
    [team] = issues_in(harness, TEAM_REPO)
    assert team.title == "Community Success Hours: team report"
    assert "<!-- community-sync:hours-announced ids=" in team.body
    assert "over contract" in team.body
    assert harness.cli(*argv).outputs["action"] == "unchanged"
    assert harness.world.github.issue_comments(team) == []  # nothing new: nothing said
    harness.world.asana.add_task(
        "Forgotten hours",
        parent=harness.seeded.communities[UNI],
        completed=True,
        assignee="octocat@example.org",
    )
    assert harness.cli(*argv).outputs["action"] == "updated"
    [comment] = harness.world.github.issue_comments(team)
    assert "New since the last report:" in comment.body
    assert "no hours: task " in comment.body and '"Forgotten hours"' in comment.body
    assert "assignee: octocat" in comment.body
    assert "over contract" not in comment.body  # told already
    harness.cli(*argv)
    assert len(harness.world.github.issue_comments(team)) == 1
    assert len(issues_in(harness, TEAM_REPO)) == 1


def test_a_slack_team_report_keeps_its_record_in_a_closed_issue(
    harness: Harness, seeded: HoursSeed
) -> None:
    configure(
        harness, report=f"{{repository: {COMMUNITY_REPO}}}", team="{slack_webhook_env: TEAM_SLACK}"
    )
    url = harness.world.env(slack=True)["SLACK_WEBHOOK_URL"]
    argv = ("hours", "--date", MIDDLE, "--publish")
    assert harness.cli(*argv, TEAM_SLACK=url).code == 0
    first = harness.world.slack.messages[-1]["text"]
    assert "New since the last report:" in first and "over contract" in first
    [record] = [i for i in issues_in(harness, REPO) if "flags announced" in i.title]
    assert record.state == "closed"
    assert harness.cli(*argv, TEAM_SLACK=url).code == 0
    second = harness.world.slack.messages[-1]["text"]
    assert "No new flags since the last report." in second
    assert "Other College (other-college): 11.5 of 10" in second  # the contract state, always


def test_a_completed_issue_without_hours_is_asked_once(harness: Harness, seeded: HoursSeed) -> None:
    configure(
        harness,
        report=f"{{repository: {COMMUNITY_REPO}}}",
        team=f"{{repository: {TEAM_REPO}}}",
        ask=True,
    )
    gh = harness.world.github
    issue = gh.create_issue(REPO, "Docs review", "", labels=["CSH"])
    gh.close_issue(REPO, issue.number)
    harness.world.asana.add_task(
        "Docs review",
        parent=harness.seeded.communities[UNI],
        projects=[harness.seeded.project],
        custom_fields={"GitHub URL": f"https://github.com/{REPO}/issues/{issue.number}"},
        completed=True,
        assignee="octocat@example.org",
    )
    for _ in range(2):
        result = harness.cli("hours", "--date", MIDDLE, "--publish")
        assert result.code == 0, result.stderr
    [comment] = gh.issue_comments(issue)
    assert comment.body.startswith("<!-- community-sync:hours-ask -->\n@octocat, ")
    assert '"Hours spent" field' in comment.body
    team = issues_in(harness, TEAM_REPO)[0]
    assert f"{REPO}#{issue.number}, <https://github.com/{REPO}/issues/{issue.number}>" in (
        team.body
    )


def test_dry_run_publishes_nothing(harness: Harness, seeded: HoursSeed) -> None:
    configure(
        harness,
        report=f"{{repository: {COMMUNITY_REPO}}}",
        team=f"{{repository: {TEAM_REPO}}}",
        ask=True,
    )
    harness.world.server.reset_log()
    result = harness.cli("--dry-run", "hours", "--date", MIDDLE, "--publish")
    assert result.code == 0, result.stderr
    assert f'would create issue "Community Success Hours: team report" in {TEAM_REPO}' in (
        result.stdout
    )
    assert harness.world.server.count(writes=True) == 0


def test_publish_without_a_destination_is_a_usage_error(
    harness: Harness, seeded: HoursSeed
) -> None:
    result = harness.cli("hours", "--publish")
    assert result.code == 2 and "csh.team_report is not set" in result.stderr
    result = harness.cli("hours", "--community", UNI, "--publish")
    assert result.code == 2 and "csh.communities[example-university].report is not set" in (
        result.stderr
    )
