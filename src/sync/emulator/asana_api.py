"""The emulated Asana REST API (``/api/1.0``): the endpoints the product uses, as Asana answers.

Envelopes are ``{"data": ...}`` (lists add ``next_page`` when paginated); errors are
``{"errors": [{"message", "help"}]}``. Lists answer compact records and single objects full
ones, both shaped by ``opt_fields`` (see :mod:`sync.emulator.asana_records`). Writes are checked
by :mod:`sync.emulator.asana_writes` and :mod:`sync.emulator.asana_rules`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from sync.emulator.asana_records import COMPACT, FULL, Ref, Spec, parse_opt_fields, render
from sync.emulator.asana_requests import (
    Paginator,
    action_request,
    completed_since,
    parse_body,
    parse_limit,
    parse_time,
)
from sync.emulator.asana_rules import RuleError
from sync.emulator.asana_search import search
from sync.emulator.asana_state import AsanaState, Task
from sync.emulator.asana_writes import TaskWrites
from sync.emulator.core import ApiError, Request, Response, Router

HELP = (
    "For more information on API status codes and how to handle them, "
    "read the docs on errors: https://developers.asana.com/docs/errors"
)
MAX_BATCH = 10
_GID = r"(?P<gid>[^/]+)"


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
        add("GET", rf"/tasks/{_GID}/time_tracking_entries", self._list_time_entries)

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
        ref = self._me(request) if gid == "me" else unquote(gid)  # emails come %-encoded
        user = next((u for u in self.state.users.values() if ref in (u.gid, u.email)), None)
        if user is None and ref and "@" in ref:
            raise RuleError(f"user: Unknown object: {ref}", 404)
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
        users = sorted(
            (u for u in self.state.users.values() if gid in u.workspaces), key=lambda u: u.name
        )
        # Not paginated (no limit, no next_page): sorted by name and cut at 2000, as documented.
        spec = self._spec(request, COMPACT)
        data = [render(self.state, Ref("user", u), spec) for u in users[:2000]]
        return Response(200, {"data": data})

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
        tasks = completed_since(self.state.tasks_in_project(gid), request.arg("completed_since"))
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
        tasks = completed_since(tasks, request.arg("completed_since"))
        since = parse_time(request.arg("modified_since"), "modified_since")
        if since is not None:
            tasks = [t for t in tasks if t.modified_at >= since]
        return self._list(request, [Ref("task", t) for t in tasks])

    def _tasks_in(self, project: str | None, section: str | None) -> list[Task]:
        if project is not None:
            return self.state.tasks_in_project(
                self._lookup(self.state.projects, project, "project", 400).gid
            )
        home = next((p for p in self.state.projects.values() if p.section_gid == section), None)
        if home is None:
            raise RuleError(f"section: Unknown object: {section}")
        return self.state.tasks_in_project(home.gid)

    def _tasks_assigned(self, assignee: str, workspace: str, request: Request) -> list[Task]:
        self._lookup(self.state.workspaces, workspace, "workspace", 400)
        user = self.state.resolve_user(
            self._me(request) if assignee == "me" else assignee, workspace
        )
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

    def _list_time_entries(self, request: Request, gid: str) -> Response:
        self._task(gid)
        entries = self.state.entries_of(gid)
        return self._list(request, [Ref("time_tracking_entry", e) for e in entries])

    def _search(self, request: Request, gid: str) -> Response:
        self._lookup(self.state.workspaces, gid, "workspace")
        if not self.state.premium:
            raise RuleError("Search is only available to premium users.", 402)
        limit = parse_limit(request.arg("limit")) or 100
        spec = self._spec(request, COMPACT)
        found = search(self.state, gid, request, limit)
        return Response(200, {"data": [render(self.state, Ref("task", t), spec) for t in found]})

    # -- writes ----------------------------------------------------------------------------
    def _create_task(self, request: Request) -> Response:
        task = self.writes.create(parse_body(request)[0])
        return self._one(request, Ref("task", task), 201)

    def _create_subtask(self, request: Request, gid: str) -> Response:
        parent = self._task(gid)
        task = self.writes.create({**parse_body(request)[0], "parent": parent.gid})
        return self._one(request, Ref("task", task), 201)

    def _update_task(self, request: Request, gid: str) -> Response:
        task = self._task(gid)
        self.writes.update(task, parse_body(request)[0])
        return self._one(request, Ref("task", task))

    def _delete_task(self, request: Request, gid: str) -> Response:
        self.writes.delete(self._task(gid))
        return Response(200, {"data": {}})

    def _set_parent(self, request: Request, gid: str) -> Response:
        task = self._task(gid)
        self.writes.set_parent(task, parse_body(request)[0])
        return self._one(request, Ref("task", task))

    def _add_project(self, request: Request, gid: str) -> Response:
        self.writes.add_project(self._task(gid), parse_body(request)[0])
        return Response(200, {"data": {}})

    def _remove_project(self, request: Request, gid: str) -> Response:
        self.writes.remove_project(self._task(gid), parse_body(request)[0])
        return Response(200, {"data": {}})

    def _add_story(self, request: Request, gid: str) -> Response:
        story = self.writes.add_story(self._task(gid), parse_body(request)[0], self._me(request))
        return self._one(request, Ref("story", story), 201)

    def _batch(self, request: Request) -> Response:
        actions = parse_body(request)[0].get("actions")
        if not isinstance(actions, list) or not actions:
            raise RuleError("actions: Missing input")
        if len(actions) > MAX_BATCH:
            raise RuleError(f"actions: At most {MAX_BATCH} actions are allowed in a batch request")
        return Response(200, {"data": [self._run_action(request, a) for a in actions]})

    def _run_action(self, request: Request, action: Any) -> dict[str, Any]:
        try:
            response = self.handle(action_request(request, action))
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
            raw = parse_body(request)[1].get("fields")
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
