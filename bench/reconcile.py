"""Reconcile at scale against the emulator: requests, writes, wall time and peak memory.

For each N, N labeled issues (with board hours) are seeded, a first reconcile backfills Asana
(every task created; link comments beyond the 100 a run posts are then written straight into
the emulator, as the next runs would post them), then a second reconcile runs in its own
process on the in-sync world: that is the scheduled run's cost. Run:
python bench/reconcile.py [--form-bodies] [--repeat=K] [N ...]
(default 300 1000 10000; --repeat=K runs the in-sync reconcile K times and gives the median
wall time and the median CPU time with its range; --form-bodies gives every issue a body like a
CSH issue form's, with headings, a link, a task list and code, instead of one line).

Requests and writes are counted by the emulator (exact and repeatable); wall time, CPU time
(the reconcile process's own user + system seconds, apart from the emulator's, which runs in
this process) and peak memory (its max RSS) depend on the machine.
"""

from __future__ import annotations

import io
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from measure import reconcile_process  # bench/ is the script's folder, on sys.path

from sync.actions_runtime import Runtime
from sync.cli import run
from sync.domain import split_issue_url
from sync.emulator import World
from sync.emulator.seed import REPO, Seeded, seed_csh
from sync.mirror.link_comment import link_comment_text


@dataclass
class Row:
    """One measured run."""

    n: int
    phase: str
    requests: int
    writes: int
    seconds: float
    peak_mb: float | None = None
    # the reconcile process's own user + system seconds, one per repeat of the run
    cpu: tuple[float, ...] = ()

    @property
    def target(self) -> str:
        """The request budget for an in-sync run: 2 * ceil(N/100) + 10."""
        return str(2 * math.ceil(self.n / 100) + 10) if self.phase == "in sync" else ""


# What a CSH issue form's body looks like (--form-bodies): headings, a link, a list, code.
FORM_BODY = """### Community

Example University

### What do you need help with?

Request {i}: our hub's **user profiles** stopped loading after the upgrade. See
[the docs](https://docs.example.org/profiles) and #12.

- [ ] check the image
- [ ] bump the chart

```
kubectl get pods -n prod
```
"""


def seed(world: World, n: int, form_bodies: bool = False) -> None:
    """N CSH issues for Example University, each on the board with hours."""
    gh = world.github
    board = gh.project("example-org", 57)
    for i in range(n):
        issue = gh.create_issue(
            REPO,
            f"Request {i}",
            FORM_BODY.format(i=i) if form_bodies else f"Body of request {i}",
            labels=["CSH", "community:example-university"],
        )
        gh.set_item_value(board, gh.add_project_item(board, issue), "Hours spent", i % 7)


def backfill(world: World, config: Path, n: int) -> Row:
    """The first reconcile, in this process (it creates every task)."""
    env = {**world.env(), "COMMUNITY_SYNC_WRITE_INTERVAL": "0"}
    world.server.reset_log()
    started = time.perf_counter()
    runtime = Runtime(env=env, stdout=io.StringIO(), stderr=io.StringIO())
    code = run(["--config", str(config), "-q", "reconcile"], runtime=runtime)
    if code:
        raise SystemExit(f"backfill failed: {runtime.stderr.getvalue()}")  # type: ignore[attr-defined]
    seconds = time.perf_counter() - started
    return Row(n, "first backfill", world.server.count(), world.server.count(writes=True), seconds)


def post_left_comments(world: World, seeded: Seeded) -> None:
    """The link comments the backfill left for later runs (a run posts at most 100, within
    GitHub's content limits), written straight into the emulator as the bot: the in-sync run
    then reads every issue with its comment, as it would once those runs have passed."""
    gh = world.github
    bot = gh.viewer_for_token(world.github_token)
    commented = {comment.issue for comment in gh.comments.values() if comment.author == bot}
    for task in list(world.asana.tasks.values()):
        url = task.custom_values.get(seeded.url_field)
        split = split_issue_url(url) if isinstance(url, str) else None
        if split is None:
            continue
        repo, number = gh.issue(f"{split[0]}/{split[1]}", split[2]).key
        if (repo, number) not in commented:
            gh.add_comment(repo, number, link_comment_text(seeded.project, task.gid, None), bot)


def in_sync(world: World, config: Path, n: int, repeat: int = 1) -> Row:
    """A reconcile with nothing to do, as its own process (so its memory can be measured),
    ``repeat`` times back to back: the median wall time, and every run's CPU time."""
    runs = [reconcile_process(world, config) for _ in range(repeat)]
    requests, writes = world.server.count(), world.server.count(writes=True)  # the last run's
    seconds = statistics.median(run[0] for run in runs)
    return Row(n, "in sync", requests, writes, seconds, runs[-1][1], tuple(r[2] for r in runs))


def cpu_cell(cpu: tuple[float, ...]) -> str:
    """One run's CPU seconds, or the median of several with their range in brackets."""
    if len(cpu) == 1:
        return f"{cpu[0]:.1f}"
    if not cpu:
        return ""  # not measured (a backfill runs in the benchmark's own process)
    return f"{statistics.median(cpu):.1f} ({min(cpu):.1f} to {max(cpu):.1f})"


def measure(n: int, form_bodies: bool = False, repeat: int = 1) -> list[Row]:
    """Backfill then an in-sync run for N issues."""
    with World() as world, tempfile.TemporaryDirectory() as tmp:
        seeded = seed_csh(world)
        config = Path(tmp) / "community-sync.yml"
        config.write_text(seeded.config_yaml(rate_limit=100_000), encoding="utf-8")
        seed(world, n, form_bodies)
        first = backfill(world, config, n)
        post_left_comments(world, seeded)
        return [first, in_sync(world, config, n, repeat)]


def table(rows: list[Row]) -> str:
    """The Markdown table docs/performance.md shows."""
    lines = [
        "| issues | run | requests | target | writes | wall time (s) | CPU (s) "
        "| peak memory (MB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        peak = f"{r.peak_mb:.0f}" if r.peak_mb is not None else ""
        cpu = cpu_cell(r.cpu)
        lines.append(
            f"| {r.n:,} | {r.phase} | {r.requests:,} | {r.target} | {r.writes:,} "
            f"| {r.seconds:.1f} | {cpu} | {peak} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Measure each N and print the table."""
    form_bodies = "--form-bodies" in argv
    repeat = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--repeat=")), 1)
    sizes = [int(a) for a in argv if not a.startswith("--")] or [300, 1000, 10000]
    rows: list[Row] = []
    for n in sizes:
        rows += measure(n, form_bodies, repeat)
        print(f"measured N={n}", file=sys.stderr)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
