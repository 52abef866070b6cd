"""The harness's expression evaluator follows the runner's documented rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.workflows.expressions import ExpressionError, condition, evaluate, interpolate

CONTEXTS: dict[str, Any] = {
    "github": {
        "event_name": "issues",
        "event": {
            "action": "labeled",
            "label": {"name": "CSH"},
            "issue": {"number": 7, "labels": [{"name": "CSH"}, {"name": "bug"}]},
        },
    },
    "inputs": {"dry-run": False, "date": ""},
    "steps": {"office-hours": {"outputs": {"action": "created"}}},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("github.event.issue.number", 7),
        ("github.event.issue.labels.*.name", None),  # checked below: a filtered list
        ("contains(github.event.issue.labels.*.name, 'csh')", True),  # case-insensitive
        ("contains(github.event.issue.labels.*.name, 'CS')", False),  # items, not substrings
        ("contains('office-hours', 'HOURS')", True),
        ("github.event.missing.deeper", None),
        ("inputs.dry-run == true", False),
        ("inputs.date || 'next'", "next"),  # `||` returns an operand
        ("'a' && 'b'", "b"),
        ("1 == '1'", True),  # mixed types compare as numbers
        ("null == 0", True),
        ("steps.office-hours.outputs.action", "created"),
        ("format('issue-{0}-{{x}}', github.event.issue.number)", "issue-7-{x}"),
        ('fromJSON(\'["a", "b"]\')', ["a", "b"]),
        ("!startsWith('$/actions', '$/')", False),
        ("GITHUB.EVENT_NAME", "issues"),  # property names are case-insensitive
    ],
)
def test_evaluate(text: str, expected: Any) -> None:
    value = evaluate(text, CONTEXTS)
    if expected is None and "*" in text:
        assert list(value.items) == ["CSH", "bug"]
    else:
        assert value == expected


def test_conditions_imply_success_unless_they_name_a_status() -> None:
    assert condition("github.event_name == 'issues'", CONTEXTS)
    assert not condition("github.event_name == 'issues'", CONTEXTS, status="failure")
    assert condition("always()", CONTEXTS, status="failure")
    assert condition("${{ github.event_name == 'issues' }}", CONTEXTS)
    assert condition(None, CONTEXTS)


def test_interpolation_keeps_the_type_of_a_whole_expression() -> None:
    assert interpolate("${{ inputs.dry-run == true }}", CONTEXTS) is False
    assert interpolate("n=${{ github.event.issue.number }}", CONTEXTS) == "n=7"
    assert interpolate("x-${{ inputs.dry-run }}", CONTEXTS) == "x-false"
    # Two expressions side by side are text, not one expression from `${{` to the last `}}`.
    assert interpolate("${{ inputs.dry-run }}-${{ github.event.issue.number }}", CONTEXTS) == (
        "false-7"
    )


def test_what_is_not_modelled_is_an_error() -> None:
    with pytest.raises(ExpressionError):
        evaluate("hashFiles('**/x')", CONTEXTS)
    with pytest.raises(ExpressionError):
        evaluate("github.event ==", CONTEXTS)
