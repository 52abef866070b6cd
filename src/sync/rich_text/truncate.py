"""Truncation: the longest prefix of the written pieces that fits, its open tags closed."""

from __future__ import annotations

from collections.abc import Callable

from sync.rich_text.pieces import Close, Cut, Open, Piece, Text


def fit_pieces(
    pieces: list[Piece], rendered: list[str], budget: int, close: Callable[[str], str]
) -> str:
    """The longest prefix, ending at a cut point, whose text and closing tags fit in `budget`.

    When not even the first cut point fits (one huge line), the text is cut mid-line rather
    than showing nothing.
    """
    used = closing = best = 0
    stack: list[str] = []
    for index, piece in enumerate(pieces):
        delta = _closing_delta(piece, close)
        if used + len(rendered[index]) + closing + delta > budget:
            break
        used, closing = used + len(rendered[index]), closing + delta
        _track(stack, piece)
        if isinstance(piece, Cut):
            best = index + 1
    else:
        return "".join(rendered)
    if best:
        stack = []
        for piece in pieces[:best]:
            _track(stack, piece)
        return "".join(rendered[:best]) + "".join(close(tag) for tag in reversed(stack))
    partial = _cut_text(rendered[index], budget - used - closing)
    if not isinstance(pieces[index], Text):
        partial = ""
    return "".join(rendered[:index]) + partial + "".join(close(tag) for tag in reversed(stack))


def _closing_delta(piece: Piece, close: Callable[[str], str]) -> int:
    """How much `piece` changes the length of the tags needed to close what is open."""
    if isinstance(piece, Open):
        return len(close(piece.tag))
    if isinstance(piece, Close):
        return -len(close(piece.tag))
    return 0


def _track(stack: list[str], piece: Piece) -> None:
    if isinstance(piece, Open):
        stack.append(piece.tag)
    elif isinstance(piece, Close):
        stack.pop()


def _cut_text(text: str, room: int) -> str:
    """The longest prefix of escaped `text` within `room` that does not end inside an entity."""
    cut = text[: max(room, 0)]
    amp = cut.rfind("&", max(0, len(cut) - 6))  # our entities are at most 6 long (&quot;)
    return cut[:amp] if amp >= 0 and ";" not in cut[amp:] else cut
