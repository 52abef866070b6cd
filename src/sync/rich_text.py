"""GitHub-flavoured Markdown -> Asana rich text (``html_notes``), with a plain-text fallback.

Asana takes ``html_notes`` only as well-formed XML inside ``<body>``, built from a short list of
tags (``ALLOWED_TAGS``), with no ``<p>``/``<br>`` and no attribute but ``href`` on ``<a>``. So the
body is parsed with markdown-it-py (CommonMark plus the GFM table and strikethrough rules) and its
token stream is walked, without recursion, into a flat list of pieces (open tag, close tag, text,
cut point) that two small writers turn into ``html_notes`` or plain notes.

How GitHub constructs that Asana lacks are shown:

- Blocks are separated by a blank line; inside a list item by a single newline (none next to a
  nested list, which is a block of its own). Line breaks become newlines.
- ``###``..``######`` become a bold line. Tables become one line per row, cells joined by
  " | ", the header row bold. Task-list items start with ☐ or ☑. Ordered lists restart at 1:
  ``<ol>`` may carry no ``start`` attribute.
- Images become a link to the image: Asana shows ``<img>`` only for its own attachments.
- Links: only http, https and mailto are kept; relative links are resolved against the issue
  URL, as GitHub resolves them; any other link shows just its text. Bare http(s) URLs in text
  are linked, as GitHub does (markdown-it's linkify would need linkify-it-py).
- Raw HTML never passes through. Comments are dropped (issue templates are full of them).
  ``<b>``/``<strong>``, ``<i>``/``<em>``, ``<code>``/``<kbd>``, ``<s>``/``<del>``/``<strike>``
  and ``<u>``/``<ins>`` keep their formatting; ``<a href>`` and ``<img src>`` (what GitHub writes
  for pasted screenshots) become links like their Markdown forms; ``<br>`` becomes a newline;
  ``<details>``, ``<summary>``, ``<sub>``, ``<sup>`` and a few layout tags keep only their text.
  Any other tag is shown as literal, escaped text.
- Too long: cut at the last block or line end that fits, with a note, before the issue link.
- Content nested deeper than markdown-it's ``maxNesting`` is left out by markdown-it; the
  result then says so.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from markdown_it import MarkdownIt
from markdown_it.token import Token

MAX_HTML_CHARS = 60_000
"""Longest description we send, in characters.

