"""`community-sync hours` end to end against the emulator, on the world of seed_hours.

Hours in the seeded world, by hand (see sync.emulator.seed.seed_hours):
- Example University: GitHub Hours 6 (Set up GPU images) + 1.5 (its sub-issue) + 3 (Hub
  upgrade, which also has 120 min of actual time: only GitHub counts) + 2 (Grant co-writing,
  whose issue names other-college), actual time 90 min (Planning meeting) + 45 min (Slack
  consultation, open) + 60 min (Workshop prep, under Workshop) = 15.75 of 40 -> 39.4%.
- Other College: 480 min (Cluster migration) + GitHub Hours 3.5 = 11.5 of 10 -> 115%.
- Expected by 2026-07-02 (day 183 of 365): 40 * 183 / 365 = 20.05 and 10 * 183 / 365 = 5.01.
"""

from __future__ import annotations

import pytest

from sync.emulator.seed import HOURS_DAY, HoursSeed, seed_hours
from tests.e2e.conftest import Harness

MIDDLE = "2026-07-02"
UNI_ROW = (
    "| Example University (`example-university`) | 15.75 | 40 | 39.4% | 20.05 | "
    "2026-01-01 to 2026-12-31 | no hours, logged both ways, wrong community |"
)
COLLEGE_ROW = (
    "| Other College (`other-college`) | 11.5 | 10 | 115% | 5.01 | "
    "2026-01-01 to 2026-12-31 | over contract |"
)


def drop_chart(summary: str) -> str:
    """The summary without its Mermaid chart and the chart's caption."""
    start = summary.index("```mermaid\n")
    end = summary.index("</sub>\n\n", start) + len("</sub>\n\n")
    return summary[:start] + summary[end:]


@pytest.fixture
def seeded_hours(harness: Harness) -> HoursSeed:
    return seed_hours(harness.world, harness.seeded)


def test_full_report(harness: Harness, seeded_hours: HoursSeed) -> None:
    result = harness.cli("hours", "--date", MIDDLE)
    assert result.code == 0, result.stderr
    tasks = seeded_hours.tasks
    assert result.stdout.startswith("# Community Success Hours, 2026-07-02\n")
    assert UNI_ROW in result.stdout and COLLEGE_ROW in result.stdout
    assert (
        f'- no hours: task {tasks["Blog post review"]} "Blog post review" is completed with '
        "neither GitHub Hours nor actual time"
    ) in result.stdout
    assert (
        f'- logged both ways: task {tasks["Hub upgrade"]} "Hub upgrade" '
        f"(example-org/support#{seeded_hours.issues['Hub upgrade']}) has 3 GitHub Hours and "
        "2 hours of actual time; only the GitHub Hours count"
    ) in result.stdout
    assert (
        f'- wrong community: task {tasks["Grant co-writing"]} "Grant co-writing" '
        f"(example-org/support#{seeded_hours.issues['Grant co-writing']}) is filed under "
        "Example University but its issue names other-college"
    ) in result.stdout
    assert "- over contract: 11.5 of 10 contracted hours used (115%), 1.5 over" in result.stdout
    assert '"Workshop"' not in result.stdout  # its hours are on its subtask
    assert "```mermaid" not in result.stdout
    assert drop_chart(result.summary).strip() == result.stdout.strip()


def test_under_using_at_the_end_of_the_period(harness: Harness, seeded_hours: HoursSeed) -> None:
    result = harness.cli("hours", "--date", "2026-12-31")
    assert result.code == 0
    assert (
        "- under-using: 15.75 hours used, 39.4% of the 40 expected by 2026-12-31 "
        "(below 50% once 25% of the period has passed)"
    ) in result.stdout


def test_community_report(harness: Harness, seeded_hours: HoursSeed) -> None:
    result = harness.cli("hours", "--community", "example-university", "--date", MIDDLE)
    assert result.code == 0, result.stderr
    today = HOURS_DAY.date().isoformat()  # the day seed_hours completes its tasks
    text = result.stdout
    assert text.startswith("# Community Success Hours: Example University\n")
    assert "- Hours used: 15.75" in text
    assert "- Hours contracted: 40 (39.4% used, 24.25 hours remaining)" in text
    assert "- Hours expected by today, spread evenly over the period: 20.05" in text
    number = seeded_hours.issues["Set up GPU images"]
    url = f"https://github.com/example-org/support/issues/{number}"
    ref = f"[example-org/support#{number}]({url})"
    assert f"| [Set up GPU images]({url}) | {ref} | 6 | {today} |" in text
    assert f"| Planning meeting | - | 1.5 | {today} |" in text
    assert f"| Workshop / Workshop prep | - | 1 | {today} |" in text
    assert "Grant co-writing" not in text  # open
    assert "Work in progress: 2 tasks, 2.75 hours so far." in text
    assert "Other College" not in text and "wrong community" not in text
    assert result.summary.strip() == text.strip()


