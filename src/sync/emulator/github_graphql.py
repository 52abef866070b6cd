"""The emulated GitHub GraphQL API (``POST /graphql``) over a :class:`GitHubState`.

Documents are parsed and validated with graphql-core against the subset of GitHub's schema in
``github_schema.graphql`` (cut by ``scripts/cut_github_schema.py``) and executed with
graphql-core's default resolvers over the views in ``github_graphql_views`` (queries) and
``github_graphql_mutations`` (mutations). Answers follow api.github.com: HTTP 200 with an
``errors`` array whose entries carry GitHub's ``type`` (``NOT_FOUND``, ``FORBIDDEN``,
``MISSING_PAGINATION_BOUNDARIES``, ...) and no ``data`` when the document does not validate.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from sync.emulator import github_graphql_mutations, github_graphql_views
from sync.emulator.core import Request, Response
from sync.emulator.github_graphql_base import Context, GitHubError, iso
from sync.emulator.github_state import GitHubState

Json = dict[str, Any]

SCHEMA_RESOURCE = "github_schema.graphql"
RATE_LIMIT = 5000  # points an hour, as for a personal access token
ROOT: Json = {**github_graphql_views.QUERY, **github_graphql_mutations.MUTATION}


@functools.cache
def github_schema() -> GraphQLSchema:
    """The schema the emulator serves (cut from GitHub's), built once per process."""
    sdl = resources.files("sync.emulator").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    return build_schema(sdl)


# -- the endpoint ----------------------------------------------------------------------------

_GITHUB_WORDING: list[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[str, Json]]]] = [
    (
        re.compile(r"Cannot query field '(\w+)' on type '(\w+)'\."),
        lambda m: (
            f"Field '{m[1]}' doesn't exist on type '{m[2]}'",
            {"code": "undefinedField", "typeName": m[2], "fieldName": m[1]},
        ),
    ),
    (
        re.compile(r"Argument '\w+\.(\w+)\((\w+):\)' of type '.+' is required"),
        lambda m: (
            f"Field '{m[1]}' is missing required arguments: {m[2]}",
            {"code": "missingRequiredArguments", "className": "Field", "name": m[1],
             "arguments": m[2]},
        ),
    ),
    (
        re.compile(r"Unknown argument '(\w+)' on field '\w+\.(\w+)'\."),
        lambda m: (
            f"Field '{m[2]}' doesn't accept argument '{m[1]}'",
            {"code": "argumentNotAccepted", "name": m[2], "typeName": "Field",
             "argumentName": m[1]},
        ),
    ),
]  # fmt: skip


def _locations(error: GraphQLError) -> list[Json]:
    return [{"line": loc.line, "column": loc.column} for loc in error.locations or ()]


def _validation_error(error: GraphQLError) -> Json:
    """A parse or validation error, worded as GitHub (graphql-ruby) words the common ones."""
    for pattern, reword in _GITHUB_WORDING:
        match = pattern.match(error.message)
        if match is not None:
            message, extensions = reword(match)
            return {"locations": _locations(error), "message": message, "extensions": extensions}
    return {"locations": _locations(error), "message": error.message}


def _execution_error(error: GraphQLError) -> Json:
    """A field error in GitHub's shape: type, path, locations, message."""
    out: Json = {}
    original = error.original_error
    if isinstance(original, GitHubError) and original.kind:
        out["type"] = original.kind
    if error.path:
        out["path"] = list(error.path)
    out["locations"] = _locations(error)
    out["message"] = error.message
    return out


@functools.lru_cache(maxsize=256)
def _prepare(query: str) -> tuple[DocumentNode | None, tuple[Json, ...]]:
    """Parse and validate a document once (clients send the same few queries all the time)."""
    try:
        document = parse(query)
    except GraphQLError as err:
        return None, (_validation_error(err),)
    errors = validate(github_schema(), document)
    return (None, tuple(map(_validation_error, errors))) if errors else (document, ())


def _token(request: Request) -> str:
    scheme, _, token = (request.header("Authorization") or "").partition(" ")
    return token.strip() if scheme.lower() in {"bearer", "token"} else ""


