"""The hours reports as Markdown: pure contexts, rendered by sandboxed bundled templates.

``build_report_context`` and ``build_community_context`` compute, format and escape every
value; the templates in ``sync/templates/`` only lay them out. Task names come from Asana and
are escaped here, so they render literally and never reach Jinja as template source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

from sync.domain import format_hours
from sync.hours.contract import contract_first, contract_line, near_or_over
from sync.hours.model import FLAG_KINDS, CommunityHours, Flag, LoggedTask, Span
from sync.hours.report import UNDER_USE_AFTER, UNDER_USE_SHARE, issue_ref, percent
from sync.mentions import neutralise_mentions
from sync.templating import environment, escape_table_cell

HOURS_TEMPLATE = "hours_report.md.j2"
COMMUNITY_TEMPLATE = "community_report.md.j2"
NONE = "-"
_URL_SAFE = ":/?#[]@!$&'*+,;=%"


def build_report_context(
    rows: Sequence[CommunityHours], today: date, notes: Sequence[str] = (), *, chart: bool = False
) -> dict[str, Any]:
    """What ``hours_report.md.j2`` shows: one row per community, those at or near their
    contract first, then each one's flags (``chart``: a Mermaid chart above the table)."""
    rows = contract_first(rows)
    return {
        "date": today.isoformat(),
        "chart": mermaid_chart(rows, today) if chart and rows else "",
        "contract": [_contract_item(row) for row in rows],
        "rows": [_row(row) for row in rows],
        "flagged": [_flag_section(row) for row in rows if row.flags or row.missing_task],
        "notes": [escape_table_cell(note) for note in notes],
        "rules": (
            f"under-using: below {percent(UNDER_USE_SHARE)} of the hours expected by today, "
            f"once {percent(UNDER_USE_AFTER)} of the period has passed; expected hours are "
            "the contracted hours pro-rated by the days of the period elapsed, today included"
        ),
    }


def build_community_context(row: CommunityHours, today: date, hours_gid: str) -> dict[str, Any]:
    """What ``community_report.md.j2`` shows: one community's completed work, each issue
    linked, with its hours in the period, and the hours against the contract."""
    contracted = row.community.contracted_hours
    completed = sorted(
        (t for t in row.tasks if t.task.completed),
        key=lambda t: (t.completed_on or date.max, _full_name(t)),
    )
    open_tasks = [t for t in row.tasks if not t.task.completed]
    open_hours = sum(row.hours.get(t.task.gid, 0.0) for t in open_tasks)
    return {
        "name": escape_table_cell(row.community.name),
        "date": today.isoformat(),
        "period": _span_text(row.span) if row.span else None,
        "used": format_hours(row.used),
        "contract": _contract(row.used, contracted),
        "expected": _expected(row),
        "completed": [_work_item(t, row.hours.get(t.task.gid, 0.0)) for t in completed],
        "open_count": len(open_tasks),
        "open_hours": format_hours(open_hours),
        "missing_task": row.missing_task,
    }


def render(template: str, context: Mapping[str, Any]) -> str:
    """Render a bundled template with ``context`` (sandboxed; undefined names fail)."""
    return environment().get_template(template).render(context)


def mermaid_chart(rows: Sequence[CommunityHours], today: date) -> str:
    """A Mermaid bar chart per community: contracted hours behind, used hours in front, and
    a line for the hours expected by today (GitHub renders it in summaries and issues)."""
    keys = ", ".join(_quoted(row.community.key) for row in rows)
    contracted = [row.community.contracted_hours or 0.0 for row in rows]
    used = [row.used for row in rows]
    expected = [row.expectation.expected_hours if row.expectation else 0.0 for row in rows]
    top = max([*contracted, *used, *expected, 1.0])
    lines = [
        "```mermaid",
        "xychart-beta",
        f'    title "CSH hours as of {today.isoformat()}"',
        f"    x-axis [{keys}]",
        f'    y-axis "Hours" 0 --> {format_hours(top * 1.1)}',
        f"    bar {_numbers(contracted)}",
        f"    bar {_numbers(used)}",
        f"    line {_numbers(expected)}",
        "```",
        "",
        "<sub>Bars: contracted hours (behind) and hours used (in front); "
        "line: hours expected by today.</sub>",
    ]
    return "\n".join(lines)


def _quoted(text: str) -> str:
    return '"' + "".join(c for c in text if c not in '"\\[]\n\r') + '"'


def _numbers(values: Sequence[float]) -> str:
    return "[" + ", ".join(format_hours(v) for v in values) + "]"


def _span_text(span: Span) -> str:
    return f"{span[0].isoformat()} to {span[1].isoformat()}"


def _contract_item(row: CommunityHours) -> dict[str, Any]:
    return {"near": near_or_over(row), "line": escape_table_cell(contract_line(row))}


def _row(row: CommunityHours) -> dict[str, Any]:
    community = row.community
    kinds = [kind for kind in FLAG_KINDS if any(f.kind == kind for f in row.flags)]
    return {
        "name": escape_table_cell(community.name),
        "key": escape_table_cell(community.key),
        "used": NONE if row.missing_task else format_hours(row.used),
        "contracted": _hours_or_none(community.contracted_hours),
        "share": percent(row.share) if row.share is not None and not row.missing_task else NONE,
        "expected": _expected(row) or NONE,
        "period": _span_text(row.span) if row.span else NONE,
        "flags": ", ".join(kinds) if kinds else ("task missing" if row.missing_task else NONE),
    }


def flag_markdown(flag: Flag) -> str:
    """A flag's message as Markdown: escaped, the issue URL it quotes left a working link."""
    folded = "".join((flag.url or "").split())
    if not folded or folded not in flag.message or not _link("x", folded).startswith("["):
        return escape_table_cell(flag.message)
    parts = flag.message.split(folded)
    return f"<{quote(folded, safe=_URL_SAFE)}>".join(_escape_part(p) for p in parts)


def _escape_part(text: str) -> str:
    """Escaped like a table cell, keeping a space at either edge (the link's neighbours)."""
    head = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() else ""
    return head + escape_table_cell(text) + tail if text.strip() else head


def _flag_section(row: CommunityHours) -> dict[str, Any]:
    messages = [flag_markdown(flag) for flag in row.flags]
    if row.missing_task:
        gid = row.community.asana_task
        problem = f"its Asana task {gid} does not exist (deleted?): fix its csh.communities entry"
        messages.insert(0, problem)
    return {"name": escape_table_cell(row.community.name), "messages": messages}


def _work_item(logged: LoggedTask, hours: float) -> dict[str, str]:
    name = escape_table_cell(neutralise_mentions(_full_name(logged))) or "(untitled)"
    url = logged.task.github_url
    return {
        "name": _link(name, url),
        "issue": _link(escape_table_cell(issue_ref(url)), url) if url else NONE,
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
