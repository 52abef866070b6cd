"""Validation: what Asana would refuse in ``html_notes``."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from sync.rich_text.links import link_target

ALLOWED_TAGS = frozenset(
    {"body", "strong", "em", "u", "s", "code", "ol", "ul", "li", "a"}
    | {"h1", "h2", "hr", "blockquote", "pre"}
)


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
        elif link_target(value, "") is None:
            problems.append(f"href {value!r} is not an http, https or mailto URL")
    return problems
