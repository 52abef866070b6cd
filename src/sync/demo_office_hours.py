"""The office hours part of `community-sync demo`: agenda, publish, escalation, rotation.

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
    OFFICE_HOURS_CONFIG,
    SEEDED_NOW,
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


def office_hours_steps(demo: Demo) -> None:
    """Agenda, publish with an escalation, a re-run that repeats nothing, queue and rotate."""
    _ensure_config(demo)
    with _day(demo, SEEDED_NOW):
        seed = seed_office_hours(demo.world)
        demo.say("\n== Office hours 1. The agenda of the next session, from the board (2026-01-15)")
        _board(demo, seed)
        demo.run("office-hours", "agenda")
        demo.say("\n== Office hours 2. Publish: the agenda issue, a Slack escalation, grooming")
        demo.run("office-hours", "agenda", "--publish", "--output", str(demo.folder / "a.md"))
        for message in demo.world.slack.messages:
            demo.say(f"  Slack received: {message['text']}")
    with _day(demo, at(2026, 1, 16)):
        demo.say("\n== Office hours 3. The next day's run refreshes the issue and repeats nothing")
        demo.run("office-hours", "agenda", "--publish", "--output", str(demo.folder / "a.md"))
        demo.say(f"  Slack messages so far: {len(demo.world.slack.messages)}")
    with _day(demo, at(2026, 1, 21, 18)):
        demo.say("\n== Office hours 4. After the session: a labeled PR is queued, then rotate")
        demo.run("office-hours", "queue")
        demo.run("office-hours", "rotate")
        _board(demo, seed)
        demo.say("  (the pull request queued after the session waits for the next one)")
