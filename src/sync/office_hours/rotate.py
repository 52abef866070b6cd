"""`office-hours rotate`: after a session, its "Up Next" cards move to "Discussed".

A card moves when it is in "Up Next" and its status was last set before the session ended:
it was on the agenda. Cards queued after the end wait for the next session; other columns are
not touched. Moved cards are no longer in "Up Next", so a second run moves nothing.

Before the cards move, each topic's issue or pull request gets one comment saying it was
discussed, with the agenda issue's link (and the recording's, once a person has written a
`Recording: URL` line in the agenda issue). Commenting first means a run that fails half way
leaves the cards in "Up Next", so the next run finishes the job, and the comment's marker
keeps it from being written twice. A recording is often posted after the run that rotated:
later runs (until the next session ends) add it to the notes of the cards they moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial

from sync.github.client import GitHubClient
from sync.github.marked_issues import IssueRef
from sync.office_hours import markers, notices
from sync.office_hours.board import Board, Card, move_cards, up_next
from sync.office_hours.schedule import Session
from sync.office_hours.session_issues import (
    comment,
    commented,
    edit_comment,
    marked_comments,
)
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


def tell_authors(
    gh: GitHubClient,
    cards: Sequence[Card],
    session: Session,
    agenda: IssueRef | None,
    writes: Writes,
) -> int:
    """Comment once on each discussed topic that it was discussed; return how many were new."""
    topics = {card.content_id: card.topic for card in cards if card.topic and card.content_id}
    if not topics:
        return 0
    done = commented(gh, topics, markers.discussed(session.date))
    recording = markers.recording_url(session.date, agenda.body) if agenda else None
    body = notices.discussed_comment(session, agenda.url if agenda else None, recording)
    todo = [topic for node_id, topic in topics.items() if node_id not in done]
    for topic in todo:
        line = f"comment on {topic.ref}: discussed at office hours {session.date}"
        writes.apply(line, partial(comment, gh, topic.repo, topic.number, body))
    return len(todo)


def share_recording(
    gh: GitHubClient,
    cards: Sequence[Card],
    board: Board,
    session: Session,
    agenda: IssueRef | None,
    writes: Writes,
) -> int:
    """Add the recording, once known, to the notes on the cards moved after the session."""
    recording = markers.recording_url(session.date, agenda.body) if agenda else None
    if agenda is None or recording is None:
        return 0
    moved = {
        card.content_id: card.topic
        for card in cards
        if card.status_id == board.discussed_id
        and card.status_set_at is not None
        and card.status_set_at >= session.end_utc
        and card.topic
        and card.content_id
    }
    notes = marked_comments(gh, moved, markers.discussed(session.date)) if moved else {}
    body = notices.discussed_comment(session, agenda.url, recording)
    stale = [(node_id, note) for node_id, note in notes.items() if recording not in note.body]
    for node_id, note in stale:
        line = f"update the note on {moved[node_id].ref}: add the recording"
        writes.apply(line, partial(edit_comment, gh, note.id, body))
    return len(stale)
