"""``community-sync hours``: the CSH hours report, for every community or for one."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sync.actions_runtime import Runtime
from sync.config import Config
from sync.context import Context
from sync.errors import UsageError
from sync.github.client import GitHubClient
from sync.hours.collect import HoursData, collect_hours, select_communities
from sync.hours.data import report_csv, report_json
from sync.hours.model import Span
from sync.hours.publish import Publisher
from sync.hours.render import (
    COMMUNITY_TEMPLATE,
    HOURS_TEMPLATE,
    build_community_context,
    build_report_context,
    render,
)
from sync.hours.slack_text import community_text

FORMATS = ("markdown", "json", "csv")


def add_parser(sub: Any) -> None:
    """Register the hours command."""
    parser = sub.add_parser("hours", help="CSH hours used per community against its contract")
    parser.add_argument("--community", metavar="KEY", help="the report for one community")
    parser.add_argument(
        "--period",
        metavar="START..END",
        type=_span,
        help="count hours in this span, YYYY-MM-DD..YYYY-MM-DD "
        "(default: each community's period that contains the report's day)",
    )
    parser.add_argument(
        "--date", type=_iso_date, help="report as of this day, YYYY-MM-DD (default: today, UTC)"
    )
    parser.add_argument("--format", choices=FORMATS, default="markdown", help="default: markdown")
    parser.add_argument("--output", metavar="FILE", help="write the report here, not stdout")
    parser.add_argument(
        "--publish",
        action="store_true",
        help="deliver the report: with --community to its `report`, else to csh.team_report",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> int:
    """Read the hours from Asana, render the report, write it and (maybe) deliver it."""
    config = context.config()
    asana_config, csh = config.require("asana"), config.require("csh")
    communities = select_communities(csh, args.community)
    today: date = args.date or datetime.now(UTC).date()
    github = None if args.community else _github(context)
    data = collect_hours(
        context.asana(), asana_config, csh, communities, today, github, args.period
    )
    # A note may quote an API's error, and an API may quote the token: scrub before the
    # report escapes Markdown (an escaped token no longer matches the secret).
    data = replace(data, notes=tuple(context.runtime.scrub(note) for note in data.notes))
    for note in data.notes:
        context.runtime.warning(note)
    single = args.community is not None
    markdown = _render(data, today, single=single)
    _write(context.runtime, _document(data, today, args.format, markdown), args.output)
    context.runtime.summary(_render(data, today, single=single, chart=True))
    if args.publish:
        _publish(context, config, data, today, markdown, single=single)
    return 0


def _github(context: Context) -> GitHubClient | str:
    """The GitHub client, or why the issues' communities cannot be read."""
    if not context.env.get("GITHUB_TOKEN"):
        return "GITHUB_TOKEN is not set"
    return context.github()


def _render(data: HoursData, today: date, *, single: bool, chart: bool = False) -> str:
    if single:
        context = build_community_context(data.rows[0], today, data.hours_gid)
        return render(COMMUNITY_TEMPLATE, context)
    context = build_report_context(data.rows, today, data.notes, chart=chart)
    return render(HOURS_TEMPLATE, context)


def _document(data: HoursData, today: date, form: str, markdown: str) -> str:
    if form == "json":
        return report_json(data.rows, today)
    if form == "csv":
        return report_csv(data.rows)
    return markdown


def _write(runtime: Runtime, text: str, output: str | None) -> None:
    """The report to stdout (alone: notes and workflow commands go to stderr) or the file."""
    if output:
        try:
            Path(output).write_text(runtime.scrub(text), encoding="utf-8", newline="")
        except OSError as err:
            raise UsageError(f"--output {output}: cannot write the file ({err.strerror})") from None
        runtime.info(f"wrote the hours report to {output}")
    else:
        runtime.out(text.rstrip("\n"))


def _publish(
    context: Context, config: Config, data: HoursData, today: date, markdown: str, *, single: bool
) -> None:
    """Deliver the report, then ask once for each completed issue's missing hours."""
    csh = config.require("csh")
    publisher = Publisher(context.runtime, context.github, context.policy, context.dry_run)
    if single:
        row = data.rows[0]
        action = publisher.community(row, markdown, community_text(row, today))
    else:
        repos = config.github.repositories if config.github else ()
        record_repo = repos[0] if repos else context.env.get("GITHUB_REPOSITORY", "")
        action = publisher.team(csh, data.rows, markdown, record_repo)
    context.runtime.set_output("action", action)
    if csh.ask_for_missing_hours:
        field = csh.board.hours_field if csh.board else "Hours spent"
        asked = publisher.ask_for_hours(data.rows, field)
        context.runtime.info(f"asked for the hours of {asked} completed issues")


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def _span(value: str) -> Span:
    start, sep, end = value.partition("..")
    try:
        span = (date.fromisoformat(start), date.fromisoformat(end))
    except ValueError:
        span = None
    if not sep or span is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not a period YYYY-MM-DD..YYYY-MM-DD")
    if span[1] < span[0]:
        raise argparse.ArgumentTypeError(f"{value!r}: the period ends before it starts")
    return span
