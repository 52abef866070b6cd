"""`office-hours rotate`: after a session, its "Up Next" cards move to "Discussed".

A card moves when it is in "Up Next" and its status was last set before the session ended:
it was on the agenda. Cards queued after the end wait for the next session; other columns are
not touched. Moved cards are no longer in "Up Next", so a second run moves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sync.github.client import GitHubClient
from sync.office_hours.board import Board, Card, move_cards, up_next
from sync.office_hours.writes import Writes


def to_rotate(cards: Sequence[Card], board: Board, ended_at: datetime) -> list[Card]:
    """The Up Next cards whose status was set before `ended_at`, in board order."""
    return [
        card
        for card in up_next(cards, board)
        if card.status_set_at is not None and card.status_set_at < ended_at
    ]


def rotate(gh: GitHubClient, board: Board, cards: Sequence[Card], ended_at: datetime,
           writes: Writes) -> list[Card]:  # fmt: skip
    """Move the cards that were Up Next at `ended_at` to Discussed; return them."""
    moving = to_rotate(cards, board, ended_at)
    if moving:
        lines = [f'move {c.name} from "{board.up_next}" to "{board.discussed}"' for c in moving]
        ids = [card.item_id for card in moving]
        writes.apply_many(lines, lambda: move_cards(gh, board, ids, board.discussed_id))
    return moving
