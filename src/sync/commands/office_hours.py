"""``community-sync office-hours {agenda,rotate,queue,ics,remind}``: run the sessions.

Every run is safe at any time (the workflow runs daily): each command decides from the
schedule and the markers in GitHub whether there is anything to do. ``COMMUNITY_SYNC_NOW``
(an ISO date and time) replaces the clock, for tests and the demo; only these commands read it.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sync.actions_runtime import Runtime, read_event
from sync.config import Schedule
from sync.context import Context
from sync.errors import UsageError
from sync.github.client import GitHubClient
from sync.office_hours import calendar, remind
from sync.office_hours import schedule as sched
from sync.office_hours.board import find_board, read_cards, up_next
from sync.office_hours.gather import gather, repositories
from sync.office_hours.publish import Publication, Published, publish
from sync.office_hours.queue import plan_queue, queue_issue, queue_sweep
from sync.office_hours.rotate import rotate, share_recording, tell_authors, to_rotate
from sync.office_hours.session_issues import find_agenda_issue
from sync.office_hours.writes import Writes
from sync.slack import SlackWebhook

NOW_VARIABLE = "COMMUNITY_SYNC_NOW"


def add_parser(sub: Any) -> None:
    """Register `office-hours` and its actions."""
    parser = sub.add_parser("office-hours", help="prepare, fill and reset office hours sessions")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    agenda = actions.add_parser("agenda", help="render (and --publish) a session's agenda")
    agenda.add_argument("--date", type=_iso_date, help="the session's date (default: the next)")
    agenda.add_argument("--output", type=Path, help="write the agenda to this file")
    agenda.add_argument("--publish", action="store_true", help="create or refresh its issue")
    agenda.add_argument("--force", action="store_true", help="publish outside prepare_days")
    agenda.set_defaults(handler=run_agenda)
    rotate_parser = actions.add_parser("rotate", help='move "Up Next" cards to "Discussed"')
    rotate_parser.add_argument("--date", type=_iso_date, help="default: the last ended session")
    rotate_parser.add_argument("--force", action="store_true", help="before the session ended")
    rotate_parser.set_defaults(handler=run_rotate)
    queue = actions.add_parser("queue", help="put labeled issues and PRs in Up Next")
    queue.add_argument("--event", help="event payload file (default: $GITHUB_EVENT_PATH)")
    queue.set_defaults(handler=run_queue)
    ics = actions.add_parser("ics", help="write the session series as an iCalendar file")
    ics.add_argument("--output", type=Path, help="write the calendar to this file")
    ics.set_defaults(handler=run_ics)
    remind_parser = actions.add_parser("remind", help="send the Slack reminder of the session")
    remind_parser.set_defaults(handler=run_remind)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def now_from(env: Any) -> datetime:
    """`COMMUNITY_SYNC_NOW` as an aware datetime (UTC when it names no zone), else the clock."""
    raw = str(env.get(NOW_VARIABLE) or "").strip()
    if not raw:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        example = "2026-01-20T09:00:00Z"
        message = f"{NOW_VARIABLE} is {raw!r}; expected an ISO date and time, e.g. {example}"
        raise UsageError(message) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- agenda ----------------------------------------------------------------------------------
def run_agenda(args: argparse.Namespace, context: Context) -> int:
    """Render the session's agenda; with --publish, publish it in its issue."""
    config = context.config()
    office_hours = config.require("office_hours")
    runtime, now = context.runtime, now_from(context.env)
    session = _chosen(runtime, office_hours.schedule, args.date, now)
    if session is None:
        return 0
    skip = args.publish and not args.force
    closed = window_closed(office_hours.schedule, session, now) if skip else None
    if closed:
        return _skip(runtime, closed, "Office hours agenda")
    gh = context.github()
    found = gather(gh, office_hours, repositories(config), session, now, runtime.warning)
    _emit(runtime, found.agenda, args.output)
    runtime.set_output("session", session.date.isoformat())
    runtime.set_output("topics", str(len(found.cards)))
    if not args.publish:
        runtime.set_output("action", "skipped")
        runtime.set_output("changes", "0")
        runtime.summary(found.agenda)
        return 0
    pub = Publication(
        office_hours, session, found.agenda, found.cards, found.invitees, found.shipped
    )
    return _publish(context, gh, pub)


def _publish(context: Context, gh: GitHubClient, pub: Publication) -> int:
    """Publish and report what it did."""
    writes = Writes(context.runtime, context.dry_run, report_to_stdout=False)
    _report_publish(context.runtime, pub, publish(gh, pub, _slack(context), writes), writes)
    return 0


def _chosen(
    runtime: Runtime, schedule: Schedule, day: date | None, now: datetime
) -> sched.Session | None:
    """The session on `day` (None, said why, when `day` has none), or the upcoming one."""
    if day is None:
        return sched.upcoming_session(schedule, now)
    session = sched.session_on(schedule, day)
    if session is None:
        before, after = sched.nearest_sessions(schedule, day)
        near = f"{before.date} and {after.date}" if before else f"{after.date} (the first)"
        _skip(
            runtime,
            f"{day} is no office hours session date; nearest sessions: {near}",
            "Office hours",
        )
    return session


