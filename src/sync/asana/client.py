"""Asana through the official SDK, with the project's retry policy and request pacing.

The SDK's own urllib3 retries are switched off: they do not retry POST after a 429, and they
would retry a create after a 5xx, which can duplicate a task. Every call goes through
:class:`sync.retry.RetryPolicy` instead.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

import urllib3

from sync import http_log
from sync.asana.pacer import Pacer
from sync.errors import ApiFailure
from sync.retry import RetryPolicy, Transient

T = TypeVar("T")
PAGE_SIZE = 100
DEFAULT_BASE_URL = "https://app.asana.com/api/1.0"
NOT_JSON = "the answer is not Asana's JSON (is ASANA_BASE_URL the API root?)"


class AsanaClient:
    """Typed access to the Asana endpoints community-sync uses."""

    def __init__(
        self,
        token: str,
        base_url: str,
        policy: RetryPolicy,
        *,
        pacer: Pacer | None = None,
        timeout: float = 30.0,
    ) -> None:
        import asana  # the SDK loads ~60 modules: only when a client is made

        configuration = asana.Configuration()
        configuration.access_token = token
        configuration.host = base_url.rstrip("/")
        configuration.retry_strategy = False  # our RetryPolicy decides, see module docstring
        self._api = asana.ApiClient(configuration)
        self._api.user_agent = "community-sync"
        rest = self._api.rest_client
        rest.pool_manager = _LoggedPool(rest.pool_manager)  # -v: one line per request
        self.tasks = asana.TasksApi(self._api)
        self.users = asana.UsersApi(self._api)
        self.workspaces = asana.WorkspacesApi(self._api)
        self.projects = asana.ProjectsApi(self._api)
        self.settings = asana.CustomFieldSettingsApi(self._api)
        self.stories = asana.StoriesApi(self._api)
        self.time_entries = asana.TimeTrackingEntriesApi(self._api)
        self.policy = policy
        self.pacer = pacer or Pacer(None)
        self.timeout = timeout

    # -- plumbing --------------------------------------------------------------------------
    def call(
        self,
        fn: Callable[..., T],
        *args: Any,
        what: str,
        idempotent: bool = True,
        recover: Callable[[], T | None] | None = None,
        **kwargs: Any,
    ) -> T:
        """Call one SDK method under the retry policy and the pacer."""

        # The SDK only honours an int or a (connect, read) pair: a float is silently dropped.
        timeout = (self.timeout, self.timeout)

        def attempt() -> T:
            self.pacer.wait()
            result = _classified(lambda: fn(*args, _request_timeout=timeout, **kwargs))
            if isinstance(result, bytes | str):  # the SDK hands back what is not JSON as is
                raise ApiFailure("Asana", f"{what}: {NOT_JSON}")
            return result

        return self.policy.run(
            http_log.counted(attempt), what=what, idempotent=idempotent, recover=recover
        )

    def paged(
        self, fn: Callable[..., Any], *args: Any, what: str, opts: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Yield every record of a list endpoint, 100 per page, each page retried on its own."""
        query = {**opts, "limit": PAGE_SIZE}
        while True:
            page = self.call(fn, *args, query, what=what, full_payload=True)
            yield from _records(page, what)
            next_page = page.get("next_page")
            if not next_page:
                return
            query = {**query, "offset": next_page["offset"]}

    # -- reads -----------------------------------------------------------------------------
    def project_tasks(self, project: str, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Every task of a project (open and completed) with the given opt_fields."""
        opts = {"opt_fields": ",".join(fields)}
        return self.paged(
            self.tasks.get_tasks_for_project,
            project,
            what=f"list tasks of project {project}",
            opts=opts,
        )

    def subtasks(self, task: str, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Every subtask of a task with the given opt_fields."""
        opts = {"opt_fields": ",".join(fields)}
        return self.paged(
            self.tasks.get_subtasks_for_task, task, what=f"list subtasks of task {task}", opts=opts
        )

    def task(self, gid: str, fields: Sequence[str]) -> dict[str, Any] | None:
        """One task, or None when it does not exist (deleted)."""
        try:
            data: dict[str, Any] = self.call(
                self.tasks.get_task, gid, {"opt_fields": ",".join(fields)}, what=f"read task {gid}"
            )
        except ApiFailure as failure:
            if failure.status == 404:
                return None
            raise
        return data

    def user(self, ref: str) -> dict[str, Any] | None:
        """One user by gid or email, with the workspaces it belongs to (None: no such user)."""
        try:
            data: dict[str, Any] = self.call(
                self.users.get_user,
                ref,
                {"opt_fields": "gid,email,workspaces.gid"},
                what=f"read user {ref}",
            )
        except ApiFailure as failure:
            if failure.status == 404:
                return None
            raise
        return data

    def time_entries_of(self, task: str) -> Iterator[dict[str, Any]]:
        """A task's time tracking entries (``entered_on``, ``duration_minutes``)."""
        return self.paged(
            self.time_entries.get_time_tracking_entries_for_task,
            task,
            what=f"list time tracking entries of task {task}",
            opts={"opt_fields": "entered_on,duration_minutes"},
        )

    def project_fields(self, project: str) -> list[dict[str, Any]]:
        """The custom fields on a project (from its custom field settings)."""
        fields = "custom_field.gid,custom_field.name,custom_field.type,custom_field.enum_options"
        return [
            setting["custom_field"]
            for setting in self.paged(
                self.settings.get_custom_field_settings_for_project,
                project,
                what=f"list custom fields of project {project}",
                opts={"opt_fields": fields + ",custom_field.enum_options.name"},
            )
        ]

    def workspace_users(self, workspace: str) -> list[dict[str, Any]]:
        """Every user of a workspace with gid, name and email."""
        # Not paginated by `limit` (Asana returns up to 2,000 users, sorted by name).
        page: dict[str, Any] = self.call(
            self.users.get_users_for_workspace,
            workspace,
            {"opt_fields": "gid,name,email"},
            what=f"list users of workspace {workspace}",
            full_payload=True,
        )
        return [u for u in _records(page, f"list users of workspace {workspace}") if u]

    def all_workspaces(self) -> list[dict[str, Any]]:
        """Every workspace the token can see, with gid and name."""
        return list(
            self.paged(
                self.workspaces.get_workspaces, what="list workspaces", opts={"opt_fields": "name"}
            )
        )

    def workspace(self, gid: str) -> dict[str, Any] | None:
        """One workspace (gid, name), or None when the token cannot see it."""
        return _or_none(
            lambda: self.call(
                self.workspaces.get_workspace,
                gid,
                {"opt_fields": "name"},
                what=f"read workspace {gid}",
            )
        )

    def workspace_projects(self, workspace: str) -> list[dict[str, Any]]:
        """The workspace's projects that are not archived, with gid and name."""
        return list(
            self.paged(
                self.projects.get_projects,
                what=f"list projects of workspace {workspace}",
                opts={"workspace": workspace, "archived": "false", "opt_fields": "name"},
            )
        )

    def project(self, gid: str) -> dict[str, Any] | None:
        """One project (name, workspace, archived), or None when the token cannot see it."""
        opts = {"opt_fields": "name,archived,workspace.gid"}
        return _or_none(
            lambda: self.call(self.projects.get_project, gid, opts, what=f"read project {gid}")
        )

    # -- writes ----------------------------------------------------------------------------
    def create_task(
        self,
        data: dict[str, Any],
        fields: Sequence[str],
        recover: Callable[[], dict[str, Any] | None],
    ) -> dict[str, Any]:
        """Create a task; after an ambiguous failure ``recover`` looks for it before retrying."""
        created: dict[str, Any] = self.call(
            self.tasks.create_task,
            {"data": data},
            {"opt_fields": ",".join(fields)},
            what=f"create task {data.get('name', '')!r}",
            idempotent=False,
            recover=recover,
        )
        return created

    def update_task(self, gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """Update fields of a task."""
        updated: dict[str, Any] = self.call(
            self.tasks.update_task,
            {"data": data},
            gid,
            {"opt_fields": "gid"},
            what=f"update task {gid}",
        )
        return updated

    def delete_task(self, gid: str) -> None:
        """Delete a task (to Asana's trash); a task already gone counts as deleted."""
        try:
            self.call(self.tasks.delete_task, gid, what=f"delete task {gid}")
        except ApiFailure as failure:
            if failure.status != 404:
                raise

    def set_parent(self, gid: str, parent: str | None) -> None:
        """Make a task a subtask of ``parent`` (or a top-level task with None)."""
        self.call(
            self.tasks.set_parent_for_task,
            {"data": {"parent": parent}},
            gid,
            {"opt_fields": "gid"},
            what=f"set parent of task {gid}",
        )

    def add_project(self, gid: str, project: str) -> None:
        """Add a task to a project (so that it carries the project's custom fields)."""
        self.call(
            self.tasks.add_project_for_task,
            {"data": {"project": project}},
            gid,
            what=f"add task {gid} to project {project}",
        )


class _LoggedPool:
    """The SDK's urllib3 pool manager, timing each request for the -v request lines."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        """Send through the SDK's pool manager; log method, path, status and milliseconds."""
        fields = kwargs.get("fields")
        shown = f"{url}?{urlencode(fields)}" if fields and method in ("GET", "HEAD") else url
        started = time.monotonic()
        try:
            response = self._pool.request(method, url, **kwargs)
        except Exception as exc:
            http_log.log_request("Asana", method, shown, exc.__class__.__name__, _since(started))
            raise
        http_log.log_request("Asana", method, shown, response.status, _since(started))
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


def _since(started: float) -> float:
    return time.monotonic() - started


def _records(page: Any, what: str) -> list[Any]:
    """The records of a list answer; an answer without them is a failure, never "none"."""
    records = page.get("data") if isinstance(page, dict) else None
    if not isinstance(records, list):  # read as empty, every task would be created again
        raise ApiFailure("Asana", f"{what}: {NOT_JSON}")
    return records


def _or_none(read: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """The record ``read`` returns, or None when Asana answers 404 (or 403: not visible)."""
    try:
        return read()
    except ApiFailure as failure:
        if failure.status in (403, 404):
            return None
        raise


def _classified(send: Callable[[], T]) -> T:
    """Run one SDK request and turn its failures into Transient or ApiFailure."""
    from asana.rest import ApiException

    try:
        return send()
    except ApiException as exc:
        raise _from_api_exception(exc) from None
    except urllib3.exceptions.NewConnectionError:
        raise Transient("Asana", "cannot connect", processed=False) from None
    except urllib3.exceptions.ConnectTimeoutError:
        raise Transient("Asana", "connection timed out", processed=False) from None
    except urllib3.exceptions.ReadTimeoutError:
        raise Transient("Asana", "no answer before the timeout") from None
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.HTTPError) as exc:
        raise Transient("Asana", f"connection failed ({exc.__class__.__name__})") from None


def _from_api_exception(exc: Any) -> Exception:
    status = int(exc.status or 0)
    message = _error_message(exc.body) or str(exc.reason or "error")
    headers = exc.headers or {}
    if status == 429:
        retry_after = _float(headers.get("Retry-After"))
        return Transient(
            "Asana", "rate limited (429)", status=429, retry_after=retry_after, processed=False
        )
    if status >= 500 or status == 0:
        return Transient("Asana", f"server error {status}: {message}", status=status)
    if status == 401:  # as for GitHub: name the variable to fix
        message = f"{message}: check ASANA_TOKEN"
    return ApiFailure("Asana", message, status)


def _error_message(body: Any) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        errors = json.loads(body).get("errors") or []
        return "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))
    except (ValueError, TypeError, AttributeError):
        return ""


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
