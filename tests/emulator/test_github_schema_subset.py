"""The emulator's GitHub GraphQL schema is an exact, regenerable cut of GitHub's published one.

``src/sync/emulator/github_schema.graphql`` must equal what ``scripts/cut_github_schema.py``
prints from ``shared/reference/github/graphql/schema.graphql``, and every type, field,
argument, input field and enum value in it must exist identically in the reference.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    is_introspection_type,
    is_specified_scalar_type,
    validate_schema,
)
from graphql.utilities.print_schema import print_deprecated, print_input_value

from sync.emulator.github_graphql import github_schema

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cut_github_schema.py"
SCHEMA_FILE = ROOT / "src" / "sync" / "emulator" / "github_schema.graphql"
REFERENCE = Path(
    os.environ.get("SYNC_REFERENCE_DIR", Path(__file__).resolve().parents[3] / "shared/reference")
)
REFERENCE_SCHEMA = REFERENCE / "github" / "graphql" / "schema.graphql"


def cut_script() -> ModuleType:
    """The cut script as a module (one instance per session: it caches the reference schema)."""
    if "cut_github_schema" not in sys.modules:
        spec = importlib.util.spec_from_file_location("cut_github_schema", SCRIPT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["cut_github_schema"] = module
        spec.loader.exec_module(module)
    return sys.modules["cut_github_schema"]


@pytest.fixture(scope="module")
def reference() -> GraphQLSchema:
    if not REFERENCE_SCHEMA.exists():
        pytest.skip(f"GitHub's reference schema not found at {REFERENCE_SCHEMA}")
    schema: GraphQLSchema = cut_script().load_reference(REFERENCE_SCHEMA)
    return schema


def _own_types(schema: GraphQLSchema) -> list[GraphQLNamedType]:
    return [
        t
        for t in schema.type_map.values()
        if not is_introspection_type(t) and not is_specified_scalar_type(t)
    ]


def _field_sdl(name: str, field: GraphQLField) -> str:
    """A field as SDL: arguments (types, defaults, deprecations), type and deprecation."""
    args = ", ".join(print_input_value(arg_name, arg) for arg_name, arg in field.args.items())
    return f"{name}({args}): {field.type}{print_deprecated(field.deprecation_reason)}"


def _input_sdl(name: str, value: GraphQLInputField) -> str:
    return print_input_value(name, value)  # type: ignore[arg-type]  # prints like an argument


def _differences(own: GraphQLNamedType, ref: GraphQLNamedType) -> list[str]:
    """Where a subset type is not a faithful part of the reference type."""
    if type(own) is not type(ref):
        return [f"{own.name} is a {type(ref).__name__} in the reference"]
    if isinstance(own, GraphQLObjectType | GraphQLInterfaceType):
        assert isinstance(ref, GraphQLObjectType | GraphQLInterfaceType)
        theirs = {i.name for i in ref.interfaces}
        problems = [i.name for i in own.interfaces if i.name not in theirs]
        refs = {n: _field_sdl(n, f) for n, f in ref.fields.items()}
        mine = {n: _field_sdl(n, f) for n, f in own.fields.items()}
        return problems + [f"{own.name}.{sdl}" for n, sdl in mine.items() if refs.get(n) != sdl]
    if isinstance(own, GraphQLInputObjectType):
        assert isinstance(ref, GraphQLInputObjectType)
        refs = {n: _input_sdl(n, f) for n, f in ref.fields.items()}
        mine = {n: _input_sdl(n, f) for n, f in own.fields.items()}
        return [] if mine == refs else [f"input {own.name}"]
    if isinstance(own, GraphQLEnumType):
        assert isinstance(ref, GraphQLEnumType)
        return [] if own.values.keys() == ref.values.keys() else [f"enum {own.name}"]
    if isinstance(own, GraphQLUnionType):
        assert isinstance(ref, GraphQLUnionType)
        return [t.name for t in own.types if t.name not in {r.name for r in ref.types}]
    return []


def test_committed_schema_is_the_regenerated_cut_byte_for_byte(reference: GraphQLSchema) -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == cut_script().cut(reference), (
        "github_schema.graphql is stale: run `python scripts/cut_github_schema.py`"
    )


def test_every_type_field_and_argument_exists_identically_in_the_reference(
    reference: GraphQLSchema,
) -> None:
    problems: list[str] = []
    for own in _own_types(github_schema()):
        ref = reference.type_map.get(own.name)
        problems += _differences(own, ref) if ref is not None else [f"{own.name} is not GitHub's"]
    assert problems == []


def test_every_manifest_entry_is_served() -> None:
    subset = github_schema()
    for type_name, field_names in cut_script().MANIFEST.items():
        own = subset.type_map[type_name]
        assert isinstance(own, GraphQLObjectType)
        assert set(field_names) <= own.fields.keys(), type_name


def test_subset_is_a_valid_schema() -> None:
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert validate_schema(schema) == []
    assert SCHEMA_FILE.read_text(encoding="utf-8").startswith("# GitHub GraphQL schema subset")
