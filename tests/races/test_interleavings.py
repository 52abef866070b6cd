"""Twenty seeded-random interleavings of events for one issue, run as concurrent processes.

Each scenario is one issue and a script of GitHub changes, each followed by the webhook event
GitHub would send (written as GitHub would at that moment). The events of one burst start
together as separate `community-sync issue` processes; the next burst's changes are made after
a random pause, usually while earlier processes are still running, exactly as a person clicking
in GitHub and Actions starting one job per event would. The twenty scenarios run five at a
time against one emulated world, each on its own issue.

Afterwards one `reconcile` runs (the hourly safety net), and the Asana state must equal the
state computed here from GitHub alone: which issues have a task, its name, completion and
parent, with exactly one live task per issue and at most one link comment.
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sync.emulator.github_state import GitHubState, Issue
from sync.emulator.github_webhooks import webhook_payload
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.faults.checks import assert_nothing_invalid_sent, duplicates, live_tasks_by_url

SCENARIOS = 20
AT_ONCE = 5  # scenarios running side by side (about 10 processes at a time)
COMMUNITIES = ("example-university", "other-college")
Change = Callable[[GitHubState, Issue], None]


@dataclass(frozen=True)
class Step:
    """A change made on GitHub and the `issues` event it fires."""

    name: str
    action: str
    change: Change
    extra: tuple[tuple[str, str], ...] = ()
    before: bool = False  # the payload is taken before the change (a deleted issue has none)


def _edit(gh: GitHubState, issue: Issue) -> None:
    gh.edit_issue(issue.repo, issue.number, title=f"{issue.title.split(' v')[0]} v{time.time_ns()}")


def _close(reason: str) -> Change:
    return lambda gh, issue: gh.close_issue(issue.repo, issue.number, reason)


def _community(key: str) -> Change:
    def change(gh: GitHubState, issue: Issue) -> None:
        for other in COMMUNITIES:
            gh.remove_issue_label(issue.repo, issue.number, f"community:{other}")
        gh.add_issue_label(issue.repo, issue.number, f"community:{key}")

    return change


STEPS = {
    "edit": Step("edit", "edited", _edit),
    "close": Step("close", "closed", _close("completed")),
    "close not planned": Step("close not planned", "closed", _close("not_planned")),
    "close duplicate": Step("close duplicate", "closed", _close("duplicate")),
    "reopen": Step("reopen", "reopened", lambda gh, i: gh.reopen_issue(i.repo, i.number)),
    "label": Step(
        "label",
        "labeled",
        lambda gh, i: gh.add_issue_label(i.repo, i.number, "CSH"),
        (("label", "CSH"),),
    ),
    "unlabel": Step(
        "unlabel",
        "unlabeled",
        lambda gh, i: gh.remove_issue_label(i.repo, i.number, "CSH"),
        (("label", "CSH"),),
    ),
    "assign": Step(
        "assign",
        "assigned",
        lambda gh, i: gh.set_assignees(i.repo, i.number, ["hubot"]),
        (("assignee", "hubot"),),
    ),
    "move community": Step(
        "move community",
        "labeled",
        _community("other-college"),
        (("label", "community:other-college"),),
    ),
    "delete": Step(
        "delete", "deleted", lambda gh, i: gh.delete_issue(i.repo, i.number), before=True
    ),
}
# The named interleavings; each scenario starts from one and adds random steps around it.
# A burst is a tuple of steps whose events start together.
CORES: dict[str, list[tuple[str, ...]]] = {
    "opened+labeled together": [],
    "edit during close": [("edit", "close")],
    "reopen during delete": [("close not planned",), ("reopen", "delete")],
    "label removed during an edit": [("edit", "unlabel")],
    "close, reopen and edit at once": [("close",), ("reopen", "edit")],
}
EXTRAS = [
    "edit",
    "close",
    "close not planned",
    "close duplicate",
    "reopen",
    "label",
    "unlabel",
    "assign",
    "move community",
]


@dataclass
class Scenario:
    """One issue and the bursts of steps to run against it."""

    seed: int
    core: str
    bursts: list[tuple[str, ...]]
    pauses: list[float]
    issue: Issue | None = None
    processes: int = 0
    overlapping: int = 0  # processes started while an earlier one of this issue still ran
    failures: list[str] = field(default_factory=list)

    @property
    def fresh(self) -> bool:
        """True: the issue is created with its label during the run (`opened` + `labeled`);
        False: it was mirrored before, as most issues are when something happens to them."""
        return self.core == "opened+labeled together"

    @classmethod
    def make(cls, seed: int) -> Scenario:
        rng = random.Random(seed)
        core = list(CORES)[seed % len(CORES)]
        bursts = list(CORES[core])
        if rng.random() < 0.6 or not bursts:
            burst = tuple(rng.sample(EXTRAS, rng.randint(1, 2)))
            bursts.insert(rng.randint(0, len(bursts)), burst)
        pauses = [rng.uniform(0.0, 1.0) for _ in bursts]
        return cls(seed, core, bursts, pauses)


@dataclass
class Driver:
    """Runs scenarios: GitHub changes under the emulator's lock, events as processes."""

    h: Harness
    folder: Path
    lock: threading.Lock = field(default_factory=threading.Lock)
    written: int = 0

    def event(self, issue: Issue, step: Step | None, action: str, **extra: str) -> Path:
        gh = self.h.world.github
        with self.h.world.server.lock:
            if step is not None and not step.before:
                step.change(gh, issue)
            payload = webhook_payload(gh, "issues", action, issue.repo, issue.number, **extra)
            if step is not None and step.before:
                step.change(gh, issue)
        with self.lock:
            self.written += 1
            path = self.folder / f"race-event-{self.written}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path

    def prepare(self, scenario: Scenario) -> None:
        """Open the scenario's issue; mirror it first unless the scenario opens it."""
        rng = random.Random(scenario.seed * 7919)
        gh = self.h.world.github
        labels = ["CSH", f"community:{rng.choice(COMMUNITIES)}"]
        title, body = f"Race {scenario.seed}", f"Seed {scenario.seed}"
        scenario.issue = issue = gh.create_issue(REPO, title, body, labels=labels)
        if rng.random() < 0.8:  # most have hours; the others meet the close guard
            board = gh.project("example-org", 57)
            gh.set_item_value(board, gh.add_project_item(board, issue), "Hours spent", 1.5)
        if not scenario.fresh:
            first = self.h.event("labeled", issue.number, label="CSH")
            assert first.code == 0, first.stderr

    def run(self, scenario: Scenario) -> None:
        issue = scenario.issue
        assert issue is not None
        running: list[subprocess.Popen[str]] = []
        if scenario.fresh:  # GitHub sends both at once for an issue created with its label
            running += [
                self.start(self.event(issue, None, "opened")),
                self.start(self.event(issue, None, "labeled", label="CSH")),
            ]
        for burst, pause in zip(scenario.bursts, scenario.pauses, strict=True):
            time.sleep(pause)
            scenario.overlapping += sum(p.poll() is None for p in running)
            steps = [STEPS[name] for name in burst]
            paths = [self.event(issue, s, s.action, **dict(s.extra)) for s in steps]
            running += [self.start(p) for p in paths]
        scenario.processes = len(running)
        for process in running:
            _out, err = process.communicate(timeout=90)
            if process.returncode != 0 or "Traceback" in err:
                scenario.failures.append(f"exit {process.returncode}: {err.strip()}")

    def start(self, path: Path) -> subprocess.Popen[str]:
        return self.h.process("issue", "--event", str(path), "--event-name", "issues")


