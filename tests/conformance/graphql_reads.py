"""Which keys of a GraphQL answer the program reads, and whether its document selected them.

Every document the program sends is valid against GitHub's real schema
(``test_graphql_documents.py``), so a key it reads that its document selects exists on the type
it asked for. A key it reads that the document does *not* select is the bug no emulator can
show: GitHub leaves it out, ``.get()`` answers None, and the program carries on with a wrong
"empty". :func:`recording` wraps the answers of ``GitHubClient.graphql`` so every key the program
reads (``[]``, ``.get``, ``in``) is recorded with the path it was read at; :func:`unselected`
says which of those paths the document does not select.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    get_named_type,
    parse,
)
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from sync.github.client import GitHubClient

Path = tuple[str, ...]


@dataclass
class Reads:
    """Paths read in answers, by the document that asked."""

    paths: dict[str, set[Path]] = field(default_factory=dict)
    required: dict[str, set[Path]] = field(default_factory=dict)  # read with [], no default

    def add(self, document: str, path: Path, *, hard: bool = False) -> None:
        self.paths.setdefault(document, set()).add(path)
        if hard:
            self.required.setdefault(document, set()).add(path)

    def operations(self) -> set[str]:
        """The operation names of the documents whose answers were read."""
        return {_operation(doc).name.value for doc in self.paths if _operation(doc).name}

    def problems(self, schema: GraphQLSchema, probes: Iterable[Path] = ()) -> list[str]:
        """``Operation: a.b.c (why)`` for every path read that is no field of the type it is
        read on, or that the document does not select (unless it ends in one of ``probes``:
        optional keys a parser shares between documents, each with its reason)."""
        found = []
        for document, paths in self.paths.items():
            name = _operation(document).name
            for path in paths:
                status = classify(schema, document, path)
                allowed = status == UNSELECTED and any(path[-len(p) :] == p for p in probes)
                if status != SELECTED and not allowed:
                    found.append(f"{name.value if name else '?'}: {'.'.join(path)} ({status})")
        return sorted(found)


class _Dict(dict[str, Any]):
    """An answer object that records the keys read from it."""

    def __init__(self, raw: dict[str, Any], document: str, path: Path, reads: Reads) -> None:
        super().__init__(raw)
        self._where = (document, path, reads)

    def _read(self, key: str, *, hard: bool = False) -> Any:
        document, path, reads = self._where
        reads.add(document, (*path, key), hard=hard)
        value = dict.__getitem__(self, key)
        wrapped = track(value, document, (*path, key), reads)
        if wrapped is not value:  # keep the wrapper, so the program's own edits stay
            dict.__setitem__(self, key, wrapped)
        return wrapped

    def __getitem__(self, key: str) -> Any:
        return self._read(key, hard=True)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]  # records
        if dict.__contains__(self, key):
            return self._read(key)
        document, path, reads = self._where
        reads.add(document, (*path, key))
        return default

    def __contains__(self, key: object) -> bool:
        document, path, reads = self._where
        reads.add(document, (*path, str(key)))
        return dict.__contains__(self, key)


class _List(list[Any]):
    """An answer list whose items record the keys read from them (at the list's path)."""

    def __init__(self, raw: list[Any], document: str, path: Path, reads: Reads) -> None:
        super().__init__(track(item, document, path, reads) for item in raw)


def track(value: Any, document: str, path: Path, reads: Reads) -> Any:
    """``value`` wrapped so reads of it are recorded in ``reads`` under ``document``."""
    if isinstance(value, _Dict | _List):
        return value
    if isinstance(value, dict):
        return _Dict(value, document, path, reads)
    if isinstance(value, list):
        return _List(value, document, path, reads)
    return value


@contextmanager
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    """Record every key the program reads from GraphQL answers while the block runs."""
    reads = Reads()
    original: Callable[..., dict[str, Any]] = GitHubClient.graphql

    def graphql(self: GitHubClient, query: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return _Dict(original(self, query, *args, **kwargs), query, (), reads)

    monkeypatch.setattr(GitHubClient, "graphql", graphql)
    yield reads


# -- the check (pure) -----------------------------------------------------------------------

SELECTED, UNSELECTED, UNKNOWN = "selected", "unselected", "no such field"


@functools.cache
def _parsed(document: str) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode]]:
    ast = parse(document)
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in ast.definitions if isinstance(d, OperationDefinitionNode))
    return operation, fragments


