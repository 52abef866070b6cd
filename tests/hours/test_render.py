"""Rendering the hours reports: the contexts escape, the templates only lay values out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from jinja2 import Environment, StrictUndefined, meta

from sync.config import Community
from sync.hours.model import CommunityHours
from sync.hours.render import (
    COMMUNITY_TEMPLATE,
    HOURS_TEMPLATE,
    build_community_context,
    build_report_context,
    render,
)
from sync.hours.report import summarize
from sync.templating import bundled_source
from tests.hours.test_report import COLLEGE, HOURS, MIDDLE, NAMED, UNI, UNI_TASKS, task


def report(*rows: CommunityHours, notes: tuple[str, ...] = ()) -> str:
    return render(HOURS_TEMPLATE, build_report_context(rows, MIDDLE, notes))


def test_the_report_table_and_flags() -> None:
    uni = summarize(UNI, UNI_TASKS, HOURS, date(2026, 12, 31), NAMED)
    college = summarize(COLLEGE, [task("21", parent="600", minutes=720)], HOURS, MIDDLE)
    text = report(uni, college)
    assert text.startswith("# Community Success Hours, 2026-07-02\n")
    assert (
        "| Example University (`example-university`) | 15.75 | 40 | 39.4% | 40 | "
        "2026-01-01 to 2026-12-31 | under-using, no hours, logged both ways, wrong community |"
    ) in text
    # 720 min = 12 h of 10; expected by 2026-07-02: 10 * 183 / 365 = 5.0137
    assert (
        "| Other College (`other-college`) | 12 | 10 | 120% | 5.01 | "
        "2026-01-01 to 2026-12-31 | over contract |"
    ) in text
    assert "### Example University" in text and "### Other College" in text
    assert "- over contract: 12 of 10 contracted hours used (120%), 2 over" in text
    assert text.count("- no hours: ") == 2


def test_no_flags_and_notes() -> None:
    row = summarize(UNI, [task("1", hours=20.05, issue=1)], HOURS, MIDDLE)
    text = report(row, notes=('"wrong community" was not checked: GITHUB_TOKEN is not set',))
    assert "No flags." in text
    assert '- "wrong community" was not checked: GITHUB\\_TOKEN is not set' in text


def test_task_names_are_escaped() -> None:
    nasty = task("5", completed=True)
    nasty = replace(nasty, task=replace(nasty.task, name="{{ 7*7 }} | <b>*x*</b> [a](b)"))
    text = report(summarize(UNI, [nasty], HOURS, MIDDLE))
    assert "{{ 7\\*7 }} \\| \\<b>\\*x\\*\\</b> \\[a\\](b)" in text
    assert "49" not in text


def test_missing_community_task_row() -> None:
    text = report(summarize(UNI, None, HOURS, MIDDLE))
    assert "| Example University (`example-university`) | - | 40 | - | 20.05 |" in text
    assert "its Asana task 500 does not exist (deleted?)" in text


def test_community_report() -> None:
    row = summarize(UNI, UNI_TASKS, HOURS, MIDDLE, NAMED)
    text = render(COMMUNITY_TEMPLATE, build_community_context(row, MIDDLE, HOURS))
    assert text.startswith("# Community Success Hours: Example University\n")
    assert "As of 2026-07-02, for the period 2026-01-01 to 2026-12-31." in text
    assert "- Hours used: 15.75" in text
    assert "- Hours contracted: 40 (39.4% used, 24.25 hours remaining)" in text
    assert "- Hours expected by today, spread evenly over the period: 20.05" in text
    assert (
        "| [Task 1](https://github.com/example-org/support/issues/1) | "
        "[example-org/support#1](https://github.com/example-org/support/issues/1) | 6 | "
        "2026-03-02 |"
    ) in text
    assert "| Task 5 | - | - | 2026-03-02 |" in text
    assert "| Task 3 | - | 1.5 | 2026-03-02 |" in text
    # open: task 4 (0.75 h, actual time) and task 7 (2 GitHub Hours)
    assert "Work in progress: 2 tasks, 2.75 hours so far." in text
    assert "flag" not in text.lower()


def test_community_report_over_contract_and_without_contract() -> None:
    over = summarize(
        COLLEGE, [task("21", parent="600", completed=True, hours=12, issue=9)], HOURS, MIDDLE
    )
    text = render(COMMUNITY_TEMPLATE, build_community_context(over, MIDDLE, HOURS))
    assert "- Hours contracted: 10 (120% used, 2 hours over contract)" in text
    free = Community("free", "Free", "700")
    text = render(
        COMMUNITY_TEMPLATE,
        build_community_context(summarize(free, [], HOURS, MIDDLE), MIDDLE, HOURS),
    )
    assert "Hours contracted" not in text and "No completed work yet." in text


def test_templates_use_only_what_the_contexts_give() -> None:
    row = summarize(UNI, UNI_TASKS, HOURS, MIDDLE, NAMED)
    contexts = {
        HOURS_TEMPLATE: build_report_context([row], MIDDLE, ("a note",)),
        COMMUNITY_TEMPLATE: build_community_context(row, MIDDLE, HOURS),
    }
    env = Environment(undefined=StrictUndefined, autoescape=False)
    for name, context in contexts.items():
        source = bundled_source(name)[0]
        assert meta.find_undeclared_variables(env.parse(source)) <= set(context)
