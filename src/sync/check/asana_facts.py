"""Read what ``check`` needs to know from Asana, in a handful of requests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.asana.client import AsanaClient
from sync.config import AsanaConfig, CshConfig

Record = Mapping[str, Any]
TASK_FIELDS = ("gid", "name", "completed", "parent.name")


@dataclass(frozen=True)
class AsanaFacts:
    """The configured workspace, project, fields, community tasks and users as Asana has them.

    None means "not found"; what depends on a missing workspace or project is not read.
    """

    workspace: Record | None
    project: Record | None = None
    fields: tuple[Record, ...] = ()
    tasks: Mapping[str, Record | None] = field(default_factory=dict)  # gid -> task or None
    users: tuple[Record, ...] | None = None


def read_asana(asana: AsanaClient, config: AsanaConfig, csh: CshConfig | None) -> AsanaFacts:
    """Read the workspace, the project and its fields, the community tasks and the users."""
    workspace = asana.workspace(config.workspace)
    project = asana.project(config.project)
    fields = tuple(asana.project_fields(config.project)) if project else ()
    communities = csh.communities if csh else ()
    tasks = {c.asana_task: asana.task(c.asana_task, TASK_FIELDS) for c in communities}
    wants_users = workspace is not None and csh is not None and bool(csh.users)
    users = tuple(asana.workspace_users(config.workspace)) if wants_users else None
    return AsanaFacts(workspace, project, fields, tasks, users)
