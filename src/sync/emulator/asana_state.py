"""The emulated Asana's state: workspaces, users, projects, custom fields, tasks and stories.

Plain data plus the operations both the API handlers and the tests' seeding use, so that a test
can say ``asana.add_task("Fix login", projects=[project])`` and the REST view agrees. Every
change to a task goes through :meth:`AsanaState.touch`, which also feeds the search index with
a snapshot, so that search can answer from the past, as Asana's lagging index does.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sync.emulator.asana_rules import check_custom_value, plain_to_rich_text, rich_text_to_plain

FIRST_GID = 1209000000000001
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    gid: str
    name: str
    is_organization: bool = True
    email_domains: list[str] = field(default_factory=list)


@dataclass
class User:
    gid: str
    name: str
    email: str
    workspaces: list[str] = field(default_factory=list)


@dataclass
class EnumOption:
    gid: str
    name: str
    enabled: bool = True
    color: str = "none"


@dataclass
class CustomField:
    gid: str
    name: str
    type: str  # "text" | "number" | "enum"
    workspace: str
    enum_options: list[EnumOption] = field(default_factory=list)
    precision: int = 2

    def option(self, key: str) -> EnumOption | None:
        """The enum option with this gid or name."""
        return next((o for o in self.enum_options if key in (o.gid, o.name)), None)


@dataclass
class Project:
    gid: str
    name: str
    workspace: str
    section_gid: str
    created_at: datetime
    modified_at: datetime
    settings: dict[str, str] = field(default_factory=dict)  # field gid -> setting gid
    task_order: list[str] = field(default_factory=list)  # tasks directly in it, in order
    archived: bool = False
    notes: str = ""


@dataclass
class Task:
    gid: str
    name: str
    workspace: str
    created_at: datetime
    modified_at: datetime
    html_notes: str = "<body></body>"
    completed: bool = False
    completed_at: datetime | None = None
    assignee: str | None = None
    parent: str | None = None
    projects: list[str] = field(default_factory=list)
    subtasks: list[str] = field(default_factory=list)  # child gids, in order
    custom_values: dict[str, Any] = field(default_factory=dict)  # field gid -> stored value
    due_on: str | None = None
    due_at: str | None = None
    start_on: str | None = None
    start_at: str | None = None
    actual_time_minutes: float | None = None
    resource_subtype: str = "default_task"

    @property
    def notes(self) -> str:
        """The plain text Asana derives from the rich text."""
        return rich_text_to_plain(self.html_notes)


@dataclass
class TimeEntry:
    """A time tracking entry: minutes logged on a task, on a day."""

    gid: str
    task: str
    duration_minutes: int
    entered_on: date
    created_by: str | None
    created_at: datetime
    attributable_to: str | None = None  # a project gid


@dataclass
class Story:
    gid: str
    task: str
    text: str
    created_at: datetime
    created_by: str | None
    html_text: str = ""
    resource_subtype: str = "comment_added"
    is_pinned: bool = False


class AsanaState:
    """Everything the emulated Asana knows, with seeding helpers for tests and the demo."""

    def __init__(self, clock: Callable[[], datetime] = _utcnow) -> None:
        self.clock = clock
        self.workspaces: dict[str, Workspace] = {}
        self.users: dict[str, User] = {}
        self.projects: dict[str, Project] = {}
        self.custom_fields: dict[str, CustomField] = {}
        self.tasks: dict[str, Task] = {}
        self.stories: dict[str, Story] = {}
        self.time_entries: dict[str, TimeEntry] = {}
        self.deleted: set[str] = set()
        self.tokens: dict[str, str] = {}  # token -> user gid ("me" for that token)
        self.me: str | None = None  # "me" when the token maps to nobody
        self.premium = False
        self.search_lag_seconds = 30.0
        # A task created with `parent` and `projects` in one POST is a subtask that is also in
        # those projects (Asana's documents do not say otherwise). True models an API that
        # drops `projects` on such a create; the product copes with both (docs/performance.md).
        self.subtask_create_drops_projects = False
        # Store html_notes as Asana may hand them back: same meaning, other bytes.
        self.rewrite_rich_text = False
        self._gids = itertools.count(FIRST_GID)
        self._index: dict[str, list[tuple[datetime, Task | None]]] = {}

    # -- seeding ---------------------------------------------------------------------------
    def new_gid(self) -> str:
        """A fresh numeric gid."""
        return str(next(self._gids))

    def add_workspace(self, name: str, *, is_organization: bool = True) -> str:
        """Add a workspace (an organization by default); return its gid."""
        gid = self.new_gid()
        self.workspaces[gid] = Workspace(gid, name, is_organization)
        return gid

    def add_user(self, email: str, name: str, workspace_gid: str, *, token: str = "") -> str:
        """Add a user to a workspace (the first user is "me"); return the user's gid."""
        self._workspace(workspace_gid)
        user = next((u for u in self.users.values() if u.email == email), None)
        if user is None:
            user = User(self.new_gid(), name, email)
            self.users[user.gid] = user
        if workspace_gid not in user.workspaces:
            user.workspaces.append(workspace_gid)
        self.me = self.me or user.gid
        if token:
            self.tokens[token] = user.gid
        return user.gid

    def add_project(self, name: str, workspace_gid: str) -> str:
        """Add a project (with its default section) to a workspace; return its gid."""
        self._workspace(workspace_gid)
        gid, section, now = self.new_gid(), self.new_gid(), self.clock()
        self.projects[gid] = Project(gid, name, workspace_gid, section, now, now)
        return gid

    def add_custom_field(
        self,
        workspace_gid: str,
        name: str,
        type: str,
        enum_options: Iterable[str] = (),
        precision: int = 2,
    ) -> str:
        """Add a workspace custom field of type text, number or enum; return its gid."""
        if type not in {"text", "number", "enum"}:
            raise ValueError(f"unsupported custom field type {type!r}")
        self._workspace(workspace_gid)
        gid = self.new_gid()
        options = [EnumOption(self.new_gid(), option) for option in enum_options]
        self.custom_fields[gid] = CustomField(gid, name, type, workspace_gid, options, precision)
        return gid

    def enum_option_gid(self, field_gid: str, name: str) -> str:
        """The gid of the enum option ``name`` of a field (given by gid or name)."""
        option = self.field(field_gid).option(name)
        if option is None:
            raise KeyError(f"custom field {field_gid} has no option {name!r}")
        return option.gid

    def add_field_to_project(self, project_gid: str, field_gid: str) -> str:
        """Put a custom field on a project; return the custom field setting's gid."""
        project, custom_field = self.projects[project_gid], self.field(field_gid)
        if custom_field.gid not in project.settings:
            project.settings[custom_field.gid] = self.new_gid()
        return project.settings[custom_field.gid]

    def add_task(
        self,
        name: str,
        *,
        workspace: str | None = None,
        projects: Iterable[str] = (),
        parent: str | None = None,
        notes: str = "",
        html_notes: str | None = None,
        completed: bool = False,
        custom_fields: Mapping[str, Any] | None = None,
        actual_time_minutes: float | None = None,
        assignee: str | None = None,
        due_on: str | None = None,
        start_on: str | None = None,
    ) -> str:
        """Seed a task; custom fields by name or gid, enum values by option name or gid."""
        projects = list(projects)
        ws = workspace or self._infer_workspace(projects, parent)
        now = self.clock()
        task = Task(self.new_gid(), name, ws, now, now, due_on=due_on, start_on=start_on)
        task.html_notes = html_notes if html_notes is not None else plain_to_rich_text(notes)
        rich_text_to_plain(task.html_notes)
        task.completed, task.completed_at = completed, now if completed else None
        task.assignee = self._seed_assignee(assignee, ws)
        self.tasks[task.gid] = task
        if actual_time_minutes:  # as in Asana, actual time is the sum of the task's entries
            self.add_time_entry(task.gid, int(actual_time_minutes), now.date())
        for project in projects:
            self.add_to_project(task, project)
        if parent is not None:
            self.set_parent(task, parent)
        for key, value in (custom_fields or {}).items():
            self._seed_value(task, key, value)
        self._index[task.gid] = [(_EPOCH, copy.deepcopy(task))]  # seeded: indexed long ago
        return task.gid

    def add_time_entry(
        self, task_gid: str, minutes: int, entered_on: date, *, user: str | None = None
    ) -> str:
        """Log ``minutes`` on a task for a day; its ``actual_time_minutes`` is the sum."""
        task = self.tasks[task_gid]
        project = task.projects[0] if len(task.projects) == 1 else None
        entry = TimeEntry(
            self.new_gid(), task_gid, minutes, entered_on, user or self.me, self.clock(), project
        )
        self.time_entries[entry.gid] = entry
        task.actual_time_minutes = sum(
            e.duration_minutes for e in self.time_entries.values() if e.task == task_gid
        )
        return entry.gid

    def entries_of(self, task_gid: str) -> list[TimeEntry]:
        """A task's time tracking entries, oldest first."""
        return [e for e in self.time_entries.values() if e.task == task_gid]

    def add_story(self, task_gid: str, text: str, *, author: str | None = None) -> str:
        """Add a comment to a task; return the story's gid."""
        story = Story(self.new_gid(), task_gid, text, self.clock(), author or self.me)
        story.html_text = plain_to_rich_text(text)
        self.stories[story.gid] = story
        return story.gid

    # -- queries ---------------------------------------------------------------------------
    def task(self, gid: str) -> Task:
        """The task with this gid (also when deleted; see ``deleted``)."""
        return self.tasks[gid]

    def is_live(self, gid: str) -> bool:
        """True for a task that exists and is not in the trash."""
        return gid in self.tasks and gid not in self.deleted

    def subtasks_of(self, gid: str) -> list[Task]:
        """The live subtasks of a task, in order."""
        return [self.tasks[g] for g in self.tasks[gid].subtasks if self.is_live(g)]

    def tasks_in_project(self, gid: str) -> list[Task]:
        """The live tasks directly in a project, in project order."""
        return [self.tasks[g] for g in self.projects[gid].task_order if self.is_live(g)]

    def field(self, name_or_gid: str) -> CustomField:
        """A custom field by gid or name."""
        if name_or_gid in self.custom_fields:
            return self.custom_fields[name_or_gid]
        for custom_field in self.custom_fields.values():
            if custom_field.name == name_or_gid:
                return custom_field
        raise KeyError(f"no custom field {name_or_gid!r}")

    def custom_field_value(self, task_gid: str, field_name_or_gid: str) -> Any:
        """A task's value of a field: number, text, or the enum option's name (None if unset)."""
        custom_field = self.field(field_name_or_gid)
        value = self.tasks[task_gid].custom_values.get(custom_field.gid)
        if custom_field.type == "enum" and value is not None:
            option = custom_field.option(value)
            return option.name if option else None
        return value

    def task_fields(self, task: Task) -> list[CustomField]:
        """The custom fields a task carries: those of the projects it is directly in."""
        seen: dict[str, CustomField] = {}
        for project_gid in task.projects:
            for field_gid in self.projects[project_gid].settings:
                seen.setdefault(field_gid, self.custom_fields[field_gid])
        return list(seen.values())

    def resolve_user(self, ref: str, workspace_gid: str) -> str | None:
        """The gid of a workspace member named by gid, email or "me" (None if unknown)."""
        if ref == "me":
            ref = self.me or ""
        for user in self.users.values():
            if ref in (user.gid, user.email) and workspace_gid in user.workspaces:
                return user.gid
        return None

    def descendants(self, gid: str) -> list[str]:
        """Every subtask under a task, at any depth."""
        found: list[str] = []
        for child in self.tasks[gid].subtasks:
            found += [child, *self.descendants(child)]
        return found

    def indexed_tasks(self) -> list[Task]:
        """The tasks as the search index sees them: as of ``search_lag_seconds`` ago."""
        horizon = self.clock() - timedelta(seconds=self.search_lag_seconds)
        seen: list[Task] = []
        for history in self._index.values():
            visible = [snapshot for at, snapshot in history if at <= horizon]
            if visible and visible[-1] is not None:
                seen.append(visible[-1])
        return seen

    # -- changes ---------------------------------------------------------------------------
    def touch(self, task: Task) -> None:
        """Record that a task changed: bump modified_at and queue a snapshot for search."""
        task.modified_at = self.clock()
        self._index.setdefault(task.gid, []).append((task.modified_at, copy.deepcopy(task)))

    def add_to_project(
        self, task: Task, project_gid: str, *, before: str = "", after: str = ""
    ) -> None:
        """Put a task directly in a project (moving it there if it already is)."""
        order = self.projects[project_gid].task_order
        if task.gid in order:
            order.remove(task.gid)
        else:
            task.projects.append(project_gid)
        _insert(order, task.gid, before, after)

    def remove_from_project(self, task: Task, project_gid: str) -> None:
        """Take a task out of a project."""
        if project_gid in task.projects:
            task.projects.remove(project_gid)
            self.projects[project_gid].task_order.remove(task.gid)

    def set_parent(
        self, task: Task, parent: str | None, *, before: str = "", after: str = ""
    ) -> None:
        """Make a task a subtask of ``parent`` (or a top-level task when None)."""
        if task.parent is not None:
            self.tasks[task.parent].subtasks.remove(task.gid)
        task.parent = parent
        if parent is not None:
            _insert(self.tasks[parent].subtasks, task.gid, before, after)

    def delete_task(self, gid: str) -> None:
        """Move a task and its subtasks to the trash."""
        for doomed in [gid, *self.descendants(gid)]:
            self.deleted.add(doomed)
            self._index.setdefault(doomed, []).append((self.clock(), None))

    # -- helpers ---------------------------------------------------------------------------
    def _workspace(self, gid: str) -> Workspace:
        if gid not in self.workspaces:
            raise KeyError(f"no workspace {gid}")
        return self.workspaces[gid]

    def _infer_workspace(self, projects: list[str], parent: str | None) -> str:
        if projects:
            return self.projects[projects[0]].workspace
        if parent is not None:
            return self.tasks[parent].workspace
        if len(self.workspaces) == 1:
            return next(iter(self.workspaces))
        raise ValueError("add_task needs a workspace, projects or a parent")

    def _seed_assignee(self, ref: str | None, workspace_gid: str) -> str | None:
        if ref is None:
            return None
        gid = self.resolve_user(ref, workspace_gid)
        if gid is None:
            raise ValueError(f"no user {ref!r} in workspace {workspace_gid}")
        return gid

    def _seed_value(self, task: Task, key: str, value: Any) -> None:
        custom_field = self.field(key)
        if custom_field not in self.task_fields(task):
            raise ValueError(f"custom field {key!r} is not on any project of task {task.name!r}")
        if custom_field.type == "enum" and value is not None:
            value = self.enum_option_gid(custom_field.gid, value)
        options = [o.gid for o in custom_field.enum_options]
        stored = check_custom_value(custom_field.type, options, custom_field.gid, value)
        task.custom_values[custom_field.gid] = stored


def _insert(order: list[str], gid: str, before: str, after: str) -> None:
    """Insert ``gid`` before or after a sibling, else at the end."""
    if before and before in order:
        order.insert(order.index(before), gid)
    elif after and after in order:
        order.insert(order.index(after) + 1, gid)
    else:
        order.append(gid)
