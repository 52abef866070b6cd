"""Read the answers of a GitHub issue form out of the issue body.

GitHub writes a form's answers into the body as ``### <label>`` followed by the answer, and
``_No response_`` for an optional field left empty. A ``###`` line inside a fenced code block
(an answer may quote Markdown or logs) does not start a section.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

CSH_FORM_HEADER_FIELDS = ("Community", "Contact people", "FreshDesk link")
"""Answers of the CSH request form shown as the header of the task description, in this order."""

REQUEST_FIELD = "Request"
NO_RESPONSE = "_No response_"

_SECTION = re.compile(r"###[ \t]+(?P<label>\S.*?)[ \t]*")
_FENCE = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)")


@dataclass(frozen=True)
class _Section:
    label: str
    answer: str | None  # None: "_No response_"


def parse_issue_form(body: str) -> dict[str, str | None]:
    """Form answers by label (stripped; None for "_No response_"); {} if `body` is no form."""
    answers: dict[str, str | None] = {}
    for section in _sections(body)[1]:
        answers.setdefault(section.label, section.answer)
    return answers


def form_header(body: str) -> list[tuple[str, str]]:
    """The answered CSH header fields of a form body, as (label, answer), in the form's order."""
    answers = _by_folded_label(_sections(body)[1])
    pairs = ((label, answers.get(label.casefold())) for label in CSH_FORM_HEADER_FIELDS)
    return [(label, answer) for label, answer in pairs if answer]


def form_request_text(body: str) -> str:
    """The body without the CSH form's header fields: the request, then any other answers.

    A body that is not a CSH form (no header field among its sections) is returned unchanged.
    """
    preamble, sections = _sections(body)
    header = {label.casefold() for label in CSH_FORM_HEADER_FIELDS}
    if not any(section.label.casefold() in header for section in sections):
        return body
    request = _by_folded_label(sections).get(REQUEST_FIELD.casefold())
    shown_apart = header | {REQUEST_FIELD.casefold()}
    others = (
        f"### {section.label}\n\n{section.answer}"
        for section in sections
        if section.answer and section.label.casefold() not in shown_apart
    )
    return "\n\n".join(part for part in (preamble, request, *others) if part)


def _by_folded_label(sections: tuple[_Section, ...]) -> dict[str, str | None]:
    """Answers by case-folded label, the first of equal labels winning (as in parse_issue_form)."""
    answers: dict[str, str | None] = {}
    for section in sections:
        answers.setdefault(section.label.casefold(), section.answer)
    return answers


@functools.lru_cache(maxsize=16)  # a run asks three times in a row per issue
def _sections(body: str) -> tuple[str, tuple[_Section, ...]]:
    """Split a body into the text before the first ``###`` line and its sections."""
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    fence: str | None = None
    for line in body.splitlines():
        match = None if fence else _SECTION.fullmatch(line)
        fence = _next_fence(line, fence)
        if match:
            sections.append((match["label"], []))
        else:
            (sections[-1][1] if sections else preamble).append(line)
    parsed = tuple(_Section(label, _answer(lines)) for label, lines in sections)
    return "\n".join(preamble).strip(), parsed


def _answer(lines: list[str]) -> str | None:
    text = "\n".join(lines).strip()
    return None if text == NO_RESPONSE else text


def _next_fence(line: str, fence: str | None) -> str | None:
    """The code fence open after `line`, given the one open before it (None: outside code)."""
    match = _FENCE.fullmatch(line)
    if match is None:
        return fence
    marker = match["fence"]
    if fence is None:
        # A backtick fence's info string may not contain a backtick (CommonMark).
        return None if marker[0] == "`" and "`" in match["info"] else marker
    closes = marker[0] == fence[0] and len(marker) >= len(fence) and not match["info"].strip()
    return None if closes else fence
