"""A full Asana outage in the middle of the first reconcile of 1,000 issues, then recovery.

The outage starts after a few hundred Asana requests have gone through (so some tasks exist,
some without their parent yet) and every later Asana request fails. The run must stop with
exit 1 and one error line naming Asana; the next run must finish the job with every task
present exactly once, in the right place; the run after that must write nothing.
"""

from __future__ import annotations

import pytest

from sync.emulator.github_state import Issue
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.faults.checks import (
    FakeClock,
    assert_clean_exit,
    assert_nothing_invalid_sent,
    live_tasks_by_url,
)

ISSUES = 1000
BEFORE_OUTAGE = 500  # Asana requests that still succeed: the index pages and ~245 tasks
COMMUNITIES = ("example-university", "other-college")


def seed(h: Harness) -> list[Issue]:
    """1,000 CSH issues in two communities, with hours; every tenth closed, every 25th
    a sub-issue of the issue before it (a subtask)."""
    gh = h.world.github
    board = gh.project("example-org", 57)
    issues: list[Issue] = []
    for i in range(ISSUES):
        labels = ["CSH", f"community:{COMMUNITIES[i % 2]}"]
        issue = gh.create_issue(REPO, f"Backfill {i}", f"Request **{i}**", labels=labels)
        gh.set_item_value(board, gh.add_project_item(board, issue), "Hours spent", i % 5 + 1)
        if i % 10 == 9:
            gh.close_issue(REPO, issue.number, "completed")
        if i % 25 == 24:
            gh.add_sub_issue(REPO, issues[-1].number, REPO, issue.number)
        issues.append(issue)
    return issues


def url(issue: Issue) -> str:
    return f"https://github.com/{REPO}/issues/{issue.number}"


def expected_parent(h: Harness, issue: Issue, tasks: dict[str, str]) -> str:
    parent = issue.parent
    if parent is not None:
        return tasks[f"https://github.com/{parent[0]}/issues/{parent[1]}"]
    key = next(label.split(":", 1)[1] for label in issue.labels if label.startswith("community:"))
    return h.seeded.communities[key]


def assert_backfilled(h: Harness, issues: list[Issue]) -> None:
    found = live_tasks_by_url(h.world, h.seeded.url_field)
    assert {u: len(t) for u, t in found.items() if len(t) != 1} == {}
    assert set(found) == {url(i) for i in issues}
    gids = {u: t[0].gid for u, t in found.items()}
    for issue in issues:
        task = found[url(issue)][0]
        assert task.name == issue.title
        assert task.completed == (issue.state == "closed")
        assert task.parent == expected_parent(h, issue, gids), issue.number
        assert h.seeded.project in task.projects


@pytest.mark.parametrize("outage", ["503", "reset"])
def test_an_asana_outage_during_a_1000_issue_backfill_is_recovered(
    harness: Harness, clock: FakeClock, outage: str
) -> None:
    h = harness
    issues = seed(h)
    server = h.world.server
    # The first BEFORE_OUTAGE Asana requests pass (a no-op fault takes them), then Asana is down.
    server.inject("asana", kind="delay", seconds=0, times=BEFORE_OUTAGE)
    down = {"status": 503} if outage == "503" else {"kind": "reset"}
    server.inject("asana", times=10**6, **down)

    failed = h.cli("-q", "reconcile", policy=clock.policy())

    assert_clean_exit(failed.code, failed.stdout, failed.stderr)
    assert failed.code == 1
    [line] = failed.stderr.splitlines()
    assert line.startswith("error: Asana API error"), line
    assert "gave up after 6 attempts" in line and "the next run finishes the job" in line
    made = live_tasks_by_url(h.world, h.seeded.url_field)
    assert 100 < len(made) < ISSUES  # the outage hit in the middle
    assert all(len(t) == 1 for t in made.values())
    orphans = sum(1 for [t] in made.values() if t.parent is None)

    server.clear_faults()
    before = server.count("asana", writes=True)
    recovered = h.cli("-q", "reconcile", policy=clock.policy())
    print(
        f"outage ({outage}) after {BEFORE_OUTAGE} Asana requests: {len(made)} tasks made, "
        f"{orphans} without their parent yet; recovery: "
        f"{server.count('asana', writes=True) - before} Asana writes; "
        f"retry waits of the failed run: {clock.sleeps[:5]}"
    )

    assert recovered.code == 0, recovered.stderr
    assert_backfilled(h, issues)
    writes = server.count(writes=True)
    again = h.cli("-q", "reconcile")
    assert again.code == 0, again.stderr
    assert server.count(writes=True) == writes  # nothing left to do
    assert_nothing_invalid_sent(h.world)