Asana documents no limit but refuses very long notes, and GitHub caps an issue body at 65,536
characters: 60,000 keeps nearly every real issue whole while staying clear of that refusal.
"""

ALLOWED_TAGS = frozenset(
    {"body", "strong", "em", "u", "s", "code", "ol", "ul", "li", "a"}
    | {"h1", "h2", "hr", "blockquote", "pre"}
)
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# Deep enough for any real issue, shallow enough that markdown-it's own recursion (two to three
# Python frames per level) stays far from the interpreter's limit.
_MAX_NESTING = 50
# GitHub refuses bodies over 65,536 characters; anything longer did not come from GitHub and is
# cut before parsing, so that parse time stays bounded (markdown-it parses ~150 KB a second).
_MAX_MARKDOWN_CHARS = 65_536
_MAX_HEADER_VALUE_CHARS = 1_000
# Raw HTML tags can nest without bound; past this depth they are dropped (their text is kept).
_MAX_INLINE_DEPTH = 20

_CUT_NOTE = (
    f"(description truncated at {MAX_HTML_CHARS:,} characters; see the issue for the full text)"
)
_DEEP_NOTE = "(deeply nested content was left out; see the issue for the full text)"

_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"]+", re.IGNORECASE)
_TASK_BOX = re.compile(r"\[([ xX])\][ \t]+")
_HTML_TAG = r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attrs>(?:[\s/][^<>]*)?)>"
_HTML_TAG_RE = re.compile(_HTML_TAG)
# A comment or a tag. `[^<>]*` rather than quote-aware attributes keeps the scan linear.
_HTML_PART = re.compile(r"<!--.*?(?:-->|\Z)|" + _HTML_TAG, re.DOTALL)
_HTML_FORMAT = {
    **dict.fromkeys(("b", "strong"), "strong"),
    **dict.fromkeys(("i", "em"), "em"),
    **dict.fromkeys(("code", "kbd", "tt", "samp"), "code"),
    **dict.fromkeys(("s", "del", "strike"), "s"),
    **dict.fromkeys(("u", "ins"), "u"),
}
_HTML_TEXT_ONLY = frozenset(
    {"details", "summary", "sub", "sup", "span", "div", "p", "center", "picture", "source"}
)
_HTML_KNOWN = _HTML_TEXT_ONLY | _HTML_FORMAT.keys() | {"a", "img", "br"}
# Containers whose content markdown-it drops once they sit at the nesting limit.
_CONTAINERS = frozenset(
    {"blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open"}
)


@dataclass(frozen=True, slots=True)
class _Open:
    tag: str
    href: str = ""  # only on <a>
    marker: str = ""  # only on <li>: "- " or "3. ", for the plain-text writer


@dataclass(frozen=True, slots=True)
class _Close:
    tag: str
    href: str = ""  # only on </a>: the plain-text writer prints it after the link text


@dataclass(frozen=True, slots=True)
class _Text:
    text: str  # unescaped


@dataclass(frozen=True, slots=True)
class _Cut:
    """A block or a line ends here: a good place to truncate."""


_CUT = _Cut()
_Piece: TypeAlias = _Open | _Close | _Text | _Cut


def markdown_to_html_notes(
    markdown: str, *, issue_url: str, header: Sequence[tuple[str, str]] = ()
) -> str:
    """Render an issue body as Asana ``html_notes``: header, body, then a link to the issue."""
    return _render(_HTML, markdown, issue_url, header)


def markdown_to_plain_notes(
    markdown: str, *, issue_url: str, header: Sequence[tuple[str, str]] = ()
) -> str:
    """Render an issue body as plain Asana ``notes``, for when Asana refuses the rich text."""
    return _render(_PLAIN, markdown, issue_url, header)


def allowed_tag_violations(html_notes: str) -> list[str]:
    """What Asana would refuse in ``html_notes``: [] when it is valid XML with allowed tags only."""
    try:
        # Our own output, and expat neither fetches external entities nor expands them without
        # bound, so the plain parser is safe here.
        root = ElementTree.fromstring(html_notes)  # noqa: S314
    except ElementTree.ParseError as error:
        return [f"not well-formed XML: {error}"]
    problems = [] if root.tag == "body" else [f"the root element is <{root.tag}>, not <body>"]
    for element in root.iter():
        problems += _element_violations(element)
    if re.search(r"<hr\s*>", html_notes):
        problems.append("<hr> must be written <hr/>")
    return problems


def _element_violations(element: ElementTree.Element) -> list[str]:
    """The problems of one element: its tag, and attributes other than a safe href on <a>."""
    problems = [] if element.tag in ALLOWED_TAGS else [f"<{element.tag}> is not allowed"]
    for name, value in element.attrib.items():
        if element.tag != "a" or name != "href":
            problems.append(f"attribute {name!r} on <{element.tag}> is not allowed")
        elif _link_target(value, "") is None:
            problems.append(f"href {value!r} is not an http, https or mailto URL")
    return problems


# --- parsing: Markdown -> pieces -------------------------------------------------------------


@dataclass(frozen=True)
class _Document:
    pieces: list[_Piece]
    clipped: bool  # the Markdown was too long to parse whole
    too_deep: bool  # markdown-it left out content nested deeper than its limit


@functools.cache
def _markdown() -> MarkdownIt:
    # "gfm-like" would also switch on linkify, which needs linkify-it-py.
    parser = MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING})
    return parser.enable(["table", "strikethrough"])


def _parse(markdown: str, base_url: str) -> _Document:
    """Parse Markdown into pieces, cutting absurdly long input at a line end first."""
    clipped = len(markdown) > _MAX_MARKDOWN_CHARS
    if clipped:
        line_end = markdown.rfind("\n", 0, _MAX_MARKDOWN_CHARS)
        markdown = markdown[: line_end if line_end > 0 else _MAX_MARKDOWN_CHARS]
    tokens = _markdown().parse(markdown)
    too_deep = any(t.type in _CONTAINERS and t.level >= _MAX_NESTING - 1 for t in tokens)
    return _Document(_Walker(base_url).walk(tokens), clipped, too_deep)


def _link_target(url: str, base_url: str) -> str | None:
    """The absolute http(s) or mailto URL that `url` points to, or None if it must not be linked."""
    url = url.strip()
    if not url:
        return None
    try:
        target = urljoin(base_url, url)
        parts = urlsplit(target)
    except ValueError:  # e.g. a broken IPv6 host
        return None
    scheme = parts.scheme.lower()
    if scheme not in _LINK_SCHEMES or (scheme != "mailto" and not parts.netloc):
        return None
    return target


def _base_url(issue_url: str) -> str:
    """The URL relative links are resolved against: the issue's, if it is http(s)."""
    target = _link_target(issue_url, "")
    return target if target and not target.lower().startswith("mailto:") else ""


