"""The emulated Asana REST API (``/api/1.0``): the endpoints the product uses, answered as Asana does.

Envelopes are ``{"data": ...}`` (lists add ``next_page`` when paginated); errors are
``{"errors": [{"message", "help"}]}``. Lists answer compact records and single objects full
ones, both shaped by ``opt_fields`` (see :mod:`sync.emulator.asana_records`). Writes are checked
by :mod:`sync.emulator.asana_writes` and :mod:`sync.emulator.asana_rules`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from sync.emulator.asana_records import COMPACT, FULL, Ref, Spec, parse_opt_fields, render
from sync.emulator.asana_rules import RuleError
from sync.emulator.asana_state import AsanaState, Task
from sync.emulator.asana_writes import TaskWrites
from sync.emulator.core import ApiError, Request, Response, Router

HELP = (
    "For more information on API status codes and how to handle them, "
    "read the docs on errors: https://developers.asana.com/docs/errors"
)
MAX_UNPAGED = 1000  # Asana refuses an unpaginated list longer than this
MAX_BATCH = 10
_GID = r"(?P<gid>[^/]+)"
_FIELD_FILTER = re.compile(r"custom_fields\.(\d+)\.(\w+)\Z")


def error_body(message: str) -> dict[str, Any]:
    """Asana's error envelope for one message."""
    return {"errors": [{"message": message, "help": HELP}]}


