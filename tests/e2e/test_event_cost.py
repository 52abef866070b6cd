"""What an `issue` event costs does not grow with the Asana project: a new issue's task is looked
for, created and checked among its community task's subtasks, never by listing the project. The
cases where the task may sit elsewhere still list the project, so nothing is duplicated."""

from __future__ import annotations

import pytest

from sync.emulator.github_state import Issue
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import URL, link_comments, new_issue, only_task, tasks_for


def crowd(h: Harness, count: int) -> None:
    """Fill the project with other communities' tasks (more pages than an event may read)."""
    asana, seeded = h.world.asana, h.seeded
    college = seeded.communities["other-college"]
    for n in range(count):
        asana.add_task(
            f"Earlier work {n}",
            projects=[seeded.project],
            parent=college if n % 2 else None,
            custom_fields={seeded.url_field: f"https://github.com/example-org/old/issues/{n}"},
        )


def labeled_cost(h: Harness, sub_issues: int = 0) -> tuple[int, int, int]:
    """(requests, writes, Asana requests) of a labeled event on a new issue."""
    issue = new_issue(h)
    for n in range(sub_issues):
        child = new_issue(h, title=f"Part {n}", labels=[])
        h.world.github.add_sub_issue(REPO, issue.number, REPO, child.number)
    h.world.server.reset_log()
    result = h.event("labeled", issue.number, label="CSH")
    assert result.code == 0, result.stderr
    assert only_task(h, issue).parent == h.seeded.communities["example-university"]
    server = h.world.server
    return server.count(), server.count(writes=True), server.count("asana")


def test_a_labeled_new_issue_costs_the_same_in_a_project_of_any_size(harness: Harness) -> None:
    h = harness
    h.event("labeled", new_issue(h, title="Earlier").number, label="CSH")
    small = labeled_cost(h)
    crowd(h, 450)  # five pages of the project's task list
    large = labeled_cost(h)
    assert large == small
    # GraphQL read, the community task's subtasks, create (under it, in the project, with its
    # fields: one write), the same subtasks again (the race check), the link comment.
    assert small == (5, 2, 3)
    paths = [r.path for r in h.world.server.requests]
    assert not any("/projects/" in path for path in paths), paths


def test_a_new_tree_and_an_edit_in_it_cost_the_same_in_a_project_of_any_size(
    harness: Harness,
) -> None:
    h = harness
    h.event("labeled", new_issue(h, title="Earlier").number, label="CSH")
    small = labeled_cost(h, sub_issues=2)
    crowd(h, 450)
    large = labeled_cost(h, sub_issues=2)
    assert large == small
    # The read, the community's subtasks, 3 creates each with its race check (the community's
    # subtasks, then the new top task's twice), 1 link comment.
    assert small == (9, 4, 7)
    trees = [issue for issue in h.world.github.issues.values() if issue.sub_issues]
    child = trees[-1].sub_issues[0]
    h.world.github.edit_issue(*child, title="Part 0, renamed")
    h.world.server.reset_log()
    assert h.event("edited", child[1]).code == 0
    paths = [r.path for r in h.world.server.requests]
    assert not any("/projects/" in path for path in paths), paths
    assert h.world.server.count(writes=True) == 1


def test_where_asana_drops_the_project_of_a_subtask_create_the_task_is_made_in_two_steps(
    harness: Harness,
) -> None:
    h = harness
    h.world.asana.subtask_create_drops_projects = True  # custom fields then refuse the create
    issue = new_issue(h)
    result = h.event("labeled", issue.number, label="CSH")
    assert result.code == 0, result.stderr
    task = only_task(h, issue)
    assert task.parent == h.seeded.communities["example-university"]
    assert task.projects == [h.seeded.project]
    assert "created it in the project, then set the parent" in result.stderr
    assert len(link_comments(h, issue)) == 1


# 0: the other community's label event is among the 10 the read sees; 10: pushed out of them.
@pytest.mark.parametrize("labels_between", [0, 10])
def test_an_issue_labeled_with_another_community_before_is_looked_for_in_the_project(
    harness: Harness, labels_between: int
) -> None:
    h = harness
    gh = h.world.github
    issue = new_issue(h, labels=["CSH", "community:other-college"])
    h.event("labeled", issue.number, label="CSH")
    first = only_task(h, issue)
    gh.delete_comment(link_comment_id(h, issue))  # a person removed the link comment
    gh.remove_issue_label(REPO, issue.number, "community:other-college")
    for n in range(labels_between):
        gh.add_issue_label(REPO, issue.number, f"triage-{n}")
    gh.add_issue_label(REPO, issue.number, "community:example-university")
    result = h.event("labeled", issue.number, label="community:example-university")
    assert result.code == 0, result.stderr
    assert [t.gid for t in tasks_for(h, URL.format(issue.number))] == [first.gid]
    assert only_task(h, issue).parent == h.seeded.communities["example-university"]


def test_an_issue_that_was_a_sub_issue_is_looked_for_in_the_project(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    parent = new_issue(h, title="Parent")
    child = new_issue(h, title="Child", labels=[])
    gh.add_sub_issue(REPO, parent.number, REPO, child.number)
    h.event("labeled", parent.number, label="CSH")
    kept = only_task(h, child).gid  # under the parent's task, with no link comment
    gh.remove_sub_issue(REPO, parent.number, REPO, child.number)
    gh.add_issue_label(REPO, child.number, "CSH")
    gh.add_issue_label(REPO, child.number, "community:example-university")
    result = h.event("labeled", child.number, label="CSH")
    assert result.code == 0, result.stderr
    assert only_task(h, child).gid == kept
    assert only_task(h, child).parent == h.seeded.communities["example-university"]


def link_comment_id(h: Harness, issue: Issue) -> int:
    [comment] = [
        c for c in h.world.github.issue_comments(issue) if "community-sync:task=" in c.body
    ]
    return comment.id


def test_a_sub_issue_mirrored_before_under_another_community_is_not_duplicated(
    harness: Harness,
) -> None:
    h = harness
    gh = h.world.github
    child = new_issue(h, title="Own work", labels=["CSH", "community:other-college"])
    h.event("labeled", child.number, label="CSH")
    first = only_task(h, child)
    gh.delete_comment(link_comment_id(h, child))  # nothing left to point at its task
    adopt(h, new_issue(h, title="Umbrella"), child, first.gid)


def test_a_sub_issue_moved_between_parents_is_not_duplicated(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    old_parent = new_issue(h, title="Old umbrella", labels=["CSH", "community:other-college"])
    child = new_issue(h, title="Moving part", labels=[])
    gh.add_sub_issue(REPO, old_parent.number, REPO, child.number)
    h.event("labeled", old_parent.number, label="CSH")
    first = only_task(h, child)
    gh.remove_sub_issue(REPO, old_parent.number, REPO, child.number)
    adopt(h, new_issue(h, title="New umbrella"), child, first.gid)


def adopt(h: Harness, parent: Issue, child: Issue, task_gid: str) -> None:
    """Make child a sub-issue of parent and label parent: child keeps its task, moved under
    parent's."""
    h.world.github.add_sub_issue(REPO, parent.number, REPO, child.number)
    result = h.event("labeled", parent.number, label="CSH")
    assert result.code == 0, result.stderr
    assert only_task(h, child).gid == task_gid
    assert only_task(h, child).parent == only_task(h, parent).gid
