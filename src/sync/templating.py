"""The one sandboxed Jinja environment, and the Markdown escaping every rendered artifact uses.

Templates are dumb: contexts hold data already escaped here, Jinja runs sandboxed with
`StrictUndefined`, and text from GitHub or Asana is never template source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from urllib.parse import quote, urlsplit

from jinja2 import FunctionLoader, StrictUndefined
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

Source = tuple[str, str, Callable[[], bool]]

_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<|~$]|&(?=#?\w+;)")
_LINE_START = re.compile(r"^(?:[#>+=-]|\d{1,9}[.)])")
_URL_SAFE = ":/?#[]@!$&'*+,;=%"


def environment(load: Callable[[str], Source] | None = None) -> SandboxedEnvironment:
    """A sandboxed environment reading templates with ``load`` (default: the bundled ones)."""
    return SandboxedEnvironment(
        loader=FunctionLoader(load or bundled_source),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


def bundled_source(name: str) -> Source:
    """A template shipped in `sync/templates/`, read as package data."""
    resource = resources.files("sync").joinpath("templates", *split_template_path(name))
    return resource.read_text(encoding="utf-8"), str(resource), lambda: True


def escape_markdown(text: str) -> str:
    """Escape `text` to render as literal Markdown text, one paragraph, its line breaks kept."""
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(_escape_line_start(_escape_inline(line)) for line in lines if line)


def escape_table_cell(text: str) -> str:
    """Escape `text` for one line of Markdown, such as a table cell: newlines fold to spaces."""
    return _escape_inline(" ".join(text.split()))


def code_span(text: str) -> str:
    """`text` as a Markdown code span, fenced by more backticks than it holds in a row."""
    folded = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", folded)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if folded.startswith("`") or folded.endswith("`") else ""
    return f"{fence}{pad}{folded}{pad}{fence}"


def safe_url(url: str) -> str | None:
    """An http(s) URL safe inside a Markdown link and a table cell, or None."""
    folded = "".join(url.split())
    if urlsplit(folded).scheme.lower() not in ("http", "https"):
        return None
    return quote(folded, safe=_URL_SAFE)


def markdown_link(escaped_title: str, url: str) -> str:
    """A Markdown link to ``url`` when it is a safe http(s) URL, else the title alone."""
    safe = safe_url(url)
    return f"[{escaped_title}]({safe})" if safe else escaped_title


def _escape_inline(text: str) -> str:
    """Backslash-escape what starts inline Markdown, HTML, entities, math or a table cell."""
    return _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _escape_line_start(line: str) -> str:
    """Escape what would start a block (heading, quote, list, setext underline) at a line."""
    return _LINE_START.sub(_escape_marker, line, count=1)


def _escape_marker(match: re.Match[str]) -> str:
    marker = match.group(0)  # "1." starts an ordered list: escape its dot, not its digits
    return marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker
