"""Only 410 Gone (or a `deleted` event) means an issue was deleted: a transfer to a repository
the token cannot read leaves the task alone and says so (issue 11)."""

from __future__ import annotations

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
