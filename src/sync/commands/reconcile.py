"""``community-sync reconcile``: make Asana match GitHub for every CSH issue; repair drift."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from sync.actions_runtime import Runtime
from sync.context import Context
from sync.errors import UsageError
from sync.mirror.reconcile import Reconciler, ReconcileReport
from sync.mirror.sync import Mirror


def add_parser(sub: Any) -> None:
    """Register the reconcile command."""
    parser = sub.add_parser("reconcile", help="repair everything the events missed")
    parser.add_argument(
        "--repo",
        action="append",
        metavar="OWNER/NAME",
        help="reconcile this repository (repeatable; default: github.repositories)",
    )
    parser.add_argument(
        "--allow-deletes",
        type=_count,
        metavar="N",
        help="let this run delete up to N tasks (default: csh.max_deletes)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> int:
    """Reconcile the repositories and report what changed."""
    config = context.config()
    repos = tuple(args.repo or config.github.repositories)
    if not repos:
        raise UsageError(
            "no repositories to reconcile: set github.repositories in the config, "
            "GITHUB_REPOSITORY, or pass --repo OWNER/NAME"
        )
    for repo in repos:
        if repo.count("/") != 1:
            raise UsageError(f"--repo {repo!r}: expected OWNER/NAME")
    mirror = Mirror(
        context.github(),
        context.asana(),
        config.require("asana"),
        config.require("csh"),
        dry_run=context.dry_run,
    )
    report = Reconciler(mirror, repos, datetime.now(UTC), args.allow_deletes).run()
    _report(context.runtime, report, repos, context.dry_run)
    for line in report.held_lines:
        context.runtime.out(line)
    for message in report.held:
        context.runtime.error(message)
    for line in report.failed:
        context.runtime.error(line)
    if report.failed:
        context.runtime.summary(
            "#### Changes Asana or GitHub refused\n\n"
            + "\n".join(f"- {line}" for line in report.failed)
        )
    return 1 if report.held or report.failed else 0


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of tasks, got {text!r}")
    return int(text)


def _report(runtime: Runtime, report: ReconcileReport, repos: tuple[str, ...], dry: bool) -> None:
    for warning in report.warnings:
        runtime.warning(warning)
    with runtime.group(f"{len(report.lines)} changes"):
        for line in report.lines:
            runtime.out(line)
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(report.counts.items())) or "no changes"
    verb = "would make" if dry else "made"
    runtime.info(f"reconciled {report.issues} issues in {', '.join(repos)}: {verb} {counts}")
    runtime.set_output("action", "updated" if report.lines else "unchanged")
    runtime.set_output("changes", str(len(report.lines)))
    rows = "\n".join(f"| {kind} | {n} |" for kind, n in sorted(report.counts.items()))
    table = f"| change | count |\n|---|---:|\n{rows}" if rows else "Asana was already in step."
    title = "### CSH reconcile" + (" (dry run)" if dry else "")
    runtime.summary(f"{title}\n\n{report.issues} issues in {', '.join(repos)}.\n\n{table}")
