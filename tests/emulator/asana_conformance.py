"""Check Asana requests and responses against Asana's own OpenAPI description.

Plain functions any test can import: the product's requests (taken from the emulator's request
log) and the emulator's answers are validated against ``reference/asana/asana_oas.yaml``, so
neither can drift from the real API unnoticed. Two checks go beyond JSON Schema, because the
OpenAPI document never forbids extra properties: a request may not send a property the
operation does not have (nor write a read-only one), and a response may not carry a property
the document does not define.

OpenAPI 3.0 is turned into JSON Schema by rewriting ``nullable``; ``$ref`` resolves inside the
document. Where the document is known to be narrower than the real API, ``KNOWN_GAPS`` widens
it, each with its reason.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml

from sync.emulator.asana_records import Tree, parse_opt_fields

OAS_PATH = Path(
    os.environ.get("ASANA_OAS_PATH")
    or Path(__file__).resolve().parents[3] / "shared/reference/asana/asana_oas.yaml"
)
_PREFIXES = ("/asana/api/1.0", "/api/1.0")
_REF = "#/components/schemas/"
_DROP = frozenset({"example", "examples", "description", "externalDocs", "xml", "deprecated"})
# Properties the document marks readOnly that an operation may still write.
_WRITABLE_READ_ONLY = {("POST", "memberships")}  # "*Create-only*" per TaskBase.memberships

# (schema name, JSON pointer inside it, replacement, why)
KNOWN_GAPS: list[tuple[str, tuple[str | int, ...], Any, str]] = [
    (
        "TaskRequestBase",
        ("allOf", 1, "properties", "custom_fields", "additionalProperties"),
        {},
        "The property's own description and Asana's custom fields guide say a value is an "
        "enum option gid, a string, a number, an object or an array, not only a string.",
    ),
    *[
        (
            "TaskSetParentRequest",
            ("properties", key, "type"),
            ["string", "null"],
            f"The description of {key} says it may be `null`, but the schema lacks nullable.",
        )
        for key in ("parent", "insert_after", "insert_before")
    ],
]


class ConformanceError(AssertionError):
    """A request or response that does not fit Asana's OpenAPI description."""


@functools.cache
def load_oas() -> dict[str, Any]:
    """Asana's OpenAPI description, loaded once."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with OAS_PATH.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=loader)
    return document


@functools.cache
def _components() -> dict[str, Any]:
    schemas = {name: _convert(s) for name, s in load_oas()["components"]["schemas"].items()}
    for name, pointer, replacement, _why in KNOWN_GAPS:
        node = schemas[name]
        for step in pointer[:-1]:
            node = node[step]
        node[pointer[-1]] = replacement
    return {"schemas": schemas}


def _convert(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: drop annotations, rewrite ``nullable``."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _convert(sub) for name, sub in value.items()}
        elif key not in _DROP and not key.startswith("x-") and key != "nullable":
            out[key] = _convert(value)
    nullable = node.get("nullable") is True or any(
        isinstance(m, dict) and m.get("nullable") is True for m in node.get("allOf", [])
    )
    if not nullable:
        return out
    if isinstance(out.get("type"), str) and "allOf" not in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return out
    return {"anyOf": [{"type": "null"}, out]}


# -- operations ------------------------------------------------------------------------------
@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    for template in load_oas()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        compiled.append((re.compile(pattern + r"\Z"), template))
    # A literal segment beats a parameter: fewer parameters first.
    return sorted(compiled, key=lambda pair: pair[1].count("{"))


def match_path(path: str) -> str:
    """The OAS path template of a concrete path (``/tasks/1`` -> ``/tasks/{task_gid}``)."""
    bare = urlsplit(path).path.rstrip("/") or "/"
    for prefix in _PREFIXES:
        if bare.startswith(prefix + "/"):
            bare = bare[len(prefix) :]
    for pattern, template in _templates():
        if pattern.match(bare):
            return template
    raise ConformanceError(f"{path}: no such path in Asana's API")


def operation(method: str, path_template: str) -> dict[str, Any]:
    """The OAS operation for a method and path template."""
    item = load_oas()["paths"].get(path_template)
    if item is None or method.lower() not in item:
        raise ConformanceError(f"{method} {path_template}: no such operation in Asana's API")
    op: dict[str, Any] = item[method.lower()]
    return op


def _rooted(schema: dict[str, Any]) -> dict[str, Any]:
    return {**_convert(schema), "components": _components()}


def request_schema(method: str, path_template: str) -> dict[str, Any] | None:
    """The JSON Schema of an operation's JSON request body (None when it takes none)."""
    body = operation(method, path_template).get("requestBody")
    if body is None:
        return None
    return _rooted(body["content"]["application/json"]["schema"])


