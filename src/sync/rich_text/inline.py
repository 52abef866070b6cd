"""Inline content (text, emphasis, code, links, images, raw HTML) -> balanced pieces."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from sync.rich_text.links import link_target, trim_url
from sync.rich_text.pieces import CUT, Close, Open, Piece, Text
from sync.rich_text.raw_html import (
    HTML_FORMAT,
    HTML_KNOWN,
    HTML_PART,
    HTML_TAG_RE,
    html_attr,
    trim_blank_ends,
)

_MAX_HEADER_VALUE_CHARS = 1_000
# Raw HTML tags and Markdown emphasis (``***...a...***``) can nest without bound; past this
# depth they write no element (their text is kept), so the output and the work stay bounded.
_MAX_INLINE_DEPTH = 20

_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"]+", re.IGNORECASE)
_TASK_BOX = re.compile(r"\[([ xX])\][ \t]+")


def _task_box(text: str) -> str:
    """Replace a leading task-list box ("[ ] " or "[x] ") by ☐ or ☑."""
    match = _TASK_BOX.match(text)
    if match is None:
        return text
    return ("☐ " if match[1] == " " else "☑ ") + text[match.end() :]


@dataclass
class Inline:
    """Writes one run of inline content, keeping every element it opens balanced."""

    out: list[Piece]
    base_url: str
    stack: list[tuple[str, str, str]] = field(default_factory=list)  # (source, tag or "", href)
    # Counted as they open and close, so that each check is O(1): scanning the stack for every
    # text token made a body of nested emphasis quadratic (60 KB of `*` took 17 s).
    elements: int = 0  # open elements written (entries of `stack` with a tag)
    links: int = 0  # open <a> elements

    def run(self, children: Sequence[Token], *, task_item: bool) -> None:
        """Write markdown-it inline tokens; `task_item`: the first text may be a task-list box."""
        for index, child in enumerate(children):
            if index == 0 and task_item and child.type == "text":
                self.text(_task_box(child.content))
            else:
                _INLINE_HANDLERS.get(child.type, Inline.literal)(self, child)
        self.finish()

    def open(self, source: str, tag: str, href: str = "") -> None:
        """Open `tag` for `source` (a Markdown token kind or "html:<name>"); "" opens nothing.

        Past _MAX_INLINE_DEPTH open elements nothing is opened either (the text stays)."""
        if tag and self.elements >= _MAX_INLINE_DEPTH:
            tag = href = ""
        if tag:
            self.out.append(Open(tag, href))
            self.elements += 1
            self.links += tag == "a"
        self.stack.append((source, tag, href))

    def close(self, source: str) -> None:
        """Close `source`, and first any raw-HTML element still open inside it."""
        while self.stack:
            src, tag, href = self.stack.pop()
            if tag == "a" and self.out[-1] == Open("a", href):
                self.out.append(Text(href))  # an empty link would be invisible
            if tag:
                self.out.append(Close(tag, href))
                self.elements -= 1
                self.links -= tag == "a"
            if src == source:
                return

    def finish(self) -> None:
        """Close whatever is still open (raw HTML is often unbalanced)."""
        while self.stack:
            self.close(self.stack[-1][0])

    def in_link(self) -> bool:
        return self.links > 0

    def text(self, text: str) -> None:
        """Write text, linking bare http(s) URLs outside links."""
        position = 0
        for match in () if self.in_link() else _BARE_URL.finditer(text):
            url = trim_url(match.group())
            target = link_target(url, "")
            if target:
                self.plain(text[position : match.start()])
                self.out += [Open("a", target), Text(url), Close("a", target)]
                position = match.start() + len(url)
        self.plain(text[position:])

    def plain(self, text: str) -> None:
        if text:
            self.out.append(Text(text))

    def literal(self, token: Token) -> None:
        self.plain(token.content)

    def line_break(self, token: Token) -> None:
        self.out += [CUT, Text("\n")]

    def code(self, token: Token) -> None:
        self.out += [Open("code"), Text(token.content), Close("code")]

    def format_open(self, token: Token) -> None:
        self.open(token.tag, token.tag)

    def format_close(self, token: Token) -> None:
        self.close(token.tag)

    def link_open(self, token: Token) -> None:
        self.link(str(token.attrGet("href") or ""), "link")

    def link_close(self, token: Token) -> None:
        self.close("link")

    def link(self, href: str, source: str) -> None:
        target = None if self.in_link() else link_target(href, self.base_url)
        self.open(source, "a" if target else "", target or "")

    def image_token(self, token: Token) -> None:
        self.image(str(token.attrGet("src") or ""), token.content)

    def image(self, src: str, alt: str) -> None:
        """An image as a link to it (Asana shows only its own attachments as images)."""
        target = link_target(src, self.base_url)
        if self.in_link():
            self.plain(alt or "image")
        elif target is None:
            self.plain(f"[image: {alt}]")
        else:
            self.out += [Open("a", target), Text(alt or target), Close("a", target)]

    def html_token(self, token: Token) -> None:
        self.html(token.content)

    def html(self, raw: str) -> None:
        """Reduce one raw HTML tag or comment to what Asana accepts (see the package docstring)."""
        if raw.startswith("<!--"):
            return  # GitHub does not show comments either
        match = HTML_TAG_RE.fullmatch(raw)
        name = match["name"].lower() if match else ""
        if match is None or name not in HTML_KNOWN:
            self.plain(raw)
        elif name == "br":
            self.out += [CUT, Text("\n")]
        elif name == "img" and not match["close"]:
            self.image(html_attr(match["attrs"], "src"), html_attr(match["attrs"], "alt"))
        elif name == "a" or name in HTML_FORMAT:
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
            self.link(html_attr(attrs, "href"), source)
        else:
            self.open(source, HTML_FORMAT[name])


_INLINE_HANDLERS: dict[str, Callable[[Inline, Token], None]] = {
    "text": lambda inline, token: inline.text(token.content),
    "softbreak": Inline.line_break,
    "hardbreak": Inline.line_break,
    "code_inline": Inline.code,
    **dict.fromkeys(("em_open", "strong_open", "s_open"), Inline.format_open),
    **dict.fromkeys(("em_close", "strong_close", "s_close"), Inline.format_close),
    "link_open": Inline.link_open,
    "link_close": Inline.link_close,
    "image": Inline.image_token,
    "html_inline": Inline.html_token,
}


def html_block_pieces(source: str, base_url: str) -> list[Piece]:
    """A raw HTML block as pieces: tags reduced as inline HTML is, text shown, ends trimmed."""
    inline = Inline([], base_url)
    position = 0
    for match in HTML_PART.finditer(source):
        inline.text(html.unescape(source[position : match.start()]))
        inline.html(match.group())
        position = match.end()
    inline.text(html.unescape(source[position:]))
    inline.finish()
    return trim_blank_ends(inline.out)


def header_pieces(header: Sequence[tuple[str, str]], base_url: str) -> list[Piece]:
    """One "Label: value" line per pair; a value is kept to one line, its URLs linked."""
    inline = Inline([], base_url)
    for index, (label, value) in enumerate(header):
        lines = (line.strip() for line in value.splitlines())
        text = ", ".join(line for line in lines if line)
        if len(text) > _MAX_HEADER_VALUE_CHARS:
            text = text[: _MAX_HEADER_VALUE_CHARS - 1] + "…"
        inline.out += [Text("\n")] if index else []
        inline.out += [Open("strong"), Text(f"{label}:"), Close("strong"), Text(" ")]
        inline.text(text)
    return inline.out
