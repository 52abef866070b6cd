"""``community-sync hours``: the CSH hours report, for every community or for one."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sync.actions_runtime import Runtime
from sync.context import Context
from sync.errors import UsageError
from sync.github.client import GitHubClient
from sync.hours.collect import HoursData, collect_hours, select_communities
from sync.hours.render import (
    COMMUNITY_TEMPLATE,
    HOURS_TEMPLATE,
    build_community_context,
    build_report_context,
    render,
)


def add_parser(sub: Any) -> None:
    """Register the hours command."""
    parser = sub.add_parser("hours", help="CSH hours used per community against its contract")
    parser.add_argument("--community", metavar="KEY", help="the report for one community")
    parser.add_argument("--output", metavar="FILE", help="write the report here, not stdout")
    parser.add_argument(
        "--date", type=_iso_date, help="report as of this day, YYYY-MM-DD (default: today, UTC)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> int:
    """Read the hours from Asana, render the report and publish it."""
    config = context.config()
    asana_config, csh = config.require("asana"), config.require("csh")
    communities = select_communities(csh, args.community)
    today: date = args.date or datetime.now(UTC).date()
    github = None if args.community else _github(context)
    data = collect_hours(context.asana(), asana_config, csh, communities, today, github)
    # A note may quote an API's error, and an API may quote the token: scrub before the
    # report escapes Markdown (an escaped token no longer matches the secret).
    data = replace(data, notes=tuple(context.runtime.scrub(note) for note in data.notes))
    for note in data.notes:
        context.runtime.warning(note)
    text = _render(data, today, single=args.community is not None)
    _publish(context.runtime, text, args.output)
    return 0


def _github(context: Context) -> GitHubClient | str:
    """The GitHub client, or why the issues' communities cannot be read."""
    if not context.env.get("GITHUB_TOKEN"):
        return "GITHUB_TOKEN is not set"
    return context.github()


def _render(data: HoursData, today: date, *, single: bool) -> str:
    if single:
        context = build_community_context(data.rows[0], today, data.hours_gid)
        return render(COMMUNITY_TEMPLATE, context)
    return render(HOURS_TEMPLATE, build_report_context(data.rows, today, data.notes))


def _publish(runtime: Runtime, text: str, output: str | None) -> None:
    """The report to stdout or the file, and to the job summary in Actions."""
    if output:
        try:
            Path(output).write_text(runtime.scrub(text), encoding="utf-8")
        except OSError as err:
            raise UsageError(f"--output {output}: cannot write the file ({err.strerror})") from None
        runtime.info(f"wrote the hours report to {output}")
    else:
        runtime.out(text.rstrip("\n"))
    runtime.summary(text)


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None