def _trim_url(url: str) -> str:
    """Drop the trailing punctuation that GitHub also leaves out of a bare link."""
    opened, closed = url.count("("), url.count(")")
    end = len(url)
    while end:
        if url[end - 1] in ".,:;!?*_~'":
            end -= 1
        elif url[end - 1] == ")" and closed > opened:
            end, closed = end - 1, closed - 1
        else:
            break
    return url[:end]


def _task_box(text: str) -> str:
    """Replace a leading task-list box ("[ ] " or "[x] ") by ☐ or ☑."""
    match = _TASK_BOX.match(text)
    if match is None:
        return text
    return ("☐ " if match[1] == " " else "☑ ") + text[match.end() :]


def _html_attr(attrs: str, name: str) -> str:
    """The unescaped value of attribute `name` in a raw tag's attribute text, or ""."""
    pattern = name + r"\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))"
    match = re.search(r"(?<![\w-])" + pattern, attrs, re.IGNORECASE)
    return html.unescape(next((g for g in match.groups() if g is not None), "")) if match else ""


@dataclass
class _Inline:
    """Writes one run of inline content, keeping every element it opens balanced."""

    out: list[_Piece]
    base_url: str
    stack: list[tuple[str, str, str]] = field(default_factory=list)  # (source, tag or "", href)

    def run(self, children: Sequence[Token], *, task_item: bool) -> None:
        """Write markdown-it inline tokens; `task_item`: the first text may be a task-list box."""
        for index, child in enumerate(children):
            if index == 0 and task_item and child.type == "text":
                self.text(_task_box(child.content))
            else:
                _INLINE_HANDLERS.get(child.type, _Inline.literal)(self, child)
        self.finish()

    def open(self, source: str, tag: str, href: str = "") -> None:
        """Open `tag` for `source` (a Markdown token kind or "html:<name>"); "" opens nothing."""
        if tag:
            self.out.append(_Open(tag, href))
        self.stack.append((source, tag, href))

    def close(self, source: str) -> None:
        """Close `source`, and first any raw-HTML element still open inside it."""
        while self.stack:
            src, tag, href = self.stack.pop()
            if tag == "a" and self.out[-1] == _Open("a", href):
                self.out.append(_Text(href))  # an empty link would be invisible
            if tag:
                self.out.append(_Close(tag, href))
            if src == source:
                return

    def finish(self) -> None:
        """Close whatever is still open (raw HTML is often unbalanced)."""
        while self.stack:
            self.close(self.stack[-1][0])

    def in_link(self) -> bool:
        return any(tag == "a" for _, tag, _ in self.stack)

    def text(self, text: str) -> None:
        """Write text, linking bare http(s) URLs outside links."""
        position = 0
        for match in () if self.in_link() else _BARE_URL.finditer(text):
            url = _trim_url(match.group())
            target = _link_target(url, "")
            if target:
                self.plain(text[position : match.start()])
                self.out += [_Open("a", target), _Text(url), _Close("a", target)]
                position = match.start() + len(url)
        self.plain(text[position:])

    def plain(self, text: str) -> None:
        if text:
            self.out.append(_Text(text))

    def literal(self, token: Token) -> None:
        self.plain(token.content)

    def line_break(self, token: Token) -> None:
        self.out += [_CUT, _Text("\n")]

    def code(self, token: Token) -> None:
        self.out += [_Open("code"), _Text(token.content), _Close("code")]

    def format_open(self, token: Token) -> None:
        self.open(token.tag, token.tag)

    def format_close(self, token: Token) -> None:
        self.close(token.tag)

    def link_open(self, token: Token) -> None:
        self.link(str(token.attrGet("href") or ""), "link")

    def link_close(self, token: Token) -> None:
        self.close("link")

    def link(self, href: str, source: str) -> None:
        target = None if self.in_link() else _link_target(href, self.base_url)
        self.open(source, "a" if target else "", target or "")

    def image_token(self, token: Token) -> None:
        self.image(str(token.attrGet("src") or ""), token.content)

    def image(self, src: str, alt: str) -> None:
        """An image as a link to it (Asana shows only its own attachments as images)."""
        target = _link_target(src, self.base_url)
        if self.in_link():
            self.plain(alt or "image")
        elif target is None:
            self.plain(f"[image: {alt}]")
        else:
            self.out += [_Open("a", target), _Text(alt or target), _Close("a", target)]

    def html_token(self, token: Token) -> None:
        self.html(token.content)

    def html(self, raw: str) -> None:
        """Reduce one raw HTML tag or comment to what Asana accepts (see the module docstring)."""
        if raw.startswith("<!--"):
            return  # GitHub does not show comments either
        match = _HTML_TAG_RE.fullmatch(raw)
        name = match["name"].lower() if match else ""
        if match is None or name not in _HTML_KNOWN:
            self.plain(raw)
        elif name == "br":
            self.out += [_CUT, _Text("\n")]
        elif name == "img" and not match["close"]:
            self.image(_html_attr(match["attrs"], "src"), _html_attr(match["attrs"], "alt"))
        elif name == "a" or name in _HTML_FORMAT:
            self.html_element(name, match["attrs"], closing=bool(match["close"]))
        # Any other known tag (<details>, <summary>, <sub>, ...) is dropped; its text stays.

    def html_element(self, name: str, attrs: str, *, closing: bool) -> None:
        """Open or close a raw <a> or formatting tag, ignoring closes that match nothing open."""
        source = "html:" + name
        if closing:
            if self.stack and self.stack[-1][0] == source:
                self.close(source)
        elif attrs.rstrip().endswith("/") or len(self.stack) >= _MAX_INLINE_DEPTH:
            return
        elif name == "a":
            self.link(_html_attr(attrs, "href"), source)
        else:
            self.open(source, _HTML_FORMAT[name])


