"""A first backfill against Asana's enforced per-minute limit, with no rate configured.

The emulator enforces the limit as Asana does (per token, minute-long windows, 429 with
``Retry-After``) and GitHub's content-creation limits (80 a minute, 500 an hour). The program
runs in this process with no ``asana.rate_limit_per_minute``: it sends until Asana says stop and
waits what ``Retry-After`` says. Waiting costs no wall time here: the program's retry policy
and the emulator share a virtual clock (real elapsed time plus every wait), so a 3,000-issue
backfill at 150 requests a minute is measured in seconds.

Reported: Asana requests and writes, link comments, the project listings made after the first
write (the checks that verify creates before their link comments name them), when the last
Asana request and the last link comment went out, and the whole run's wall time. Floors: Asana
requests / allowed rate; for the comments, GitHub's 80 a minute (the 81st cannot go out before
the first has been a minute in the window); the run's floor is the larger. An Asana ratio <=
1.11 means the Asana writes ran at >= 90% of the rate Asana allows; a run ratio near 1 means
the link comments went out alongside the Asana writes, not after them.

The program's two sides (Asana writes here, link comments on a worker thread) wait side by
side: the shared clock (sync.emulator.virtual_clock) skips a wait only when both wait.

Run: python bench/backfill_limits.py [--issues 300 3000] [--rates 150 1500]
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from backfill import seed  # bench/ is the script's folder, on sys.path

from sync.actions_runtime import Runtime
from sync.cli import run
from sync.emulator import World
from sync.emulator.core import Request, Response
from sync.emulator.rate_limits import GITHUB_CONTENT_LIMITS as GITHUB_LIMITS
from sync.emulator.rate_limits import RateLimits
from sync.emulator.seed import REPO, seed_csh
from sync.emulator.virtual_clock import VirtualClock
from sync.retry import RetryPolicy

LISTING = re.compile(r"/projects/\d+/tasks")  # a page of the project's task list


class TimedLimits(RateLimits):
    """The emulator's limits, noting the virtual time of each request they let through."""

    last_asana: float = 0.0
    last_comment: float = 0.0
    first_write: float | None = None  # the first Asana write: listings after it are checks
    checks: int = 0  # project listing pages after the first Asana write
    listings: int = 0  # the listings they belong to (one per check)

    def check(self, service: str, request: Request) -> Response | None:
        """As RateLimits, and note when an Asana request or a link comment went through."""
        refusal = super().check(service, request)
        if refusal is not None:
            return refusal
        if service == "asana":
            self.last_asana = self.clock()
            if request.method != "GET" and self.first_write is None:
                self.first_write = self.last_asana
            listing = request.method == "GET" and LISTING.fullmatch(request.path) is not None
            if listing and self.first_write is not None:
                self.checks += 1
                self.listings += request.arg("offset") is None  # a listing's first page
        elif request.method == "POST" and request.path.endswith("/comments"):
            self.last_comment = self.clock()
        return refusal


@dataclass
class Limited:
    """One measured backfill under an enforced limit."""

    issues: int
    rate: int
    asana_requests: int
    asana_writes: int
    refused: int
    comments: int
    checks: int  # project listing pages that verified creates
    listings: int  # the checks (a listing of one or more pages each)
    seconds: float  # virtual wall time of the whole run
    asana_seconds: float  # virtual time from the start to the last Asana request
    comment_seconds: float  # virtual time from the start to the last link comment

    @property
    def floor(self) -> float:
        """The least time Asana's limit allows for these requests, in seconds."""
        return self.asana_requests / self.rate * 60

    @property
    def run_floor(self) -> float:
        """The least time both limits allow: GitHub's 80 comments a minute, Asana's rate."""
        seconds, count = GITHUB_LIMITS[0]
        return max(self.floor, (self.comments - 1) // count * seconds)


def backfill(issues: int, rate: int) -> Limited:
    """Seed ``issues`` CSH issues and run a first reconcile under the limit ``rate``."""
    clock = VirtualClock()
    with World() as world, tempfile.TemporaryDirectory() as folder:
        seeded = seed_csh(world)
        seed(world, issues)
        config = Path(folder) / "community-sync.yml"
        unpaced = re.sub(r"\n *rate_limit_per_minute: \d+", "", seeded.config_yaml())
        config.write_text(unpaced, encoding="utf-8")
        limits = TimedLimits(asana_per_minute=rate, github_content=True, clock=clock.monotonic)
        world.server.limits = limits
        world.server.reset_log()
        # GitHub writes spaced by 1 ms (real time; the default is 1 s): the link comments are
        # paced within GitHub's content limits on the virtual clock.
        env = {**world.env(), "GITHUB_REPOSITORY": REPO, "COMMUNITY_SYNC_WRITE_INTERVAL": "0.001"}
        runtime = Runtime(env=env, stdout=io.StringIO(), stderr=io.StringIO())
        policy = RetryPolicy(monotonic=clock.monotonic, sleep=clock.sleep, jitter=lambda: 1.0)
        started = clock.monotonic()
        code = run(["--config", str(config), "-q", "reconcile"], runtime=runtime, policy=policy)
        seconds = clock.monotonic() - started
        if code:
            raise SystemExit(f"reconcile failed ({code}): {runtime.stderr}")
        answered = [r for r in world.server.requests if r.fault is None]
        asana = [r for r in answered if r.service == "asana"]
        return Limited(
            issues,
            rate,
            asana_requests=len(asana),
            asana_writes=sum(r.is_write for r in asana),
            refused=limits.refused,
            comments=sum(r.path.endswith("/comments") and r.is_write for r in answered),
            checks=limits.checks,
            listings=limits.listings,
            seconds=seconds,
            asana_seconds=limits.last_asana - started,
            comment_seconds=limits.last_comment - started,
        )


def table(rows: list[Limited]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| issues | Asana limit | Asana requests (writes) | checks (pages) | refused | "
        "link comments | Asana done | floor | Asana ratio | comments done | run floor | "
        "wall time | run ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.issues:,} | {r.rate:,}/min | {r.asana_requests:,} ({r.asana_writes:,}) | "
            f"{r.listings} ({r.checks}) | {r.refused} | {r.comments} | {r.asana_seconds:.0f} s | "
            f"{r.floor:.0f} s | {r.asana_seconds / r.floor:.2f} | {r.comment_seconds:.0f} s | "
            f"{r.run_floor:.0f} s | {r.seconds:.0f} s | {r.seconds / r.run_floor:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Measure every (issues, rate) pair and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--rates", type=int, nargs="+", default=[150, 1500])
    args = parser.parse_args(argv)
    rows = [backfill(n, rate) for n in args.issues for rate in args.rates]
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
