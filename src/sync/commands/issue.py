"""``community-sync issue``: handle one ``issues`` or ``sub_issues`` event."""

from __future__ import annotations

import argparse
from typing import Any

from sync.actions_runtime import read_event
from sync.context import Context
from sync.mirror.event import plan_event
from sync.mirror.report import report_outcomes
from sync.mirror.sync import Mirror


def add_parser(sub: Any) -> None:
    """Register the issue command."""
    parser = sub.add_parser("issue", help="mirror one issues/sub_issues event to Asana")
    parser.add_argument("--event", help="event payload file (default: $GITHUB_EVENT_PATH)")
    parser.add_argument("--event-name", help="event name (default: $GITHUB_EVENT_NAME)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> int:
    """Sync the issue(s) the event is about."""
    path = args.event or context.env.get("GITHUB_EVENT_PATH")
    name, payload = read_event(path, args.event_name or context.env.get("GITHUB_EVENT_NAME"))
    config = context.config()
    csh = config.require("csh")
    event = plan_event(name, payload, csh.label, str(path))
    runtime = context.runtime
    if event.skip_reason:
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
