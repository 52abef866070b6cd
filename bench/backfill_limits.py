"""A first backfill against Asana's enforced per-minute limit, with no rate configured.

The emulator enforces the limit as Asana does (per token, minute-long windows, 429 with
``Retry-After``) and GitHub's content-creation limits (80 a minute, 500 an hour). The program
runs in this process with no ``asana.rate_limit_per_minute``: it sends until Asana says stop and
waits what ``Retry-After`` says. Waiting costs no wall time here: the program's retry policy
and the emulator share a virtual clock (real elapsed time plus every wait), so a 3,000-issue
backfill at 150 requests a minute is measured in seconds.

Reported: Asana requests and writes, link comments, when the last Asana request went out
("Asana done"), the floor (Asana requests / allowed rate: the least time the limit permits)
and the ratios of both times to it. An Asana ratio <= 1.11 means the Asana writes ran at >= 90%
of the rate Asana allows; the whole run also waits for GitHub's content limit (80 link comments
a minute), which follows the Asana writes.

Run: python bench/backfill_limits.py [--issues 300 3000] [--rates 150 1500]
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from backfill import seed  # bench/ is the script's folder, on sys.path

from sync.actions_runtime import Runtime
from sync.cli import run
from sync.emulator import World
from sync.emulator.core import Request, Response
from sync.emulator.rate_limits import RateLimits
from sync.emulator.seed import REPO, seed_csh
from sync.retry import RetryPolicy


class VirtualClock:
    """Real elapsed time plus every wait, which costs nothing."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self.waited = 0.0

    def monotonic(self) -> float:
        """Seconds since the start, waits included."""
        return time.monotonic() - self._started + self.waited

    def sleep(self, seconds: float) -> None:
        """Count the wait without sleeping."""
        self.waited += seconds


class TimedLimits(RateLimits):
    """The emulator's limits, noting the virtual time of the last Asana request answered."""

    last_asana: float = 0.0

    def check(self, service: str, request: Request) -> Response | None:
        """As RateLimits, and note when an Asana request went through."""
        refusal = super().check(service, request)
        if service == "asana" and refusal is None:
            self.last_asana = self.clock()
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
    seconds: float  # virtual wall time of the whole run
    asana_seconds: float  # virtual time from the start to the last Asana request

    @property
    def floor(self) -> float:
        """The least time Asana's limit allows for these requests, in seconds."""
        return self.asana_requests / self.rate * 60


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
        env = {**world.env(), "GITHUB_REPOSITORY": REPO, "COMMUNITY_SYNC_WRITE_INTERVAL": "0"}
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
            seconds=seconds,
            asana_seconds=limits.last_asana - started,
        )


def table(rows: list[Limited]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| issues | Asana limit | Asana requests (writes) | refused | link comments | "
        "Asana done | floor | Asana ratio | wall time | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.issues:,} | {r.rate:,}/min | {r.asana_requests:,} ({r.asana_writes:,}) | "
            f"{r.refused} | {r.comments} | {r.asana_seconds:.0f} s | {r.floor:.0f} s | "
            f"{r.asana_seconds / r.floor:.2f} | {r.seconds:.0f} s | {r.seconds / r.floor:.2f} |"
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
