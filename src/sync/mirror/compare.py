"""Equality as Asana sees it, so that an unchanged issue costs no write.

Asana normalises what it stores (``html_notes`` whitespace and entity spelling, numbers as
floats), so a byte comparison would rewrite every task on every run.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import Any

# The signature a description's issue link carries (sync.mirror.notes): not part of what the
# description says, so two descriptions that differ only there are the same.
# The third digest (the bytes as written) is absent from signatures made before it existed.
SIGNATURE = re.compile(r"#community-sync-([0-9a-f]{16})-([0-9a-f]{16})(?:-([0-9a-f]{16}))?")


def html_equivalent(a: str | None, b: str | None) -> bool:
    """True when two html_notes hold the same tags, attributes and text."""
    if (a or "") == (b or ""):
        return True
    left, right = canonical_html(a), canonical_html(b)
    return left is not None and left == right


def canonical_html(html: str | None) -> tuple[Any, ...] | None:
    """html_notes as a tuple in which nothing Asana may rewrite shows (None: not XML)."""
    try:
        # expat does not resolve external entities and caps entity expansion (Python >= 3.11).
        return _canonical(ET.fromstring(html or "<body/>"))  # noqa: S314
    except ET.ParseError:
        return None


# Inline elements Asana drops when they hold nothing.
_DROPPED_WHEN_EMPTY = frozenset({"strong", "em", "u", "s", "code", "a"})


def _canonical(element: ET.Element, pre: bool = False) -> tuple[Any, ...]:
    """The element as a tuple in which what Asana may rewrite does not show: attribute
    order, entity spelling (the parser resolved them), runs of whitespace, empty inline
    elements. Text split by a dropped element is joined again."""
    attrs = tuple(
        sorted(
            (k, SIGNATURE.sub("", v) if k == "href" else v)
            for k, v in element.attrib.items()
            if not k.startswith("data-asana")
        )
    )
    parts: list[Any] = []
    text = element.text or ""
    for child in element:
        if child.tag in _DROPPED_WHEN_EMPTY and not "".join(child.itertext()).strip():
            text += child.tail or ""
            continue
        parts += [_text(text, pre), _canonical(child, pre or child.tag == "pre")]
        text = child.tail or ""
    parts.append(_text(text, pre))
    return (element.tag, attrs, tuple(p for p in parts if p != ""))


def _text(value: str | None, pre: bool = False) -> str:
    """Text with whitespace runs as one space (inside ``<pre>``, as it is)."""
    return (value or "") if pre else " ".join((value or "").split())


def plain_as_rich_text(text: str) -> str:
    """The rich text Asana makes of plain ``notes`` (what a task sent the fallback holds)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<body>{escaped}</body>"


def same_value(have: Any, want: Any) -> bool:
    """Compare custom field values: numbers with tolerance, empty strings as empty."""
    if have in (None, "") and want in (None, ""):
        return True
    if isinstance(have, int | float) and isinstance(want, int | float):
        return math.isclose(float(have), float(want), rel_tol=1e-9, abs_tol=0.005)  # 2 decimals
    return bool(have == want)
