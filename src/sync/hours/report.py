"""Each community's hours against its contract, and the flags a person should look at. Pure.

- Hours used: the sum over every task below the community's CSH task (at any depth) of its
  GitHub Hours, or of its Asana actual time where it has no GitHub Hours, counted within the
  period (see :mod:`sync.hours.period`: entries by their day, GitHub Hours by completion).
- Expected by today: the contracted hours pro-rated linearly over the period, counting today
  as elapsed: ``contracted * elapsed_days / period_days`` with both ends of the period
  included, 0 before the period starts and all of it from its last day on.
- "over contract": more hours used than contracted.
- "under-using": less than half (UNDER_USE_SHARE) of the hours expected by today, once a
  quarter (UNDER_USE_AFTER) of the period has passed; before that, too little is known.
- "no hours": a task completed in the period with neither GitHub Hours nor actual time, on
  itself or on any task below it (a parent whose sub-issues carry the hours is fine); the flag
  names the assignee and links the issue.
- "logged both ways": a task with GitHub Hours and actual time; only the GitHub Hours count.
- "wrong community": a task directly under the community's CSH task whose GitHub issue names
  another configured community (board field, ``community:<key>`` label or the form's answer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sync.config import Community
from sync.domain import format_hours, split_issue_url, task_hours
from sync.hours.model import (
    LOGGED_BOTH_WAYS,
    NO_HOURS,
    OVER_CONTRACT,
    UNDER_USING,
    WRONG_COMMUNITY,
    CommunityHours,
    Expectation,
    Flag,
    LoggedTask,
    Span,
)
from sync.hours.period import community_span, counted_hours, in_report
from sync.mentions import neutralise_mentions

UNDER_USE_SHARE = 0.5
UNDER_USE_AFTER = 0.25


def expectation(community: Community, today: date, span: Span | None = None) -> Expectation | None:
    """The pro-rated hours expected by the end of ``today`` within ``span`` (default: the
    community's period containing today); None without a contract or a period."""
    contracted = community.contracted_hours
    if span is None and community.period is not None:
        span = community.period.span(today)
    if span is None or contracted is None:
        return None
    start, end = span
    period_days = (end - start).days + 1
    elapsed = min(max((today - start).days + 1, 0), period_days)
    return Expectation(elapsed, period_days, contracted * elapsed / period_days)


def summarize(
    community: Community,
    tasks: Sequence[LoggedTask] | None,
    hours_gid: str,
    today: date,
    named: Mapping[str, str | None] | None = None,
    override: Span | None = None,
) -> CommunityHours:
    """One community's hours and flags within its period containing ``today`` (or within
    ``override``, the ``--period``); ``named``: issue URL -> community key GitHub names."""
    span = community_span(community, today, override)
    expected = expectation(community, today, span)
    if tasks is None:
        return CommunityHours(community, 0.0, expectation=expected, missing_task=True, span=span)
    hours = {t.task.gid: counted_hours(t, hours_gid, span, today) for t in tasks}
    shown = tuple(t for t in tasks if in_report(t, hours[t.task.gid], span, today))
    used = round(sum(hours.values()), 2)
    flags = [
        *_optional(over_contract(community, used)),
        *_optional(under_using(used, expected, today)),
        *no_hours(tasks, hours_gid, {t.task.gid for t in shown}),
        *logged_both_ways(shown, hours_gid),
        *wrong_community(community, shown, named or {}),
    ]
    counted = {t.task.gid: hours[t.task.gid] for t in shown}
    return CommunityHours(community, used, shown, tuple(flags), expected, span=span, hours=counted)


def over_contract(community: Community, used: float) -> Flag | None:
    """Flag more hours used than contracted."""
    contracted = community.contracted_hours
    if contracted is None or used <= contracted:
        return None
    share = f" ({percent(used / contracted)})" if contracted else ""
    return Flag(
        OVER_CONTRACT,
        f"{OVER_CONTRACT}: {format_hours(used)} of {format_hours(contracted)} contracted "
        f"hours used{share}, {format_hours(used - contracted)} over",
    )


def under_using(used: float, expected: Expectation | None, today: date) -> Flag | None:
    """Flag far fewer hours used than expected by today, once enough of the period is known."""
    if expected is None or expected.expected_hours <= 0 or expected.fraction < UNDER_USE_AFTER:
        return None
    if used >= UNDER_USE_SHARE * expected.expected_hours:
        return None
    return Flag(
        UNDER_USING,
        f"{UNDER_USING}: {format_hours(used)} hours used, "
        f"{percent(used / expected.expected_hours)} of the "
        f"{format_hours(expected.expected_hours)} expected by {today.isoformat()} "
        f"(below {percent(UNDER_USE_SHARE)} once {percent(UNDER_USE_AFTER)} of the period "
        "has passed)",
    )


def no_hours(
    tasks: Sequence[LoggedTask], hours_gid: str, reported: set[str] | None = None
) -> list[Flag]:
    """Flag completed tasks (of those ``reported``) with no hours either way, on them or below
    them; the flag names the assignee and links the issue."""
    by_gid = {t.task.gid: t.task for t in tasks}
    with_hours: set[str] = set()
    for logged in tasks:
        gid: str | None = logged.task.gid
        if not task_hours(logged.task, hours_gid):
            continue
        while gid in by_gid and gid not in with_hours:
            with_hours.add(gid)
            gid = by_gid[gid].parent_gid
    return [
        Flag(
            NO_HOURS,
            f"{NO_HOURS}: {describe(t, link=True)} is completed with neither GitHub Hours nor "
            f"actual time; {assigned(t)}",
            url=t.task.github_url,
            subject=t.task.gid,
        )
        for t in tasks
        if t.task.completed
        and t.task.gid not in with_hours
        and (reported is None or t.task.gid in reported)
    ]


def assigned(logged: LoggedTask) -> str:
    """Who should add the hours: the GitHub login (from csh.users) or the Asana assignee."""
    if logged.login:
        return f"assignee: {logged.login}"
    return f"assignee: {logged.assignee}" if logged.assignee else "no assignee"


def logged_both_ways(tasks: Sequence[LoggedTask], hours_gid: str) -> list[Flag]:
    """Flag tasks with GitHub Hours and Asana actual time both set."""
    flags = []
    for logged in tasks:
        github = logged.task.custom_fields.get(hours_gid)
        minutes = logged.task.actual_time_minutes
        if isinstance(github, int | float) and minutes:
            flags.append(
                Flag(
                    LOGGED_BOTH_WAYS,
                    f"{LOGGED_BOTH_WAYS}: {describe(logged)} has {format_hours(github)} "
                    f"GitHub Hours and {format_hours(minutes / 60)} hours of actual time; "
                    "only the GitHub Hours count",
                    subject=logged.task.gid,
                )
            )
    return flags


def wrong_community(
    community: Community, tasks: Sequence[LoggedTask], named: Mapping[str, str | None]
) -> list[Flag]:
    """Flag tasks under this community whose GitHub issue names another community."""
    flags = []
    for logged in tasks:
        url = logged.task.github_url
        other = named.get(url) if url and logged.depth == 1 else None
        if other is not None and other != community.key:
            flags.append(
                Flag(
                    WRONG_COMMUNITY,
                    f"{WRONG_COMMUNITY}: {describe(logged)} is filed under {community.name} "
                    f"but its issue names {other}",
                    subject=logged.task.gid,
                )
            )
    return flags


def describe(logged: LoggedTask, *, link: bool = False) -> str:
    """How a flag names a task: its gid and name, and its issue when it mirrors one (with
    the issue's URL when ``link``)."""
    # the name is an issue title: a mention in it must not ping anyone from a report
    text = f'task {logged.task.gid} "{neutralise_mentions(logged.task.name)}"'
    url = logged.task.github_url
    if not url:
        return text
    ref = issue_ref(url)
    return f"{text} ({ref}, {url})" if link and ref != url else f"{text} ({ref})"


def issue_ref(url: str) -> str:
    """``owner/repo#number`` for an issue URL (the URL itself when it is no issue URL)."""
    split = split_issue_url(url)
    return f"{split[0]}/{split[1]}#{split[2]}" if split else url


def percent(share: float) -> str:
    """A share as a percentage with at most one decimal: 0.3125 -> "31.3%"."""
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _optional(flag: Flag | None) -> Iterable[Flag]:
    return () if flag is None else (flag,)
