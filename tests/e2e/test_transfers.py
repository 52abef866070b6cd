"""Only 410 Gone (or a `deleted` event) means an issue was deleted: a transfer to a repository
the token cannot read leaves the task alone and says so (issue 11)."""

from __future__ import annotations

import itertools

from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import new_issue, only_task, tasks_for

HIDDEN = "example-org/private-support"


def test_reconcile_keeps_the_task_of_an_issue_moved_out_of_sight(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    gh.add_repo(HIDDEN, labels=["CSH", "community:example-university"])
    gh.hidden_repos.add(HIDDEN)
    issue = new_issue(h)
    assert h.cli("reconcile").code == 0
    gid = only_task(h, issue).gid
    moved = gh.transfer_issue(REPO, issue.number, HIDDEN)
    result = h.cli("reconcile")
    assert result.code == 0, result.stderr
    assert h.world.asana.is_live(gid)
    assert f"{REPO}#{issue.number}" in result.stderr and "cannot" in result.stderr
    # a later run with access settles it: the task follows the issue
    gh.hidden_repos.clear()
    assert h.cli("reconcile").code == 0
    assert h.world.asana.is_live(gid)
    new_url = f"https://github.com/{HIDDEN}/issues/{moved.number}"
    assert h.world.asana.task(gid).custom_values[h.seeded.url_field] == new_url


def test_a_transfer_event_to_an_unreadable_repository_keeps_the_task(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    gh.add_repo(HIDDEN, labels=["CSH", "community:example-university"])
    issue = new_issue(h)
    assert h.event("labeled", issue.number, label="CSH").code == 0
    gid = only_task(h, issue).gid
    gh.transfer_issue(REPO, issue.number, HIDDEN)
    gh.hidden_repos.add(HIDDEN)
    result = h.event("transferred", issue.number)
    assert result.code == 0, result.stderr
    assert h.world.asana.is_live(gid)
    assert "cannot be read" in result.stderr


def test_a_deleted_issue_still_loses_its_task(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    assert h.cli("reconcile").code == 0
    h.world.github.delete_issue(REPO, issue.number)
    assert h.cli("reconcile").code == 0
    assert tasks_for(h, f"https://github.com/{REPO}/issues/{issue.number}") == []


def test_sub_issues_deeper_than_asana_allows_sit_at_the_deepest_level(harness: Harness) -> None:
    """Asana nests subtasks 5 levels deep (the emulator enforces it); GitHub allows 8."""
    h = harness
    gh = h.world.github
    chain = [new_issue(h, title="Level 1")]
    for level in range(2, 8):
        child = gh.create_issue(REPO, f"Level {level}", "", author="octocat")
        gh.add_sub_issue(REPO, chain[-1].number, REPO, child.number)
        chain.append(child)
    result = h.cli("reconcile")
    assert result.code == 0, result.stderr
    assert "deeper than asana.max_subtask_depth (4)" in result.stderr
    tasks = [only_task(h, issue) for issue in chain]
    # The community task is itself a subtask: 4 levels below it are Asana's 5.
    assert tasks[0].parent == h.seeded.communities["example-university"]
    for upper, lower in itertools.pairwise(tasks[:4]):
        assert lower.parent == upper.gid
    assert [t.parent for t in tasks[4:]] == [tasks[2].gid] * 3
    h.world.server.reset_log()
    assert h.cli("reconcile").code == 0
    assert h.world.server.count(writes=True) == 0