def _read_body(request: Request) -> tuple[str, Json, str | None] | Json:
    """(query, variables, operation name), or an error body."""
    payload = request.json()
    query = payload.get("query") if isinstance(payload, dict) else None
    if not isinstance(query, str):
        return {
            "errors": [{"message": "A query attribute must be specified and must be a string."}]
        }
    variables = payload.get("variables") or {}
    if isinstance(variables, str):  # some clients send the variables JSON-encoded
        try:
            variables = json.loads(variables or "{}")
        except ValueError:
            variables = None
    if not isinstance(variables, dict):
        return {"errors": [{"message": "Variables are invalid JSON."}]}
    return query, variables, payload.get("operationName")


def _result_body(result: ExecutionResult) -> Json:
    errors = result.errors or []
    body: Json = {}
    if result.data is not None or any(error.path for error in errors):
        body["data"] = result.data
    if errors:
        body["errors"] = [_execution_error(error) for error in errors]
    return body


class GraphQLEndpoint:
    """``POST /graphql`` of the emulated GitHub, over a :class:`GitHubState`."""

    def __init__(self, state: GitHubState, *, rate_limit: int = RATE_LIMIT) -> None:
        self.state = state
        self.rate_limit = rate_limit
        self._usage: dict[str, tuple[datetime, int]] = {}  # token -> (window reset, points)

    def __call__(self, request: Request) -> Response:
        """Answer one GraphQL request as api.github.com/graphql would."""
        token = _token(request)
        rate = self._charge(token)
        if rate["remaining"] < 0:
            return self._answer(_rate_limited(self.state, token), rate)
        parsed = _read_body(request)
        if isinstance(parsed, dict):
            return self._answer(parsed, rate)
        return self._answer(self.execute(token, *parsed, rate=rate), rate)

    def execute(
        self,
        token: str,
        query: str,
        variables: Json | None = None,
        operation: str | None = None,
        *,
        rate: Json | None = None,
    ) -> Json:
        """Run one document for a token; return the response body (``data`` / ``errors``)."""
        document, errors = _prepare(query)
        if document is None:
            return {"errors": list(errors)}
        viewer = self.state.viewer_for_token(token)
        ctx = Context(self.state, token, viewer, rate or self._peek(token))
        result = execute_sync(github_schema(), document, ROOT, ctx, variables, operation)
        return _result_body(result)

    def _window(self, token: str) -> tuple[datetime, int]:
        now = self.state.clock()
        reset, used = self._usage.get(token, (now, 0))
        if reset <= now:
            reset, used = now.replace(microsecond=0) + timedelta(hours=1), 0
        return reset, used

    def _peek(self, token: str) -> Json:
        reset, used = self._window(token)
        return self._rate(reset, used, cost=0)

    def _charge(self, token: str) -> Json:
        reset, used = self._window(token)
        self._usage[token] = (reset, used + 1)
        return self._rate(reset, used + 1, cost=1)

    def _rate(self, reset: datetime, used: int, cost: int) -> Json:
        remaining = self.rate_limit - used
        return {
            "cost": cost,
            "limit": self.rate_limit,
            "nodeCount": 0,
            "remaining": remaining,
            "resetAt": iso(reset),
            "used": used,
        }

    def _answer(self, body: Json, rate: Json) -> Response:
        reset = datetime.fromisoformat(rate["resetAt"])
        headers = {
            "X-RateLimit-Limit": str(rate["limit"]),
            "X-RateLimit-Remaining": str(max(rate["remaining"], 0)),
            "X-RateLimit-Used": str(min(rate["used"], rate["limit"])),
            "X-RateLimit-Reset": str(int(reset.timestamp())),
            "X-RateLimit-Resource": "graphql",
        }
        return Response(200, body, headers)


def _rate_limited(state: GitHubState, token: str) -> Json:
    user = state.users.get(state.viewer_for_token(token).lower())
    who = user.id if user is not None else 0
    message = f"API rate limit already exceeded for user ID {who}."
    return {"errors": [{"type": "RATE_LIMITED", "message": message}]}
