"""`reconcile` and an `issue` run on the same issue at once: no concurrency group spans both,
so `reconcile` verifies its creates and the younger task removes itself in the same run."""

from __future__ import annotations

import threading
import time

from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness, Result
from tests.e2e.test_issue_events import URL, link_comments, new_issue, tasks_for


def test_reconcile_removes_its_younger_duplicate_in_the_same_run(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    url = URL.format(issue.number)
    # Hold reconcile's create for a moment, as if the network were slow ...
    held = h.world.server.inject("asana", kind="delay", method="POST", path=r"/tasks$", seconds=1)
    results: list[Result] = []
    run = threading.Thread(target=lambda: results.append(h.cli("reconcile")))
    run.start()
    deadline = time.monotonic() + 30
    while held.times > 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert held.times == 0, "reconcile never sent its create"
    # ... while an `issue` run creates the same issue's task first.
    other = h.world.asana.add_task(
        "Help with profiles",
        projects=[h.seeded.project],
        parent=h.seeded.communities["example-university"],
    )
    h.world.asana.tasks[other].custom_values[h.seeded.url_field] = url
    run.join(60)
    [result] = results
    assert result.code == 0, result.stderr
    assert [t.gid for t in tasks_for(h, url)] == [other]
    assert link_comments(h, issue) == []  # the run whose task survived posts the comment
    assert f"another run created task {other} first" in result.stderr
    h.world.server.reset_log()
    assert h.cli("reconcile").code == 0
    assert [t.gid for t in tasks_for(h, url)] == [other]
    assert h.world.github.issue(REPO, issue.number).state == "open"