class AsanaService:
    """The emulated Asana API over an :class:`AsanaState`; mount it at ``/asana/api/1.0``."""

    name = "asana"

    def __init__(self, state: AsanaState) -> None:
        self.state = state
        self.writes = TaskWrites(state)
        self.pages = Paginator()
        self.router = Router()
        self._add_read_routes()
        self._add_write_routes()
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            self.router.add(method, r"/.*", self._no_route)

    def handle(self, request: Request) -> Response:
        """Answer one request (already authorized by the emulator)."""
        try:
            return self.router.dispatch(request)
        except RuleError as err:
            return Response(err.status, error_body(err.message))

    def auth_error(self) -> Response:
        """Asana's answer to a missing or unknown token."""
        return Response(401, {"errors": [{"message": "Not Authorized", "help": HELP}]})

    # -- routes ----------------------------------------------------------------------------
    def _add_read_routes(self) -> None:
        add = self.router.add
        add("GET", r"/users", self._list_users)
        add("GET", rf"/users/{_GID}", self._get_user)
        add("GET", r"/workspaces", self._list_workspaces)
        add("GET", rf"/workspaces/{_GID}", self._get_workspace)
        add("GET", rf"/workspaces/{_GID}/users", self._list_workspace_users)
        add("GET", rf"/workspaces/{_GID}/custom_fields", self._list_fields)
        add("GET", rf"/workspaces/{_GID}/tasks/search", self._search)
        add("GET", r"/projects", self._list_projects)
        add("GET", rf"/projects/{_GID}", self._get_project)
        add("GET", rf"/projects/{_GID}/custom_field_settings", self._list_settings)
        add("GET", rf"/projects/{_GID}/tasks", self._list_project_tasks)
        add("GET", rf"/custom_fields/{_GID}", self._get_field)
        add("GET", r"/tasks", self._list_tasks)
        add("GET", rf"/tasks/{_GID}", self._get_task)
        add("GET", rf"/tasks/{_GID}/subtasks", self._list_subtasks)
        add("GET", rf"/tasks/{_GID}/stories", self._list_stories)

    def _add_write_routes(self) -> None:
        add = self.router.add
        add("POST", r"/tasks", self._create_task)
        add("PUT", rf"/tasks/{_GID}", self._update_task)
        add("DELETE", rf"/tasks/{_GID}", self._delete_task)
        add("POST", rf"/tasks/{_GID}/subtasks", self._create_subtask)
        add("POST", rf"/tasks/{_GID}/setParent", self._set_parent)
        add("POST", rf"/tasks/{_GID}/addProject", self._add_project)
        add("POST", rf"/tasks/{_GID}/removeProject", self._remove_project)
        add("POST", rf"/tasks/{_GID}/stories", self._add_story)
        add("POST", r"/batch", self._batch)

    def _no_route(self, request: Request) -> Response:
        raise RuleError("No matching route for request", 404)

    # -- reads -----------------------------------------------------------------------------
    def _list_users(self, request: Request) -> Response:
        users = list(self.state.users.values())
        workspace = request.arg("workspace")
        if workspace is not None:
            self._lookup(self.state.workspaces, workspace, "workspace", 400)
            users = [u for u in users if workspace in u.workspaces]
        return self._list(request, [Ref("user", u) for u in users])

    def _get_user(self, request: Request, gid: str) -> Response:
        ref = self._me(request) if gid == "me" else gid
        user = next((u for u in self.state.users.values() if ref in (u.gid, u.email)), None)
        if user is None:
            return self._one(request, Ref("user", self._lookup(self.state.users, gid, "user")))
        return self._one(request, Ref("user", user))

    def _list_workspaces(self, request: Request) -> Response:
        return self._list(request, [Ref("workspace", w) for w in self.state.workspaces.values()])

    def _get_workspace(self, request: Request, gid: str) -> Response:
        workspace = self._lookup(self.state.workspaces, gid, "workspace")
        return self._one(request, Ref("workspace", workspace))

    def _list_workspace_users(self, request: Request, gid: str) -> Response:
        self._lookup(self.state.workspaces, gid, "workspace")
        users = [u for u in self.state.users.values() if gid in u.workspaces]
        return self._list(request, [Ref("user", u) for u in users])

    def _list_fields(self, request: Request, gid: str) -> Response:
        self._lookup(self.state.workspaces, gid, "workspace")
        fields = [f for f in self.state.custom_fields.values() if f.workspace == gid]
        return self._list(request, [Ref("custom_field", f) for f in fields])

    def _list_projects(self, request: Request) -> Response:
        projects = list(self.state.projects.values())
        workspace, archived = request.arg("workspace"), request.arg("archived")
        if workspace is not None:
            self._lookup(self.state.workspaces, workspace, "workspace", 400)
            projects = [p for p in projects if p.workspace == workspace]
        if archived is not None:
            projects = [p for p in projects if p.archived == (archived == "true")]
        return self._list(request, [Ref("project", p) for p in projects])

    def _get_project(self, request: Request, gid: str) -> Response:
        return self._one(request, Ref("project", self._lookup(self.state.projects, gid, "project")))

    def _list_settings(self, request: Request, gid: str) -> Response:
        project = self._lookup(self.state.projects, gid, "project")
        fields = [self.state.custom_fields[f] for f in project.settings]
        return self._list(request, [Ref("setting", (project, f)) for f in fields])

    def _list_project_tasks(self, request: Request, gid: str) -> Response:
        self._lookup(self.state.projects, gid, "project")
        tasks = _completed_since(self.state.tasks_in_project(gid), request.arg("completed_since"))
        return self._list(request, [Ref("task", t) for t in tasks])

    def _get_field(self, request: Request, gid: str) -> Response:
        custom_field = self._lookup(self.state.custom_fields, gid, "custom_field")
        return self._one(request, Ref("custom_field", custom_field))

    def _list_tasks(self, request: Request) -> Response:
        project, section = request.arg("project"), request.arg("section")
        assignee, workspace = request.arg("assignee"), request.arg("workspace")
        if [project, section, assignee and workspace].count(None) != 2:
            raise RuleError(
                "Must specify exactly one of project, tag, section, user task list, "
                "or assignee + workspace"
            )
        if project is not None or section is not None:
            tasks = self._tasks_in(project, section)
        else:
            tasks = self._tasks_assigned(str(assignee), str(workspace), request)
        tasks = _completed_since(tasks, request.arg("completed_since"))
        since = _parse_time(request.arg("modified_since"), "modified_since")
        if since is not None:
            tasks = [t for t in tasks if t.modified_at >= since]
        return self._list(request, [Ref("task", t) for t in tasks])

    def _tasks_in(self, project: str | None, section: str | None) -> list[Task]:
        if project is not None:
            return self.state.tasks_in_project(self._lookup(self.state.projects, project, "project", 400).gid)
        home = next((p for p in self.state.projects.values() if p.section_gid == section), None)
        if home is None:
            raise RuleError(f"section: Unknown object: {section}")
        return self.state.tasks_in_project(home.gid)

    def _tasks_assigned(self, assignee: str, workspace: str, request: Request) -> list[Task]:
        self._lookup(self.state.workspaces, workspace, "workspace", 400)
        user = self.state.resolve_user(self._me(request) if assignee == "me" else assignee, workspace)
        if user is None:
            raise RuleError(f"assignee: Not a user in Organization: {assignee}")
        live = [t for t in self.state.tasks.values() if self.state.is_live(t.gid)]
        return [t for t in live if t.assignee == user and t.workspace == workspace]

    def _get_task(self, request: Request, gid: str) -> Response:
        return self._one(request, Ref("task", self._task(gid)))

    def _list_subtasks(self, request: Request, gid: str) -> Response:
        self._task(gid)
        return self._list(request, [Ref("task", t) for t in self.state.subtasks_of(gid)])

    def _list_stories(self, request: Request, gid: str) -> Response:
        self._task(gid)
        stories = [s for s in self.state.stories.values() if s.task == gid]
        return self._list(request, [Ref("story", s) for s in stories])

    def _search(self, request: Request, gid: str) -> Response:
        self._lookup(self.state.workspaces, gid, "workspace")
        if not self.state.premium:
            raise RuleError("Search is only available to premium users.", 402)
        limit = _limit(request.arg("limit")) or 100
        checks = _search_checks(self.state, request)
        found = [t for t in self.state.indexed_tasks() if t.workspace == gid]
        found = [t for t in found if self.state.is_live(t.gid) and all(c(t) for c in checks)]
        found = _sort(found, request.arg("sort_by") or "modified_at", request.arg("sort_ascending"))
        refs = [Ref("task", self.state.tasks[t.gid]) for t in found[:limit]]
        return Response(200, {"data": [render(self.state, r, self._spec(request, COMPACT)) for r in refs]})

    # -- writes ----------------------------------------------------------------------------
    def _create_task(self, request: Request) -> Response:
        task = self.writes.create(_body(request)[0])
        return self._one(request, Ref("task", task), 201)

    def _create_subtask(self, request: Request, gid: str) -> Response:
        parent = self._task(gid)
        task = self.writes.create({**_body(request)[0], "parent": parent.gid})
        return self._one(request, Ref("task", task), 201)

    def _update_task(self, request: Request, gid: str) -> Response:
        task = self._task(gid)
        self.writes.update(task, _body(request)[0])
        return self._one(request, Ref("task", task))

    def _delete_task(self, request: Request, gid: str) -> Response:
        self.writes.delete(self._task(gid))
        return Response(200, {"data": {}})

    def _set_parent(self, request: Request, gid: str) -> Response:
        task = self._task(gid)
        self.writes.set_parent(task, _body(request)[0])
        return self._one(request, Ref("task", task))

    def _add_project(self, request: Request, gid: str) -> Response:
        self.writes.add_project(self._task(gid), _body(request)[0])
        return Response(200, {"data": {}})

    def _remove_project(self, request: Request, gid: str) -> Response:
        self.writes.remove_project(self._task(gid), _body(request)[0])
        return Response(200, {"data": {}})

    def _add_story(self, request: Request, gid: str) -> Response:
        story = self.writes.add_story(self._task(gid), _body(request)[0], self._me(request))
        return self._one(request, Ref("story", story), 201)

    def _batch(self, request: Request) -> Response:
        actions = _body(request)[0].get("actions")
        if not isinstance(actions, list) or not actions:
            raise RuleError("actions: Missing input")
        if len(actions) > MAX_BATCH:
            raise RuleError(f"actions: At most {MAX_BATCH} actions are allowed in a batch request")
        return Response(200, {"data": [self._run_action(request, a) for a in actions]})

    def _run_action(self, request: Request, action: Any) -> dict[str, Any]:
        try:
            response = self.handle(_action_request(request, action))
        except ApiError as err:
            response = Response(err.status, err.body)
        except RuleError as err:
            response = Response(err.status, error_body(err.message))
        return {"status_code": response.status, "headers": {}, "body": response.body}

    # -- helpers ---------------------------------------------------------------------------
    def _me(self, request: Request) -> str:
        auth = request.header("Authorization") or ""
        token = auth.partition(" ")[2].strip()
        return self.state.tokens.get(token) or self.state.me or ""

    def _task(self, gid: str) -> Task:
        task = self._lookup(self.state.tasks, gid, "task")
        if gid in self.state.deleted:
            raise RuleError(f"task: Unknown object: {gid}", 404)
        return task  # type: ignore[no-any-return]

    def _lookup(self, table: dict[str, Any], gid: str, resource: str, status: int = 404) -> Any:
        """An object named in the path (404) or a query parameter (400), or the refusal."""
        if gid in table:
            return table[gid]
        if not gid.isdigit():
            raise RuleError(f"{resource}: Not a recognized ID: {gid}", 400)
        if self._known_elsewhere(gid):
            raise RuleError(f"{resource}: Not a recognized ID: {gid}", status)
        raise RuleError(f"{resource}: Unknown object: {gid}", status)

    def _known_elsewhere(self, gid: str) -> bool:
        state = self.state
        tables: list[dict[str, Any]] = [state.workspaces, state.users, state.projects]
        tables += [state.custom_fields, state.tasks, state.stories]
        return any(gid in table for table in tables)

    def _spec(self, request: Request, default: Spec) -> Spec:
        raw: Any = request.arg("opt_fields")
        if raw is None and request.method in {"POST", "PUT"}:
            raw = _body(request)[1].get("fields")
        return parse_opt_fields(raw) or default

    def _one(self, request: Request, ref: Ref, status: int = 200) -> Response:
        return Response(status, {"data": render(self.state, ref, self._spec(request, FULL))})

    def _list(self, request: Request, refs: list[Ref]) -> Response:
        page, next_page = self.pages.page(request, refs)
        spec = self._spec(request, COMPACT)
        body: dict[str, Any] = {"data": [render(self.state, r, spec) for r in page]}
        if request.arg("limit") is not None:
            body["next_page"] = next_page
        return Response(200, body)