_INLINE_HANDLERS: dict[str, Callable[[_Inline, Token], None]] = {
    "text": lambda inline, token: inline.text(token.content),
    "softbreak": _Inline.line_break,
    "hardbreak": _Inline.line_break,
    "code_inline": _Inline.code,
    **dict.fromkeys(("em_open", "strong_open", "s_open"), _Inline.format_open),
    **dict.fromkeys(("em_close", "strong_close", "s_close"), _Inline.format_close),
    "link_open": _Inline.link_open,
    "link_close": _Inline.link_close,
    "image": _Inline.image_token,
    "html_inline": _Inline.html_token,
}


def _html_block_pieces(source: str, base_url: str) -> list[_Piece]:
    """A raw HTML block as pieces: tags reduced as inline HTML is, text shown, ends trimmed."""
    inline = _Inline([], base_url)
    position = 0
    for match in _HTML_PART.finditer(source):
        inline.text(html.unescape(source[position : match.start()]))
        inline.html(match.group())
        position = match.end()
    inline.text(html.unescape(source[position:]))
    inline.finish()
    return _trim_blank_ends(inline.out)


def _trim_blank_ends(pieces: list[_Piece]) -> list[_Piece]:
    """Drop leading and trailing blank text (and cut points) from a run of pieces."""
    solid = [index for index, piece in enumerate(pieces) if not _is_blank(piece)]
    if not solid:
        return []
    pieces = pieces[solid[0] : solid[-1] + 1]
    if isinstance(pieces[0], _Text):
        pieces[0] = _Text(pieces[0].text.lstrip())
    if isinstance(pieces[-1], _Text):
        pieces[-1] = _Text(pieces[-1].text.rstrip())
    return pieces


