"""The hours report's numbers and flags, checked against values computed by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from sync.config import Community, Period
from sync.domain import format_hours
from sync.hours.model import (
    FLAG_KINDS,
    LOGGED_BOTH_WAYS,
    NO_HOURS,
    OVER_CONTRACT,
    UNDER_USING,
    WRONG_COMMUNITY,
    Flag,
    LoggedTask,
)
from sync.hours.report import expectation, issue_ref, percent, summarize
from sync.mirror.model import TaskSnapshot

HOURS, URL = "900", "901"
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))  # 365 days, both ends included
UNI = Community("example-university", "Example University", "500", 40.0, YEAR)
COLLEGE = Community("other-college", "Other College", "600", 10.0, YEAR)
ISSUES = "https://github.com/example-org/support/issues/"


def task(
    gid: str,
    *,
    parent: str = "500",
    depth: int = 1,
    completed: bool = False,
    hours: float | None = None,
    minutes: float | None = None,
    issue: int | None = None,
) -> LoggedTask:
    """A task below a community's CSH task (gid 500 by default)."""
    url = f"{ISSUES}{issue}" if issue else None
    snapshot = TaskSnapshot(
        gid=gid,
        name=f"Task {gid}",
        html_notes="",
        completed=completed,
        parent_gid=parent,
        project_gids=("100",) if url else (),
        assignee_gid=None,
        custom_fields={HOURS: hours, URL: url} if url else {},
        github_url=url,
        actual_time_minutes=minutes,
    )
    return LoggedTask(snapshot, depth, date(2026, 3, 2) if completed else None)


# Example University's tasks. Hours by hand:
#   1  GitHub Hours 6                      -> 6
#   2  sub-issue of 1, GitHub Hours 1.5    -> 1.5
#   3  Asana actual time 90 min            -> 1.5
#   4  Asana actual time 45 min (open)     -> 0.75
#   5  completed, no hours either way      -> 0      "no hours"
#   6  GitHub Hours 3 and 120 min actual   -> 3      "logged both ways" (only GitHub counts)
#   7  GitHub Hours 2, issue names college -> 2      "wrong community"
#   8  completed parent without hours      -> 0      (its subtask 9 has hours: no flag)
#   9  subtask of 8, 60 min actual time    -> 1
#  10  completed, GitHub Hours 0           -> 0      "no hours" (zero is no hours)
#   total: 6 + 1.5 + 1.5 + 0.75 + 3 + 2 + 1 = 15.75
UNI_TASKS = [
    task("1", completed=True, hours=6, issue=1),
    task("2", parent="1", depth=2, completed=True, hours=1.5, issue=2),
    task("3", completed=True, minutes=90),
    task("4", minutes=45),
    task("5", completed=True),
    task("6", completed=True, hours=3, minutes=120, issue=3),
    task("7", hours=2, issue=4),
    task("8", completed=True),
    task("9", parent="8", depth=2, completed=True, minutes=60),
    task("10", completed=True, hours=0, issue=5),
]
NAMED = {f"{ISSUES}1": "example-university", f"{ISSUES}4": "other-college", f"{ISSUES}5": None}
MIDDLE = date(2026, 7, 2)  # day 183 of 365: Jan..Jun have 181 days, so Jul 1 is day 182


def kinds(flags: Sequence[Flag]) -> list[str]:
    return [f.kind for f in flags]


def test_hours_used_sum_github_hours_else_actual_time() -> None:
    row = summarize(UNI, UNI_TASKS, HOURS, MIDDLE, NAMED)
    assert row.used == pytest.approx(15.75)
    assert row.share == pytest.approx(15.75 / 40)  # 0.39375
    assert percent(row.share or 0) == "39.4%"


def test_expected_hours_in_the_middle_of_the_period() -> None:
    # 40 * 183 / 365 = 7320 / 365 = 20.0548 -> "20.05"
    found = expectation(UNI, MIDDLE)
    assert found is not None
    assert (found.elapsed_days, found.period_days) == (183, 365)
    assert found.expected_hours == pytest.approx(7320 / 365)
    assert format_hours(found.expected_hours) == "20.05"


@pytest.mark.parametrize(
    ("today", "elapsed", "expected"),
    [
        (date(2025, 12, 1), 0, "0"),  # before the period: nothing expected yet
        (date(2025, 12, 31), 0, "0"),  # the day before it starts
        (date(2026, 1, 1), 1, "0.11"),  # first day counts: 40 * 1 / 365 = 0.1096
        (date(2026, 7, 2), 183, "20.05"),  # middle: 40 * 183 / 365 = 20.0548
        (date(2026, 12, 31), 365, "40"),  # last day: all of it
        (date(2027, 3, 1), 365, "40"),  # after the period: clamped to all of it
    ],
)
def test_pro_rating_at_start_middle_end_and_outside(
    today: date, elapsed: int, expected: str
) -> None:
    found = expectation(UNI, today)
    assert found is not None
    assert found.elapsed_days == elapsed
    assert format_hours(found.expected_hours) == expected


def test_no_expectation_without_period_or_contract() -> None:
    assert expectation(Community("a", "A", "1", 40.0, None), MIDDLE) is None
    assert expectation(Community("a", "A", "1", None, YEAR), MIDDLE) is None


