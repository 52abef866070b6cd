"""Every GraphQL document the project sends is valid against GitHub's real schema."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from sync.github.documents import all_documents
from tests.reference import github_schema

DOCUMENTS = all_documents()


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_is_valid_against_the_reference_schema(name: str) -> None:
    errors = validate(github_schema(), parse(DOCUMENTS[name]))
    assert [e.message for e in errors] == []


def test_documents_are_named_after_their_operation() -> None:
    for name, text in DOCUMENTS.items():
        assert f"query {name}" in text or f"mutation {name}" in text


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_emulator_serves_every_document(name: str) -> None:
    from sync.emulator.github_graphql import github_schema as emulator_schema

    errors = validate(emulator_schema(), parse(DOCUMENTS[name]))
    assert [e.message for e in errors] == []
