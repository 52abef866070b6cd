"""Two `community-sync issue` processes on one new issue (GitHub sends `opened` and `labeled`
together for an issue created with the label) leave exactly one task and one link comment."""

from __future__ import annotations

import threading
import time

import pytest

from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import URL, link_comments, new_issue, tasks_for


@pytest.mark.parametrize("delay", [0.0, 0.05])
def test_opened_and_labeled_together_leave_one_task(harness: Harness, delay: float) -> None:
    h = harness
    issue = new_issue(h)
    opened = h.write_event("issues", "opened", issue.number)
    labeled = h.write_event("issues", "labeled", issue.number, label="CSH")
    if delay:
        # Slow down task listings so both runs look before either creates.
        h.world.server.inject(
            "asana",
            kind="delay",
            method="GET",
            path=r"/(projects|tasks)/\d+/(tasks|subtasks)",
            seconds=delay,
            times=2,
        )
    runs = [
        h.process("issue", "--event", str(path), "--event-name", "issues")
        for path in (opened, labeled)
    ]
    results = [run.communicate(timeout=60) for run in runs]
    for run, (_out, err) in zip(runs, results, strict=True):
        assert run.returncode == 0, err
    assert len(tasks_for(h, URL.format(issue.number))) == 1
    assert len(link_comments(h, issue)) == 1
    assert h.world.github.issue(REPO, issue.number).state == "open"


def test_a_run_that_lost_the_race_deletes_its_own_duplicate(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    competitor: list[str] = []

    def other_run_creates() -> None:
        deadline = time.monotonic() + 10
        while held.times > 0 and time.monotonic() < deadline:  # our create is now held back
            time.sleep(0.01)
        with h.world.server.lock:
            competitor.append(
                h.world.asana.add_task(  # as a run creates it: under its community, at once
                    "Help with profiles",
                    projects=[h.seeded.project],
                    parent=h.seeded.communities["example-university"],
                    custom_fields={h.seeded.url_field: URL.format(issue.number)},
                )
            )

    # Our create is held back while another run creates the same task, so both runs looked,
    # found nothing, and created: ours is the younger one and must remove itself.
    held = h.world.server.inject(
        "asana", kind="delay", method="POST", path=r"^/tasks$", seconds=0.3
    )
    thread = threading.Thread(target=other_run_creates)
    thread.start()
    path = h.write_event("issues", "labeled", issue.number, label="CSH")
    result = h.cli("issue", "--event", str(path), "--event-name", "issues")
    thread.join()
    assert result.code == 0, result.stderr
    assert [t.gid for t in tasks_for(h, URL.format(issue.number))] == competitor
    assert link_comments(h, issue) == []  # the run that created first posts it
    assert result.outputs["asana_task_gid"] == competitor[0]
