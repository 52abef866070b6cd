"""``community-sync check``: validate the config against the live APIs, or discover gids."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from sync.asana.client import DEFAULT_BASE_URL, AsanaClient
from sync.asana.pacer import Pacer
from sync.check.collect import check_config
from sync.check.discover import config_snippet, discover, discovery_lines
from sync.check.findings import Finding, needs_fixing, tally
from sync.context import ASANA_TOKENS, Context, api_url, read_token
from sync.errors import EXIT_FAILURE, EXIT_OK
from sync.office_hours.agenda import escape_table_cell

FREE_PLAN_PER_MINUTE = 150


def add_parser(sub: Any) -> None:
    """Register the check command."""
    parser = sub.add_parser("check", help="check the config against GitHub and Asana")
    parser.add_argument(
        "--discover", action="store_true", help="list the Asana gids a new config needs"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> int:
    """Print ``ok:``/``fix:`` per item (exit 1 if anything must be fixed), or discover."""
    if args.discover:
        return _discover(context)
    config = context.config()
    findings = check_config(config, context.asana, context.github)
    for finding in findings:
        context.runtime.out(finding.line)
    context.runtime.out(tally(findings))
    context.runtime.summary(_summary(findings))
    return EXIT_FAILURE if needs_fixing(findings) else EXIT_OK


def _discover(context: Context) -> int:
    """Print every workspace, project, field and user, then a config snippet."""
    workspaces = discover(_standalone_asana(context))
    runtime = context.runtime
    for line in discovery_lines(workspaces):
        runtime.out(line)
    runtime.out("\n# a start for .github/community-sync.yml:")
    runtime.out(config_snippet(workspaces).rstrip("\n"))
    return EXIT_OK


def _standalone_asana(context: Context) -> AsanaClient:
    """An Asana client that needs no config file (a new user has none yet)."""
    env = context.env
    token = read_token(env, ASANA_TOKENS, "an Asana personal access token")
    base_url = api_url(env, "ASANA_BASE_URL", DEFAULT_BASE_URL)
    context.check_destination("ASANA_TOKEN", "ASANA_BASE_URL", base_url, DEFAULT_BASE_URL)
    return AsanaClient(token, base_url, context.policy, pacer=Pacer(FREE_PLAN_PER_MINUTE))


def _summary(findings: Sequence[Finding]) -> str:
    lines = [f"- **{f.status}:** {escape_table_cell(f.text)}" for f in findings]
    return "\n".join(["### community-sync check", "", *lines, "", tally(findings)])
