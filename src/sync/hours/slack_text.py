"""The hours reports as Slack messages (``mrkdwn``: no tables, links as ``<url|text>``). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sync.domain import format_hours
from sync.hours.announce import TeamFlag
from sync.hours.contract import contract_first, contract_line
from sync.hours.model import CommunityHours
from sync.hours.report import issue_ref


def escape(text: str) -> str:
    """Text as Slack shows it literally: ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def community_text(row: CommunityHours, today: date) -> str:
    """One community's report: its hours against its contract and its completed work."""
    period = f", {row.span[0].isoformat()} to {row.span[1].isoformat()}" if row.span else ""
    lines = [
        f"*Community Success Hours: {escape(row.community.name)}*{period} (as of {today})",
        escape(contract_line(row)),
        "",
        "Completed work:",
    ]
    done = [t for t in row.tasks if t.task.completed]
    for logged in sorted(done, key=lambda t: (t.completed_on or date.max, t.task.name)):
        url, name = logged.task.github_url, escape(logged.task.name) or "(untitled)"
        ref = f"<{url}|{escape(issue_ref(url))}> " if url and url.startswith("http") else ""
        hours = format_hours(row.hours.get(logged.task.gid, 0.0))
        day = logged.completed_on.isoformat() if logged.completed_on else "-"
        lines.append(f"• {ref}{name}: {hours} hours, completed {day}")
    if not done:
        lines.append("• none yet")
    return "\n".join(lines)


def team_text(rows: Sequence[CommunityHours], fresh: Sequence[TeamFlag]) -> str:
    """The team's report: each community's contract state (closest first), and new flags."""
    lines = ["*Community Success Hours: contract state*"]
    lines += [f"• {escape(contract_line(row))}" for row in contract_first(rows)]
    if fresh:
        lines += ["", "New since the last report:"]
        lines += [f"• {escape(f.community)}: {escape(f.flag.message)}" for f in fresh]
    else:
        lines += ["", "No new flags since the last report."]
    return "\n".join(lines)
