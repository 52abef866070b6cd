"""The office hours part of `community-sync demo`: the calendar, agenda, publish (escalation,
grooming, invitations, topics from what shipped), the reminder, and rotation with its notes.

The emulated GitHub's clock and `COMMUNITY_SYNC_NOW` are set to days around the session of
2026-01-21, so the demo shows the same story whatever day it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from sync.commands.office_hours import NOW_VARIABLE
from sync.demo import Demo
from sync.emulator.seed_office_hours import (
    COMMUNITY,
    OFFICE_HOURS_CONFIG,
    SEEDED_NOW,
    SUPPORT,
    OfficeHoursSeed,
    at,
    seed_office_hours,
)


@contextmanager
def _day(demo: Demo, moment: datetime) -> Iterator[None]:
    """Run the steps inside as if it were `moment`, for GitHub and for the CLI."""
    gh, runtime = demo.world.github, demo.runtime
    saved = gh.clock
    gh.clock = lambda: moment
    demo.runtime = replace(runtime, env={**runtime.env, NOW_VARIABLE: moment.isoformat()})
    try:
        yield
    finally:
        gh.clock, demo.runtime = saved, runtime


def _ensure_config(demo: Demo) -> None:
    """Add the office_hours section to the demo's config when it is not there yet."""
    path = demo.folder / "community-sync.yml"
    text = path.read_text(encoding="utf-8")
    if "\noffice_hours:" not in f"\n{text}":
        path.write_text(text.rstrip("\n") + "\n" + OFFICE_HOURS_CONFIG, encoding="utf-8")


def _board(demo: Demo, seed: OfficeHoursSeed) -> None:
    """Print the board's cards by column, as GitHub now holds them."""
    board = seed.board
    status = board.field_by_name("Status")
    assert status is not None
    for option in status.options:
        titles = [
            f"#{item.content[1]}"
            for item in board.items
            if item.content and (value := item.values.get(status.id)) and value.value == option.id
        ]
        demo.say(f"  {option.name}: {', '.join(titles) or '-'}")


def _calendar(demo: Demo) -> None:
    """Write the series as iCalendar and show what a calendar will read from it."""
    path = demo.folder / "office-hours.ics"
    demo.run("office-hours", "ics", "--output", str(path))
    text = path.read_text(encoding="utf-8")
    summaries = [line for line in text.splitlines() if line.startswith("SUMMARY:")]
    demo.say(f"  {path.name}: {len(summaries)} sessions, from {summaries[0][8:]} on")


def _comments(demo: Demo, repo: str, number: int, marker: str) -> None:
    """Print the comments of an issue that carry `marker` (without the marker line)."""
    gh = demo.world.github
    for comment in gh.issue_comments(gh.issue(repo, number)):
        if marker in comment.body:
            text = " ".join(comment.body.splitlines()[1:])
            demo.say(f"  {repo}#{number} got: {text}")


def _agenda_issue_number(demo: Demo) -> int:
    gh = demo.world.github
    title = "Office hours 2026-01-21"
    return next(i.number for i in gh.issues.values() if i.repo == COMMUNITY and i.title == title)


def office_hours_steps(demo: Demo) -> None:
    """Calendar, agenda, publish with an escalation, a quiet re-run, remind, queue and rotate."""
    _ensure_config(demo)
    with _day(demo, SEEDED_NOW):
        seed = seed_office_hours(demo.world)
        demo.say("\n== Office hours 1. The session series as a calendar file (for a Pages site)")
        _calendar(demo)
        demo.say("\n== Office hours 2. The agenda of the next session, from the board (2026-01-15)")
        _board(demo, seed)
        demo.run("office-hours", "agenda")
        demo.say("\n== Office hours 3. Publish: agenda issue, Slack escalation, grooming, invites")
        demo.run("office-hours", "agenda", "--publish", "--output", str(demo.folder / "a.md"))
        for message in demo.world.slack.messages:
            demo.say(f"  Slack received: {message['text']}")
        _comments(demo, SUPPORT, seed.stale_pull, "-invitation ")
    with _day(demo, at(2026, 1, 16)):
        demo.say("\n== Office hours 4. The next day's run refreshes the issue and repeats nothing")
        demo.run("office-hours", "agenda", "--publish", "--output", str(demo.folder / "a.md"))
        demo.say(f"  Slack messages so far: {len(demo.world.slack.messages)}")
    _remind(demo)
    with _day(demo, at(2026, 1, 21, 18)):
        demo.say(
            "\n== Office hours 6. After the session: the host adds the recording, a labeled PR"
        )
        demo.say("   is queued, then rotate tells each discussed topic and moves its card")
        number = _agenda_issue_number(demo)
        body = demo.world.github.issue(COMMUNITY, number).body or ""
        recording = "Recording: https://videos.example.org/office-hours-2026-01-21"
        demo.world.github.edit_issue(COMMUNITY, number, body=f"{body}\n{recording}\n")
        demo.run("office-hours", "queue")
        demo.run("office-hours", "rotate")
        _board(demo, seed)
        demo.say("  (the pull request queued after the session waits for the next one)")
        _comments(demo, COMMUNITY, seed.snowflake, "-discussed ")


def _remind(demo: Demo) -> None:
    """The reminder, 24 hours before the session, sent once however often the schedule runs."""
    demo.say("\n== Office hours 5. The Slack reminder, 24 hours before (the workflow runs hourly)")
    for hour in (15, 17, 18):
        with _day(demo, at(2026, 1, 20, hour)):
            demo.run("office-hours", "remind")
    demo.say(f"  Slack received: {demo.world.slack.messages[-1]['text']}")
    demo.say(f"  Slack messages so far: {len(demo.world.slack.messages)}")
