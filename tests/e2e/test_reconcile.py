"""`community-sync reconcile` end to end: every drift case is repaired, a second run writes
nothing, and the request count grows with pages, not issues."""

from __future__ import annotations

import gc
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sync.emulator.seed import REPO
from sync.mirror.planner import TaskIndex
from sync.mirror.reconcile import Reconciler, collector_paused
from sync.mirror.sync import Mirror
from sync.retry import RetryPolicy
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import URL, new_issue, only_task, set_hours, tasks_for


def reconcile(h: Harness, *argv: str) -> None:
    result = h.cli("reconcile", *argv)
    assert result.code == 0, result.stderr


def assert_second_run_writes_nothing(h: Harness) -> None:
    h.world.server.reset_log()
    result = h.cli("reconcile")
    assert result.code == 0, result.stderr
    assert h.world.server.count(writes=True) == 0, [
        (r.method, r.path) for r in h.world.server.requests if r.is_write
    ]
    assert result.outputs["action"] == "unchanged"


def test_backfill_then_nothing_to_do(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    issues = [new_issue(h, title=f"Request {i}") for i in range(4)]
    child = new_issue(h, title="Sub-task", labels=[])
    grandchild = new_issue(h, title="Sub-sub-task", labels=[])
    gh.add_sub_issue(REPO, issues[0].number, REPO, child.number)
    gh.add_sub_issue(REPO, child.number, REPO, grandchild.number)
    result = h.cli("reconcile")
    assert result.code == 0, result.stderr
    expected = "created 6 tasks, posted 4 link comments"
    assert f"reconciled 6 issues in example-org/support: {expected}" in result.stderr
    for issue in issues:
        assert only_task(h, issue).parent == h.seeded.communities["example-university"]
    assert only_task(h, grandchild).parent == only_task(h, child).gid
    assert_second_run_writes_nothing(h)


def test_drift_in_asana_is_repaired(harness: Harness) -> None:
    h = harness
    asana = h.world.asana
    renamed, deleted, completed, moved = (new_issue(h, title=f"Drift {i}") for i in range(4))
    reconcile(h)
    only_task(h, renamed).name = "Someone renamed me"
    asana.delete_task(only_task(h, deleted).gid)
    only_task(h, completed).completed = True
    asana.set_parent(only_task(h, moved), h.seeded.communities["other-college"])
    duplicate = asana.add_task(
        "Drift 0 (copy)",
        projects=[h.seeded.project],
        custom_fields={h.seeded.url_field: URL.format(renamed.number)},
    )
    reconcile(h)
    assert only_task(h, renamed).name == "Drift 0"
    assert not asana.is_live(duplicate)
    assert only_task(h, deleted)  # recreated
    assert not only_task(h, completed).completed
    assert only_task(h, moved).parent == h.seeded.communities["example-university"]
    assert_second_run_writes_nothing(h)


def test_a_description_edited_in_asana_is_repaired(harness: Harness) -> None:
    # The description carries a signature so that a run in sync need not render it again
    # (sync.mirror.notes); an edit in Asana breaks the seal and is repaired as before.
    h = harness
    issue = new_issue(h, title="Signed", body="Please **help** us.")
    reconcile(h)
    task = only_task(h, issue)
    assert "#community-sync-" in task.html_notes
    task.html_notes = task.html_notes.replace("<strong>help</strong>", "<strong>ignore</strong>")
    reconcile(h)
    assert "<strong>help</strong>" in only_task(h, issue).html_notes
    assert_second_run_writes_nothing(h)


def test_drift_in_github_is_repaired(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    hours, unlabeled, dropped, removed, parent = (new_issue(h, title=f"G{i}") for i in range(5))
    reconcile(h)
    set_hours(h, hours, 4)  # board edits start no workflow
    gh.remove_issue_label(REPO, unlabeled.number, "CSH")  # e.g. removed with a bot token
    gh.close_issue(REPO, dropped.number, "duplicate")
    gh.delete_issue(REPO, removed.number)
    child = new_issue(h, title="Linked later", labels=[])
    gh.add_sub_issue(REPO, parent.number, REPO, child.number)  # sub-issue links neither
    reconcile(h)
    assert h.world.asana.custom_field_value(only_task(h, hours).gid, "GitHub Hours") == 4
    for gone in (unlabeled, dropped, removed):
        assert tasks_for(h, URL.format(gone.number)) == []
    assert only_task(h, child).parent == only_task(h, parent).gid
    assert_second_run_writes_nothing(h)


def test_transferred_issue_keeps_its_task(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    gh.add_repo("example-org/other", labels=["CSH", "community:example-university"])
    issue = new_issue(h)
    reconcile(h)
    gid = only_task(h, issue).gid
    moved = gh.transfer_issue(REPO, issue.number, "example-org/other")
    reconcile(h)
    task = h.world.asana.task(gid)
    assert h.world.asana.is_live(gid)
    assert task.custom_values[h.seeded.url_field] == (
        f"https://github.com/example-org/other/issues/{moved.number}"
    )


def test_only_tasks_of_the_reconciled_repositories_are_touched(harness: Harness) -> None:
    h = harness
    asana = h.world.asana
    foreign = asana.add_task(
        "From another repo",
        projects=[h.seeded.project],
        custom_fields={h.seeded.url_field: "https://github.com/example-org/elsewhere/issues/1"},
    )
    reconcile(h, "--repo", REPO)
    assert asana.is_live(foreign)


def test_close_guard_applies_to_recent_closes_only(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    recent, old = new_issue(h, title="Closed today"), new_issue(h, title="Closed long ago")
    for issue in (recent, old):
        gh.close_issue(REPO, issue.number, "completed")
    gh.issue(REPO, old.number).closed_at = datetime.now(UTC) - timedelta(days=3)
    reconcile(h)
    assert gh.issue(REPO, recent.number).state == "open"
    assert not only_task(h, recent).completed
    assert gh.issue(REPO, old.number).state == "closed"
    assert only_task(h, old).completed


def test_dry_run_plans_without_writing(harness: Harness) -> None:
    h = harness
    new_issue(h)
    h.world.server.reset_log()
    result = h.cli("--dry-run", "reconcile")
    assert result.code == 0
    assert 'create task "Help with profiles"' in result.stdout
    assert h.world.server.count(writes=True) == 0


def test_requests_grow_with_pages_not_issues(harness: Harness) -> None:
    h = harness
    count = 250
    for i in range(count):
        new_issue(h, title=f"Bulk {i}")
    reconcile(h)
    h.world.server.reset_log()
    reconcile(h)
    pages = math.ceil(count / 100)
    assert h.world.server.count() <= 2 * pages + 10
    assert h.world.server.count(writes=True) == 0


def test_reconcile_interrupted_by_an_outage_is_finished_by_the_next_run(harness: Harness) -> None:
    h = harness
    issues = [new_issue(h, title=f"Outage {i}") for i in range(30)]
    slept: list[float] = []
    quick = RetryPolicy(sleep=slept.append, monotonic=lambda: sum(slept), jitter=lambda: 0.0)
    # Asana goes down after a dozen creates: the first 12 POST /tasks pass (a no-op delay
    # fault takes them), every later POST answers 503 until the outage ends.
    server = h.world.server
    server.inject("asana", kind="delay", method="POST", path=r"^/tasks$", seconds=0, times=12)
    server.inject("asana", kind="status", method="POST", status=503, times=10_000)
    failed = h.cli("reconcile", policy=quick)
    assert failed.code == 1
    assert "::error" not in failed.stdout and "error: Asana API error 503" in failed.stderr
    assert "the next run finishes the job" in failed.stderr
    created = sum(len(tasks_for(h, URL.format(i.number))) for i in issues)
    assert 0 < created < len(issues)
    h.world.server.clear_faults()
    reconcile(h)
    for issue in issues:
        assert len(tasks_for(h, URL.format(issue.number))) == 1
    assert_second_run_writes_nothing(h)


def test_labeled_sub_issues_inside_a_tree_cost_no_extra_query(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    parent = new_issue(h, title="Top")
    children = [new_issue(h, title=f"Labeled child {i}") for i in range(3)]
    for child in children:
        gh.add_sub_issue(REPO, parent.number, REPO, child.number)
    reconcile(h)
    for child in children:
        assert only_task(h, child).parent == only_task(h, parent).gid
    h.world.server.reset_log()
    reconcile(h)
    # The labeled listing (1) and the top's sub-issues (1): no read per labeled child.
    assert h.world.server.count("github") == 2


def test_the_cycle_collector_rests_while_reading_only(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paused while both sides are read and planned (a CPU cost, see collector_paused), on
    again while changes are applied (a backfill may run for hours), and as before after."""
    h = harness
    issue = new_issue(h, title="Collected")
    seen: dict[str, bool] = {}
    read, apply = Mirror.project_index, Reconciler._apply

    def reading(mirror: Mirror) -> TaskIndex:
        seen["reading"] = gc.isenabled()
        return read(mirror)

    def applying(reconciler: Reconciler, *args: Any) -> None:
        seen["applying"] = gc.isenabled()
        apply(reconciler, *args)

    monkeypatch.setattr(Mirror, "project_index", reading)
    monkeypatch.setattr(Reconciler, "_apply", applying)
    reconcile(h)
    assert seen == {"reading": False, "applying": True}
    assert gc.isenabled()
    assert only_task(h, issue).name == "Collected"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was_even_after_a_failure(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError), collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("a read failed")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
