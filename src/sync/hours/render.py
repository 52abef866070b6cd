"""The hours reports as Markdown: pure contexts, rendered by sandboxed bundled templates.

``build_report_context`` and ``build_community_context`` compute, format and escape every
value; the templates in ``sync/templates/`` only lay them out. Task names come from Asana and
are escaped here, so they render literally and never reach Jinja as template source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import FunctionLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from sync.config import Period
from sync.hours.model import FLAG_KINDS, CommunityHours, LoggedTask
from sync.hours.report import UNDER_USE_AFTER, UNDER_USE_SHARE, percent
from sync.hours.usage import format_hours, task_hours
from sync.mentions import neutralise_mentions
from sync.office_hours.agenda import escape_table_cell

HOURS_TEMPLATE = "hours_report.md.j2"
COMMUNITY_TEMPLATE = "community_report.md.j2"
NONE = "-"
_URL_SAFE = ":/?#[]@!$&'*+,;=%"


def build_report_context(
    rows: Sequence[CommunityHours], today: date, notes: Sequence[str] = ()
) -> dict[str, Any]:
    """What ``hours_report.md.j2`` shows: one row per community, then each one's flags."""
    return {
        "date": today.isoformat(),
        "rows": [_row(row, today) for row in rows],
        "flagged": [_flag_section(row) for row in rows if row.flags or row.missing_task],
        "notes": [escape_table_cell(note) for note in notes],
        "rules": (
            f"under-using: below {percent(UNDER_USE_SHARE)} of the hours expected by today, "
            f"once {percent(UNDER_USE_AFTER)} of the period has passed; expected hours are "
            "the contracted hours pro-rated by the days of the period elapsed, today included"
        ),
    }


def build_community_context(row: CommunityHours, today: date, hours_gid: str) -> dict[str, Any]:
    """What ``community_report.md.j2`` shows: one community's completed work and contract."""
    contracted = row.community.contracted_hours
    period = row.community.period
    completed = sorted(
        (t for t in row.tasks if t.task.completed),
        key=lambda t: (t.completed_on or date.max, _full_name(t)),
    )
    open_tasks = [t for t in row.tasks if not t.task.completed]
    open_hours = sum(task_hours(t.task, hours_gid) or 0.0 for t in open_tasks)
    return {
        "name": escape_table_cell(row.community.name),
        "date": today.isoformat(),
        "period": _period_text(period, today) if period else None,
        "used": format_hours(row.used),
        "contract": _contract(row.used, contracted),
        "expected": _expected(row),
        "completed": [_work_item(t, hours_gid) for t in completed],
        "open_count": len(open_tasks),
        "open_hours": format_hours(open_hours),
        "missing_task": row.missing_task,
    }


def render(template: str, context: Mapping[str, Any]) -> str:
    """Render a bundled template with ``context`` (sandboxed; undefined names fail)."""
    env = SandboxedEnvironment(
        loader=FunctionLoader(_bundled_source),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    return env.get_template(template).render(context)


def _bundled_source(name: str) -> tuple[str, str, Any]:
    resource = resources.files("sync").joinpath("templates", name)
    return resource.read_text(encoding="utf-8"), str(resource), lambda: True


def _period_text(period: Period, today: date) -> str:
    start, end = period.span(today)
    return f"{start.isoformat()} to {end.isoformat()}"


def _row(row: CommunityHours, today: date) -> dict[str, Any]:
    community = row.community
    kinds = [kind for kind in FLAG_KINDS if any(f.kind == kind for f in row.flags)]
    return {
        "name": escape_table_cell(community.name),
        "key": escape_table_cell(community.key),
        "used": NONE if row.missing_task else format_hours(row.used),
        "contracted": _hours_or_none(community.contracted_hours),
        "share": percent(row.share) if row.share is not None and not row.missing_task else NONE,
        "expected": _expected(row) or NONE,
        "period": (_period_text(community.period, today) if community.period else NONE),
        "flags": ", ".join(kinds) if kinds else ("task missing" if row.missing_task else NONE),
    }


def _flag_section(row: CommunityHours) -> dict[str, Any]:
    messages = [escape_table_cell(flag.message) for flag in row.flags]
    if row.missing_task:
        gid = row.community.asana_task
        problem = f"its Asana task {gid} does not exist (deleted?): fix its csh.communities entry"
        messages.insert(0, problem)
    return {"name": escape_table_cell(row.community.name), "messages": messages}


def _work_item(logged: LoggedTask, hours_gid: str) -> dict[str, str]:
    hours = task_hours(logged.task, hours_gid)
    name = escape_table_cell(neutralise_mentions(_full_name(logged))) or "(untitled)"
    return {
        "name": _link(name, logged.task.github_url),
        "hours": format_hours(hours) if hours else NONE,
        "date": logged.completed_on.isoformat() if logged.completed_on else NONE,
    }


def _full_name(logged: LoggedTask) -> str:
    return " / ".join((*logged.path, logged.task.name))


def _expected(row: CommunityHours) -> str | None:
    return format_hours(row.expectation.expected_hours) if row.expectation else None


def _hours_or_none(value: float | None) -> str:
    return NONE if value is None else format_hours(value)


def _contract(used: float, contracted: float | None) -> dict[str, str] | None:
    if contracted is None:
        return None
    if used > contracted:
        balance = f"{format_hours(used - contracted)} hours over contract"
    else:
        balance = f"{format_hours(contracted - used)} hours remaining"
    share = percent(used / contracted) if contracted else NONE
    return {"hours": format_hours(contracted), "share": share, "balance": balance}


def _link(escaped: str, url: str | None) -> str:
    """A Markdown link to an http(s) URL; just the text for anything else."""
    folded = "".join((url or "").split())
    if urlsplit(folded).scheme.lower() not in ("http", "https"):
        return escaped
    return f"[{escaped}]({quote(folded, safe=_URL_SAFE)})"
