"""Validation rules the real Asana applies to what it is sent: rich text, dates, field values.

Pure functions over plain values; each raises :class:`RuleError` with a message worded the way
Asana words it (``<field>: <problem>``) where a public source records Asana's words, and with a
plain, helpful sentence where none does.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection
from datetime import date
from typing import Any
from xml.parsers import expat

# Asana's rich text (https://developers.asana.com/docs/rich-text): the tags a task's
# html_notes may hold. <img> needs an attachment this emulator never has, so it is refused.
ALLOWED_TAGS = frozenset(
    {"body", "strong", "em", "u", "s", "code", "ol", "ul", "li", "a"}
    | {"h1", "h2", "hr", "blockquote", "pre"}
)
_BLOCK_TAGS = frozenset({"li", "h1", "h2", "hr", "blockquote", "pre", "ol", "ul"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class RuleError(Exception):
    """A request Asana refuses with 400; ``message`` is what goes into the error body."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class _TextCollector:
    """Expat handlers that check tags and attributes and collect the plain text."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.parts: list[str] = []
        self.depth = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        """Check one opening tag and its attributes."""
        if tag not in ALLOWED_TAGS:
            allowed = ", ".join(sorted(ALLOWED_TAGS))
            raise RuleError(f"{self.field}: Tag <{tag}> is not supported. Allowed tags: {allowed}")
        if (tag == "body") != (self.depth == 0):
            raise RuleError(f"{self.field}: <body> must be the root element, and only once")
        for name in attrs:
            if not _attribute_allowed(tag, name):
                raise RuleError(f'{self.field}: Attribute "{name}" is not allowed on <{tag}>')
        self.depth += 1
        if tag in _BLOCK_TAGS:
            self._newline()

    def end(self, tag: str) -> None:
        """Close one tag: block elements end their line."""
        self.depth -= 1
        if tag in _BLOCK_TAGS:
            self._newline()

    def text(self, data: str) -> None:
        """Collect character data."""
        self.parts.append(data)

    def refuse_doctype(self, *_: object) -> None:
        """No DTDs, so no entity expansion: only XML's own entities and character references."""
        raise RuleError(f"{self.field}: DOCTYPE and entity declarations are not allowed")

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")


def _attribute_allowed(tag: str, name: str) -> bool:
    return tag == "a" and (name == "href" or name.startswith("data-asana-"))


def rich_text_to_plain(html: str, field: str = "html_notes") -> str:
    """Validate Asana rich text (well-formed XML in <body>, allowed tags) and return its text."""
    if not isinstance(html, str):
        raise RuleError(f"{field}: Value is not a string: {html!r}")
    collector = _TextCollector(field)
    parser = expat.ParserCreate()
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.text
    parser.StartDoctypeDeclHandler = collector.refuse_doctype
    parser.EntityDeclHandler = collector.refuse_doctype
    try:
        parser.Parse(html, True)
    except expat.ExpatError as exc:
        raise RuleError(f"{field}: XML is invalid: {expat.ErrorString(exc.code)}") from exc
    return "".join(collector.parts).strip("\n")


_EMPTY_DROPPED = frozenset({"strong", "em", "u", "s", "code", "a"})


def rewrite_rich_text(html: str) -> str:
    """Store rich text the way Asana hands it back rewritten: attributes in another order,
    runs of whitespace collapsed, quotes and apostrophes as entities, empty inline elements
    dropped. The meaning is the same; the bytes are not."""
    root = ET.fromstring(html)  # noqa: S314 - validated as Asana does before this
    return _rewrite(root)


def _rewrite(element: ET.Element, pre: bool = False) -> str:
    attrs = "".join(f' {k}="{_entities(v)}"' for k, v in reversed(list(element.attrib.items())))
    squeeze = (lambda t: t or "") if pre else _squeeze
    inner = _entities(squeeze(element.text))
    for child in element:
        empty = not (child.text or "").strip() and len(child) == 0
        if not (empty and child.tag in _EMPTY_DROPPED):
            inner += _rewrite(child, pre or child.tag == "pre")
        inner += _entities(squeeze(child.tail))
    if not inner and element.tag in {"hr", "br"}:
        return f"<{element.tag}{attrs}/>"
    return f"<{element.tag}{attrs}>{inner}</{element.tag}>"


def _squeeze(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "")


def _entities(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace('"', "&quot;").replace("'", "&#39;")


def plain_to_rich_text(text: str) -> str:
    """Wrap plain notes as Asana rich text, escaping XML's special characters."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<body>{escaped}</body>"


def parse_date(value: Any, field: str) -> str | None:
    """Check a ``YYYY-MM-DD`` date (or null) and return it."""
    if value is None:
        return None
    if not isinstance(value, str) or _DATE.match(value) is None:
        raise RuleError(f"{field}: Date must be in ISO-8601 (yyyy-mm-dd) format, not: {value}")
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise RuleError(
            f"{field}: Date must be in ISO-8601 (yyyy-mm-dd) format, not: {value}"
        ) from exc
    return value


def check_date_order(start_on: str | None, due_on: str | None, due_at: str | None) -> None:
    """Refuse a start date without a due date, or one that is not before the due date."""
    if start_on is None:
        return
    due = due_on or (due_at[:10] if due_at else None)
    if due is None:
        raise RuleError("start_on: A task with a start date must also have a due date (due_on)")
    if start_on >= due:
        raise RuleError(f"start_on: Start date ({start_on}) must be before due date ({due})")


def check_custom_value(kind: str, options: Collection[str], field_gid: str, value: Any) -> Any:
    """Check one custom field value for its field type; return the value to store."""
    if value is None:
        return None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RuleError(f"custom_fields: {field_gid}: Number value expected, not: {value!r}")
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise RuleError(f"custom_fields: {field_gid}: Text value expected, not: {value!r}")
        return value
    if kind == "enum":
        if not isinstance(value, str) or value not in options:
            raise RuleError(
                f"custom_fields: {field_gid}: {value!r} is not the gid of an enum option "
                "of this field"
            )
        return value
    raise RuleError(f"custom_fields: {field_gid}: fields of type {kind} cannot be set here")


def check_bool(value: Any, field: str) -> bool:
    """Check a JSON boolean."""
    if not isinstance(value, bool):
        raise RuleError(f"{field}: Value is not a boolean: {value!r}")
    return value


def check_string(value: Any, field: str) -> str:
    """Check a JSON string."""
    if not isinstance(value, str):
        raise RuleError(f"{field}: Value is not a string: {value!r}")
    return value


def check_gid(value: Any, field: str) -> str:
    """Check that a value is a gid: a string of digits."""
    if not isinstance(value, str):
        raise RuleError(f"{field}: Not a valid GID type: {type(value).__name__}")
    if not value.isdigit():
        raise RuleError(f"{field}: Not a recognized ID: {value}")
    return value


def format_number(value: float | int, precision: int) -> str:
    """Format a number field value the way Asana's display_value does."""
    return f"{value:.{precision}f}"