class Paginator:
    """Cuts lists into pages with opaque, signed offset tokens, as Asana's ``next_page``."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(16)

    def page(self, request: Request, refs: list[Ref]) -> tuple[list[Ref], dict[str, str] | None]:
        """The page the request asks for, and the ``next_page`` that follows it (or None)."""
        limit, offset = _limit(request.arg("limit")), request.arg("offset")
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
            raise RuleError("offset: Your pagination token is invalid.")
        payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        if payload["path"] != path:
            raise RuleError("offset: Your pagination token is invalid.")
        gids = [ref.obj.gid for ref in refs]
        if payload["after"] in gids:  # resume after the last item seen, if it is still there
            return gids.index(payload["after"]) + 1
        return int(payload["pos"])

    def _sign(self, encoded: str) -> str:
        return hmac.new(self._secret, encoded.encode(), hashlib.sha256).hexdigest()[:24]


def _body(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
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
    return data, options


def _limit(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise RuleError(f"limit: The value must be between 1 and 100, not: {raw}")
    return int(raw)


def _parse_time(raw: str | None, field: str) -> datetime | None:
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise RuleError(f"{field}: Not a valid date-time: {raw}") from exc
    if moment.tzinfo is None:
        raise RuleError(f"{field}: Not a valid date-time (no time zone): {raw}")
    return moment


def _completed_since(tasks: list[Task], raw: str | None) -> list[Task]:
    if raw is None:
        return tasks
    if raw == "now":
        return [t for t in tasks if not t.completed]
    since = _parse_time(raw, "completed_since")
    return [t for t in tasks if not t.completed or (t.completed_at or since) >= since]  # type: ignore[operator]


def _action_request(request: Request, action: Any) -> Request:
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


def _search_checks(state: AsanaState, request: Request) -> list[Callable[[Task], bool]]:
    """The filters of a search request, as predicates over indexed task snapshots."""
    checks: list[Callable[[Task], bool]] = []
    arg = request.arg
    if (text := arg("text")) is not None:
        checks.append(lambda t: text.lower() in f"{t.name}\n{t.notes}".lower())
    if (any_of := arg("projects.any")) is not None:
        checks.append(lambda t: bool(set(any_of.split(",")) & set(t.projects)))
    if (none_of := arg("projects.not")) is not None:
        checks.append(lambda t: not set(none_of.split(",")) & set(t.projects))
    if (completed := arg("completed")) is not None:
        checks.append(lambda t: t.completed == (completed == "true"))
    if (is_subtask := arg("is_subtask")) is not None:
        checks.append(lambda t: (t.parent is not None) == (is_subtask == "true"))
    for key, values in request.query.items():
        match = _FIELD_FILTER.match(key)
        if match is not None:
            checks.append(_field_check(match.group(1), match.group(2), values[0]))
    return checks


def _field_check(field_gid: str, op: str, wanted: str) -> Callable[[Task], bool]:
    def check(task: Task) -> bool:
        value = task.custom_values.get(field_gid)
        if op == "is_set":
            return (value is not None) == (wanted == "true")
        if value is None:
            return False
        if op in {"less_than", "greater_than"}:
            number = float(wanted)
            return bool(value < number if op == "less_than" else value > number)
        text = str(value)
        tests = {"contains": wanted in text, "starts_with": text.startswith(wanted)}
        tests |= {"ends_with": text.endswith(wanted), "value": _same(value, wanted)}
        return tests.get(op, True)

    return check


def _same(value: Any, wanted: str) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(wanted) == value
        except ValueError:
            return False
    return str(value) == wanted


def _sort(tasks: list[Task], sort_by: str, ascending: str | None) -> list[Task]:
    keys: dict[str, Callable[[Task], Any]] = {
        "created_at": lambda t: t.created_at.isoformat(),
        "completed_at": lambda t: t.completed_at.isoformat() if t.completed_at else "",
        "due_date": lambda t: t.due_on or "",
        "modified_at": lambda t: t.modified_at.isoformat(),
    }
    key = keys.get(sort_by, keys["modified_at"])
    return sorted(tasks, key=key, reverse=ascending != "true")