def window_closed(schedule: Schedule, session: sched.Session, now: datetime) -> str | None:
    """Why the session's agenda is not published now, or None when it is its time."""
    if sched.in_prepare_window(schedule, session, now):
        return None
    if now >= session.end_utc:
        return f"the session of {session.date} has ended; pass --force to publish its agenda anyway"
    opens = sched.prepare_window_opens(schedule, session).astimezone(session.start.tzinfo)
    return (
        f"the agenda of {session.date} is published from {opens:%Y-%m-%d %H:%M} "
        f"{session.start.tzinfo} ({schedule.prepare_days} days before); pass --force to publish now"
    )


def _emit(runtime: Runtime, agenda: str, output: Path | None) -> None:
    if output is None:
        runtime.stdout.write(runtime.scrub(agenda))
        runtime.stdout.flush()
        return
    try:
        output.write_text(runtime.scrub(agenda), encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{output}: cannot write the agenda ({err.strerror})") from None
    runtime.info(f"wrote the agenda to {output}")


def _slack(context: Context) -> SlackWebhook | None:
    url = context.env.get("SLACK_WEBHOOK_URL")
    return SlackWebhook(url, context.policy) if url else None


def _report_publish(runtime: Runtime, pub: Publication, done: Published, writes: Writes) -> None:
    issue = done.issue
    where = issue.ref if issue else f'"{pub.title}" (to be created)'
    did, escalation = publish_words(done, dry_run=writes.dry_run)
    runtime.info(f"agenda issue {where}: {did}; escalation: {escalation}")
    if done.invited:
        runtime.info(f"invited {done.invited} author(s) to bring their work to the session")
    runtime.set_output("action", done.action)  # the contract's values, also in a dry run
    runtime.set_output("changes", str(writes.count))
    runtime.set_output("escalation", done.escalation)
    if issue:
        runtime.set_output("issue_url", issue.url)
    changes = "\n".join(f"- {line}" for line in writes.lines) or "- nothing changed"
    link = f"[{issue.ref}]({issue.url})" if issue else where
    runtime.summary(f"### {pub.title}: {did}\n\nAgenda issue: {link}\n\n{changes}")
    runtime.summary(pub.agenda)


# In a dry run nothing was written: say what would be ("would create"), not "created".
DRY_RUN_WORDS = {
    "created": "would create",
    "updated": "would update",
    "slack": "would go to Slack",
    "issue": "would be opened as an issue",
}


def publish_words(done: Published, *, dry_run: bool) -> tuple[str, str]:
    """What publishing did to the issue and the escalation, worded for a dry run when it is one."""
    if not dry_run:
        return done.action, done.escalation
    return (
        DRY_RUN_WORDS.get(done.action, done.action),
        DRY_RUN_WORDS.get(done.escalation, done.escalation),
    )


# -- rotate ----------------------------------------------------------------------------------
def run_rotate(args: argparse.Namespace, context: Context) -> int:
    """Move the cards that were Up Next when the session ended to Discussed."""
    office_hours = context.config().require("office_hours")
    runtime = context.runtime
    session = _ended_session(runtime, office_hours.schedule, args, now_from(context.env))
    if session is None:
        return 0
    gh = context.github()
    board = find_board(gh, office_hours.board)
    writes = Writes(runtime, context.dry_run)
    cards = read_cards(gh, board)
    agenda = find_agenda_issue(gh, office_hours, session)
    # Tell the authors first: a run that fails half way leaves the cards for the next one.
    tell_authors(gh, to_rotate(cards, board, session.end_utc), session, agenda, writes)
    share_recording(gh, cards, board, session, agenda, writes)
    moved = rotate(gh, board, cards, session.end_utc, writes)
    if not moved:
        queued = f'no card in "{board.up_next}" was queued before {session.date} ended'
        runtime.out(f"nothing to move: {queued}")
    title = f"Office hours {session.date}: rotated {board.ref}"
    return _finish(runtime, "updated" if writes.count else "unchanged", title, writes)


def _ended_session(
    runtime: Runtime, schedule: Schedule, args: argparse.Namespace, now: datetime
) -> sched.Session | None:
    """The session to rotate after: --date's or the last ended; None (said why) if none."""
    if args.date is not None:
        session = _chosen(runtime, schedule, args.date, now)
    else:
        session = sched.last_ended_session(schedule, now)
        if session is None:
            first = sched.session_at(schedule, 0).date
            _skip(runtime, f"no session has ended yet (the first is {first})", "Rotate")
    if session is not None and session.end_utc > now and not args.force:
        end = f"{session.end:%Y-%m-%d %H:%M} {session.end.tzinfo}"
        why = f"the session of {session.date} ends at {end}; rotate after it, or pass --force"
        _skip(runtime, why, "Rotate")
        return None
    return session


# -- ics -------------------------------------------------------------------------------------
def run_ics(args: argparse.Namespace, context: Context) -> int:
    """Write the session series (the last sessions and a year ahead) as iCalendar."""
    office_hours = context.config().require("office_hours")
    now = now_from(context.env)
    text = calendar.ics(office_hours, calendar.series(office_hours, now), now)
    if args.output is None:
        context.runtime.stdout.write(text)
        context.runtime.stdout.flush()
        return 0
    try:
        args.output.write_bytes(text.encode("utf-8"))  # bytes: keep the CRLF line ends
    except OSError as err:
        raise UsageError(f"{args.output}: cannot write the calendar ({err.strerror})") from None
    context.runtime.info(f"wrote the calendar to {args.output}")
    return 0


# -- remind ----------------------------------------------------------------------------------
def run_remind(args: argparse.Namespace, context: Context) -> int:
    """Send the next session's Slack reminder once, when it is due."""
    office_hours = context.config().require("office_hours")
    runtime, now = context.runtime, now_from(context.env)
    session = sched.upcoming_session(office_hours.schedule, now)
    why = remind.not_due(office_hours, session, now)
    if why:
        return _skip(runtime, why, "Office hours reminder")
    slack = _slack(context)
    if slack is None:
        raise UsageError(
            "office_hours.remind_hours_before is set but SLACK_WEBHOOK_URL is not: set it to "
            "the incoming webhook the reminder goes to"
        )
    gh = context.github()
    agenda = find_agenda_issue(gh, office_hours, session)
    if agenda is None:
        runtime.warning(
            f"no agenda issue for the session of {session.date} yet: the reminder waits for "
            "`office-hours agenda --publish`"
        )
        return _skip(runtime, f"the session of {session.date} has no agenda issue", "Reminder")
    board = find_board(gh, office_hours.board)
    topics = sum(1 for card in up_next(read_cards(gh, board), board) if card.topic)
    writes = Writes(runtime, context.dry_run)
    reminder = remind.Reminder(office_hours, session, agenda, topics)
    done = remind.remind(gh, reminder, slack, writes)
    runtime.out(f"reminder of {session.date} ({agenda.ref}, {topics} topics): {done}")
    runtime.set_output("session", session.date.isoformat())
    return _finish(runtime, "created" if done == "sent" else "unchanged", "Reminder", writes)


# -- queue -----------------------------------------------------------------------------------
def run_queue(args: argparse.Namespace, context: Context) -> int:
    """Queue the event's labeled issue, or sweep the repositories for labeled ones."""
    config = context.config()
    office_hours = config.require("office_hours")
    runtime, label = context.runtime, office_hours.topic_label
    path = args.event or context.env.get("GITHUB_EVENT_PATH")
    name, payload = _event(path, context.env.get("GITHUB_EVENT_NAME"))
    request = plan_queue(name, payload, label, str(path))
    if request.skip:
        return _skip(runtime, request.skip, "Office hours queue")
    gh = context.github()
    board = find_board(gh, office_hours.board)
    writes = Writes(runtime, context.dry_run)
    reason: str | None
    if request.sweep:
        added = queue_sweep(gh, board, repositories(config), label, writes)
        reason = f"every open item labeled {label} is on {board.ref}"
    else:
        added, reason = queue_issue(gh, board, request, label, writes)
    if not added:
        runtime.out(f"nothing to do: {reason}")
    return _finish(
        runtime, "created" if added else "unchanged", f"Office hours queue: {board.ref}", writes
    )


def _finish(runtime: Runtime, action: str, title: str, writes: Writes) -> int:
    """Set the outputs and write the summary of a run's changes."""
    runtime.set_output("action", action)
    runtime.set_output("changes", str(writes.count))
    lines = "\n".join(f"- {line}" for line in writes.lines) or "- nothing changed"
    runtime.summary(f"### {title}\n\n{lines}")
    return 0


def _event(path: str | None, name: str | None) -> tuple[str | None, dict[str, Any] | None]:
    """The event's name and payload; (None, None) without an event (a sweep)."""
    if not path:
        return None, None
    _, payload = read_event(path, name or "unnamed")
    if name:
        return name, payload
    guessed = next((key for key in ("schedule", "pull_request", "issue") if key in payload), None)
    if guessed is None:
        raise UsageError(f"{path}: cannot tell the event; set GITHUB_EVENT_NAME")
    return ("issues" if guessed == "issue" else guessed), payload


def _skip(runtime: Runtime, message: str, title: str) -> int:
    """Say there is nothing to do, and why (exit 0)."""
    runtime.out(f"nothing to do: {message}")
    runtime.set_output("action", "skipped")
    runtime.set_output("changes", "0")
    runtime.summary(f"### {title}: nothing to do\n\n{message}")
    return 0
