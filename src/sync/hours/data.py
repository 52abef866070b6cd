"""The hours report as data: one JSON document, or CSV rows, with the Markdown's figures. Pure.

JSON: ``{"generated", "communities": [{"key", "name", "period": {"start", "end"},
"contracted_hours", "used_hours", "expected_hours", "share_used", "flags": [{"kind",
"message"}], "tasks": [{"issue", "url", "hours", "completed"}]}]}``. CSV: one row per task;
its hours add up per community to ``used_hours`` (each task's hours are rounded before the
sum, see :mod:`sync.hours.period`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sync.domain import format_hours, split_issue_url
from sync.hours.model import CommunityHours, LoggedTask
from sync.hours.report import issue_ref

CSV_COLUMNS = ("community", "issue", "url", "title", "hours", "completed", "completed_on")


def report_json(rows: Sequence[CommunityHours], today: date) -> str:
    """The report as one JSON document (indented, ending in a newline)."""
    document = {"generated": today.isoformat(), "communities": [_community(r) for r in rows]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def report_csv(rows: Sequence[CommunityHours]) -> str:
    """The report's tasks as CSV with a header row (CSV_COLUMNS), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        for logged in row.tasks:
            url = logged.task.github_url or ""
            writer.writerow(
                [
                    row.community.key,
                    _issue(url) or "",
                    url,
                    " / ".join((*logged.path, logged.task.name)),
                    format_hours(row.hours.get(logged.task.gid, 0.0)),
                    "true" if logged.task.completed else "false",
                    logged.completed_on.isoformat() if logged.completed_on else "",
                ]
            )
    return out.getvalue()


def _community(row: CommunityHours) -> dict[str, Any]:
    community, contracted = row.community, row.community.contracted_hours
    return {
        "key": community.key,
        "name": community.name,
        "period": (
            {"start": row.span[0].isoformat(), "end": row.span[1].isoformat()} if row.span else None
        ),
        "contracted_hours": contracted,
        "used_hours": None if row.missing_task else round(row.used, 2),
        "expected_hours": round(row.expectation.expected_hours, 2) if row.expectation else None,
        "share_used": round(row.used / contracted, 4)
        if contracted and not row.missing_task
        else None,
        "flags": [{"kind": f.kind, "message": f.message} for f in row.flags],
        "tasks": [_task(t, row.hours.get(t.task.gid, 0.0)) for t in row.tasks],
    }


def _task(logged: LoggedTask, hours: float) -> dict[str, Any]:
    url = logged.task.github_url
    return {
        "issue": _issue(url),
        "url": url,
        "hours": round(hours, 2),
        "completed": logged.task.completed,
    }


def _issue(url: str | None) -> str | None:
    """``owner/repo#number`` for an issue URL; None for a task that mirrors no issue."""
    return issue_ref(url) if url and split_issue_url(url) else None
