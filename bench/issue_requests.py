"""Count the HTTP requests and writes `community-sync issue` makes per event, against the
emulator. Prints a table, then what a labeled new issue costs in projects of 300, 3,000 and
30,000 tasks, then the wall time of `community-sync issue` as its own process (start-up
included); run: python bench/issue_requests.py [SIZES...]

Counts, not timings: they are exact and repeatable, so a change that adds a request shows.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sync.actions_runtime import Runtime
from sync.cli import run
from sync.emulator import World
from sync.emulator.github_state import Issue
from sync.emulator.github_webhooks import webhook_payload
from sync.emulator.seed import REPO, Seeded, seed_csh


def deliver(
    world: World, config: Path, folder: Path, action: str, number: int, **extra: object
) -> None:
    """Run `community-sync issue` on one event, in process."""
    payload = webhook_payload(world.github, "issues", action, REPO, number, **extra)
    path = folder / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    runtime = Runtime(env=world.env(), stdout=io.StringIO(), stderr=io.StringIO())
    code = run(
        ["--config", str(config), "issue", "--event", str(path), "--event-name", "issues"],
        runtime=runtime,
    )
    if code:
        raise SystemExit(f"{action} failed: {runtime.stderr.getvalue()}")  # type: ignore[attr-defined]


def measure(world: World, step: Callable[[], None]) -> tuple[int, int, int, int]:
    """(requests, writes, GitHub requests, Asana requests) made by one step."""
    world.server.reset_log()
    step()
    server = world.server
    return server.count(), server.count(writes=True), server.count("github"), server.count("asana")


def scenarios(
    world: World, seeded: Seeded, config: Path, folder: Path
) -> list[tuple[str, tuple[int, int, int, int]]]:
    gh = world.github
    board = gh.project("example-org", 57)

    def labeled_issue(title: str) -> Issue:
        issue = gh.create_issue(REPO, title, "Body", labels=["CSH", "community:example-university"])
        gh.set_item_value(board, gh.add_project_item(board, issue), "Hours spent", 1)
        return issue

    rows = []
    first = labeled_issue("First request")
    rows.append(
        (
            "labeled, new issue, empty project",
            measure(
                world, lambda: deliver(world, config, folder, "labeled", first.number, label="CSH")
            ),
        )
    )
    second = labeled_issue("Second request")
    rows.append(
        (
            "labeled, new issue, project with tasks",
            measure(
                world, lambda: deliver(world, config, folder, "labeled", second.number, label="CSH")
            ),
        )
    )
    rows.append(
        (
            "edited, nothing changed",
            measure(world, lambda: deliver(world, config, folder, "edited", second.number)),
        )
    )
    gh.edit_issue(REPO, second.number, title="Second request, renamed")
    rows.append(
        (
            "edited, title changed",
            measure(world, lambda: deliver(world, config, folder, "edited", second.number)),
        )
    )
    gh.close_issue(REPO, second.number, "completed")
    rows.append(
        (
            "closed as completed",
            measure(world, lambda: deliver(world, config, folder, "closed", second.number)),
        )
    )
    other = gh.create_issue(REPO, "Not CSH", "Body", labels=["bug"])
    rows.append(
        (
            "labeled, not a CSH issue",
            measure(
                world, lambda: deliver(world, config, folder, "labeled", other.number, label="bug")
            ),
        )
    )
    return rows


def by_gid() -> tuple[str, tuple[int, int, int, int]]:
    """The first task of an empty project when the config names the fields by gid."""
    with World() as world, tempfile.TemporaryDirectory() as tmp:
        seeded = seed_csh(world)
        folder = Path(tmp)
        config = folder / "community-sync.yml"
        text = seeded.config_yaml().replace("GitHub URL", seeded.url_field)
        config.write_text(text.replace("GitHub Hours", seeded.hours_field), encoding="utf-8")
        issue = world.github.create_issue(
            REPO, "First", "Body", labels=["CSH", "community:example-university"]
        )
        counts = measure(
            world, lambda: deliver(world, config, folder, "labeled", issue.number, label="CSH")
        )
    return "labeled, new issue, empty project, fields given by gid", counts


def crowd(world: World, seeded: Seeded, count: int) -> None:
    """Fill the project with ``count`` tasks of other issues: 50 under the community the new
    issues belong to (a community with a history), the rest under another community or at the
    top level."""
    college = seeded.communities["other-college"]
    university = seeded.communities["example-university"]
    for n in range(count):
        world.asana.add_task(
            f"Earlier work {n}",
            projects=[seeded.project],
            parent=university if n < 50 else college if n % 2 else None,
            custom_fields={seeded.url_field: f"https://github.com/example-org/old/issues/{n}"},
        )


def at_size(count: int) -> list[tuple[str, int, int, float]]:
    """(event, requests, writes, seconds) for a new labeled issue, alone and with a sub-issue,
    in a project of ``count`` tasks."""
    with World() as world, tempfile.TemporaryDirectory() as tmp:
        seeded = seed_csh(world)
        folder = Path(tmp)
        config = folder / "community-sync.yml"
        config.write_text(seeded.config_yaml(), encoding="utf-8")
        crowd(world, seeded, count)
        gh = world.github
        rows = []
        for name, child in (
            ("labeled, new issue", False),
            ("labeled, new issue + sub-issue", True),
        ):
            issue = gh.create_issue(
                REPO, name, "Body", labels=["CSH", "community:example-university"]
            )
            if child:
                sub = gh.create_issue(REPO, "Sub-issue", "Body")
                gh.add_sub_issue(REPO, issue.number, REPO, sub.number)
            started = time.perf_counter()
            total, writes, _, _ = measure(
                world,
                lambda n=issue.number: deliver(world, config, folder, "labeled", n, label="CSH"),
            )
            rows.append((name, total, writes, time.perf_counter() - started))
    return rows


def sizes(counts: tuple[int, ...] = (300, 3_000, 30_000)) -> None:
    """Print what a labeled new issue costs as the project grows."""
    print("| project tasks | event | requests | writes | wall time |")
    print("|---:|---|---:|---:|---:|")
    for count in counts:
        for name, total, writes, seconds in at_size(count):
            print(f"| {count:,} | {name} | {total} | {writes} | {seconds:.2f} s |")


def startup(runs: int = 5) -> None:
    """Print the wall time of `community-sync issue` as its own process (as a runner starts
    it: interpreter, imports, config, the requests), the median of ``runs``."""
    with World() as world, tempfile.TemporaryDirectory() as tmp:
        seeded = seed_csh(world)
        folder = Path(tmp)
        config = folder / "community-sync.yml"
        config.write_text(seeded.config_yaml(), encoding="utf-8")
        env = {**os.environ, **world.env()}
        script = Path(sys.executable).with_name("community-sync")
        print("| `community-sync issue` as a process | requests | wall time (median) |")
        print("|---|---:|---:|")
        for name, labels, label in (
            ("labeled, not a CSH issue", ["bug"], "bug"),
            ("labeled, new issue", ["CSH", "community:example-university"], "CSH"),
        ):
            times = []
            for n in range(runs):
                issue = world.github.create_issue(REPO, f"{name} {n}", "Body", labels=labels)
                payload = webhook_payload(
                    world.github, "issues", "labeled", REPO, issue.number, label=label
                )
                path = folder / "event.json"
                path.write_text(json.dumps(payload), encoding="utf-8")
                argv = [str(script), "--config", str(config), "issue", "--event", str(path)]
                world.server.reset_log()
                started = time.perf_counter()
                subprocess.run(
                    [*argv, "--event-name", "issues"], env=env, capture_output=True, check=True
                )
                times.append(time.perf_counter() - started)
            print(f"| {name} | {world.server.count()} | {statistics.median(times):.2f} s |")


def main() -> int:
    """Print the tables."""
    with World() as world, tempfile.TemporaryDirectory() as tmp:
        seeded = seed_csh(world)
        folder = Path(tmp)
        config = folder / "community-sync.yml"
        config.write_text(seeded.config_yaml(), encoding="utf-8")
        rows = scenarios(world, seeded, config, folder)
    rows.insert(1, by_gid())
    print("| event | requests | writes | GitHub | Asana |")
    print("|---|---:|---:|---:|---:|")
    for name, (total, writes, github, asana) in rows:
        print(f"| {name} | {total} | {writes} | {github} | {asana} |")
    print()
    sizes(tuple(int(a) for a in sys.argv[1:]) or (300, 3_000, 30_000))
    print()
    startup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
