"""Raw HTML in Markdown: what its tags become, their attributes, and trimming a reduced block."""

from __future__ import annotations

import html
import re

from sync.rich_text.pieces import Cut, Piece, Text

_HTML_TAG = r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attrs>(?:[\s/][^<>]*)?)>"
HTML_TAG_RE = re.compile(_HTML_TAG)
# A comment or a tag. `[^<>]*` rather than quote-aware attributes keeps the scan linear.
HTML_PART = re.compile(r"<!--.*?(?:-->|\Z)|" + _HTML_TAG, re.DOTALL)
HTML_FORMAT = {
    **dict.fromkeys(("b", "strong"), "strong"),
    **dict.fromkeys(("i", "em"), "em"),
    **dict.fromkeys(("code", "kbd", "tt", "samp"), "code"),
    **dict.fromkeys(("s", "del", "strike"), "s"),
    **dict.fromkeys(("u", "ins"), "u"),
}
_HTML_TEXT_ONLY = frozenset(
    {"details", "summary", "sub", "sup", "span", "div", "p", "center", "picture", "source"}
)
HTML_KNOWN = _HTML_TEXT_ONLY | HTML_FORMAT.keys() | {"a", "img", "br"}


def html_attr(attrs: str, name: str) -> str:
    """The unescaped value of attribute `name` in a raw tag's attribute text, or ""."""
    pattern = name + r"\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))"
    match = re.search(r"(?<![\w-])" + pattern, attrs, re.IGNORECASE)
    return html.unescape(next((g for g in match.groups() if g is not None), "")) if match else ""


def trim_blank_ends(pieces: list[Piece]) -> list[Piece]:
    """Drop leading and trailing blank text (and cut points) from a run of pieces."""
    solid = [index for index, piece in enumerate(pieces) if not _is_blank(piece)]
    if not solid:
        return []
    pieces = pieces[solid[0] : solid[-1] + 1]
    if isinstance(pieces[0], Text):
        pieces[0] = Text(pieces[0].text.lstrip())
    if isinstance(pieces[-1], Text):
        pieces[-1] = Text(pieces[-1].text.rstrip())
    return pieces


def _is_blank(piece: Piece) -> bool:
    return isinstance(piece, Cut) or (isinstance(piece, Text) and not piece.text.strip())
