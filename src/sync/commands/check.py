"""``community-sync check``: validate the config against the live APIs, or discover gids."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sync.asana.client import DEFAULT_BASE_URL, AsanaClient
from sync.asana.pacer import Pacer
from sync.check.collect import check_config
from sync.check.contract_state import contract_lines
from sync.check.discover import Scope, config_snippet, discover, discovery_lines, hints
from sync.check.findings import Finding, needs_fixing, tally
from sync.config import ConfigError
from sync.context import ASANA_TOKENS, Context, api_url, read_token
from sync.errors import EXIT_FAILURE, EXIT_OK, UsageError
from sync.templating import code_span, escape_table_cell

FREE_PLAN_PER_MINUTE = 150


def add_parser(sub: Any) -> None:
    """Register the check command."""
    parser = sub.add_parser("check", help="check the config against GitHub and Asana")
    parser.add_argument(
        "--discover", action="store_true", help="list the Asana gids a new config needs"
    )
    parser.add_argument(
        "--workspace", metavar="GID_OR_NAME", help="with --discover: default the configured one"
    )
    parser.add_argument(
        "--project",
        metavar="GID_OR_NAME",
        help="with --discover: list this project's custom fields; default the configured one",
    )
    parser.add_argument(
        "--users", action="store_true", help="with --discover: also list the workspace's users"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> int:
    """Print ``ok:``/``fix:`` per item (exit 1 if anything must be fixed), or discover."""
    if args.discover:
        return _discover(args, context)
    if args.workspace or args.project or args.users:
        raise UsageError("--workspace, --project and --users go with --discover")
    config = context.config()
    findings = check_config(config, context.asana, context.github)
    for line in contract_lines(config, context.asana, datetime.now(UTC).date()):
        context.runtime.out(line)
    for finding in findings:
        context.runtime.out(finding.line)
    context.runtime.out(tally(findings))
    context.runtime.summary(summary(findings))
    return EXIT_FAILURE if needs_fixing(findings) else EXIT_OK


def _discover(args: argparse.Namespace, context: Context) -> int:
    """Print the workspace, its projects, the named project's fields and (if asked) users,
    then a config snippet."""
    scope = _scope(args, context)
    workspaces = discover(_standalone_asana(context), scope)
    runtime = context.runtime
    for line in discovery_lines(workspaces):
        runtime.out(line)
    for hint in hints(workspaces, scope):
        runtime.info(f"note: {hint}")
    runtime.out("\n# a start for .github/community-sync.yml:")
    runtime.out(config_snippet(workspaces).rstrip("\n"))
    return EXIT_OK


def _scope(args: argparse.Namespace, context: Context) -> Scope:
    """The flags, else the config's workspace and project (a new user has no config yet)."""
    workspace, project = args.workspace, args.project
    if context.config_path.exists() and not (workspace and project):
        try:
            asana = context.config().asana
        except ConfigError as exc:
            context.runtime.warning(f"{context.config_path} not used for --discover: {exc}")
            asana = None
        if asana is not None:
            workspace = workspace or asana.workspace
            project = project or (asana.project if workspace == asana.workspace else None)
    return Scope(workspace=workspace, project=project, users=args.users)


def _standalone_asana(context: Context) -> AsanaClient:
    """An Asana client that needs no config file (a new user has none yet)."""
    env = context.env
    token = read_token(env, ASANA_TOKENS, "an Asana personal access token")
    base_url = api_url(env, "ASANA_BASE_URL", DEFAULT_BASE_URL)
    context.check_destination("ASANA_TOKEN", "ASANA_BASE_URL", base_url, DEFAULT_BASE_URL)
    return AsanaClient(token, base_url, context.policy, pacer=Pacer(FREE_PLAN_PER_MINUTE))


SUMMARY_ORDER = {"fix": 0, "note": 1, "ok": 2}  # what to fix first


def summary(findings: Sequence[Finding]) -> str:
    """The job summary: the tally, then one table row per finding, those to fix first."""
    rows = [
        f"| {f.status} | {code_span(item) if item else ''} | {escape_table_cell(detail)} |"
        for f in sorted(findings, key=lambda f: SUMMARY_ORDER[f.status])
        for item, detail in [_split(f.text)]
    ]
    table = ["| status | item | finding |", "|---|---|---|", *rows]
    verdict = "Fix the rows marked **fix**." if needs_fixing(findings) else "Nothing to fix."
    head = ["### community-sync check", "", f"{tally(findings)}. {verdict}", ""]
    return "\n".join(head + table)


def _split(text: str) -> tuple[str, str]:
    """``csh.board: no board ...`` -> (``csh.board``, ``no board ...``)."""
    item, sep, detail = text.partition(": ")
    return (item, detail) if sep and " " not in item else ("", text)
