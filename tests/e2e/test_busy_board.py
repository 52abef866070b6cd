"""A busy CSH board: an item's field values list GitHub's built-in fields (Title, Assignees,
Labels, Repository, ...) and every other field of the board before the configured ones, so the
hours and the community can come after the first page of values; they are still read."""

from __future__ import annotations

from sync.emulator.github_state import Issue
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import new_issue, only_task

OTHER_FIELDS = 120  # more than one page (100) of values before "Hours spent"


def crowd_the_board(h: Harness) -> None:
    """Put OTHER_FIELDS text fields in front of the board's own fields, as a team might."""
    gh = h.world.github
    board = gh.project("example-org", 57)
    first_own = next(i for i, f in enumerate(board.fields) if f.name == "Hours spent")
    added = [gh.add_project_field(board, f"Note {n}", "TEXT") for n in range(OTHER_FIELDS)]
    board.fields = board.fields[:first_own] + added + board.fields[first_own : -len(added)]


def fill_in(h: Harness, issue: Issue, hours: float, community: str) -> None:
    """Every field of the crowded board set on the issue's item, the CSH ones last."""
    gh = h.world.github
    board = gh.project("example-org", 57)
    item = gh.add_project_item(board, issue)
    for n in range(OTHER_FIELDS):
        gh.set_item_value(board, item, f"Note {n}", f"note {n}")
    gh.set_item_value(board, item, "Hours spent", hours)
    gh.set_item_value(board, item, "Community", community)


def value_pages(h: Harness) -> int:
    """How many follow-up pages of field values were read."""
    with h.world.server.lock:
        return sum(
            1
            for r in h.world.server.requests
            if r.service == "github" and b"query ItemFieldValues" in r.body
        )


def test_hours_and_community_after_the_first_page_of_values_are_read(harness: Harness) -> None:
    h = harness
    crowd_the_board(h)
    issue = new_issue(h, labels=["CSH"], assignees=["octocat"])
    fill_in(h, issue, 4.5, "other-college")

    result = h.event("labeled", issue.number, label="CSH")

    assert result.code == 0, result.stderr
    task = only_task(h, issue)
    assert h.world.asana.custom_field_value(task.gid, "GitHub Hours") == 4.5
    assert task.parent == h.seeded.communities["other-college"]
    assert value_pages(h) == 1


def test_a_deep_sub_issue_on_a_crowded_board_keeps_its_hours_in_reconcile(
    harness: Harness,
) -> None:
    h = harness
    gh = h.world.github
    crowd_the_board(h)
    parent = new_issue(h)
    child = new_issue(h, title="Child work", labels=[])
    grandchild = new_issue(h, title="Grandchild work", labels=[])
    gh.add_sub_issue(REPO, parent.number, REPO, child.number)
    gh.add_sub_issue(REPO, child.number, REPO, grandchild.number)
    fill_in(h, grandchild, 0.5, "example-university")  # read by the sub-issue query

    result = h.cli("reconcile")

    assert result.code == 0, result.stderr
    task = only_task(h, grandchild)
    assert h.world.asana.custom_field_value(task.gid, "GitHub Hours") == 0.5
    assert value_pages(h) == 1


def test_an_item_within_one_page_costs_no_follow_up_read(harness: Harness) -> None:
    h = harness
    issue = new_issue(h, labels=["CSH"], assignees=["octocat"])
    gh = h.world.github
    board = gh.project("example-org", 57)
    gh.set_item_value(board, gh.add_project_item(board, issue), "Hours spent", 2.0)

    assert h.event("labeled", issue.number, label="CSH").code == 0

    assert h.world.asana.custom_field_value(only_task(h, issue).gid, "GitHub Hours") == 2.0
    assert value_pages(h) == 0
