"""Parsing: Markdown -> pieces, walking markdown-it's block tokens without recursion."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from sync.rich_text.inline import Inline, html_block_pieces
from sync.rich_text.pieces import CUT, Close, Open, Piece, Text

# Deep enough for any real issue, shallow enough that markdown-it's own recursion (two to three
# Python frames per level) stays far from the interpreter's limit.
_MAX_NESTING = 50
# GitHub refuses bodies over 65,536 characters; anything longer did not come from GitHub and is
# cut before parsing, so that parse time stays bounded (markdown-it parses ~150 KB a second).
_MAX_MARKDOWN_CHARS = 65_536
# Work cap: markdown-it checks a link or image label by scanning ahead, up to _MAX_NESTING levels
# deep, from every `[`; a body of unclosed `![` costs ~100 function calls per such check and
# 64 KB of it took 13 s. A real body (65 KB of task lists and links) makes ~6,000 checks.
# Past this many the body is shown as plain text, with a note.
_MAX_LINK_CHECKS = 20_000
# Containers whose content markdown-it drops once they sit at the nesting limit.
_CONTAINERS = frozenset(
    {"blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open"}
)


@dataclass(frozen=True)
class _Document:
    pieces: list[Piece]
    clipped: bool  # the Markdown was too long to parse whole
    too_deep: bool  # markdown-it left out content nested deeper than its limit
    plain: bool = False  # too much work to parse: shown as plain text


class _TooMuchWork(Exception):
    """The body needs more than _MAX_LINK_CHECKS link or image checks."""


@functools.cache
def _markdown() -> MarkdownIt:
    # "gfm-like" would also switch on linkify, which needs linkify-it-py.
    parser = MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING})
    parser.enable(["table", "strikethrough"])
    ruler = parser.inline.ruler
    rules = dict(zip(ruler.get_active_rules(), ruler.getRules(""), strict=True))
    for name in ("link", "image"):
        ruler.at(name, _counted(rules[name]))
    return parser


def _counted(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """`rule`, counting its calls in the parse's env and stopping past _MAX_LINK_CHECKS."""

    def counted(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] in "[!":  # the rule checks a label here, or returns at once
            checks = state.env["link_checks"] = state.env.get("link_checks", 0) + 1
            if checks > _MAX_LINK_CHECKS:
                raise _TooMuchWork
        return rule(state, silent)

    return counted


def parse_markdown(markdown: str, base_url: str) -> _Document:
    """Parse Markdown into pieces, cutting absurdly long input at a line end first."""
    clipped = len(markdown) > _MAX_MARKDOWN_CHARS
    if clipped:
        line_end = markdown.rfind("\n", 0, _MAX_MARKDOWN_CHARS)
        markdown = markdown[: line_end if line_end > 0 else _MAX_MARKDOWN_CHARS]
    try:
        tokens = _markdown().parse(markdown, {})
    except _TooMuchWork:
        return _Document(_plain_pieces(markdown), clipped, too_deep=False, plain=True)
    too_deep = any(t.type in _CONTAINERS and t.level >= _MAX_NESTING - 1 for t in tokens)
    return _Document(_Walker(base_url).walk(tokens), clipped, too_deep)


def _plain_pieces(markdown: str) -> list[Piece]:
    """The Markdown as written, one block per paragraph, with a cut point after each line."""
    pieces: list[Piece] = []
    for block in (b.strip("\n") for b in markdown.replace("\r\n", "\n").split("\n\n")):
        if block.strip():
            pieces += [Text("\n\n")] if pieces else []
            for index, line in enumerate(block.split("\n")):
                pieces += [Text("\n" + line if index else line), CUT]
    return pieces


@dataclass
class _Frame:
    """A container whose children are blocks: the body, a blockquote or a list item."""

    kind: str
    started: bool = False  # a child block has been written
    after_list: bool = False  # the last child block was a list


