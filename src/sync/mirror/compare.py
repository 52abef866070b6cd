"""Equality as Asana sees it, so that an unchanged issue costs no write.

Asana normalises what it stores (``html_notes`` whitespace and entity spelling, numbers as
floats), so a byte comparison would rewrite every task on every run.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any


def html_equivalent(a: str | None, b: str | None) -> bool:
    """True when two html_notes hold the same tags, attributes and text."""
    if (a or "") == (b or ""):
        return True
    try:
        # expat does not resolve external entities and caps entity expansion (Python >= 3.11).
        left = ET.fromstring(a or "<body/>")  # noqa: S314
        right = ET.fromstring(b or "<body/>")  # noqa: S314
    except ET.ParseError:
        return False
    return _canonical(left) == _canonical(right)


def _canonical(element: ET.Element) -> tuple[Any, ...]:
    attrs = tuple(
        sorted((k, v) for k, v in element.attrib.items() if not k.startswith("data-asana"))
    )
    children = tuple(_canonical(child) for child in element)
    return (element.tag, attrs, _text(element.text), children, _text(element.tail))


def _text(value: str | None) -> str:
    return (value or "").strip()


def same_value(have: Any, want: Any) -> bool:
    """Compare custom field values: numbers with tolerance, empty strings as empty."""
    if have in (None, "") and want in (None, ""):
        return True
    if isinstance(have, int | float) and isinstance(want, int | float):
        return math.isclose(float(have), float(want), rel_tol=1e-9, abs_tol=0.005)  # 2 decimals
    return bool(have == want)
