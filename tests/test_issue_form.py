"""Issue-form answers as GitHub writes them into the issue body."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sync.issue_form import (
    CSH_FORM_HEADER_FIELDS,
    form_header,
    form_request_text,
    parse_issue_form,
)

# What GitHub writes for the CSH request form (templates/ISSUE_TEMPLATE/csh-request.yml).
CSH_BODY = """### Community

Example University

### Contact people

@alice, Bob <bob@example.org>

### FreshDesk link

_No response_

### Request

We need help migrating our widgets.

- step one
- step two
"""


def test_parse_issue_form_maps_labels_to_stripped_answers() -> None:
    assert parse_issue_form(CSH_BODY) == {
        "Community": "Example University",
        "Contact people": "@alice, Bob <bob@example.org>",
        "FreshDesk link": None,
        "Request": "We need help migrating our widgets.\n\n- step one\n- step two",
    }


def test_parse_issue_form_is_empty_for_a_plain_body() -> None:
    assert parse_issue_form("Just a bug report.\n\n## Steps\n\n1. click") == {}
    assert parse_issue_form("") == {}


def test_parse_issue_form_accepts_crlf_line_ends() -> None:
    body = "### Community\r\n\r\nExample University\r\n\r\n### Request\r\n\r\nline 1\r\nline 2\r\n"
    assert parse_issue_form(body) == {
        "Community": "Example University",
        "Request": "line 1\nline 2",
    }


def test_parse_issue_form_ignores_headings_inside_code_fences() -> None:
    body = "### Request\n\n```markdown\n### Not a field\ntext\n```\n\n~~~~\n### Nor this\n~~~~\n"
    assert parse_issue_form(body) == {
        "Request": "```markdown\n### Not a field\ntext\n```\n\n~~~~\n### Nor this\n~~~~"
    }


def test_a_shorter_fence_does_not_close_a_longer_one() -> None:
    body = "### Request\n\n````\n```\n### Still code\n````\n\n### Logs\n\nok"
    assert parse_issue_form(body) == {"Request": "````\n```\n### Still code\n````", "Logs": "ok"}


def test_parse_issue_form_keeps_the_first_of_repeated_labels_and_empty_answers() -> None:
    body = "### A\n\none\n\n### A\n\ntwo\n\n### B\n"
    assert parse_issue_form(body) == {"A": "one", "B": ""}


def test_deeper_headings_are_part_of_the_answer() -> None:
    body = "### Request\n\n#### Details\n\nmore"
    assert parse_issue_form(body) == {"Request": "#### Details\n\nmore"}


def test_form_header_lists_answered_header_fields_in_order() -> None:
    assert form_header(CSH_BODY) == [
        ("Community", "Example University"),
        ("Contact people", "@alice, Bob <bob@example.org>"),
    ]


def test_form_header_includes_the_freshdesk_link_when_given() -> None:
    body = CSH_BODY.replace("_No response_", "https://example.freshdesk.com/a/tickets/42")
    assert form_header(body)[-1] == ("FreshDesk link", "https://example.freshdesk.com/a/tickets/42")


def test_form_header_matches_labels_regardless_of_case_and_order() -> None:
    body = "### freshdesk link\n\nhttps://fd.example/1\n\n### COMMUNITY\n\nExample University"
    assert form_header(body) == [
        ("Community", "Example University"),
        ("FreshDesk link", "https://fd.example/1"),
    ]


def test_form_header_is_empty_for_a_plain_body() -> None:
    assert form_header("Community: Example University") == []


def test_form_request_text_is_the_request_answer() -> None:
    assert form_request_text(CSH_BODY) == (
        "We need help migrating our widgets.\n\n- step one\n- step two"
    )


def test_form_request_text_keeps_other_answered_sections_after_the_request() -> None:
    body = CSH_BODY + "\n### Deadline\n\nEnd of May\n\n### Notes\n\n_No response_\n"
    assert form_request_text(body) == (
        "We need help migrating our widgets.\n\n- step one\n- step two\n\n"
        "### Deadline\n\nEnd of May"
    )


def test_form_request_text_without_a_request_field_rejoins_the_other_sections() -> None:
    body = "### Community\n\nExample University\n\n### Problem\n\nIt breaks.\n\n### Logs\n\nboom"
    assert form_request_text(body) == "### Problem\n\nIt breaks.\n\n### Logs\n\nboom"


def test_form_request_text_of_an_empty_request_is_empty() -> None:
    assert form_request_text("### Community\n\nX\n\n### Request\n\n_No response_") == ""


def test_form_request_text_leaves_other_bodies_unchanged() -> None:
    plain = "Please help.\n\n### Steps\n\n1. run it\n"
    assert form_request_text(plain) == plain
    assert form_request_text("") == ""


def test_the_csh_header_fields_are_the_documented_ones() -> None:
    assert CSH_FORM_HEADER_FIELDS == ("Community", "Contact people", "FreshDesk link")


@given(st.text())
def test_any_body_parses_without_error(body: str) -> None:
    answers = parse_issue_form(body)
    assert all(value is None or value == value.strip() for value in answers.values())
    header = form_header(body)
    labels = [label for label, _ in header]
    assert labels == sorted(labels, key=CSH_FORM_HEADER_FIELDS.index)
    assert all(value for _, value in header)
    assert isinstance(form_request_text(body), str)


# Answers without the characters that make headings, code fences or "_No response_".
_ANSWER = st.text().map(
    lambda text: "\n".join(text.translate(str.maketrans("", "", "#`~_")).splitlines()).strip()
)


@given(st.lists(st.tuples(st.sampled_from(["Community", "Request", "Other"]), _ANSWER)))
def test_rendered_forms_round_trip(fields: list[tuple[str, str]]) -> None:
    body = "\n\n".join(f"### {label}\n\n{answer or '_No response_'}" for label, answer in fields)
    expected: dict[str, str | None] = {}
    for label, answer in fields:
        expected.setdefault(label, answer or None)
    assert parse_issue_form(body) == expected