class _Walker:
    """Turns markdown-it's block token stream into pieces, in one loop without recursion."""

    def __init__(self, base_url: str) -> None:
        self.out: list[Piece] = []
        self.base_url = base_url
        self.frames = [_Frame("body")]
        self.numbers: list[int | None] = []  # per open list: the next item number (None: bullets)
        self.task_pending = False  # a list item just opened: its first paragraph may be a task
        self.task_item = False
        self.in_table_head = False
        self.row = self.cell = 0

    def walk(self, tokens: Iterable[Token]) -> list[Piece]:
        for token in tokens:
            handler = _BLOCK_HANDLERS.get(token.type)
            if handler is not None:
                handler(self, token)
        return self.out

    def begin_block(self, *, is_list: bool = False, paragraph: bool = False) -> None:
        """Separate a new block from its previous sibling."""
        frame = self.frames[-1]
        if frame.started and frame.kind != "li":
            self.out.append(Text("\n\n"))
        elif frame.started and not (is_list or frame.after_list):
            self.out.append(Text("\n"))
        frame.started, frame.after_list = True, is_list
        self.task_item, self.task_pending = self.task_pending and paragraph, False

    def end(self, *tags: str) -> None:
        self.out += [*(Close(tag) for tag in tags), CUT]

    def paragraph_open(self, token: Token) -> None:
        self.begin_block(paragraph=True)

    def paragraph_close(self, token: Token) -> None:
        self.end()

    def inline(self, token: Token) -> None:
        Inline(self.out, self.base_url).run(token.children or [], task_item=self.task_item)
        self.task_item = False

    def heading_open(self, token: Token) -> None:
        self.begin_block()
        self.out.append(Open(_heading_tag(token.tag)))

    def heading_close(self, token: Token) -> None:
        self.end(_heading_tag(token.tag))

    def blockquote_open(self, token: Token) -> None:
        self.begin_block()
        self.out.append(Open("blockquote"))
        self.frames.append(_Frame("quote"))

    def container_close(self, token: Token) -> None:
        self.frames.pop()
        self.end(token.tag)

    def list_open(self, token: Token) -> None:
        self.begin_block(is_list=True)
        self.out.append(Open(token.tag))
        start = token.attrGet("start")
        self.numbers.append(None if token.tag == "ul" else int(start or 1))

    def list_close(self, token: Token) -> None:
        self.numbers.pop()
        self.end(token.tag)

    def list_item_open(self, token: Token) -> None:
        number = self.numbers[-1]
        if number is not None:
            self.numbers[-1] = number + 1
        self.out.append(Open("li", marker="- " if number is None else f"{number}. "))
        self.frames.append(_Frame("li"))
        self.task_pending = True

    def code_block(self, token: Token) -> None:
        """Fenced or indented code: a <pre>, with a cut point after every line."""
        self.begin_block()
        self.out.append(Open("pre"))
        for index, line in enumerate(token.content.removesuffix("\n").split("\n")):
            self.out += [Text("\n" + line if index else line), CUT]
        self.end("pre")

    def hr(self, token: Token) -> None:
        self.begin_block()
        self.out.append(Open("hr"))
        self.end("hr")

    def html_block(self, token: Token) -> None:
        pieces = html_block_pieces(token.content, self.base_url)
        # A block of comments or of bare <details> tags shows nothing: no empty block for it.
        if any(isinstance(piece, Text) for piece in pieces):
            self.begin_block()
            self.out += pieces
            self.end()

    def table_open(self, token: Token) -> None:
        self.begin_block()
        self.row = 0

    def table_head(self, token: Token) -> None:
        self.in_table_head = token.nesting == 1

    def row_open(self, token: Token) -> None:
        """A table row is a line; the header row is bold."""
        if self.row:
            self.out.append(Text("\n"))
        self.row, self.cell = self.row + 1, 0
        if self.in_table_head:
            self.out.append(Open("strong"))

    def row_close(self, token: Token) -> None:
        self.end(*(["strong"] if self.in_table_head else []))

    def cell_open(self, token: Token) -> None:
        if self.cell:
            self.out.append(Text(" | "))
        self.cell += 1


def _heading_tag(tag: str) -> str:
    # Asana has only h1 and h2.
    return tag if tag in ("h1", "h2") else "strong"


_BLOCK_HANDLERS: dict[str, Callable[[_Walker, Token], None]] = {
    "paragraph_open": _Walker.paragraph_open,
    "paragraph_close": _Walker.paragraph_close,
    "inline": _Walker.inline,
    "heading_open": _Walker.heading_open,
    "heading_close": _Walker.heading_close,
    "blockquote_open": _Walker.blockquote_open,
    "blockquote_close": _Walker.container_close,
    "bullet_list_open": _Walker.list_open,
    "ordered_list_open": _Walker.list_open,
    "bullet_list_close": _Walker.list_close,
    "ordered_list_close": _Walker.list_close,
    "list_item_open": _Walker.list_item_open,
    "list_item_close": _Walker.container_close,
    "code_block": _Walker.code_block,
    "fence": _Walker.code_block,
    "hr": _Walker.hr,
    "html_block": _Walker.html_block,
    "table_open": _Walker.table_open,
    "thead_open": _Walker.table_head,
    "thead_close": _Walker.table_head,
    "tr_open": _Walker.row_open,
    "tr_close": _Walker.row_close,
    "th_open": _Walker.cell_open,
    "td_open": _Walker.cell_open,
}
