"""Which hours fall in a period, the contract lines, and the report as data: pure functions."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date

import pytest

from sync.config import Community, Period
from sync.hours import announce
from sync.hours.contract import contract_first, contract_line, near_or_over
from sync.hours.data import CSV_COLUMNS, report_csv, report_json
from sync.hours.model import NO_HOURS, OVER_CONTRACT, Flag, LoggedTask
from sync.hours.period import community_span, counted_hours, in_report
from sync.hours.render import mermaid_chart
from sync.hours.report import summarize
from tests.hours.test_report import COLLEGE, HOURS, MIDDLE, NAMED, UNI, UNI_TASKS, task

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
MONTHLY = Community("m", "Monthly", "500", 10.0, Period(date(2026, 1, 1), every="month"))


def done_on(logged: LoggedTask, day: date) -> LoggedTask:
    return replace(logged, completed_on=day)


def test_github_hours_count_on_the_day_of_completion() -> None:
    march = done_on(task("1", completed=True, hours=4, issue=1), date(2026, 3, 31))
    april = done_on(march, date(2026, 4, 1))
    assert counted_hours(march, HOURS, MARCH, date(2026, 6, 1)) == 4
    assert counted_hours(april, HOURS, MARCH, date(2026, 6, 1)) == 0
    assert not in_report(april, 0, MARCH, date(2026, 6, 1))


def test_open_tasks_count_in_the_current_period_only() -> None:
    open_task = task("1", hours=3, issue=1)
    assert counted_hours(open_task, HOURS, MARCH, date(2026, 3, 15)) == 3
    assert counted_hours(open_task, HOURS, MARCH, date(2026, 4, 1)) == 0
    assert in_report(open_task, 0, MARCH, date(2026, 3, 1))


def test_actual_time_counts_by_the_entries_days() -> None:
    logged = replace(
        task("1", minutes=100),
        entries=((date(2026, 2, 28), 40), (date(2026, 3, 1), 20), (date(2026, 3, 31), 20)),
    )
    assert counted_hours(logged, HOURS, MARCH, date(2026, 6, 1)) == pytest.approx(0.67)
    assert counted_hours(logged, HOURS, None, date(2026, 6, 1)) == pytest.approx(1.67)
    # GitHub Hours win: the entries of a task logged both ways do not count
    both = replace(
        task("2", completed=True, hours=2, minutes=100, issue=2), entries=((date(2026, 3, 2), 100),)
    )
    assert counted_hours(done_on(both, date(2026, 3, 2)), HOURS, MARCH, MIDDLE) == 2


def test_the_span_is_the_period_flag_else_the_current_period() -> None:
    assert community_span(MONTHLY, date(2026, 3, 15), None) == MARCH
    assert community_span(MONTHLY, date(2026, 3, 15), (MIDDLE, MIDDLE)) == (MIDDLE, MIDDLE)
    assert community_span(Community("x", "X", "1"), MIDDLE, None) is None


def test_a_recurring_period_pro_rates_its_own_days() -> None:
    row = summarize(
        MONTHLY,
        [done_on(task("1", completed=True, hours=9.5, issue=1), date(2026, 3, 3))],
        HOURS,
        date(2026, 3, 10),
    )
    assert row.span == MARCH and row.used == 9.5
    assert row.expectation is not None
    assert row.expectation.expected_hours == pytest.approx(10 * 10 / 31)
    assert near_or_over(row)
    assert contract_line(row) == (
        "Monthly (m): 9.5 of 10 contracted hours used (95%) in 2026-03-01 to 2026-03-31, "
        "0.5 remaining, within 10% of contract"
    )
    nothing = summarize(
        MONTHLY,
        [done_on(task("1", completed=True, hours=9.5, issue=1), date(2026, 3, 3))],
        HOURS,
        date(2026, 4, 10),
    )
    assert nothing.used == 0 and nothing.tasks == ()


def test_contract_first_orders_by_share_and_keeps_the_rest_in_order() -> None:
    under = summarize(UNI, UNI_TASKS, HOURS, MIDDLE, NAMED)  # 39.4%
    at_90 = summarize(
        COLLEGE, [task("21", parent="600", completed=True, hours=9, issue=21)], HOURS, MIDDLE
    )
    over = summarize(
        replace(COLLEGE, key="c2"),
        [task("22", parent="600", completed=True, hours=12, issue=22)],
        HOURS,
        MIDDLE,
    )
    free = summarize(Community("free", "Free", "700"), [], HOURS, MIDDLE)
    ordered = contract_first([under, free, at_90, over])
    assert [r.community.key for r in ordered] == [
        "c2",
        "other-college",
        "example-university",
        "free",
    ]
    assert contract_line(at_90).endswith("1 remaining, within 10% of contract")
    assert contract_line(over).endswith("2 over contract")
    assert contract_line(free) == "Free (free): 0 hours used, no contracted hours"


def test_json_and_csv_carry_the_rows_figures() -> None:
    uni = summarize(UNI, UNI_TASKS, HOURS, MIDDLE, NAMED)
    document = json.loads(report_json([uni], MIDDLE))
    [community] = document["communities"]
    assert community["used_hours"] == 15.75 and community["share_used"] == round(15.75 / 40, 4)
    assert community["expected_hours"] == 20.05
    assert community["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert [f["kind"] for f in community["flags"]] == [f.kind for f in uni.flags]
    assert sum(t["hours"] for t in community["tasks"]) == pytest.approx(15.75)
    free = summarize(
        Community("free", "Free", "700"), [task("1", parent="700", minutes=30)], HOURS, MIDDLE
    )
    [loose] = json.loads(report_json([free], MIDDLE))["communities"]
    assert loose["period"] is None and loose["contracted_hours"] is None
    assert loose["share_used"] is None and loose["expected_hours"] is None
    assert loose["tasks"] == [{"issue": None, "url": None, "hours": 0.5, "completed": False}]
    rows = list(csv.reader(io.StringIO(report_csv([uni]))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(uni.tasks) + 1
    assert [
        "example-university",
        "example-org/support#1",
        "https://github.com/example-org/support/issues/1",
        "Task 1",
        "6",
        "true",
        "2026-03-02",
    ] in rows


def test_the_chart_shows_contracted_used_and_expected() -> None:
    uni = summarize(UNI, UNI_TASKS, HOURS, MIDDLE, NAMED)
    chart = mermaid_chart([uni], MIDDLE)
    assert chart.startswith("```mermaid\nxychart-beta\n")
    assert '    x-axis ["example-university"]' in chart
    assert "    bar [40]\n    bar [15.75]\n    line [20.05]" in chart
    tricky = replace(UNI, key='a"b]')
    assert 'x-axis ["ab"]' in mermaid_chart([replace(uni, community=tricky)], MIDDLE)


def test_flags_are_new_until_recorded() -> None:
    uni = summarize(UNI, UNI_TASKS, HOURS, MIDDLE, NAMED)
    flags = announce.team_flags([uni])
    assert len({f.id for f in flags}) == len(flags) == len(uni.flags)
    body = f"report\n{announce.record(f.id for f in flags[:2])}\n"
    assert announce.announced(body) == {f.id for f in flags[:2]}
    assert announce.new_flags(flags, body) == flags[2:]
    over = Flag(OVER_CONTRACT, "over contract: ...")
    # the same flag in another period is another flag; another message is the same one
    assert announce.flag_id("k", MARCH, over) != announce.flag_id("k", (MIDDLE, MIDDLE), over)
    assert announce.flag_id("k", MARCH, over) == announce.flag_id(
        "k", MARCH, replace(over, message="x")
    )
    assert announce.announced("no record") == set()


def test_the_no_hours_flag_names_the_assignee() -> None:
    forgot = replace(task("5", completed=True, issue=7), login="octocat", assignee="Octo Cat")
    [flag] = [f for f in summarize(UNI, [forgot], HOURS, MIDDLE).flags if f.kind == NO_HOURS]
    assert flag.message.endswith("; assignee: octocat")
    assert flag.url == "https://github.com/example-org/support/issues/7" and flag.subject == "5"
    asana_only = replace(task("6", completed=True), assignee="Octo Cat")
    [flag] = [f for f in summarize(UNI, [asana_only], HOURS, MIDDLE).flags if f.kind == NO_HOURS]
    assert flag.message.endswith("; assignee: Octo Cat") and flag.url is None


def test_a_mention_in_a_task_name_does_not_ping_from_a_flag() -> None:
    base = task("8", completed=True, issue=9)
    named = replace(base, task=replace(base.task, name="Ask @example-org/team about it"))
    [flag] = [f for f in summarize(UNI, [named], HOURS, MIDDLE).flags if f.kind == NO_HOURS]
    assert "@example-org/team" not in flag.message
    assert "@\u200bexample-org/team" in flag.message
