"""``community-sync demo``: the real commands, end to end, against the bundled emulator.

No token and no network: GitHub, Asana and Slack are emulated on 127.0.0.1, seeded with a
small organisation, and each step runs the same CLI code a workflow runs.
"""

from __future__ import annotations

import json
import shlex
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync.actions_runtime import Runtime
from sync.commands.office_hours import NOW_VARIABLE
from sync.emulator import World
from sync.emulator.github_webhooks import webhook_payload
from sync.emulator.seed import REPO, Seeded, seed_csh
from sync.emulator.seed_office_hours import OFFICE_HOURS_CONFIG


@dataclass
class Demo:
    """A seeded world plus a scratch folder, and a way to run the CLI against them."""

    world: World
    seeded: Seeded
    folder: Path
    runtime: Runtime

    def run(self, *argv: str) -> int:
        """Run community-sync with this world's environment; print its output."""
        from sync.cli import run

        env = {
            **{k: v for k, v in self.runtime.env.items() if k != "GITHUB_ACTIONS"},
            **self.world.env(slack=True),
        }
        inner = Runtime(env=env, stdout=self.runtime.stdout, stderr=self.runtime.stdout)
        for secret in (self.world.github_token, self.world.asana_token):
            inner.add_secret(secret)
        config = str(self.folder / "community-sync.yml")
        code = run(["--config", config, *argv], runtime=inner)
        if code:
            self.say(f"  (exit code {code})")
        return code

    def event(self, action: str, number: int, **extra: Any) -> int:
        """Write an `issues` event for an issue and run `community-sync issue` on it."""
        payload = webhook_payload(self.world.github, "issues", action, REPO, number, **extra)
        path = self.folder / f"event-{action}-{number}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return self.run("issue", "--event", str(path), "--event-name", "issues")

    def say(self, text: str = "") -> None:
        """Print a line of the demo's own narration."""
        self.runtime.out(text)

    def asana_tree(self) -> None:
        """Print the mirrored tasks under each community, as Asana now holds them."""
        asana = self.world.asana
        for gid in self.seeded.communities.values():
            top = asana.task(asana.task(gid).parent or gid).name
            self.say(f"  Asana: {top} / Community Success Hours")
            self._subtree(gid, "    ")
        loose = [t for t in asana.tasks_in_project(self.seeded.project) if t.parent is None]
        for task in loose:
            self.say(f"  Asana (project only): {_task_line(self, task.gid)}")

    def _subtree(self, gid: str, indent: str) -> None:
        for task in self.world.asana.subtasks_of(gid):
            self.say(f"{indent}- {_task_line(self, task.gid)}")
            self._subtree(task.gid, indent + "  ")


def _task_line(demo: Demo, gid: str) -> str:
    asana = demo.world.asana
    task = asana.task(gid)
    hours = asana.custom_field_value(gid, demo.seeded.hours_field)
    done = "done" if task.completed else "open"
    hours_text = f", {hours:g} h" if isinstance(hours, int | float) else ""
    return f"[{done}] {task.name} (task {gid}{hours_text})"


def csh_steps(demo: Demo) -> None:
    """The CSH mirror: label, edit, sub-issue, completed close, not-planned close."""
    gh = demo.world.github
    board = gh.project("example-org", 57)
    demo.say("== 1. An issue labeled CSH for Example University, 2 hours on the board")
    issue = gh.create_issue(
        REPO,
        "Help configuring JupyterHub profiles",
        "We need **help** with `profileList`.\n\n- GPU image\n- CPU image",
        labels=["CSH", "community:example-university"],
        assignees=["octocat"],
    )
    item = gh.add_project_item(board, issue)
    gh.set_item_value(board, item, "Hours spent", 2)
    demo.event("labeled", issue.number, label="CSH")
    demo.asana_tree()
    demo.say("\n== 2. The title is edited; the same event replayed changes nothing")
    gh.edit_issue(REPO, issue.number, title="Configure JupyterHub profiles (GPU + CPU)")
    demo.event("edited", issue.number)
    demo.event("edited", issue.number)
    demo.asana_tree()
    demo.say("\n== 3. A sub-issue (no label of its own) becomes a subtask")
    child = gh.create_issue(REPO, "Build the GPU image", "Base it on the CUDA image.")
    gh.add_sub_issue(REPO, issue.number, REPO, child.number)
    gh.set_item_value(board, gh.add_project_item(board, child), "Hours spent", 1.5)
    demo.event("edited", child.number)
    demo.asana_tree()
    demo.say("\n== 4. Closed as completed: the task is done")
    gh.close_issue(REPO, issue.number, "completed")
    demo.event("closed", issue.number)
    demo.asana_tree()
    demo.say("\n== 5. Another request, closed as not planned: its task is removed")
    other = gh.create_issue(
        REPO, "Migrate to a new cloud", "Out of scope.", labels=["CSH", "community:other-college"]
    )
    demo.event("labeled", other.number, label="CSH")
    demo.asana_tree()
    gh.close_issue(REPO, other.number, "not_planned")
    demo.event("closed", other.number)
    demo.asana_tree()