def expected(
    gh: GitHubState, issue: Issue, communities: dict[str, str]
) -> tuple[str, bool, str] | None:
    """From GitHub alone: (name, completed, parent gid) of the issue's task, or None."""
    dropped = issue.state == "closed" and issue.state_reason in {"not_planned", "duplicate"}
    if issue.deleted or dropped or "CSH" not in issue.labels:
        return None
    keys = [lbl.split(":", 1)[1] for lbl in issue.labels if lbl.startswith("community:")]
    return issue.title, issue.state == "closed", communities[keys[0]]


def test_twenty_interleavings_end_in_the_state_github_implies(harness: Harness) -> None:
    h = harness
    scenarios = [Scenario.make(seed) for seed in range(SCENARIOS)]
    driver = Driver(h, h.folder)
    for scenario in scenarios:
        driver.prepare(scenario)
    # A slower create widens the window between looking for a task and creating it.
    slow = {"kind": "delay", "method": "POST", "path": r"^/tasks$", "seconds": 0.1}
    h.world.server.inject("asana", times=10**6, **slow)
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        list(pool.map(driver.run, scenarios))
    h.world.server.clear_faults()

    assert sum(s.overlapping for s in scenarios) >= SCENARIOS  # they really ran side by side
    failures = {s.seed: s.failures for s in scenarios if s.failures}
    assert failures == {}, failures
    # The events alone already leave at most one task per issue (no duplicate waits for
    # reconcile); a stale read racing a later change may leave a field behind, reconcile's job.
    assert duplicates(h.world, h.seeded.url_field) == {}
    reconciled = h.cli("reconcile")
    assert reconciled.code == 0, reconciled.stderr
    repaired = reconciled.stdout.splitlines()
    print(
        f"{sum(s.processes for s in scenarios)} processes, "
        f"{sum(s.overlapping for s in scenarios)} started while another ran; "
        f"reconcile repaired {len(repaired)}: {repaired}"
    )

    tasks = live_tasks_by_url(h.world, h.seeded.url_field)
    gh = h.world.github
    for scenario in scenarios:
        issue = scenario.issue
        assert issue is not None
        url = f"https://github.com/{REPO}/issues/{issue.number}"
        want = expected(gh, issue, h.seeded.communities)
        have = [(t.name, t.completed, t.parent) for t in tasks.get(url, [])]
        context = f"seed {scenario.seed} ({scenario.core}): {scenario.bursts}"
        assert have == ([want] if want else []), context
        links = [c.body for c in gh.issue_comments(issue) if "community-sync:task=" in c.body]
        assert len(links) <= 1, context
        if want is not None:
            assert links and f"task={tasks[url][0].gid} " in links[0], context
        guards = [c for c in gh.issue_comments(issue) if "hours-guard" in c.body]
        assert len(guards) <= 1, context
    assert_nothing_invalid_sent(h.world)