def _is_blank(piece: _Piece) -> bool:
    return isinstance(piece, _Cut) or (isinstance(piece, _Text) and not piece.text.strip())


@dataclass
class _Frame:
    """A container whose children are blocks: the body, a blockquote or a list item."""

    kind: str
    started: bool = False  # a child block has been written
    after_list: bool = False  # the last child block was a list


class _Walker:
    """Turns markdown-it's block token stream into pieces, in one loop without recursion."""

    def __init__(self, base_url: str) -> None:
        self.out: list[_Piece] = []
        self.base_url = base_url
        self.frames = [_Frame("body")]
        self.numbers: list[int | None] = []  # per open list: the next item number (None: bullets)
        self.task_pending = False  # a list item just opened: its first paragraph may be a task
        self.task_item = False
        self.in_table_head = False
        self.row = self.cell = 0

    def walk(self, tokens: Iterable[Token]) -> list[_Piece]:
        for token in tokens:
            handler = _BLOCK_HANDLERS.get(token.type)
            if handler is not None:
                handler(self, token)
        return self.out

    def begin_block(self, *, is_list: bool = False, paragraph: bool = False) -> None:
        """Separate a new block from its previous sibling."""
        frame = self.frames[-1]
        if frame.started and frame.kind != "li":
            self.out.append(_Text("\n\n"))
        elif frame.started and not (is_list or frame.after_list):
            self.out.append(_Text("\n"))
        frame.started, frame.after_list = True, is_list
        self.task_item, self.task_pending = self.task_pending and paragraph, False

    def end(self, *tags: str) -> None:
        self.out += [*(_Close(tag) for tag in tags), _CUT]

    def paragraph_open(self, token: Token) -> None:
        self.begin_block(paragraph=True)

    def paragraph_close(self, token: Token) -> None:
        self.end()

    def inline(self, token: Token) -> None:
        _Inline(self.out, self.base_url).run(token.children or [], task_item=self.task_item)
        self.task_item = False

    def heading_open(self, token: Token) -> None:
        self.begin_block()
        self.out.append(_Open(_heading_tag(token.tag)))

    def heading_close(self, token: Token) -> None:
        self.end(_heading_tag(token.tag))

    def blockquote_open(self, token: Token) -> None:
        self.begin_block()
        self.out.append(_Open("blockquote"))
        self.frames.append(_Frame("quote"))

    def container_close(self, token: Token) -> None:
        self.frames.pop()
        self.end(token.tag)

    def list_open(self, token: Token) -> None:
        self.begin_block(is_list=True)
        self.out.append(_Open(token.tag))
        start = token.attrGet("start")
        self.numbers.append(None if token.tag == "ul" else int(start or 1))

    def list_close(self, token: Token) -> None:
        self.numbers.pop()
        self.end(token.tag)

    def list_item_open(self, token: Token) -> None:
        number = self.numbers[-1]
        if number is not None:
            self.numbers[-1] = number + 1
        self.out.append(_Open("li", marker="- " if number is None else f"{number}. "))
        self.frames.append(_Frame("li"))
        self.task_pending = True

    def code_block(self, token: Token) -> None:
        """Fenced or indented code: a <pre>, with a cut point after every line."""
        self.begin_block()
        self.out.append(_Open("pre"))
        for index, line in enumerate(token.content.removesuffix("\n").split("\n")):
            self.out += [_Text("\n" + line if index else line), _CUT]
        self.end("pre")

    def hr(self, token: Token) -> None:
        self.begin_block()
        self.out.append(_Open("hr"))
        self.end("hr")

    def html_block(self, token: Token) -> None:
        pieces = _html_block_pieces(token.content, self.base_url)
        # A block of comments or of bare <details> tags shows nothing: no empty block for it.
        if any(isinstance(piece, _Text) for piece in pieces):
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
            self.out.append(_Text("\n"))
        self.row, self.cell = self.row + 1, 0
        if self.in_table_head:
            self.out.append(_Open("strong"))

    def row_close(self, token: Token) -> None:
        self.end(*(["strong"] if self.in_table_head else []))

    def cell_open(self, token: Token) -> None:
        if self.cell:
            self.out.append(_Text(" | "))
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


