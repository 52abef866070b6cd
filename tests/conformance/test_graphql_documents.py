"""Every GraphQL document the project sends is valid against GitHub's real schema."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse, validate

from tests.conformance.documents import all_documents
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


def node_budget(document: str, list_sizes: dict[str, int]) -> int:
    """GitHub's node-limit estimate for a document: for each connection, the product of the
    `first`/`last` values on the path down to it, summed (GitHub refuses more than 500,000).
    ``list_sizes`` gives the length of list variables such as the ids of ``nodes(ids:)``."""
    from graphql.language import FieldNode, FragmentDefinitionNode, OperationDefinitionNode

    ast = parse(document)
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in ast.definitions if isinstance(d, OperationDefinitionNode))

    def size(field: FieldNode) -> int:
        for argument in field.arguments or ():
            name, value = argument.name.value, argument.value
            if name in ("first", "last"):
                return int(getattr(value, "value", 100))
            if name == "ids":
                return list_sizes.get(getattr(getattr(value, "name", None), "value", ""), 100)
        return 1

    def walk(selection_set: Any, multiplier: int) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                count = size(selection)
                inner = multiplier * count
                total += inner if count > 1 else 0
                total += walk(selection.selection_set, inner)
            elif hasattr(selection, "type_condition") and not hasattr(selection, "name"):
                total += walk(selection.selection_set, multiplier)
            else:
                total += walk(fragments[selection.name.value].selection_set, multiplier)
        return total

    return walk(operation.selection_set, 1)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_documents_stay_under_githubs_node_limit(name: str) -> None:
    from sync.github.issues import SUBTREE_BATCH

    assert node_budget(DOCUMENTS[name], {"ids": SUBTREE_BATCH}) <= 500_000
