"""The mirror's rules: which issues get tasks, where, with what."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sync.mirror.desired import Rules, desired_for_tree
from sync.mirror.model import KEEP, Ancestor
from tests.mirror.conftest import issue


def test_labeled_issue_goes_under_its_community(rules: Rules) -> None:
    desired = desired_for_tree(issue(), None, rules)
    [t] = desired.tasks
    assert t.parent.task_gid == "500"
    assert t.parent.label == "Example University / Community Success Hours"
    assert t.name == "Issue 1"
    assert t.custom_fields["11"] == "https://github.com/example-org/support/issues/1"
    assert "<strong>world</strong>" in t.html_notes
    assert t.completed is False
    assert desired.warnings == ()


def test_unlabeled_issue_is_removed(rules: Rules) -> None:
    desired = desired_for_tree(issue(labels=()), None, rules)
    assert desired.tasks == ()
    [removal] = desired.removals
    assert removal.reason == "no CSH label"


def test_close_reasons(rules: Rules) -> None:
    done = desired_for_tree(issue(state="closed", state_reason="completed"), None, rules)
    assert done.tasks[0].completed is True
    for reason in ("not_planned", "duplicate"):
        dropped = desired_for_tree(issue(state="closed", state_reason=reason), None, rules)
        assert dropped.tasks == ()
        assert dropped.removals[0].reason == f"closed as {reason}"


def test_sub_issues_follow_their_parent_at_any_depth(rules: Rules) -> None:
    grandchild = issue(3, labels=())
    child = issue(2, labels=(), children=(grandchild,))
    desired = desired_for_tree(issue(1, children=(child,)), None, rules)
    by_number = {t.ref: t for t in desired.tasks}
    assert by_number["example-org/support#2"].parent.issue_url == issue(1).url
    assert by_number["example-org/support#3"].parent.issue_url == issue(2).url


def test_labeled_sub_issue_still_sits_under_its_parent(rules: Rules) -> None:
    child = issue(2, labels=("CSH", "community:other-college"))
    desired = desired_for_tree(issue(1, children=(child,)), None, rules)
    assert desired.tasks[1].parent.issue_url == issue(1).url


def test_issue_below_a_mirrored_ancestor_sits_under_that_task(rules: Rules) -> None:
    parent = Ancestor("example-org/support", 9, "https://github.com/x/9", mirrored=True)
    desired = desired_for_tree(issue(2, labels=()), parent, rules)
    assert desired.tasks[0].parent.issue_url == "https://github.com/x/9"


def test_dropped_parent_takes_unlabeled_children_along(rules: Rules) -> None:
    child = issue(2, labels=())
    labeled = issue(3, labels=("CSH", "community:other-college"))
    root = issue(1, state="closed", state_reason="not_planned", children=(child, labeled))
    desired = desired_for_tree(root, None, rules)
    assert [r.ref for r in desired.removals] == ["example-org/support#1", "example-org/support#2"]
    assert desired.tasks[0].parent.task_gid == "600"


def test_community_from_board_wins_over_label(rules: Rules) -> None:
    node = issue(board={"Community": "Other College"})
    assert desired_for_tree(node, None, rules).tasks[0].parent.task_gid == "600"


def test_community_from_issue_form(rules: Rules) -> None:
    body = "### Community\n\nother-college\n\n### Contact people\n\n@alice\n\n### Request\n\nHelp!"
    desired = desired_for_tree(issue(labels=("CSH",), body=body), None, rules)
    t = desired.tasks[0]
    assert t.parent.task_gid == "600"
    assert "Community" in t.html_notes and "Help!" in t.html_notes


def test_unknown_community_lives_in_project_only_with_a_warning(rules: Rules) -> None:
    desired = desired_for_tree(issue(labels=("CSH", "community:nowhere")), None, rules)
    assert desired.tasks[0].parent.task_gid is None
    assert desired.warnings == (
        "example-org/support#1: unknown community 'nowhere'; its task stays in the Asana "
        "project only",
    )


def test_assignee_is_first_mapped_login_and_unmapped_are_named(rules: Rules) -> None:
    desired = desired_for_tree(issue(assignees=("stranger", "hubot", "octocat")), None, rules)
    assert desired.tasks[0].assignee == "777"
    assert desired.warnings == (
        "example-org/support#1: GitHub user stranger has no Asana user in csh.users",
    )


def test_board_fields(rules: Rules) -> None:
    board = {
        "Hours spent": 2.5,
        "Priority": "High",
        "Start date": date(2026, 3, 1),
        "End date": date(2026, 3, 5),
    }
    t = desired_for_tree(issue(board=board), None, rules).tasks[0]
    assert t.custom_fields["12"] == 2.5
    assert t.custom_fields["13"] == "131"
    assert t.dates == {"start_on": "2026-03-01", "due_on": "2026-03-05"}


def test_empty_board_values_clear_and_unknown_option_is_kept(rules: Rules) -> None:
    desired = desired_for_tree(issue(board={"Priority": "Urgent"}), None, rules)
    t = desired.tasks[0]
    assert t.custom_fields["12"] is None
    assert t.custom_fields["13"] is KEEP
    assert "board value 'Urgent' of 'Priority' has no Asana option" in desired.warnings[0]


def test_equal_start_and_due_sets_only_due(rules: Rules) -> None:
    board = {"Start date": date(2026, 3, 5), "End date": date(2026, 3, 5)}
    t = desired_for_tree(issue(board=board), None, rules).tasks[0]
    assert t.dates == {"start_on": None, "due_on": "2026-03-05"}


def test_title_is_one_line(rules: Rules) -> None:
    t = desired_for_tree(issue(title="a\nb\r\n c"), None, rules).tasks[0]
    assert t.name == "a b c"


def test_deleted_issue_is_removed(rules: Rules) -> None:
    desired = desired_for_tree(replace(issue(), deleted=True), None, rules)
    assert desired.removals[0].reason == "issue deleted"
