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

The package: ``parse`` turns Markdown into pieces (``inline`` writes inline content, ``raw_html``
says what raw HTML tags become, ``links`` which URLs may be linked), ``writers`` turns pieces into
``html_notes`` or plain notes, ``truncate`` cuts them to fit and ``validate`` checks the result
against what Asana accepts. This module puts them together.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync.rich_text.inline import header_pieces
from sync.rich_text.links import issue_base_url
from sync.rich_text.parse import parse_markdown
from sync.rich_text.truncate import fit_pieces
from sync.rich_text.validate import ALLOWED_TAGS, allowed_tag_violations
from sync.rich_text.writers import HTML, PLAIN, Format

__all__ = [
    "ALLOWED_TAGS",
    "MAX_HTML_CHARS",
    "allowed_tag_violations",
    "markdown_to_html_notes",
    "markdown_to_plain_notes",
]

MAX_HTML_CHARS = 60_000
"""Longest description we send, in characters.

Asana documents no limit but refuses very long notes, and GitHub caps an issue body at 65,536
characters: 60,000 keeps nearly every real issue whole while staying clear of that refusal.
"""

_CUT_NOTE = (
    f"(description truncated at {MAX_HTML_CHARS:,} characters; see the issue for the full text)"
)
_DEEP_NOTE = "(deeply nested content was left out; see the issue for the full text)"
_PLAIN_NOTE = "(shown without formatting: too complex to convert; see the issue as written)"


def markdown_to_html_notes(
    markdown: str, *, issue_url: str, header: Sequence[tuple[str, str]] = (), fragment: str = ""
) -> str:
    """Render an issue body as Asana ``html_notes``: header, body, then a link to the issue
    (``fragment``, if any, ends that link's ``href``)."""
    return _render(HTML, markdown, issue_url, header, fragment)


def markdown_to_plain_notes(
    markdown: str, *, issue_url: str, header: Sequence[tuple[str, str]] = ()
) -> str:
    """Render an issue body as plain Asana ``notes``, for when Asana refuses the rich text."""
    return _render(PLAIN, markdown, issue_url, header)


# _render lives here so that it reads MAX_HTML_CHARS from this module at call time.
def _render(
    fmt: Format,
    markdown: str,
    issue_url: str,
    header: Sequence[tuple[str, str]],
    fragment: str = "",
) -> str:
    """Header, body (cut to fit MAX_HTML_CHARS), notes and the issue link, in `fmt`."""
    base_url = issue_base_url(issue_url)
    document = parse_markdown(markdown, base_url)
    head = "".join(fmt.write(header_pieces(header, base_url)))
    notes = [fmt.note(_DEEP_NOTE)] if document.too_deep else []
    notes += [fmt.note(_PLAIN_NOTE)] if document.plain else []
    link = fmt.link(issue_url.strip(), fragment)
    rendered = fmt.write(document.pieces)
    body = "".join(rendered)
    if document.clipped or len(fmt.wrap(_join(head, body, *notes, link))) > MAX_HTML_CHARS:
        notes.append(fmt.note(_CUT_NOTE))
        budget = MAX_HTML_CHARS - len(fmt.wrap(_join(head, "-", *notes, link))) + 1
        body = fit_pieces(document.pieces, rendered, budget, fmt.close)
    return fmt.wrap(_join(head, body, *notes, link))


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)