def test_community_report_needs_no_github(harness: Harness, seeded_hours: HoursSeed) -> None:
    result = harness.cli("hours", "--community", "other-college", GITHUB_TOKEN="")
    assert result.code == 0, result.stderr
    assert "- Hours contracted: 10 (115% used, 1.5 hours over contract)" in result.stdout
    requests = harness.world.server.requests
    assert not [r for r in requests if r.service == "github"]


def test_output_file(harness: Harness, seeded_hours: HoursSeed) -> None:
    target = harness.folder / "report.md"
    result = harness.cli("hours", "--date", MIDDLE, "--output", str(target))
    assert result.code == 0
    assert result.stdout == ""
    written = target.read_text(encoding="utf-8")
    assert UNI_ROW in written and written.strip() == drop_chart(result.summary).strip()


def test_in_actions_the_summary_gets_the_report(harness: Harness, seeded_hours: HoursSeed) -> None:
    result = harness.cli("hours", "--date", MIDDLE, GITHUB_ACTIONS="true")
    assert result.code == 0
    assert COLLEGE_ROW in result.summary
    assert harness.world.github_token not in result.summary


def test_unknown_community_names_the_valid_keys(harness: Harness) -> None:
    result = harness.cli("hours", "--community", "nowhere")
    assert result.code == 2
    assert "unknown community 'nowhere'; valid keys: example-university, other-college" in (
        result.stderr
    )


def test_bad_date_is_a_usage_error(harness: Harness) -> None:
    result = harness.cli("hours", "--date", "July")
    assert result.code == 2 and "'July' is not a date YYYY-MM-DD" in result.stderr


def test_issues_are_read_in_one_graphql_batch(harness: Harness, seeded_hours: HoursSeed) -> None:
    assert harness.cli("hours").code == 0
    github = [r for r in harness.world.server.requests if r.service == "github"]
    assert [(r.method, r.path) for r in github] == [("POST", "/graphql")]


def test_without_projects_access_wrong_community_is_not_checked(
    harness: Harness, seeded_hours: HoursSeed
) -> None:
    harness.world.github.project_denied_tokens.add(harness.world.github_token)
    result = harness.cli("hours", "--date", MIDDLE)
    assert result.code == 0
    assert "wrong community: task" not in result.stdout
    assert '"wrong community" was not checked: GitHub API error 403' in result.stdout
    assert 'warning: "wrong community" was not checked' in result.stderr


def test_without_github_token(harness: Harness, seeded_hours: HoursSeed) -> None:
    result = harness.cli("hours", "--date", MIDDLE, GITHUB_TOKEN="")
    assert result.code == 0
    assert '"wrong community" was not checked: GITHUB\\_TOKEN is not set' in result.stdout
    assert "| 15.75 | 40 |" in result.stdout


def test_deleted_community_task(harness: Harness, seeded_hours: HoursSeed) -> None:
    harness.world.asana.delete_task(harness.seeded.communities["other-college"])
    result = harness.cli("hours", "--date", MIDDLE)
    assert result.code == 0
    assert "| Other College (`other-college`) | - | 10 | - | 5.01 |" in result.stdout
    gid = harness.seeded.communities["other-college"]
    assert f"its Asana task {gid} does not exist (deleted?)" in result.stdout


def test_empty_world(harness: Harness) -> None:
    result = harness.cli("hours", "--date", "2026-04-02")
    assert result.code == 0
    # nothing used by day 92 of 365: 0 < half of 40 * 92 / 365 = 10.08
    assert "| Example University (`example-university`) | 0 | 40 | 0% | 10.08 |" in result.stdout
    assert result.stdout.count("- under-using: 0 hours used, 0% of the") == 2