def _header_pieces(header: Sequence[tuple[str, str]], base_url: str) -> list[_Piece]:
    """One "Label: value" line per pair; a value is kept to one line, its URLs linked."""
    inline = _Inline([], base_url)
    for index, (label, value) in enumerate(header):
        lines = (line.strip() for line in value.splitlines())
        text = ", ".join(line for line in lines if line)
        if len(text) > _MAX_HEADER_VALUE_CHARS:
            text = text[: _MAX_HEADER_VALUE_CHARS - 1] + "…"
        inline.out += [_Text("\n")] if index else []
        inline.out += [_Open("strong"), _Text(f"{label}:"), _Close("strong"), _Text(" ")]
        inline.text(text)
    return inline.out


# --- writing: pieces -> html_notes or notes --------------------------------------------------


def _escape(text: str, *, quote: bool = False) -> str:
    """XML-escape text, dropping characters XML 1.0 does not allow at all."""
    text = _XML_ILLEGAL.sub("", text).replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace(">", "&gt;")  # also keeps "]]>" out of the text
    return text.replace('"', "&quot;") if quote else text


def _html_piece(piece: _Piece) -> str:
    match piece:
        case _Text(text):
            return _escape(text)
        case _Open("hr"):
            return "<hr/>"
        case _Open("a", href):
            return f'<a href="{_escape(href, quote=True)}">'
        case _Open(tag):
            return f"<{tag}>"
        case _Close(tag):
            return _html_close(tag)
    return ""


def _html_close(tag: str) -> str:
    return "" if tag == "hr" else f"</{tag}>"


def _html_link(url: str) -> str:
    target = _link_target(url, "")
    if target is None:
        return _escape(url)
    return f'<a href="{_escape(target, quote=True)}">{_escape(url)}</a>'


