"""``check --discover``: the gids a new config needs, and a config snippet to start from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from sync.asana.client import NOT_JSON, AsanaClient
from sync.errors import ApiFailure, UsageError

Record = Mapping[str, Any]
URL_NAMES = ("github url", "github_url", "url")
HOURS_NAMES = ("github hours", "github_hours", "hours")


@dataclass(frozen=True)
class ProjectInfo:
    """A project with its custom fields."""

    project: Record
    fields: tuple[Record, ...] = ()


@dataclass(frozen=True)
class WorkspaceInfo:
    """A workspace with its projects and users."""

    workspace: Record
    projects: tuple[ProjectInfo, ...] = ()
    users: tuple[Record, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Scope:
    """What ``check --discover`` reads. A large organisation has thousands of projects and
    users, so by default it reads one workspace, its project list, and nothing per project."""

    workspace: str | None = None  # gid or name; None: the token's only workspace
    project: str | None = None  # gid or name: the one project whose custom fields are read
    users: bool = False  # list the workspace's users (for csh.users)


def discover(asana: AsanaClient, scope: Scope = Scope()) -> list[WorkspaceInfo]:
    """The scope's workspace with its projects (fields of the named one) and, if asked, users;
    every workspace by name only when the token sees several and none is named."""
    # Workspaces are few: listing them is one request, and a checked one (the SDK's
    # single-object reads fail on an answer that is not JSON instead of reporting it).
    listed = asana.all_workspaces()
    project = None if scope.workspace else _project_by_gid(asana, scope.project)
    wanted = scope.workspace or (str(project.project["workspace"]["gid"]) if project else None)
    workspace = _workspace(listed, wanted)
    if workspace is None:
        return [WorkspaceInfo(w) for w in listed]
    gid = str(workspace["gid"])
    project = project or _project_by_gid(asana, scope.project)
    if project is not None and str(project.project["workspace"]["gid"]) != gid:
        raise UsageError(f"project {scope.project} is not in workspace {scope.workspace}")
    projects = (project,) if project else _projects(asana, gid, scope.project)
    users = tuple(asana.workspace_users(gid)) if scope.users else ()
    return [WorkspaceInfo(workspace, projects, users)]


def _workspace(listed: Sequence[Record], wanted: str | None) -> Record | None:
    """The named workspace (by gid or name), or the only one; None: several, none named."""
    if wanted is None:
        return listed[0] if len(listed) == 1 else None
    return _named(listed, wanted, "workspace")


def _project_by_gid(asana: AsanaClient, wanted: str | None) -> ProjectInfo | None:
    """A project named by gid, with its fields (read directly: no project list needed)."""
    if wanted is None or not wanted.isdigit():
        return None
    found = asana.project(wanted)
    if found is None:
        raise UsageError(f"project {wanted}: the Asana token cannot see it")
    if not isinstance(_record(found, f"read project {wanted}").get("workspace"), Mapping):
        raise ApiFailure("Asana", f"read project {wanted}: {NOT_JSON}")
    return ProjectInfo(found, tuple(asana.project_fields(wanted)))


def _record(found: Any, what: str) -> Record:
    """A single-object answer, which must be a record with a gid (a proxy's page is not)."""
    if not isinstance(found, Mapping) or "gid" not in found:
        raise ApiFailure("Asana", f"{what}: {NOT_JSON}")
    return found


def _projects(asana: AsanaClient, workspace: str, wanted: str | None) -> tuple[ProjectInfo, ...]:
    """The project named with its fields, or every project of the workspace without them."""
    projects = asana.workspace_projects(workspace)
    if wanted is None:
        return tuple(ProjectInfo(p) for p in projects)
    chosen = _named(projects, wanted, "project")
    return (ProjectInfo(chosen, tuple(asana.project_fields(str(chosen["gid"])))),)


def _named(records: Sequence[Record], name: str, kind: str) -> Record:
    """The record with this gid, or called ``name`` (case-insensitively); exit 2 naming the
    choices otherwise."""
    for record in records:
        if str(record.get("gid")) == name:
            return record
    for record in records:
        if str(record.get("name") or "").casefold() == name.casefold():
            return record
    choices = ", ".join(_quoted(r) for r in records[:10]) or "none"
    more = f" and {len(records) - 10} more" if len(records) > 10 else ""
    raise UsageError(f'{kind} "{name}" not found; the token sees: {choices}{more}')


def hints(workspaces: Sequence[WorkspaceInfo], scope: Scope) -> list[str]:
    """What to pass to read more, for what this run left out."""
    if len(workspaces) != 1:  # several workspaces, none named: listed by name only
        return ["pass --workspace GID (or NAME) to list one workspace's projects"] * bool(
            workspaces
        )
    found: list[str] = []
    if not any(p.fields for p in workspaces[0].projects):
        found.append("pass --project GID (or NAME) to list that project's custom fields")
    if not scope.users:
        found.append("pass --users to list the workspace's users and their emails (csh.users)")
    return found


def discovery_lines(workspaces: Sequence[WorkspaceInfo]) -> list[str]:
    """The gids, one per line, indented by what they belong to."""
    lines = []
    for info in workspaces:
        lines.append(f"workspace {info.workspace['gid']} {_quoted(info.workspace)}")
        for project in info.projects:
            lines.append(f"  project {project.project['gid']} {_quoted(project.project)}")
            lines += [
                f"    field {f['gid']} {_quoted(f)} ({f.get('type') or 'unknown'})"
                for f in project.fields
            ]
        lines += [
            f"  user {u['gid']} {_quoted(u)} {u.get('email') or '(no email)'}" for u in info.users
        ]
    return lines


def config_snippet(workspaces: Sequence[WorkspaceInfo]) -> str:
    """A starting point for ``.github/community-sync.yml``: the likeliest workspace and project."""
    if not workspaces:
        return "# the token sees no Asana workspace\n"
    workspace, project = _likeliest(workspaces)
    asana: dict[str, Any] = {"workspace": str(workspace.workspace["gid"])}
    fields = project.fields if project else ()
    if project is not None:
        asana["project"] = str(project.project["gid"])
    asana["fields"] = {
        "github_url": _pick(fields, "text", URL_NAMES) or "GitHub URL",
        "github_hours": _pick(fields, "number", HOURS_NAMES) or "GitHub Hours",
    }
    text = yaml.safe_dump({"asana": asana}, sort_keys=False, allow_unicode=True)
    if not workspace.users:
        return text
    users = [f"    # some-github-login: {u['email']}" for u in workspace.users if u.get("email")]
    return text + "csh:\n  users:\n" + "\n".join(users or ["    # no user has an email"]) + "\n"


def _likeliest(workspaces: Sequence[WorkspaceInfo]) -> tuple[WorkspaceInfo, ProjectInfo | None]:
    """The project whose fields were read (the named one) and its workspace, else no project."""
    for info in workspaces:
        for project in info.projects:
            if project.fields:
                return info, project
    return workspaces[0], None


def _pick(fields: Sequence[Record], kind: str, names: Sequence[str]) -> str | None:
    """The name of the field of this type whose name looks most like one of ``names``."""
    typed = [f for f in fields if f.get("type") == kind and f.get("name")]
    for name in names:
        for candidate in typed:
            if name in str(candidate["name"]).casefold():
                return str(candidate["name"])
    return None


def _quoted(record: Record) -> str:
    return '"' + str(record.get("name") or "").replace('"', '\\"') + '"'
