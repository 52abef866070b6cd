"""Cut the emulator's GitHub GraphQL schema out of GitHub's published schema.

The emulator ships inside the package, where ``../shared/reference`` does not exist, so it
executes against a subset of the real schema: the ``Type.field`` entries in ``MANIFEST`` (with
their real arguments), every input type, enum and scalar they reference, the interfaces they
need (keeping only the fields every kept implementation keeps) and unions limited to kept
object types. Descriptions are dropped to keep the file small.

Usage: python scripts/cut_github_schema.py [--reference PATH] [--output PATH] [--check]
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_named_type,
    is_introspection_type,
    is_specified_scalar_type,
    print_schema,
)

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "github" / "graphql" / "schema.graphql"
OUTPUT = ROOT / "src" / "sync" / "emulator" / "github_schema.graphql"
SOURCE = (
    "github.com/octokit/graphql-schema, schema.graphql (MIT): repo HEAD\n"
    "# 82ff2d4780080e6929ebb95608cefa22dfa05ac7; the file last changed in\n"
    "# 597478f99cfd3d425e9fcac757d97e851ed48720 (2025-02-27), = npm @octokit/graphql-schema@15.26.1"
)

_CONNECTION = ("edges", "nodes", "pageInfo", "totalCount")
_EDGE = ("cursor", "node")
_VALUE_COMMON = ("id", "createdAt", "updatedAt", "field", "item")

# Object types and the fields the emulator serves. Interfaces are derived (see module doc).
MANIFEST: dict[str, tuple[str, ...]] = {
    "Query": (
        "id", "repository", "organization", "user", "repositoryOwner", "node", "nodes", "viewer",
        "rateLimit",
    ),
    "Mutation": (
        "addComment", "updateIssueComment", "closeIssue", "reopenIssue", "addLabelsToLabelable",
        "removeLabelsFromLabelable", "addProjectV2ItemById", "updateProjectV2ItemFieldValue",
        "clearProjectV2ItemFieldValue",
    ),
    "RateLimit": ("cost", "limit", "nodeCount", "remaining", "resetAt", "used"),
    "PageInfo": ("endCursor", "hasNextPage", "hasPreviousPage", "startCursor"),
    "Repository": (
        "id", "databaseId", "name", "nameWithOwner", "url", "owner", "issue", "issues",
        "pullRequests", "issueOrPullRequest", "labels", "label", "releases",
    ),
    "Release": (
        "id", "databaseId", "name", "tagName", "url", "description", "isDraft", "isPrerelease",
        "createdAt", "publishedAt", "author",
    ),
    "Organization": ("id", "databaseId", "login", "name", "url", "projectV2"),
    "User": ("id", "databaseId", "login", "name", "url", "projectV2"),
    "Bot": ("id", "databaseId", "login", "url"),
    "Label": ("id", "name", "color", "description"),
    "Issue": (
        "id", "databaseId", "number", "title", "body", "url", "state", "stateReason", "closed",
        "closedAt", "createdAt", "updatedAt", "author", "assignees", "labels", "comments",
        "subIssues", "subIssuesSummary", "parent", "repository", "projectItems",
        "authorAssociation", "timelineItems",
    ),
    "PullRequest": (
        "id", "databaseId", "number", "title", "body", "url", "state", "closed", "closedAt",
        "createdAt", "updatedAt", "mergedAt", "isDraft", "author", "assignees", "labels",
        "repository", "projectItems", "comments",
    ),
    "IssueComment": (
        "id", "databaseId", "body", "url", "createdAt", "updatedAt", "author",
        "authorAssociation", "viewerDidAuthor",
    ),
    "LabeledEvent": ("id", "createdAt", "actor", "label"),
    "ParentIssueAddedEvent": ("id", "createdAt"),
    "TransferredEvent": ("id", "createdAt"),
    "SubIssuesSummary": ("total", "completed", "percentCompleted"),
    "ProjectV2": ("id", "number", "title", "url", "closed", "owner", "field", "fields", "items"),
    "ProjectV2Field": ("id", "name", "dataType"),
    "ProjectV2SingleSelectField": ("id", "name", "dataType", "options"),
    "ProjectV2IterationField": ("id", "name", "dataType"),
    "ProjectV2SingleSelectFieldOption": ("id", "name", "color", "description"),
    "ProjectV2Item": (
        "id", "type", "isArchived", "createdAt", "updatedAt", "project", "content",
        "fieldValueByName", "fieldValues",
    ),
    "DraftIssue": ("id", "title", "body"),
    "ProjectV2ItemFieldSingleSelectValue": ("name", "optionId", *_VALUE_COMMON),
    "ProjectV2ItemFieldNumberValue": ("number", *_VALUE_COMMON),
    "ProjectV2ItemFieldTextValue": ("text", *_VALUE_COMMON),
    "ProjectV2ItemFieldDateValue": ("date", *_VALUE_COMMON),
    # Built-in fields' values (Labels, Assignees, Repository): no ProjectV2ItemFieldValueCommon.
    "ProjectV2ItemFieldLabelValue": ("field", "labels"),
    "ProjectV2ItemFieldUserValue": ("field", "users"),
    "ProjectV2ItemFieldRepositoryValue": ("field", "repository"),
    "AddCommentPayload": ("clientMutationId", "commentEdge", "subject"),
    "UpdateIssueCommentPayload": ("clientMutationId", "issueComment"),
    "CloseIssuePayload": ("clientMutationId", "issue"),
    "ReopenIssuePayload": ("clientMutationId", "issue"),
    "AddLabelsToLabelablePayload": ("clientMutationId", "labelable"),
    "RemoveLabelsFromLabelablePayload": ("clientMutationId", "labelable"),
    "AddProjectV2ItemByIdPayload": ("clientMutationId", "item"),
    "UpdateProjectV2ItemFieldValuePayload": ("clientMutationId", "projectV2Item"),
    "ClearProjectV2ItemFieldValuePayload": ("clientMutationId", "projectV2Item"),
    **{
        f"{kind}Connection": _CONNECTION
        for kind in (
            "Issue", "PullRequest", "IssueComment", "Label", "User", "ProjectV2Item",
            "ProjectV2FieldConfiguration", "ProjectV2ItemFieldValue", "IssueTimelineItems",
            "Release",
        )
    },
    **{
        f"{kind}Edge": _EDGE
        for kind in (
            "Issue", "PullRequest", "IssueComment", "Label", "User", "ProjectV2Item",
            "ProjectV2FieldConfiguration", "ProjectV2ItemFieldValue", "IssueTimelineItems",
            "Release",
        )
    },
}  # fmt: skip

# Interfaces kept although no kept field returns them: clients use them in fragments.
EXTRA_INTERFACES = ("ProjectV2FieldCommon", "ProjectV2ItemFieldValueCommon")


@functools.cache
def load_reference(path: Path = REFERENCE) -> GraphQLSchema:
    """Build GitHub's full schema (once per process: it takes a second or two).

    graphql-core rejects the SDL as published (two fields are defined twice, and GitHub serves
    deprecated implementations of undeprecated interface fields), so it is built assuming it
    valid; ``graphql.validate`` can then check documents against it.
    """
    sdl = path.read_text(encoding="utf-8")
    return build_schema(sdl, assume_valid_sdl=True, assume_valid=True)


class _Selection:
    """Which named types and fields of the reference schema the subset keeps."""

    def __init__(self, ref: GraphQLSchema) -> None:
        self.ref = ref
        self.fields: dict[str, tuple[str, ...]] = {}  # objects and interfaces
        self.others: set[str] = set()  # unions, enums, scalars, input types

    def run(self) -> _Selection:
        """Select the manifest, then what it references, until nothing new is needed."""
        for name, names in MANIFEST.items():
            self._keep_object(name, names)
        pending = set(EXTRA_INTERFACES) | self._referenced()
        while pending - self._known():
            for name in sorted(pending - self._known()):
                self._keep_named(name)
            pending |= self._referenced()
        self._settle_interfaces()
        return self

    def _known(self) -> set[str]:
        return set(self.fields) | self.others

    def _keep_object(self, name: str, names: Iterable[str]) -> None:
        ref_type = self.ref.type_map[name]
        assert isinstance(ref_type, GraphQLObjectType), name
        missing = [f for f in names if f not in ref_type.fields]
        if missing:
            raise SystemExit(f"{name} has no field(s) {missing} in the reference schema")
        self.fields[name] = tuple(f for f in ref_type.fields if f in names)

    def _keep_named(self, name: str) -> None:
        ref_type = self.ref.type_map[name]
        if isinstance(ref_type, GraphQLObjectType):
            raise SystemExit(f"{name} is referenced by a kept field: add it to MANIFEST")
        if isinstance(ref_type, GraphQLInterfaceType):
            self.fields[name] = self._interface_fields(ref_type)
        else:
            self.others.add(name)

    def _implementations(self, iface: GraphQLInterfaceType) -> list[str]:
        impls = self.ref.get_implementations(iface)
        return [t.name for t in (*impls.objects, *impls.interfaces) if t.name in self.fields]

    def _interface_fields(self, iface: GraphQLInterfaceType) -> tuple[str, ...]:
        impls = self._implementations(iface)
        kept = tuple(f for f in iface.fields if all(f in self.fields[i] for i in impls))
        if not impls or not kept:
            raise SystemExit(f"interface {iface.name} would be empty; adjust MANIFEST")
        return kept

    def _settle_interfaces(self) -> None:
        """Recompute interface fields until stable (an interface may implement another)."""
        changed = True
        while changed:
            changed = False
            for name in list(self.fields):
                ref_type = self.ref.type_map[name]
                if isinstance(ref_type, GraphQLInterfaceType):
                    fields = self._interface_fields(ref_type)
                    changed |= fields != self.fields[name]
                    self.fields[name] = fields

    def _referenced(self) -> set[str]:
        found: set[str] = set()
        for name, names in list(self.fields.items()):
            ref_type = self.ref.type_map[name]
            assert isinstance(ref_type, GraphQLObjectType | GraphQLInterfaceType)
            for field_name in names:
                field = ref_type.fields[field_name]
                found.add(get_named_type(field.type).name)
                found.update(get_named_type(a.type).name for a in field.args.values())
        for name in list(self.others):
            found.update(self._input_refs(self.ref.type_map[name]))
        return {n for n in found if not is_specified_scalar_type(self.ref.type_map[n])}

    def _input_refs(self, ref_type: GraphQLNamedType) -> set[str]:
        if isinstance(ref_type, GraphQLInputObjectType):
            return {get_named_type(f.type).name for f in ref_type.fields.values()}
        if isinstance(ref_type, GraphQLUnionType):
            # Unions keep only kept object types, but interfaces they need must exist.
            return {t.name for t in ref_type.types if t.name in self.fields}
        return set()


class _Builder:
    """Builds description-free copies of the selected reference types."""

    def __init__(self, selection: _Selection) -> None:
        self.sel = selection
        self.types: dict[str, GraphQLNamedType] = {}

    def named(self, name: str) -> Any:
        """The subset's copy of a named type (built on first use)."""
        if name not in self.types:
            self.types[name] = self._copy(self.sel.ref.type_map[name])
        return self.types[name]

    def wrap(self, ref_type: Any) -> Any:
        """Rebuild a (possibly list / non-null) type reference over the subset's types."""
        if isinstance(ref_type, GraphQLNonNull):
            return GraphQLNonNull(self.wrap(ref_type.of_type))
        if isinstance(ref_type, GraphQLList):
            return GraphQLList(self.wrap(ref_type.of_type))
        if is_specified_scalar_type(ref_type):
            return ref_type
        return self.named(ref_type.name)

    def _copy(self, ref_type: GraphQLNamedType) -> GraphQLNamedType:
        copiers: dict[type, Callable[[Any], GraphQLNamedType]] = {
            GraphQLObjectType: self._object,
            GraphQLInterfaceType: self._interface,
            GraphQLUnionType: self._union,
            GraphQLEnumType: self._enum,
            GraphQLInputObjectType: self._input,
            GraphQLScalarType: lambda t: GraphQLScalarType(t.name),
        }
        return copiers[type(ref_type)](ref_type)

    def _fields(self, ref_type: Any) -> Callable[[], dict[str, GraphQLField]]:
        return lambda: {
            name: self._field(ref_type.fields[name]) for name in self.sel.fields[ref_type.name]
        }

    def _field(self, ref: GraphQLField) -> GraphQLField:
        args = {name: self._argument(arg) for name, arg in ref.args.items()}
        return GraphQLField(self.wrap(ref.type), args, deprecation_reason=ref.deprecation_reason)

    def _argument(self, ref: GraphQLArgument) -> GraphQLArgument:
        return GraphQLArgument(
            self.wrap(ref.type),
            default_value=ref.default_value,
            default=ref.default,
            deprecation_reason=ref.deprecation_reason,
        )

    def _interfaces(self, ref_type: Any) -> Callable[[], list[GraphQLInterfaceType]]:
        return lambda: [
            self.named(i.name) for i in ref_type.interfaces if i.name in self.sel.fields
        ]

    def _object(self, ref_type: GraphQLObjectType) -> GraphQLObjectType:
        return GraphQLObjectType(ref_type.name, self._fields(ref_type), self._interfaces(ref_type))

    def _interface(self, ref_type: GraphQLInterfaceType) -> GraphQLInterfaceType:
        return GraphQLInterfaceType(
            ref_type.name, self._fields(ref_type), self._interfaces(ref_type)
        )

    def _union(self, ref_type: GraphQLUnionType) -> GraphQLUnionType:
        kept = [t.name for t in ref_type.types if t.name in self.sel.fields]
        return GraphQLUnionType(ref_type.name, lambda: [self.named(n) for n in kept])

    def _enum(self, ref_type: GraphQLEnumType) -> GraphQLEnumType:
        values = {
            name: GraphQLEnumValue(value.value, deprecation_reason=value.deprecation_reason)
            for name, value in ref_type.values.items()
        }
        return GraphQLEnumType(ref_type.name, values)

    def _input(self, ref_type: GraphQLInputObjectType) -> GraphQLInputObjectType:
        def fields() -> dict[str, GraphQLInputField]:
            """Every input field, as GitHub defines it."""
            return {
                name: GraphQLInputField(
                    self.wrap(f.type),
                    default_value=f.default_value,
                    default=f.default,
                    deprecation_reason=f.deprecation_reason,
                )
                for name, f in ref_type.fields.items()
            }

        return GraphQLInputObjectType(ref_type.name, fields, is_one_of=ref_type.is_one_of)


def subset_schema(ref: GraphQLSchema) -> GraphQLSchema:
    """The subset of ``ref`` that the emulator serves."""
    selection = _Selection(ref).run()
    builder = _Builder(selection)
    names = sorted(selection.fields.keys() | selection.others)
    types = [builder.named(n) for n in names if not is_introspection_type(ref.type_map[n])]
    return GraphQLSchema(
        query=builder.named("Query"), mutation=builder.named("Mutation"), types=types
    )


def header() -> str:
    """The comment that heads the generated file."""
    return (
        "# GitHub GraphQL schema subset served by the community-sync emulator (no descriptions).\n"
        f"# Cut from {SOURCE}.\n"
        "# Generated by scripts/cut_github_schema.py, whose MANIFEST lists the kept Type.field\n"
        "# entries. Do not edit: regenerate with `python scripts/cut_github_schema.py`.\n\n"
    )


def cut(ref: GraphQLSchema) -> str:
    """The text of ``github_schema.graphql`` cut from the full reference schema."""
    return header() + print_schema(subset_schema(ref)) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the emulator's schema file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args(argv)
    text = cut(load_reference(args.reference))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run scripts/cut_github_schema.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
