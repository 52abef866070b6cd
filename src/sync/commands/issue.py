"""``community-sync issue``: handle one ``issues`` or ``sub_issues`` event."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from typing import Any

from sync.actions_runtime import Runtime, read_event
from sync.context import Context
from sync.mirror import report as mirror_report
from sync.mirror.event import plan_event
from sync.mirror.sync import Mirror, Outcome

PLAN_LOG = logging.getLogger("sync.plan")


def add_parser(sub: Any) -> None:
    """Register the issue command."""
    parser = sub.add_parser("issue", help="mirror one issues/sub_issues event to Asana")
    parser.add_argument("--event", help="event payload file (default: $GITHUB_EVENT_PATH)")
    parser.add_argument("--event-name", help="event name (default: $GITHUB_EVENT_NAME)")
    parser.set_defaults(handler=run)


def report_outcomes(
    runtime: Runtime, outcomes: Sequence[Outcome], *, dry_run: bool, title: str
) -> None:
    """Log the planner's decisions (-v), then report the outcomes as the mirror does."""
    log_decisions(outcomes, dry_run=dry_run)
    mirror_report.report_outcomes(runtime, outcomes, dry_run=dry_run, title=title)


def log_decisions(outcomes: Sequence[Outcome], *, dry_run: bool) -> None:
    """-v: what the planner decided for each issue of the event, and each change it planned."""
    for outcome in outcomes:
        target = f"{outcome.target.repo}#{outcome.target.number}"
        task = f" (task {outcome.task_gid})" if outcome.task_gid else ""
        why = f": {outcome.skip_reason}" if outcome.skip_reason else ""
        PLAN_LOG.debug("%s: %s%s%s", target, outcome.action, task, why)
        for line in outcome.lines:
            PLAN_LOG.debug("%s%s", "would " if dry_run else "", line)


def run(args: argparse.Namespace, context: Context) -> int:
    """Sync the issue(s) the event is about."""
    path = args.event or context.env.get("GITHUB_EVENT_PATH")
    name, payload = read_event(path, args.event_name or context.env.get("GITHUB_EVENT_NAME"))
    config = context.config()
    csh = config.require("csh")
    event = plan_event(name, payload, csh.label, str(path))
    runtime = context.runtime
    if event.skip_reason:
        PLAN_LOG.debug("%s event: skipped (%s)", name, event.skip_reason)
        runtime.info(f"nothing to do: {event.skip_reason}")
        runtime.set_output("action", "skipped")
        runtime.set_output("changes", "0")
        runtime.summary(f"### CSH sync: skipped\n\n{event.skip_reason}")
        return 0
    mirror = Mirror(
        context.github(), context.asana(), config.require("asana"), csh, dry_run=context.dry_run
    )
    outcomes = [mirror.sync(t, closed_now=event.closed_now) for t in event.targets]
    report_outcomes(runtime, outcomes, dry_run=context.dry_run, title=f"issues {event.action}")
    failed = [line for outcome in outcomes for line in outcome.failed]
    for line in failed:
        runtime.error(line)
    return 1 if failed else 0
