"""``community-sync reconcile``: make Asana match GitHub for every CSH issue; repair drift."""

from __future__ import annotations

import argparse
import html
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sync.actions_runtime import Runtime
from sync.context import Context
from sync.errors import UsageError
from sync.mirror.reconcile import Reconciler, ReconcileReport
from sync.mirror.sync import Mirror
from sync.progress import Budget

PLAN_LOG = logging.getLogger("sync.plan")


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
    parser.add_argument(
        "--time-budget",
        type=_seconds,
        metavar="SECONDS",
        help="stop starting changes in time to end within SECONDS; the next run does the rest "
        "(default: no budget)",
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
    policy = context.policy
    budget = Budget.of(args.time_budget, policy.monotonic)
    policy.deadline = budget.deadline  # no retry waits past the budget either
    reconciler = Reconciler(mirror, repos, datetime.now(UTC), args.allow_deletes)
    reconciler.budget, reconciler.say = budget, context.runtime.info
    report = reconciler.run()
    _report(context.runtime, report, repos, context.dry_run)
    if report.stopped is not None:
        done, total = report.stopped
        line = f"{done} of {total} changes done; the rest next run (time budget reached)"
        context.runtime.info(line)
        context.runtime.summary(f"**{line}**")
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


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return seconds


def _report(runtime: Runtime, report: ReconcileReport, repos: tuple[str, ...], dry: bool) -> None:
    for warning in report.warnings:
        runtime.warning(warning)
    for line in report.lines:  # -v: the planner's decisions, also when stdout is redirected
        PLAN_LOG.debug("%s%s", "would " if dry else "", line)
    with runtime.group(f"{len(report.lines)} changes"):
        for line in report.lines:
            runtime.out(line)
    where = ", ".join(repos)
    counts = count_phrases(report.counts, dry=dry) or "no changes"
    runtime.info(f"reconciled {_issues(report.issues)} in {where}: {counts}")
    runtime.set_output("action", "updated" if report.lines else "unchanged")
    runtime.set_output("changes", str(len(report.lines)))
    runtime.summary(summary(report, repos, dry))


# What each kind of change the reconciler counts is, in words: "created 30 tasks".
COUNT_WORDS: dict[str, tuple[str, str, str]] = {
    "created": ("created", "would create", "task"),
    "updated": ("updated", "would update", "task"),
    "completed": ("completed", "would complete", "task"),
    "moved": ("moved", "would move", "task"),
    "added to project": ("added to the project", "would add to the project", "task"),
    "deleted": ("deleted", "would delete", "task"),
    "comments": ("posted", "would post", "link comment"),
    "reopened": ("reopened", "would reopen", "issue"),
}
SUMMARY_MAX_LINES = 500  # a job summary holds at most 1 MiB: long plans are cut, with a count


def count_phrases(counts: Mapping[str, int], *, dry: bool) -> str:
    """The counts in words: ``created 30 tasks, posted 30 link comments`` (dry: ``would ...``)."""
    order = {kind: i for i, kind in enumerate(COUNT_WORDS)}  # tasks first, then comments
    kinds = sorted(counts, key=lambda kind: (order.get(kind, len(order)), kind))
    return ", ".join(_phrase(kind, counts[kind], dry) for kind in kinds if counts[kind])


def _phrase(kind: str, n: int, dry: bool) -> str:
    if kind not in COUNT_WORDS:
        return f"{kind}: {n}"
    done, would, noun = COUNT_WORDS[kind]
    plural = noun if n == 1 else noun + "s"
    verb = would if dry else done
    if verb.endswith(" the project"):  # "added 3 tasks to the project"
        verb, _, tail = verb.partition(" to ")
        return f"{verb} {n} {plural} to {tail}"
    return f"{verb} {n} {plural}"


def summary(report: ReconcileReport, repos: tuple[str, ...], dry: bool) -> str:
    """The job summary: counts in words, then the plan as a collapsible list with its reasons."""
    title = "### CSH reconcile" + (" (dry run)" if dry else "")
    parts = [title, "", f"{_issues(report.issues)} in {', '.join(repos)}."]
    counts = count_phrases(report.counts, dry=dry)
    parts += ["", f"{counts[:1].upper()}{counts[1:]}." if counts else "Asana was already in step."]
    if report.lines:
        label = "What it would do" if dry else "What it did"
        shown = report.lines[:SUMMARY_MAX_LINES]
        more = len(report.lines) - len(shown)
        items = [f"- {markdown_text(line)}" for line in shown]
        items += [f"- … and {more} more (see the log)"] if more else []
        parts += ["", f"<details><summary>{label}: {len(report.lines)} changes</summary>", ""]
        parts += [*items, "", "</details>"]
    if report.warnings:
        parts += ["", "**Warnings**", *[f"- {markdown_text(w)}" for w in report.warnings]]
    return "\n".join(parts)


def _issues(n: int) -> str:
    return f"{n} issue" if n == 1 else f"{n} issues"


def markdown_text(text: str) -> str:
    """Text (issue titles inside) shown literally in Markdown: no HTML, links or emphasis."""
    escaped = html.escape(text, quote=False)
    return "".join("\\" + c if c in MARKDOWN_ACTIVE else c for c in escaped)


MARKDOWN_ACTIVE = set("\\`*_[]|~")  # not "#": owner/repo#1 stays a link
