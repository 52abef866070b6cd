"""The first backfill at scale, and the pacer at a real plan limit, against the emulator.

1. Scale: N issues (default 10,000) are seeded, each labeled CSH with board hours, and the
   first `reconcile` creates every task. It runs as its own process, so its wall time and peak
   memory (max RSS, from getrusage) are its own. The Asana limit is set high here so the run
   measures the program; what the limit would make of it is projected as requests / rate at
   150 (free) and 1,500 (paid) requests a minute.
2. Pacing: M issues (default 1,000) backfilled under `rate_limit_per_minute` (default 1,500, a
   paid plan), which takes more than a minute. The emulator's request timestamps give the
   achieved rate and the busiest 60 s window, which must not exceed the limit (Asana counts
   requests in minute-long windows).

Run: python bench/backfill.py [--issues N] [--paced-issues M] [--paced-rate R]
(about 3 minutes on a 2-core machine; not part of the test suite). Prints Markdown tables for
docs/reliability.md. Requests and writes are exact and repeatable; times and memory depend on
the machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from measure import reconcile_process  # bench/ is the script's folder, on sys.path

from sync.emulator import World
from sync.emulator.seed import REPO, seed_csh

PEAK_LIMIT_MB = 300
UNPACED = 100_000  # requests a minute: the highest the config allows, never reached here
PLANS = (150, 1500)


@dataclass
class Backfill:
    """One measured first reconcile."""

    issues: int
    rate_limit: int
    requests: int
    asana_requests: int
    writes: int
    tasks: int
    seconds: float
    peak_mb: float
    busiest_minute: int  # Asana requests in the busiest 60 s window (all of them if shorter)
    asana_seconds: float  # from the first Asana request to the last

    @property
    def achieved_per_minute(self) -> float:
        """Asana requests a minute over the whole run."""
        return self.asana_requests / self.asana_seconds * 60 if self.asana_seconds else 0.0

    def projected_minutes(self, per_minute: int) -> float:
        """Wall time if Asana's limit were the only brake: requests / rate."""
        return self.asana_requests / per_minute


def seed(world: World, n: int) -> None:
    """N CSH issues in two communities, each on the board with hours; a tenth closed."""
    gh = world.github
    board = gh.project("example-org", 57)
    communities = ("example-university", "other-college")
    for i in range(n):
        labels = ["CSH", f"community:{communities[i % 2]}"]
        issue = gh.create_issue(REPO, f"Request {i}", f"Body of **request {i}**", labels=labels)
        gh.set_item_value(board, gh.add_project_item(board, issue), "Hours spent", i % 7 + 1)
        if i % 10 == 9:
            gh.close_issue(REPO, issue.number, "completed")


def busiest_minute(times: list[float]) -> int:
    """The most timestamps in any 60 s window [t, t + 60)."""
    return max((bisect_left(times, t + 60) - i for i, t in enumerate(times)), default=0)


def backfill(n: int, rate_limit: int) -> Backfill:
    """Seed N issues, then time the first reconcile as its own process."""
    with World() as world, tempfile.TemporaryDirectory() as tmp:
        seeded = seed_csh(world)
        config = Path(tmp) / "community-sync.yml"
        config.write_text(seeded.config_yaml(rate_limit=rate_limit), encoding="utf-8")
        seed(world, n)
        seconds, peak_mb, _cpu = reconcile_process(world, config)
        with world.server.lock:
            requests = list(world.server.requests)
        asana = sorted(r.at for r in requests if r.service == "asana")
        live = [t for g, t in world.asana.tasks.items() if world.asana.is_live(g)]
        tasks = sum(1 for t in live if t.custom_values.get(seeded.url_field))
        return Backfill(
            issues=n,
            rate_limit=rate_limit,
            requests=len(requests),
            asana_requests=len(asana),
            writes=sum(1 for r in requests if r.is_write),
            tasks=tasks,
            seconds=seconds,
            peak_mb=peak_mb,
            busiest_minute=busiest_minute(asana),
            asana_seconds=asana[-1] - asana[0] if asana else 0.0,
        )


def scale_table(b: Backfill) -> str:
    """The scale figures as Markdown."""
    free, paid = (b.projected_minutes(p) for p in PLANS)
    rows = [
        ("issues (every task created)", f"{b.issues:,}"),
        ("tasks in Asana afterwards", f"{b.tasks:,}"),
        ("requests (GitHub + Asana)", f"{b.requests:,}"),
        ("Asana requests", f"{b.asana_requests:,}"),
        ("writes", f"{b.writes:,}"),
        ("requests per issue", f"{b.requests / b.issues:.2f}"),
        ("wall time, unpaced (s)", f"{b.seconds:.1f}"),
        ("peak memory of the reconcile process (MB)", f"{b.peak_mb:.0f}"),
        ("projected wall time at 150 requests/minute", f"{free:,.0f} min ({free / 60:.1f} h)"),
        ("projected wall time at 1,500 requests/minute", f"{paid:,.0f} min ({paid / 60:.1f} h)"),
    ]
    return "\n".join(["| first backfill | |", "|---|---:|", *(f"| {k} | {v} |" for k, v in rows)])


def pacing_table(b: Backfill) -> str:
    """The pacing figures as Markdown."""
    rows = [
        ("issues", f"{b.issues:,}"),
        ("configured rate_limit_per_minute", f"{b.rate_limit:,}"),
        ("Asana requests", f"{b.asana_requests:,}"),
        ("wall time (s)", f"{b.seconds:.1f}"),
        ("achieved Asana requests/minute (whole run)", f"{b.achieved_per_minute:,.0f}"),
        ("Asana requests in the busiest 60 s window", f"{b.busiest_minute:,}"),
        ("projected wall time (requests / rate, min)", f"{b.projected_minutes(b.rate_limit):.1f}"),
    ]
    return "\n".join(["| paced backfill | |", "|---|---:|", *(f"| {k} | {v} |" for k, v in rows)])


def main(argv: list[str]) -> int:
    """Measure both runs, print the tables, fail if a promise is broken."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--paced-issues", type=int, default=1_000)
    parser.add_argument("--paced-rate", type=int, default=1_500)
    args = parser.parse_args(argv)

    scale = backfill(args.issues, UNPACED)
    print(f"measured the backfill of {args.issues:,} issues", file=sys.stderr)
    paced = backfill(args.paced_issues, args.paced_rate)
    print(f"measured the paced backfill of {args.paced_issues:,} issues", file=sys.stderr)
    print(scale_table(scale))
    print()
    print(pacing_table(paced))
    problems = []
    if scale.tasks != scale.issues:
        problems.append(f"{scale.tasks} tasks for {scale.issues} issues")
    if scale.peak_mb >= PEAK_LIMIT_MB:
        problems.append(f"peak memory {scale.peak_mb:.0f} MB >= {PEAK_LIMIT_MB} MB")
    if paced.busiest_minute > paced.rate_limit:
        problems.append(f"{paced.busiest_minute} requests in one minute > {paced.rate_limit}")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
