"""The GraphQL documents of the hours report and of check are valid against GitHub's schema.

(``sync.github.documents`` does not collect them yet; until it does, they are checked here.)
"""

from __future__ import annotations

import pytest
from graphql import parse, validate

from sync.check import github_facts
from sync.emulator.github_graphql import github_schema as emulator_schema
from sync.hours import issues
from sync.hours.read import to_logged
from tests.reference import REFERENCE, github_schema

DOCUMENTS = {
    **issues.QUERIES,
    **github_facts.QUERIES,
    "HoursIssues(1)": issues.batch_query(1),
    "HoursIssues(50)": issues.batch_query(issues.BATCH),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_valid_against_github_and_the_emulator(name: str) -> None:
    schemas = [emulator_schema()] + ([github_schema()] if REFERENCE.exists() else [])
    for schema in schemas:
        assert [e.message for e in validate(schema, parse(DOCUMENTS[name]))] == []


def test_a_subtask_record_becomes_a_logged_task() -> None:
    record = {
        "gid": "7",
        "name": "Planning",
        "completed": True,
        "completed_at": "2026-03-02T23:30:00.000Z",
        "actual_time_minutes": 90,
        "parent": {"gid": "500"},
        "custom_fields": [
            {"gid": "900", "type": "number", "number_value": 2.5},
            {"gid": "901", "type": "text", "text_value": "https://github.com/o/r/issues/1"},
        ],
    }
    logged = to_logged(record, "901", 2, ("Parent",))
    assert logged.task.github_url == "https://github.com/o/r/issues/1"
    assert logged.task.custom_fields["900"] == 2.5
    assert logged.task.actual_time_minutes == 90
    assert logged.completed_on is not None and logged.completed_on.isoformat() == "2026-03-02"
    assert (logged.depth, logged.path) == (2, ("Parent",))