def response_schema(method: str, path_template: str, status: int) -> dict[str, Any] | None:
    """The JSON Schema of an operation's answer with this status (errors share one schema)."""
    responses = {str(k): v for k, v in operation(method, path_template)["responses"].items()}
    answer = responses.get(str(status))
    if answer is None and status >= 400:
        answer = {"$ref": "#/components/responses/GenericErrorResponse"}
    if answer is None:
        documented = ", ".join(sorted(responses))
        raise ConformanceError(f"{method} {path_template}: status {status} not in {documented}")
    if "$ref" in answer:
        answer = load_oas()["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    content = answer.get("content", {}).get("application/json")
    return None if content is None else _rooted(content["schema"])


# -- validation ------------------------------------------------------------------------------
def validate_request_body(method: str, path: str, body: Any) -> None:
    """Check a JSON request body against the operation's schema, strictly (no extra fields)."""
    template = match_path(path)
    schema = request_schema(method, template)
    where = f"{method} {template}"
    if schema is None:
        if body not in (None, {}, b""):
            raise ConformanceError(f"{where}: takes no request body, got {body!r}")
        return
    problems = _schema_problems(schema, body)
    problems += _Strict(method.upper(), request=True).problems(body, schema, "body")
    _raise(where, problems)
    if template == "/batch":
        for action in (body.get("data") or {}).get("actions", []):
            if "data" in action:
                validate_request_body(
                    action["method"], action["relative_path"], {"data": action["data"]}
                )


def validate_response_body(method: str, path: str, status: int, body: Any) -> None:
    """Check a response body against the operation's schema for that status, strictly."""
    template = match_path(path)
    schema = response_schema(method, template, status)
    if schema is None:
        return
    problems = _schema_problems(schema, body)
    problems += _Strict(method.upper(), request=False).problems(body, schema, "response")
    _raise(f"{method} {template} -> {status}", problems)


def validate_query(method: str, path: str, query: Mapping[str, Any]) -> None:
    """Check ``opt_fields`` names only fields the operation has, and typed parameters' values.

    Parameters Asana does not declare are not flagged: Asana ignores them, and the SDK itself
    adds ``limit`` to calls that take none.
    """
    template = match_path(path)
    declared = _parameters(method, template)
    problems: list[str] = []
    for name, raw in query.items():
        value = raw[0] if isinstance(raw, list) else raw
        param = declared.get(name)
        if param is None:
            continue
        if name == "opt_fields":
            problems += _opt_field_problems(str(value), param)
        else:
            problems += _schema_problems(_rooted(param.get("schema", {})), _typed(value, param))
    _raise(f"{method} {template} query", [f"{p}" for p in problems])


def _parameters(method: str, template: str) -> dict[str, dict[str, Any]]:
    item = load_oas()["paths"][template]
    found: dict[str, dict[str, Any]] = {}
    for param in item.get("parameters", []) + operation(method, template).get("parameters", []):
        if "$ref" in param:
            param = load_oas()["components"]["parameters"][param["$ref"].rsplit("/", 1)[-1]]
        if param.get("in") == "query":
            found[param["name"]] = param
    return found


def _typed(value: str, param: dict[str, Any]) -> Any:
    kind = param.get("schema", {}).get("type")
    if kind == "integer" and value.lstrip("-").isdigit():
        return int(value)
    if kind == "boolean" and value in {"true", "false"}:
        return value == "true"
    return value


def _opt_field_problems(raw: str, param: dict[str, Any]) -> list[str]:
    known = set(param.get("schema", {}).get("items", {}).get("enum") or [])
    if not known:
        return []
    paths = _leaf_paths(parse_opt_fields(raw) or {})
    return [
        f"opt_fields: {path} is not a field of this resource"
        for path in paths
        if not _known_path(path, known)
    ]


def _leaf_paths(tree: Tree, prefix: str = "") -> list[str]:
    paths: list[str] = []
    for name, sub in tree.items():
        path = prefix + name
        paths += _leaf_paths(sub, path + ".") if sub else [path]
    return paths


def _known_path(path: str, known: set[str]) -> bool:
    head, _, last = path.rpartition(".")
    # The gid (and resource_type) of any object always comes along, so naming them is fine.
    return path in known or (last in {"gid", "resource_type"} and (not head or head in known))


def validate_recorded_requests(requests: Iterable[Any], service: str = "asana") -> int:
    """Validate every request an emulator recorded for a service (body, query); return the count."""
    count = 0
    for entry in requests:
        if entry.service != service:
            continue
        body = json.loads(entry.body) if entry.body else None
        validate_request_body(entry.method, entry.path, body)
        validate_query(entry.method, entry.path, entry.query)
        count += 1
    return count


def _raise(where: str, problems: list[str]) -> None:
    problems = list(dict.fromkeys(problems))
    if problems:
        raise ConformanceError(f"{where}:\n  " + "\n  ".join(problems))


def _schema_problems(schema: dict[str, Any], instance: Any) -> list[str]:
    validator = jsonschema.Draft4Validator(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message[:300]}"
        for error in validator.iter_errors(instance)
    ]


