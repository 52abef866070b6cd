"""``check --discover``: the gids a new config needs, and a config snippet to start from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from sync.asana.client import AsanaClient

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


def discover(asana: AsanaClient) -> list[WorkspaceInfo]:
    """Every workspace the token sees, with its projects (and their fields) and users."""
    found = []
    for workspace in asana.all_workspaces():
        gid = str(workspace["gid"])
        projects = tuple(
            ProjectInfo(p, tuple(asana.project_fields(str(p["gid"]))))
            for p in asana.workspace_projects(gid)
        )
        found.append(WorkspaceInfo(workspace, projects, tuple(asana.workspace_users(gid))))
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
    users = [f"    # some-github-login: {u['email']}" for u in workspace.users if u.get("email")]
    return text + "csh:\n  users:\n" + "\n".join(users or ["    # no user has an email"]) + "\n"


def _likeliest(workspaces: Sequence[WorkspaceInfo]) -> tuple[WorkspaceInfo, ProjectInfo | None]:
    """The first project with a text and a number field (the mirror's), else the first one."""
    for info in workspaces:
        for project in info.projects:
            if _pick(project.fields, "text", URL_NAMES) and _pick(
                project.fields, "number", HOURS_NAMES
            ):
                return info, project
    first = workspaces[0]
    return first, first.projects[0] if first.projects else None


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