def _operation(document: str) -> OperationDefinitionNode:
    return _parsed(document)[0]


def classify(schema: GraphQLSchema, document: str, path: Path) -> str:
    """SELECTED when the document selects ``path``; UNSELECTED when it does not but every key is
    a field of the type it is read on (GitHub's schema); UNKNOWN when a key is no such field."""
    operation, fragments = _parsed(document)
    root = schema.mutation_type if operation.operation.value == "mutation" else schema.query_type
    assert root is not None
    level: list[tuple[SelectionSetNode | None, GraphQLNamedType]] = [
        (operation.selection_set, root)
    ]
    status = SELECTED
    for key in path:
        found = [hit for sel, kind in level for hit in _fields(schema, sel, kind, key, fragments)]
        if found:
            level = [
                (node.selection_set, _field_type(kind, node.name.value)) for node, kind in found
            ]
            continue
        types = [
            t
            for sel, kind in level
            for narrowed in _conditions(schema, sel, fragments) or [kind]
            for t in _concrete(schema, narrowed)
            if _has(t, key)
        ]
        if not types:
            return UNKNOWN
        status, level = UNSELECTED, [(None, _field_type(types[0], key))]
    return status


def unselected(document: str, path: Path) -> bool:
    """True when the document selects no field answering at ``path`` (schema-free)."""
    operation, fragments = _parsed(document)
    levels: list[SelectionSetNode | None] = [operation.selection_set]
    for key in path:
        found = [f for level in levels for f in _names(level, key, fragments)]
        if not found:
            return True
        levels = [f.selection_set for f in found]
    return False


def _names(
    selections: SelectionSetNode | None, key: str, fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    """The fields of a selection set (through fragments) whose response key is ``key``."""
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            name = selection.alias.value if selection.alias else selection.name.value
            if name == key:
                yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _names(selection.selection_set, key, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            yield from _names(fragments[selection.name.value].selection_set, key, fragments)


def _fields(
    schema: GraphQLSchema,
    selections: SelectionSetNode | None,
    kind: GraphQLNamedType,
    key: str,
    fragments: dict[str, FragmentDefinitionNode],
) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
    """Like :func:`_names`, with the type each field is selected on (fragments narrow it)."""
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            name = selection.alias.value if selection.alias else selection.name.value
            if name == key:
                yield selection, kind
            continue
        if isinstance(selection, InlineFragmentNode):
            inner, condition = selection.selection_set, selection.type_condition
        else:
            fragment = fragments[selection.name.value]
            inner, condition = fragment.selection_set, fragment.type_condition
        narrowed = schema.get_type(condition.name.value) if condition else kind
        yield from _fields(schema, inner, narrowed or kind, key, fragments)


def _conditions(
    schema: GraphQLSchema,
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
) -> list[GraphQLNamedType]:
    """The types a selection set's fragments narrow to (``... on Issue``): the object read is
    one of them when it has anything the fragments ask for."""
    found: list[GraphQLNamedType] = []
    for selection in selections.selections if selections else ():
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
        elif isinstance(selection, FragmentSpreadNode):
            condition = fragments[selection.name.value].type_condition
        else:
            continue
        kind = schema.get_type(condition.name.value) if condition else None
        found += [kind] if kind is not None else []
    return found


def _concrete(schema: GraphQLSchema, kind: GraphQLNamedType) -> list[GraphQLNamedType]:
    """The type and, for an interface or union, every object type it may be."""
    if isinstance(kind, GraphQLInterfaceType | GraphQLUnionType):
        return [kind, *schema.get_possible_types(kind)]
    return [kind]


def _has(kind: GraphQLNamedType, name: str) -> bool:
    return name == "__typename" or name in (getattr(kind, "fields", None) or {})


def _field_type(kind: GraphQLNamedType, name: str) -> GraphQLNamedType:
    if name == "__typename":
        return GraphQLString
    fields = getattr(kind, "fields", None) or {}
    return get_named_type(fields[name].type) if name in fields else kind