def reconcile_steps(demo: Demo) -> None:
    """What no event reports (a board edit, a task deleted by hand) is repaired by reconcile."""
    gh, asana = demo.world.github, demo.world.asana
    board = gh.project("example-org", 57)
    demo.say("\n== 6. Hours changed on the board (no workflow runs) and a task deleted in Asana")
    item = gh.add_project_item(board, gh.issue(REPO, 1))
    gh.set_item_value(board, item, "Hours spent", 3.5)
    child = next(
        t for t in asana.tasks_in_project(demo.seeded.project) if t.name.startswith("Build")
    )
    asana.delete_task(child.gid)
    demo.run("reconcile")
    demo.asana_tree()
    demo.say("\n== 7. Reconcile again: nothing to do, nothing written")
    before = demo.world.server.count(writes=True)
    demo.run("reconcile")
    demo.say(f"  writes: {demo.world.server.count(writes=True) - before}")


def hours_steps(demo: Demo) -> None:
    """The hours report, and the report sent back to one community."""
    asana, seeded = demo.world.asana, demo.seeded
    college = seeded.communities["other-college"]
    asana.add_task(
        "Planning call (logged in Asana)", parent=college, actual_time_minutes=90, completed=True
    )
    asana.add_task(
        "Grant review (logged in Asana)", parent=college, actual_time_minutes=600, completed=True
    )
    demo.say("\n== 8. Hours per community against the contract")
    demo.run("hours")
    demo.say("\n== 9. The report sent back to Other College")
    demo.run("hours", "--community", "other-college")
    publish_steps(demo)


def publish_steps(demo: Demo) -> None:
    """Hours as data, and the reports delivered: an issue per period, the team's report with
    its new flags told once, and one ask for the hours of a completed issue without any."""
    from sync.demo_hours import publish_steps as steps

    steps(demo)


def check_steps(demo: Demo) -> None:
    """`check` reads the config against the live APIs and says what to fix."""
    demo.say("\n== Last: `check`, the config against the live APIs")
    demo.run("check")


def _office_hours(demo: Demo) -> None:
    from sync.demo_office_hours import office_hours_steps

    office_hours_steps(demo)


STEPS: Sequence[Callable[[Demo], None]] = (
    csh_steps,
    reconcile_steps,
    hours_steps,
    _office_hours,
    check_steps,
)


def run_demo(runtime: Runtime, *, serve: bool = False) -> int:
    """Start the emulator, seed it, run every step; with ``serve`` keep it running."""
    with World() as world, tempfile.TemporaryDirectory(prefix="community-sync-demo-") as tmp:
        seeded = seed_csh(world)
        folder = Path(tmp)
        config = seeded.config_yaml(extra=OFFICE_HOURS_CONFIG)
        (folder / "community-sync.yml").write_text(config, encoding="utf-8")
        demo = Demo(world, seeded, folder, runtime)
        demo.say(f"Emulated GitHub, Asana and Slack at {world.server.url} (no network, no token)")
        for step in STEPS:
            step(demo)
        demo.say(
            f"\n{world.server.count()} HTTP requests, "
            f"{world.server.count(writes=True)} of them writes"
        )
        if serve:
            _serve(demo)
    return 0


# The served world stands still at one moment, and the printed commands see the same moment
# (COMMUNITY_SYNC_NOW): a week before the session of 2026-02-04, inside its prepare window and
# after the demo's last session (2026-01-21) was rotated. With two clocks, a hand-run `rotate`
# would take today for "after the session" and move the topics just published.
SERVE_NOW = datetime(2026, 1, 29, 9, 0, tzinfo=UTC)
SERVE_COMMANDS = (
    ("check the config against the emulated APIs", "check"),
    ("what reconcile would change", "--dry-run reconcile"),
    ("the hours report", "hours"),
    ("the next session's agenda", "office-hours agenda"),
    ("publish it as an issue", "office-hours agenda --publish"),
    ("rotate after the last session (nothing left to move)", "office-hours rotate"),
)


def serve_instructions(demo: Demo) -> list[str]:
    """Copy-paste lines that point a shell at the served world: exports, then commands."""
    env = {**demo.world.env(slack=True), NOW_VARIABLE: SERVE_NOW.isoformat()}
    config = shlex.quote(str(demo.folder / "community-sync.yml"))
    lines = [f"export {key}={shlex.quote(value)}" for key, value in env.items()]
    for what, command in SERVE_COMMANDS:
        lines += [f"# {what}", f"community-sync --config {config} {command}"]
    return lines


def _serve(demo: Demo) -> None:
    def clock() -> datetime:
        return SERVE_NOW

    demo.world.github.clock = demo.world.asana.clock = clock
    when = f"{SERVE_NOW:%Y-%m-%d %H:%M} UTC"
    demo.say(f"\nServing at {demo.world.server.url}; its clock stands at {when}.")
    demo.say("Paste these lines into another shell (the config path is included):\n")
    for line in serve_instructions(demo):
        demo.say(f"  {line}")
    demo.say("\nCtrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        demo.say("stopped")
