"""Writing: pieces -> ``html_notes`` or plain ``notes``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sync.rich_text.links import link_target
from sync.rich_text.pieces import Close, Open, Piece, Text

_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(text: str, *, quote: bool = False) -> str:
    """XML-escape text, dropping characters XML 1.0 does not allow at all."""
    text = _XML_ILLEGAL.sub("", text).replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace(">", "&gt;")  # also keeps "]]>" out of the text
    return text.replace('"', "&quot;") if quote else text


def _html_piece(piece: Piece) -> str:
    match piece:
        case Text(text):
            return _escape(text)
        case Open("hr"):
            return "<hr/>"
        case Open("a", href):
            return f'<a href="{_escape(href, quote=True)}">'
        case Open(tag):
            return f"<{tag}>"
        case Close(tag):
            return _html_close(tag)
    return ""


def _html_close(tag: str) -> str:
    return "" if tag == "hr" else f"</{tag}>"


def _html_link(url: str, fragment: str = "") -> str:
    target = link_target(url, "")
    if target is None:
        return _escape(url)
    href = f"{target}#{fragment}" if fragment else target
    return f'<a href="{_escape(href, quote=True)}">{_escape(url)}</a>'


class _PlainWriter:
    """Writes pieces as plain text: list markers, "> " for quotes, links as "text (url)"."""

    def __init__(self) -> None:
        self.prefixes: list[str] = []  # what continues a line inside each open quote or item
        self.fresh = True  # at the start of a line, its prefix already written
        self.after_list = False  # a list just ended: what follows starts a new line
        self.link_text: list[str] | None = None  # the text of the link being written

    def write(self, pieces: Iterable[Piece]) -> list[str]:
        return [self.piece(piece) for piece in pieces]

    def piece(self, piece: Piece) -> str:
        match piece:
            case Text(text):
                return self.text(_XML_ILLEGAL.sub("", text))
            case Open("li" | "blockquote" as tag, _, marker):
                return self.open_container(marker if tag == "li" else "> ")
            case Open("hr"):
                return self.text("----------")
            case Open("a"):
                self.link_text = []
            case Close("li" | "blockquote"):
                self.prefixes.pop()
            case Close("ul" | "ol"):
                self.after_list = True
            case Close("a", href):
                return self.link_end(href)
        return ""

    def text(self, text: str) -> str:
        if text and self.after_list and not text.startswith("\n"):
            text = "\n" + text  # html_notes needs no separator after a nested list; text does
        if text:
            self.fresh, self.after_list = text.endswith("\n"), False
        if self.link_text is not None:
            self.link_text.append(text)
        return text.replace("\n", "\n" + "".join(self.prefixes))

    def open_container(self, marker: str) -> str:
        lead = "" if self.fresh else "\n" + "".join(self.prefixes)
        self.prefixes.append(marker if marker == "> " else " " * len(marker))
        self.fresh, self.after_list = True, False  # a nested list or quote may start on this line
        return lead + marker

    def link_end(self, href: str) -> str:
        text = "".join(self.link_text or ())
        self.link_text = None
        return "" if href in (text, "mailto:" + text) else f" ({href})"


@dataclass(frozen=True)
class Format:
    write: Callable[[Iterable[Piece]], list[str]]
    close: Callable[[str], str]  # what closes an element cut short
    note: Callable[[str], str]
    link: Callable[[str, str], str]  # (issue URL, fragment for its href)
    wrap: Callable[[str], str]


HTML = Format(
    write=lambda pieces: [_html_piece(piece) for piece in pieces],
    close=_html_close,
    note=lambda text: f"<em>{_escape(text)}</em>",
    link=_html_link,
    wrap=lambda text: f"<body>{text}</body>",
)
PLAIN = Format(
    write=lambda pieces: _PlainWriter().write(pieces),
    close=lambda tag: "",
    note=lambda text: text,
    link=lambda url, _fragment: _XML_ILLEGAL.sub("", url),
    wrap=lambda text: "\n".join(line.rstrip() for line in text.split("\n")),
)
