"""Diffing desired against existing tasks."""

from __future__ import annotations

from dataclasses import replace

from sync.mirror.desired import Rules, desired_for_tree
from sync.mirror.plan import AddToProject, CreateTask, DeleteTask, MoveTask, UpdateTask
from sync.mirror.planner import plan_tasks
from tests.mirror.conftest import FIELDS, issue, task


def in_sync(rules: Rules, node=None):  # type: ignore[no-untyped-def]
    node = node or issue()
    d = desired_for_tree(node, None, rules).tasks[0]
    return task(
        "900",
        d.url,
        name=d.name,
        html_notes=d.html_notes,
        completed=d.completed,
        custom_fields=dict(d.custom_fields),
    )


def test_new_issue_plans_one_create(rules: Rules) -> None:
    changes = plan_tasks(desired_for_tree(issue(), None, rules), {}, "100", FIELDS)
    assert [type(c) for c in changes] == [CreateTask]
    assert changes[0].describe() == (
        'create task "Issue 1" under "Example University / Community Success Hours"'
    )


def test_task_in_sync_plans_nothing(rules: Rules) -> None:
    have = in_sync(rules)
    assert (
        plan_tasks(desired_for_tree(issue(), None, rules), {have.github_url: [have]}, "100", FIELDS)
        == []
    )


def test_equivalent_html_is_not_rewritten(rules: Rules) -> None:
    have = in_sync(rules)
    have = replace(have, html_notes=have.html_notes.replace("<body>", "<body>  "))
    assert (
        plan_tasks(desired_for_tree(issue(), None, rules), {have.github_url: [have]}, "100", FIELDS)
        == []
    )


def test_drift_is_overwritten_with_one_update(rules: Rules) -> None:
    have = replace(in_sync(rules), name="Edited in Asana", completed=True)
    [change] = plan_tasks(
        desired_for_tree(issue(), None, rules), {have.github_url: [have]}, "100", FIELDS
    )
    assert isinstance(change, UpdateTask)
    assert change.data == {"name": "Issue 1", "completed": False}
    assert change.describe() == (
        'update task 900: name "Edited in Asana" -> "Issue 1", completed true -> false'
    )


def test_hours_change_is_a_custom_field_update(rules: Rules) -> None:
    have = in_sync(rules)
    node = issue(board={"Hours spent": 3})
    [change] = plan_tasks(
        desired_for_tree(node, None, rules), {have.github_url: [have]}, "100", FIELDS
    )
    assert isinstance(change, UpdateTask)
    assert change.data == {"custom_fields": {"12": 3.0}}
    assert change.describe() == "update task 900: GitHub Hours (none) -> 3"


def test_completion(rules: Rules) -> None:
    have = in_sync(rules)
    node = issue(state="closed", state_reason="completed")
    [change] = plan_tasks(
        desired_for_tree(node, None, rules), {have.github_url: [have]}, "100", FIELDS
    )
    assert isinstance(change, UpdateTask) and change.completes


def test_not_planned_deletes(rules: Rules) -> None:
    have = in_sync(rules)
    node = issue(state="closed", state_reason="not_planned")
    [change] = plan_tasks(
        desired_for_tree(node, None, rules), {have.github_url: [have]}, "100", FIELDS
    )
    assert change.describe() == "delete task 900 (closed as not_planned)"


def test_duplicates_keep_the_oldest(rules: Rules) -> None:
    old = in_sync(rules)
    young = replace(old, gid="901", created_at="2026-02-01T00:00:00.000Z")
    changes = plan_tasks(
        desired_for_tree(issue(), None, rules), {old.github_url: [young, old]}, "100", FIELDS
    )
    assert [c.describe() for c in changes] == ["delete task 901 (duplicate of task 900)"]


def test_community_change_moves_and_missing_project_is_added(rules: Rules) -> None:
    have = replace(in_sync(rules), project_gids=())
    node = issue(board={"Community": "other-college"})
    changes = plan_tasks(
        desired_for_tree(node, None, rules), {have.github_url: [have]}, "100", FIELDS
    )
    assert [type(c) for c in changes] == [AddToProject, MoveTask]
    assert (
        changes[1].describe()
        == 'move task 900 (example-org/support#1) under "Other College / Community Success Hours"'
    )


def test_deletes_come_last_children_first(rules: Rules) -> None:
    child = issue(2, labels=())
    root = issue(1, state="closed", state_reason="duplicate", children=(child,))
    t1, t2 = task("901", root.url), task("902", child.url, parent_gid="901")
    changes = plan_tasks(
        desired_for_tree(root, None, rules), {root.url: [t1], child.url: [t2]}, "100", FIELDS
    )
    assert [c.gid for c in changes if isinstance(c, DeleteTask)] == ["902", "901"]


def test_clearing_the_start_date_sends_the_due_date_with_it(rules: Rules) -> None:
    """Asana answers 400 to a start_on change (set or unset) without due_on in the request."""
    node = issue(board={"Start date": None, "End date": "2026-03-05"})
    have = replace(in_sync(rules, node), start_on="2026-03-01", due_on="2026-03-05")
    [update] = plan_tasks(
        desired_for_tree(node, None, rules), {have.github_url: [have]}, "100", FIELDS
    )
    assert isinstance(update, UpdateTask)
    assert update.data["start_on"] is None and update.data["due_on"] == "2026-03-05"


def test_clearing_a_start_date_equal_to_the_end_sends_the_due_date(rules: Rules) -> None:
    node = issue(board={"Start date": "2026-03-05", "End date": "2026-03-05"})
    have = replace(in_sync(rules, node), start_on="2026-03-01", due_on="2026-03-05")
    [update] = plan_tasks(
        desired_for_tree(node, None, rules), {have.github_url: [have]}, "100", FIELDS
    )
    assert isinstance(update, UpdateTask)
    assert update.data == {"start_on": None, "due_on": "2026-03-05"}