class _PlainWriter:
    """Writes pieces as plain text: list markers, "> " for quotes, links as "text (url)"."""

    def __init__(self) -> None:
        self.prefixes: list[str] = []  # what continues a line inside each open quote or item
        self.fresh = True  # at the start of a line, its prefix already written
        self.after_list = False  # a list just ended: what follows starts a new line
        self.link_text: list[str] | None = None  # the text of the link being written

    def write(self, pieces: Iterable[_Piece]) -> list[str]:
        return [self.piece(piece) for piece in pieces]

    def piece(self, piece: _Piece) -> str:
        match piece:
            case _Text(text):
                return self.text(_XML_ILLEGAL.sub("", text))
            case _Open("li" | "blockquote" as tag, _, marker):
                return self.open_container(marker if tag == "li" else "> ")
            case _Open("hr"):
                return self.text("----------")
            case _Open("a"):
                self.link_text = []
            case _Close("li" | "blockquote"):
                self.prefixes.pop()
            case _Close("ul" | "ol"):
                self.after_list = True
            case _Close("a", href):
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
class _Format:
    write: Callable[[Iterable[_Piece]], list[str]]
    close: Callable[[str], str]  # what closes an element cut short
    note: Callable[[str], str]
    link: Callable[[str], str]
    wrap: Callable[[str], str]


_HTML = _Format(
    write=lambda pieces: [_html_piece(piece) for piece in pieces],
    close=_html_close,
    note=lambda text: f"<em>{_escape(text)}</em>",
    link=_html_link,
    wrap=lambda text: f"<body>{text}</body>",
)
_PLAIN = _Format(
    write=lambda pieces: _PlainWriter().write(pieces),
    close=lambda tag: "",
    note=lambda text: text,
    link=lambda url: _XML_ILLEGAL.sub("", url),
    wrap=lambda text: "\n".join(line.rstrip() for line in text.split("\n")),
)


def _render(fmt: _Format, markdown: str, issue_url: str, header: Sequence[tuple[str, str]]) -> str:
    """Header, body (cut to fit MAX_HTML_CHARS), notes and the issue link, in `fmt`."""
    base_url = _base_url(issue_url)
    document = _parse(markdown, base_url)
    head = "".join(fmt.write(_header_pieces(header, base_url)))
    notes = [fmt.note(_DEEP_NOTE)] if document.too_deep else []
    link = fmt.link(issue_url.strip())
    rendered = fmt.write(document.pieces)
    body = "".join(rendered)
    if document.clipped or len(fmt.wrap(_join(head, body, *notes, link))) > MAX_HTML_CHARS:
        notes.append(fmt.note(_CUT_NOTE))
        budget = MAX_HTML_CHARS - len(fmt.wrap(_join(head, "-", *notes, link))) + 1
        body = _fit(document.pieces, rendered, budget, fmt.close)
    return fmt.wrap(_join(head, body, *notes, link))


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _fit(
    pieces: list[_Piece], rendered: list[str], budget: int, close: Callable[[str], str]
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
        if isinstance(piece, _Cut):
            best = index + 1
    else:
        return "".join(rendered)
    if best:
        stack = []
        for piece in pieces[:best]:
            _track(stack, piece)
        return "".join(rendered[:best]) + "".join(close(tag) for tag in reversed(stack))
    partial = _cut_text(rendered[index], budget - used - closing)
    if not isinstance(pieces[index], _Text):
        partial = ""
    return "".join(rendered[:index]) + partial + "".join(close(tag) for tag in reversed(stack))


def _closing_delta(piece: _Piece, close: Callable[[str], str]) -> int:
    """How much `piece` changes the length of the tags needed to close what is open."""
    if isinstance(piece, _Open):
        return len(close(piece.tag))
    if isinstance(piece, _Close):
        return -len(close(piece.tag))
    return 0


def _track(stack: list[str], piece: _Piece) -> None:
    if isinstance(piece, _Open):
        stack.append(piece.tag)
    elif isinstance(piece, _Close):
        stack.pop()


def _cut_text(text: str, room: int) -> str:
    """The longest prefix of escaped `text` within `room` that does not end inside an entity."""
    cut = text[: max(room, 0)]
    amp = cut.rfind("&", max(0, len(cut) - 6))  # our entities are at most 6 long (&quot;)
    return cut[:amp] if amp >= 0 and ";" not in cut[amp:] else cut
