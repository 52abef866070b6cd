"""`hours` per period and as data, end to end against the emulator.

The world (Example University, 10 hours a month from 2026-01-01):
- A: issue, 4 GitHub Hours, completed 2026-03-10
- B: issue, 2 GitHub Hours, completed 2026-04-05
- C: Asana only, completed, 60 min logged 2026-03-05 and 90 min 2026-04-02
- D: issue, 3 GitHub Hours, open
- E: Asana only, open, 30 min logged 2026-03-20
March (as of 2026-03-15): A 4 + C 1 + D 3 (open: the current period) + E 0.5 = 8.5.
April (as of 2026-04-15): B 2 + C 1.5 + D 3 = 6.5.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime

import pytest

from sync.emulator.seed import REPO, HoursSeed, seed_hours
from tests.e2e.conftest import Harness

UNI = "example-university"
MONTHLY = "period: {start: 2026-01-01, every: month}"


def _task(
    h: Harness,
    name: str,
    *,
    hours: float | None = None,
    done: str | None = None,
    entries: tuple[tuple[str, int], ...] = (),
) -> str:
    fields: dict[str, str | float] = {}
    if hours is not None:
        issue = h.world.github.create_issue(REPO, name, "", labels=["CSH"])
        url = f"https://github.com/{REPO}/issues/{issue.number}"
        fields = {"GitHub URL": url, "GitHub Hours": hours}
    asana = h.world.asana
    gid = asana.add_task(
        name,
        parent=h.seeded.communities[UNI],
        projects=[h.seeded.project] if fields else [],
        custom_fields=fields,
        completed=done is not None,
    )
    if done:
        asana.tasks[gid].completed_at = datetime.fromisoformat(done + "T12:00:00+00:00")
    for day, minutes in entries:
        asana.add_time_entry(gid, minutes, date.fromisoformat(day))
    return gid


@pytest.fixture
def monthly(harness: Harness) -> Harness:
    text = harness.config.read_text(encoding="utf-8")
    text = text.replace(
        "contracted_hours: 40\n      period: {start: 2026-01-01, end: 2026-12-31}",
        f"contracted_hours: 10\n      {MONTHLY}",
    )
    harness.config.write_text(text, encoding="utf-8")
    _task(harness, "A", hours=4, done="2026-03-10")
    _task(harness, "B", hours=2, done="2026-04-05")
    _task(harness, "C", done="2026-04-02", entries=(("2026-03-05", 60), ("2026-04-02", 90)))
    _task(harness, "D", hours=3)
    _task(harness, "E", entries=(("2026-03-20", 30),))
    return harness


def _uni(h: Harness, *argv: str) -> dict[str, object]:
    result = h.cli("hours", "--community", UNI, "--format", "json", *argv)
    assert result.code == 0, result.stderr
    community: dict[str, object] = json.loads(result.stdout)["communities"][0]
    return community


def _names(community: dict[str, object]) -> list[str]:
    tasks = community["tasks"]
    assert isinstance(tasks, list)
    return sorted(str(t["hours"]) for t in tasks)


def test_a_recurring_period_counts_only_its_own_hours(monthly: Harness) -> None:
    march = _uni(monthly, "--date", "2026-03-15")
    assert march["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert march["used_hours"] == 8.5
    assert march["contracted_hours"] == 10
    assert march["expected_hours"] == round(10 * 15 / 31, 2)
    april = _uni(monthly, "--date", "2026-04-15")
    assert april["period"] == {"start": "2026-04-01", "end": "2026-04-30"}
    assert april["used_hours"] == 6.5
    # A completed in March: not in April's report; E is open, so in the current one (0 h)
    assert _names(april) == ["0.0", "1.5", "2.0", "3.0"]
    assert len(march["tasks"]) == 4  # A, C, D, E: B was completed in April


def test_any_span_with_period(monthly: Harness) -> None:
    both = _uni(monthly, "--period", "2026-03-01..2026-04-30", "--date", "2026-04-15")
    assert both["period"] == {"start": "2026-03-01", "end": "2026-04-30"}
    assert both["used_hours"] == 4 + 2 + 2.5 + 3 + 0.5
    # a past span: the open task does not count, and nothing was logged then
    early = _uni(monthly, "--period", "2026-01-01..2026-02-28", "--date", "2026-04-15")
    assert early["used_hours"] == 0 and early["tasks"] == []


def test_the_markdown_report_says_the_period_and_the_same_hours(monthly: Harness) -> None:
    result = monthly.cli("hours", "--date", "2026-03-15")
    assert result.code == 0, result.stderr
    assert "| 8.5 | 10 | 85% |" in result.stdout
    assert "2026-03-01 to 2026-03-31" in result.stdout


@pytest.mark.parametrize(
    "period", ["2026-03-01", "2026-03-01..", "2026-04-01..2026-03-01", "march..april"]
)
def test_a_bad_period_is_a_usage_error(harness: Harness, period: str) -> None:
    result = harness.cli("hours", "--period", period)
    assert result.code == 2
    assert "--period" in result.stderr


def test_time_entries_are_read_per_task_only_where_actual_time_counts(monthly: Harness) -> None:
    monthly.world.server.reset_log()
    assert monthly.cli("hours", "--community", UNI, "--date", "2026-03-15").code == 0
    paths = [r.path for r in monthly.world.server.requests if r.service == "asana"]
    entries = [p for p in paths if p.endswith("/time_tracking_entries")]
    assert len(entries) == 2  # C and E: A, B and D count by their GitHub Hours


# -- JSON and CSV: the Markdown report's figures, as data ------------------------------------
MIDDLE = "2026-07-02"


@pytest.fixture
def seeded_hours(harness: Harness) -> HoursSeed:
    return seed_hours(harness.world, harness.seeded)


def _markdown_rows(text: str) -> dict[str, list[str]]:
    """Community key -> the cells of its row in the Markdown table."""
    rows = {}
    for line in text.splitlines():
        match = re.match(r"\| .* \(`([a-z0-9-]+)`\) \|", line)
        if match:
            rows[match.group(1)] = [c.strip() for c in line.strip("|").split("|")]
    return rows


def test_json_has_the_markdown_reports_values(harness: Harness, seeded_hours: HoursSeed) -> None:
    markdown = harness.cli("hours", "--date", MIDDLE)
    result = harness.cli("hours", "--date", MIDDLE, "--format", "json", GITHUB_ACTIONS="true")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)  # stdout holds the document alone, also in Actions
    assert "::add-mask::" in result.stderr
    assert document["generated"] == MIDDLE
    rows = _markdown_rows(markdown.stdout)
    assert sorted(c["key"] for c in document["communities"]) == sorted(rows)  # config order
    for community in document["communities"]:
        cells = rows[community["key"]]
        assert f"{community['used_hours']:g}" == cells[1]
        assert f"{community['contracted_hours']:g}" == cells[2]
        assert f"{community['share_used'] * 100:.1f}".rstrip("0").rstrip(".") + "%" == cells[3]
        assert f"{community['expected_hours']:g}" == cells[4]
        period = community["period"]
        assert f"{period['start']} to {period['end']}" == cells[5]
        kinds = list(dict.fromkeys(f["kind"] for f in community["flags"]))
        assert ", ".join(kinds) == cells[6]
        assert round(sum(t["hours"] for t in community["tasks"]), 2) == community["used_hours"]
        for flag in community["flags"]:
            assert flag["message"].split(": ", 1)[0] == flag["kind"]
    uni = document["communities"][0]
    url = f"https://github.com/{REPO}/issues/{seeded_hours.issues['Set up GPU images']}"
    gpu = next(t for t in uni["tasks"] if t["url"] == url)
    assert gpu == {
        "issue": f"{REPO}#{seeded_hours.issues['Set up GPU images']}",
        "url": url,
        "hours": 6,
        "completed": True,
    }
    assert set(document) == {"generated", "communities"}
    assert set(uni) == {
        *("key", "name", "period", "contracted_hours", "used_hours", "expected_hours"),
        *("share_used", "flags", "tasks"),
    }


def test_csv_rows_add_up_to_the_used_hours(harness: Harness, seeded_hours: HoursSeed) -> None:
    target = harness.folder / "hours.csv"
    result = harness.cli("hours", "--date", MIDDLE, "--format", "csv", "--output", str(target))
    assert result.code == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert list(rows[0]) == [
        "community",
        "issue",
        "url",
        "title",
        "hours",
        "completed",
        "completed_on",
    ]
    document = json.loads(harness.cli("hours", "--date", MIDDLE, "--format", "json").stdout)
    for community in document["communities"]:
        mine = [r for r in rows if r["community"] == community["key"]]
        assert len(mine) == len(community["tasks"])
        assert round(sum(float(r["hours"]) for r in mine), 2) == community["used_hours"]
    prep = next(r for r in rows if r["title"] == "Workshop / Workshop prep")
    assert prep == {
        "community": "example-university",
        "issue": "",
        "url": "",
        "title": "Workshop / Workshop prep",
        "hours": "1",
        "completed": "true",
        "completed_on": "2026-06-15",
    }


def test_csv_on_stdout(harness: Harness, seeded_hours: HoursSeed) -> None:
    result = harness.cli("hours", "--date", MIDDLE, "--format", "csv", GITHUB_ACTIONS="true")
    assert result.code == 0
    assert result.stdout.startswith("community,issue,url,title,hours,completed,completed_on")
    assert "::" not in result.stdout


def test_the_summary_charts_used_contracted_and_expected(
    harness: Harness, seeded_hours: HoursSeed
) -> None:
    result = harness.cli("hours", "--date", MIDDLE, "--format", "json")
    summary = result.summary
    chart = summary[summary.index("```mermaid") : summary.index("```\n", summary.index("bar"))]
    assert summary.index("```mermaid") < summary.index("| Community |")
    assert 'x-axis ["other-college", "example-university"]' in chart
    assert "bar [10, 40]" in chart  # contracted
    assert "bar [11.5, 15.75]" in chart  # used
    assert "line [5.01, 20.05]" in chart  # expected by today


def test_the_contract_state_lists_those_near_their_contract_first(
    harness: Harness, seeded_hours: HoursSeed
) -> None:
    result = harness.cli("hours", "--date", MIDDLE)
    state = result.stdout.split("## Contract state\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert state == [
        "- **Other College (other-college): 11.5 of 10 contracted hours used (115%) in "
        "2026-01-01 to 2026-12-31, 1.5 over contract**",
        "- Example University (example-university): 15.75 of 40 contracted hours used (39.4%) "
        "in 2026-01-01 to 2026-12-31, 24.25 remaining",
    ]
    table = [line for line in result.stdout.splitlines() if line.startswith("| Other College")]
    assert result.stdout.index(table[0]) < result.stdout.index("| Example University")


def test_check_prints_the_same_contract_lines(harness: Harness, seeded_hours: HoursSeed) -> None:
    result = harness.cli("check")
    today = datetime.now(UTC).date()
    lines = [x for x in result.stdout.splitlines() if x.startswith("contract: ")]
    assert len(lines) == 2
    assert lines[0].startswith("contract: Other College (other-college): 11.5 of 10 contracted")
    assert lines[0].endswith("1.5 over contract")
    if today.year == 2026:  # the seeded period; later the line still names it
        assert "in 2026-01-01 to 2026-12-31" in lines[1]