# -- strictness the document does not express ------------------------------------------------
def _deref(schema: Any, seen: frozenset[str] = frozenset()) -> tuple[Any, frozenset[str]]:
    """Follow $refs; a compact record also admits its full record's fields (via opt_fields)."""
    schemas = _components()["schemas"]
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].removeprefix(_REF)
        full = name.removesuffix("Compact") + "Response"
        widen = name.endswith("Compact") and full in schemas and name not in seen
        seen |= {name}
        if widen:
            return {"allOf": [schemas[name], {"$ref": _REF + full}]}, seen
        schema = schemas[name]
    return schema, seen


def _shape(
    schema: Any, seen: frozenset[str] = frozenset()
) -> tuple[dict[str, Any] | None, Any, bool]:
    """Merged (properties, additionalProperties, readOnly) of a schema through allOf/anyOf."""
    schema, seen = _deref(schema, seen)
    if not isinstance(schema, dict):
        return None, None, False
    props: dict[str, Any] | None = dict(schema["properties"]) if "properties" in schema else None
    additional, read_only = schema.get("additionalProperties"), schema.get("readOnly") is True
    for member in schema.get("allOf", []) + schema.get("anyOf", []):
        sub_props, sub_additional, sub_read_only = _shape(member, seen)
        if sub_props is not None:
            props = {**(props or {}), **sub_props}
        additional = additional if sub_additional is None else sub_additional
        read_only = read_only or sub_read_only
    return props, additional, read_only


def _items(schema: Any) -> Any:
    schema = _deref(schema)[0]
    if not isinstance(schema, dict):
        return None
    if "items" in schema:
        return schema["items"]
    for member in schema.get("allOf", []) + schema.get("anyOf", []):
        if (found := _items(member)) is not None:
            return found
    return None


@dataclass(frozen=True)
class _Strict:
    """Finds properties the document does not define (and, in requests, read-only writes)."""

    method: str
    request: bool

    def problems(self, instance: Any, schema: Any, where: str) -> list[str]:
        """Every problem in ``instance`` (at ``where``) against ``schema``."""
        if isinstance(instance, list):
            items = _items(schema)
            return self._each(enumerate(instance), items, where, "[{}]") if items else []
        if not isinstance(instance, dict):
            return []
        props, additional, _ = _shape(schema)
        if props is None:
            free = isinstance(additional, dict)
            return self._each(instance.items(), additional, where, ".{}") if free else []
        return [
            p
            for key, value in instance.items()
            for p in self._property(key, value, props, additional, where)
        ]

    def _property(
        self, key: str, value: Any, props: dict[str, Any], additional: Any, where: str
    ) -> list[str]:
        sub = props.get(key, additional if isinstance(additional, dict) else None)
        if sub is None:
            return [f"{where}.{key}: not a property Asana defines here"]
        if self.request and _shape(sub)[2] and (self.method, key) not in _WRITABLE_READ_ONLY:
            return [f"{where}.{key}: read-only, Asana refuses to write it"]
        return self.problems(value, sub, f"{where}.{key}")

    def _each(
        self, pairs: Iterable[tuple[Any, Any]], schema: Any, where: str, step: str
    ) -> list[str]:
        return [
            p
            for key, value in pairs
            for p in self.problems(value, schema, where + step.format(key))
        ]
