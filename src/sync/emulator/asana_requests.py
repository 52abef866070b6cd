"""What requests to the emulated Asana carry: JSON bodies, pages and offsets, batch actions.

Parsing and paging shared by the API handlers: each function raises
:class:`~sync.emulator.asana_rules.RuleError` with Asana's words for what it refuses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from sync.emulator.asana_records import Ref
from sync.emulator.asana_rules import RuleError
from sync.emulator.asana_state import Task
from sync.emulator.core import Request

MAX_UNPAGED = 1000  # Asana refuses an unpaginated list longer than this
_INVALID_OFFSET = "offset: Your pagination token is invalid."


class Paginator:
    """Cuts lists into pages with opaque, signed offset tokens, as Asana's ``next_page``."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(16)

    def page(self, request: Request, refs: list[Ref]) -> tuple[list[Ref], dict[str, str] | None]:
        """The page the request asks for, and the ``next_page`` that follows it (or None)."""
        limit, offset = parse_limit(request.arg("limit")), request.arg("offset")
        start = self._start(offset, request.path, refs) if offset else 0
        if limit is None:
            if offset is None and len(refs) > MAX_UNPAGED:
                raise RuleError(
                    "The result is too large. You should use pagination "
                    "(may require specifying a workspace)!"
                )
            return refs[start:], None
        page = refs[start : start + limit]
        if start + limit >= len(refs):
            return page, None
        return page, self._next_page(request, start + limit, page[-1])

    def _next_page(self, request: Request, position: int, last: Ref) -> dict[str, str]:
        payload = json.dumps({"path": request.path, "pos": position, "after": last.obj.gid})
        encoded = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        token = f"{encoded}.{self._sign(encoded)}"
        query = [(k, v) for k, vs in request.query.items() if k != "offset" for v in vs]
        path = f"{request.path}?{urlencode([*query, ('offset', token)])}"
        return {"offset": token, "path": path, "uri": request.base_url + path}

    def _start(self, token: str, path: str, refs: list[Ref]) -> int:
        encoded, _, signature = token.partition(".")
        if not hmac.compare_digest(signature, self._sign(encoded)):
            raise RuleError(_INVALID_OFFSET)
        payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        if payload["path"] != path:
            raise RuleError(_INVALID_OFFSET)
        gids = [ref.obj.gid for ref in refs]
        if payload["after"] in gids:  # resume after the last item seen, if it is still there
            return gids.index(payload["after"]) + 1
        return int(payload["pos"])

    def _sign(self, encoded: str) -> str:
        return hmac.new(self._secret, encoded.encode(), hashlib.sha256).hexdigest()[:24]


def parse_body(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``data`` and ``options`` of a JSON request body."""
    if not request.body.strip():
        return {}, {}
    try:
        body = json.loads(request.body)
    except ValueError as exc:
        raise RuleError("Could not parse request data, invalid JSON") from exc
    if not isinstance(body, dict):
        raise RuleError("Could not parse request data, invalid JSON")
    for key in body:
        if key not in {"data", "options"}:
            raise RuleError(
                f"Unrecognized request field '{key}'. The only allowed keys at the top level "
                "are: data, options. Put the fields to write inside data."
            )
    data, options = body.get("data", {}), body.get("options") or {}
    if not isinstance(data, dict):
        raise RuleError(f"data: Value is not a JSON object: {data}")
    if not isinstance(options, dict):
        raise RuleError(f"options: Value is not a JSON object: {options}")
    return data, options


def parse_limit(raw: str | None) -> int | None:
    """The ``limit`` query parameter: 1..100, or None when absent."""
    if raw is None:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise RuleError(f"limit: The value must be between 1 and 100, not: {raw}")
    return int(raw)


def parse_time(raw: str | None, field: str) -> datetime | None:
    """An ISO 8601 date-time query parameter with a zone, or None when absent."""
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise RuleError(f"{field}: Not a valid date-time: {raw}") from exc
    if moment.tzinfo is None:
        raise RuleError(f"{field}: Not a valid date-time (no time zone): {raw}")
    return moment


def completed_since(tasks: list[Task], raw: str | None) -> list[Task]:
    """Keep incomplete tasks and those completed since ``raw`` (a date-time, or ``now``)."""
    if raw == "now":
        return [t for t in tasks if not t.completed]
    since = parse_time(raw, "completed_since")
    if since is None:
        return tasks
    return [t for t in tasks if t.completed_at is None or t.completed_at >= since]


def action_request(request: Request, action: Any) -> Request:
    """One batch action as a request of its own."""
    if not isinstance(action, dict) or not {"relative_path", "method"} <= set(action):
        raise RuleError("actions: Each action needs relative_path and method")
    method = str(action["method"]).upper()
    if method not in {"GET", "POST", "PUT", "DELETE", "PATCH"}:
        raise RuleError(f"method: Not a valid method: {action['method']}")
    split = urlsplit(str(action["relative_path"]))
    if split.path.rstrip("/") == "/batch":
        raise RuleError("relative_path: A batch request cannot contain another batch request")
    query = parse_qs(split.query, keep_blank_values=True)
    for key, value in (action.get("options") or {}).items():
        name = "opt_fields" if key == "fields" else key
        query[name] = [",".join(value) if isinstance(value, list) else str(value)]
    body = json.dumps({"data": action["data"]}).encode() if "data" in action else b""
    return Request(method, split.path, query, dict(request.headers), body, request.base_url)
