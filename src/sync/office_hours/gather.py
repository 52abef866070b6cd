"""Read what a session's agenda shows from GitHub, then build and render it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sync.config import Config, OfficeHoursConfig, Schedule
from sync.github.client import GitHubClient
from sync.office_hours.activity import (
    MergedPull,
    feature_pulls,
    invitee_candidates,
    merged_pulls,
)
from sync.office_hours.agenda import Person, Shipped, build_context
from sync.office_hours.board import Board, Card, find_board, read_cards, up_next
from sync.office_hours.releases import releases_published
from sync.office_hours.render import render_agenda
from sync.office_hours.schedule import Session, session_at


@dataclass(frozen=True, slots=True)
class Gathered:
    """A session's board, its topic cards in board order, and the rendered agenda."""

    board: Board
    cards: list[Card]
    agenda: str
    invitees: list[Person] = field(default_factory=list)  # when short of topics
    shipped: list[Shipped] = field(default_factory=list)  # topic candidates, when short


def repositories(config: Config) -> list[str]:
    """`github.repositories` and `office_hours.repository`, each once."""
    office_hours = config.require("office_hours")
    seen: dict[str, str] = {}
    for name in (*config.github.repositories, office_hours.repository):
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def merged_window(schedule: Schedule, session: Session) -> tuple[datetime, datetime]:
    """Since the previous session's end (or one interval back) until this session's start."""
    if session.index == 0:
        return session.start_utc - timedelta(days=schedule.every_days), session.start_utc
    return session_at(schedule, session.index - 1).end_utc, session.start_utc


def gather(
    gh: GitHubClient,
    config: OfficeHoursConfig,
    repos: Sequence[str],
    session: Session,
    now: datetime,
    warn: Callable[[str], None],
) -> Gathered:
    """Read the board and the repositories, and render the session's agenda."""
    board = find_board(gh, config.board)
    cards = up_next(read_cards(gh, board), board)
    for card in cards:
        if card.topic is None:
            warn(f'{card.name} in "{board.up_next}" is left out of the agenda: make it an issue')
    topics = [card.topic for card in cards if card.topic]
    window = merged_window(config.schedule, session)
    merged = merged_pulls(gh, repos, *window)
    short = len(topics) < config.min_topics
    invitees = invitee_candidates(gh, repos, now, config.invitees) if short else []
    shipped = _shipped(gh, config, repos, window, merged) if short else []
    authors = [pull.author for pull in merged]
    context = build_context(config, session, topics, authors, invitees, shipped)
    agenda = render_agenda(context, config.template)
    return Gathered(board, [card for card in cards if card.topic], agenda, invitees, shipped)


def _shipped(
    gh: GitHubClient,
    config: OfficeHoursConfig,
    repos: Sequence[str],
    window: tuple[datetime, datetime],
    merged: Sequence[MergedPull],
) -> list[Shipped]:
    """Releases published in the window, then feature pull requests merged in it."""
    releases = releases_published(gh, repos, *window)
    return releases + feature_pulls(merged, config.feature_labels)