def test_every_flag_of_the_fixture() -> None:
    row = summarize(UNI, UNI_TASKS, HOURS, date(2026, 12, 31), NAMED)
    # 15.75 used of 40 expected by the last day: 39.4% < 50% -> under-using
    assert kinds(row.flags) == [UNDER_USING, NO_HOURS, NO_HOURS, LOGGED_BOTH_WAYS, WRONG_COMMUNITY]
    messages = [f.message for f in row.flags]
    assert messages[0] == (
        "under-using: 15.75 hours used, 39.4% of the 40 expected by 2026-12-31 "
        "(below 50% once 25% of the period has passed)"
    )
    assert messages[1] == (
        'no hours: task 5 "Task 5" is completed with neither GitHub Hours nor actual time; '
        "no assignee"
    )
    assert messages[2].startswith(f'no hours: task 10 "Task 10" (example-org/support#5, {ISSUES}5)')
    assert messages[3] == (
        'logged both ways: task 6 "Task 6" (example-org/support#3) has 3 GitHub Hours and '
        "2 hours of actual time; only the GitHub Hours count"
    )
    assert messages[4] == (
        'wrong community: task 7 "Task 7" (example-org/support#4) is filed under '
        "Example University but its issue names other-college"
    )
    assert all(f.message.startswith(f.kind + ": ") for f in row.flags)
    assert {f.kind for f in row.flags} | {OVER_CONTRACT} == set(FLAG_KINDS)


def test_a_parent_whose_subtasks_carry_the_hours_is_not_flagged() -> None:
    row = summarize(UNI, UNI_TASKS, HOURS, MIDDLE, NAMED)
    flagged = " ".join(f.message for f in row.flags if f.kind == NO_HOURS)
    assert '"Task 8"' not in flagged and '"Task 1"' not in flagged


def test_over_contract() -> None:
    # Other College: 480 min (8 h) + GitHub Hours 3.5 = 11.5 of 10 -> 115%, 1.5 over
    tasks = [
        task("21", parent="600", completed=True, minutes=480),
        task("22", parent="600", completed=True, hours=3.5, issue=9),
    ]
    row = summarize(COLLEGE, tasks, HOURS, MIDDLE, {f"{ISSUES}9": "other-college"})
    assert row.used == pytest.approx(11.5)
    assert [f.message for f in row.flags] == [
        "over contract: 11.5 of 10 contracted hours used (115%), 1.5 over"
    ]


def test_exactly_the_contract_is_not_over() -> None:
    row = summarize(COLLEGE, [task("21", parent="600", hours=10, issue=9)], HOURS, MIDDLE)
    assert OVER_CONTRACT not in kinds(row.flags)


@pytest.mark.parametrize(
    ("today", "used", "flagged"),
    [
        # 2026-04-01 is day 91: 91/365 = 24.9% of the period, too early to judge
        (date(2026, 4, 1), 0.0, False),
        # 2026-04-02 is day 92: 25.2%; expected 40 * 92 / 365 = 10.0822, half is 5.0411
        (date(2026, 4, 2), 0.0, True),
        (date(2026, 4, 2), 5.04, True),
        (date(2026, 4, 2), 5.05, False),
        # the period is over: expected is all 40 hours, half is 20
        (date(2027, 1, 15), 19.5, True),
        (date(2027, 1, 15), 20.0, False),
    ],
)
def test_under_using_threshold(today: date, used: float, flagged: bool) -> None:
    row = summarize(UNI, [task("1", hours=used, issue=1, completed=True)], HOURS, today)
    assert (UNDER_USING in kinds(row.flags)) is flagged


def test_wrong_community_only_for_tasks_directly_under_the_community_task() -> None:
    nested = task("2", parent="1", depth=2, hours=1, issue=4)
    row = summarize(UNI, [task("1", hours=30, issue=1), nested], HOURS, MIDDLE, NAMED)
    assert WRONG_COMMUNITY not in kinds(row.flags)


def test_an_issue_that_names_no_known_community_is_not_flagged() -> None:
    row = summarize(UNI, [task("1", hours=30, issue=5)], HOURS, MIDDLE, NAMED)
    assert row.flags == ()


def test_missing_community_task() -> None:
    row = summarize(UNI, None, HOURS, MIDDLE)
    assert row.missing_task and row.used == 0 and row.flags == ()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (9.5, "9.5"),
        (14.0, "14"),
        (0.0, "0"),
        (0.1 + 0.2, "0.3"),
        (2 / 3, "0.67"),
        (0.75, "0.75"),
        (12345.678, "12345.68"),
        (1_000_000.0, "1000000"),
        (-0.001, "0"),
    ],
)
def test_hours_are_plain_numbers_with_at_most_two_decimals(value: float, text: str) -> None:
    assert format_hours(value) == text


def test_issue_refs() -> None:
    assert issue_ref(f"{ISSUES}12") == "example-org/support#12"
    assert issue_ref("https://ghe.example.com/o/r/issues/3") == "o/r#3"
    assert issue_ref("https://example.org/not-an-issue") == "https://example.org/not-an-issue"
