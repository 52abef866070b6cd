"""Task writes of the emulated Asana: create, update, re-parent, (re)home, delete, comment.

Each write validates the whole request first, on a draft, and only then changes the state, so a
refused request (400) leaves nothing half-done, as a real API would.
"""

from __future__ import annotations

import copy
from typing import Any

from sync.emulator.asana_rules import (
    RuleError,
    check_bool,
    check_custom_value,
    check_date_order,
    check_gid,
    check_string,
    parse_date,
    plain_to_rich_text,
    rewrite_rich_text,
    rich_text_to_plain,
)
from sync.emulator.asana_state import AsanaState, Story, Task

# Accepted and kept: the fields this emulator models. Accepted and ignored: the rest of
# Asana's writable task properties (followers, tags, ...), which the product never reads back.
_COMMON = frozenset(
    {"name", "resource_subtype", "notes", "html_notes", "completed", "assignee"}
    | {"due_on", "due_at", "start_on", "start_at", "custom_fields"}
    | {"assignee_status", "assignee_section", "approval_status", "liked", "external"}
)
# Asana documents no limit; public reports (and its UI) put it at 5 levels of subtasks.
MAX_SUBTASK_DEPTH = 5
CREATE_KEYS = _COMMON | {"parent", "projects", "memberships", "workspace", "followers", "tags"}
UPDATE_KEYS = _COMMON | {"custom_type", "custom_type_status_option"}
# Properties of a task that exist but cannot be written (on this operation).
_READ_ONLY = frozenset(
    {"gid", "resource_type", "created_at", "modified_at", "completed_at", "completed_by"}
    | {"assigned_by", "created_by", "dependencies", "dependents", "hearted", "hearts"}
    | {"likes", "num_hearts", "num_likes", "num_subtasks", "is_rendered_as_separator"}
    | {"actual_time_minutes", "permalink_url", "custom_type", "custom_type_status_option"}
    | CREATE_KEYS
)
_SUBTYPES = frozenset({"default_task", "milestone", "approval"})


def check_keys(data: dict[str, Any], allowed: frozenset[str], noun: str = "task") -> None:
    """Refuse properties that cannot be written here, or that a task does not have."""
    for key in data:
        if key in allowed:
            continue
        if noun == "task" and key in _READ_ONLY:
            raise RuleError(f"{key}: Cannot write this property")
        raise RuleError(f'"{key}" is not a valid property of a {noun}')


class TaskWrites:
    """The write operations on tasks, over an :class:`AsanaState`."""

    def __init__(self, state: AsanaState) -> None:
        self.state = state

    # -- create ----------------------------------------------------------------------------
    def create(self, data: dict[str, Any], parent_gid: str | None = None) -> Task:
        """Create a task from a POST /tasks (or /tasks/{gid}/subtasks) body's data."""
        check_keys(data, CREATE_KEYS)
        parent = self._parent(data.get("parent", parent_gid))
        if parent is not None:
            self._check_depth(parent, 0)
        projects = self._projects(data)
        workspace = self._workspace(data, projects, parent)
        if parent is not None and self.state.subtask_create_drops_projects:
            projects = []
        now = self.state.clock()
        draft = Task(self.state.new_gid(), "", workspace, now, now, projects=projects)
        self._apply(draft, data)
        self.state.tasks[draft.gid] = draft
        draft.projects = []
        for project in projects:
            self.state.add_to_project(draft, project)
        if parent is not None:
            self.state.set_parent(draft, parent.gid)
        self.state.touch(draft)
        return draft

    def _parent(self, ref: Any) -> Task | None:
        if ref is None:
            return None
        return self._live_task(ref, "parent")

    def _projects(self, data: dict[str, Any]) -> list[str]:
        refs = data.get("projects") or []
        if not isinstance(refs, list):
            raise RuleError(f"projects: Value is not an array: {refs!r}")
        memberships = data.get("memberships") or []
        refs = refs + [m.get("project") for m in memberships if isinstance(m, dict)]
        gids = [self._project(ref, f"projects: [{i}]") for i, ref in enumerate(refs)]
        return list(dict.fromkeys(gids))

    def _project(self, ref: Any, field: str) -> str:
        gid = check_gid(ref, field)
        if gid not in self.state.projects:
            raise RuleError(f"{field}: Unknown object: {gid}")
        return gid

    def _workspace(self, data: dict[str, Any], projects: list[str], parent: Task | None) -> str:
        homes = [self.state.projects[p].workspace for p in projects]
        homes += [parent.workspace] if parent is not None else []
        if "workspace" in data:
            gid = check_gid(data["workspace"], "workspace")
            if gid not in self.state.workspaces:
                raise RuleError(f"workspace: Unknown object: {gid}")
            homes.insert(0, gid)
        if not homes:
            raise RuleError("You should specify one of workspace, parent, projects")
        if len(set(homes)) > 1:
            raise RuleError("workspace: The projects and parent must be in the task's workspace")
        return homes[0]

    # -- update ----------------------------------------------------------------------------
    def update(self, task: Task, data: dict[str, Any]) -> None:
        """Apply a PUT /tasks/{gid} body's data: only the fields it names change."""
        check_keys(data, UPDATE_KEYS)
        draft = copy.deepcopy(task)
        self._apply(draft, data)
        task.__dict__.update(draft.__dict__)
        self.state.touch(task)

    def _apply(self, task: Task, data: dict[str, Any]) -> None:
        """Validate and apply the fields a create or update shares."""
        if "name" in data:
            task.name = check_string(data["name"], "name")
        if "resource_subtype" in data:
            task.resource_subtype = self._subtype(data["resource_subtype"])
        self._apply_notes(task, data)
        if "completed" in data:
            task.completed = check_bool(data["completed"], "completed")
            task.completed_at = self.state.clock() if task.completed else None
        if "assignee" in data:
            task.assignee = self._assignee(data["assignee"], task.workspace)
        self._apply_dates(task, data)
        if "custom_fields" in data:
            self._apply_custom_fields(task, data["custom_fields"])

    @staticmethod
    def _subtype(value: Any) -> str:
        if value not in _SUBTYPES:
            raise RuleError(f"resource_subtype: Not one of {sorted(_SUBTYPES)}: {value!r}")
        return str(value)

    def _apply_notes(self, task: Task, data: dict[str, Any]) -> None:
        if "notes" in data and "html_notes" in data:
            raise RuleError("You may only provide one of notes or html_notes")
        if "html_notes" in data:
            rich_text_to_plain(data["html_notes"])
            task.html_notes = data["html_notes"]
            if self.state.rewrite_rich_text:
                task.html_notes = rewrite_rich_text(task.html_notes)
        elif "notes" in data:
            task.html_notes = plain_to_rich_text(check_string(data["notes"], "notes"))

    def _assignee(self, ref: Any, workspace_gid: str) -> str | None:
        if ref is None:
            return None
        if not isinstance(ref, str):
            raise RuleError(f"assignee: Not a valid GID type: {type(ref).__name__}")
        gid = self.state.resolve_user(ref, workspace_gid)
        if gid is None:
            workspace = self.state.workspaces[workspace_gid]
            if workspace.is_organization:
                raise RuleError(f"assignee: Not a user in Organization: {ref}")
            raise RuleError(f"assignee: Not a user in Workspace: {workspace_gid}")
        return gid

    @staticmethod
    def _apply_dates(task: Task, data: dict[str, Any]) -> None:
        if "due_on" in data and "due_at" in data:
            raise RuleError("You may only provide one of due_on or due_at!")
        if ("start_on" in data or "start_at" in data) and not {"due_on", "due_at"} & set(data):
            raise RuleError(
                "start_on: due_on or due_at must be present in the request when setting or "
                "unsetting start_on"
            )
        if "due_on" in data:
            task.due_on, task.due_at = parse_date(data["due_on"], "due_on"), None
        if "due_at" in data:
            task.due_at = None if data["due_at"] is None else check_string(data["due_at"], "due_at")
            task.due_on = task.due_at[:10] if task.due_at else None
        if "start_on" in data:
            task.start_on = parse_date(data["start_on"], "start_on")
        if "start_at" in data:
            task.start_at = data["start_at"]
            task.start_on = str(data["start_at"])[:10] if data["start_at"] else None
        check_date_order(task.start_on, task.due_on, task.due_at)

    def _apply_custom_fields(self, task: Task, values: Any) -> None:
        if not isinstance(values, dict):
            raise RuleError(f"custom_fields: Value is not a JSON object: {values}")
        on_task = {f.gid: f for f in self.state.task_fields(task)}
        for gid, value in values.items():
            custom_field = on_task.get(gid)
            if custom_field is None:
                raise RuleError(f"Custom field with ID {gid} is not on given object")
            options = [o.gid for o in custom_field.enum_options]
            stored = check_custom_value(custom_field.type, options, gid, value)
            if stored is None:
                task.custom_values.pop(gid, None)
            else:
                task.custom_values[gid] = stored

    # -- structure -------------------------------------------------------------------------
    def set_parent(self, task: Task, data: dict[str, Any]) -> None:
        """POST /tasks/{gid}/setParent: make the task a subtask of ``parent`` (or of nothing)."""
        check_keys(
            data, frozenset({"parent", "insert_before", "insert_after"}), "setParent request"
        )
        if "parent" not in data:
            raise RuleError("parent: Missing input")
        parent = self._parent(data["parent"])
        if parent is not None:
            if parent.gid == task.gid or parent.gid in self.state.descendants(task.gid):
                raise RuleError("parent: A task cannot be a subtask of itself or of its subtasks")
            if parent.workspace != task.workspace:
                raise RuleError("parent: The parent must be in the task's workspace")
            self._check_depth(parent, self._height(task))
        siblings = [g for g in parent.subtasks if g != task.gid] if parent is not None else []
        before, after = self._position(data, siblings, "subtasks of the parent")
        self.state.set_parent(task, parent.gid if parent else None, before=before, after=after)
        self.state.touch(task)

    def _check_depth(self, parent: Task, height: int) -> None:
        """Asana nests subtasks at most MAX_SUBTASK_DEPTH levels below a top-level task."""
        depth, current = 1, parent
        while current.parent is not None:
            depth, current = depth + 1, self.state.tasks[current.parent]
        if depth + height > MAX_SUBTASK_DEPTH:
            raise RuleError(
                f"parent: Subtasks can be nested at most {MAX_SUBTASK_DEPTH} levels deep"
            )

    def _height(self, task: Task) -> int:
        """Levels of subtasks below a task (0 for a task without subtasks)."""
        below = [self._height(self.state.tasks[g]) for g in task.subtasks if self.state.is_live(g)]
        return 1 + max(below) if below else 0

    def add_project(self, task: Task, data: dict[str, Any]) -> None:
        """POST /tasks/{gid}/addProject: put the task directly in a project."""
        allowed = frozenset({"project", "insert_before", "insert_after", "section"})
        check_keys(data, allowed, "addProject request")
        project = self.state.projects[self._required_project(data)]
        if project.workspace != task.workspace:
            raise RuleError("project: The project must be in the task's workspace")
        section = data.get("section")
        if section is not None and section != project.section_gid:
            raise RuleError(f"section: Not a section of project {project.gid}: {section}")
        order = [g for g in project.task_order if g != task.gid]
        before, after = self._position(data, order, "tasks in the project")
        self.state.add_to_project(task, project.gid, before=before, after=after)
        self.state.touch(task)

    def remove_project(self, task: Task, data: dict[str, Any]) -> None:
        """POST /tasks/{gid}/removeProject: take the task out of a project."""
        check_keys(data, frozenset({"project"}), "removeProject request")
        self.state.remove_from_project(task, self._required_project(data))
        self.state.touch(task)

    def _required_project(self, data: dict[str, Any]) -> str:
        if data.get("project") is None:
            raise RuleError("project: Missing input")
        return self._project(data["project"], "project")

    @staticmethod
    def _position(data: dict[str, Any], siblings: list[str], what: str) -> tuple[str, str]:
        before, after = data.get("insert_before"), data.get("insert_after")
        if "insert_after" in data and after is None and siblings:
            before = before or siblings[0]  # `insert_after: null` inserts at the beginning
        if before is not None and after is not None:
            raise RuleError("Only one of insert_before or insert_after may be specified")
        for key, ref in (("insert_before", before), ("insert_after", after)):
            if ref is not None and ref not in siblings:
                raise RuleError(f"{key}: {ref} is not one of the {what}")
        return before or "", after or ""

    def delete(self, task: Task) -> None:
        """DELETE /tasks/{gid}: move the task (and its subtasks) to the trash."""
        self.state.delete_task(task.gid)

    # -- stories ---------------------------------------------------------------------------
    def add_story(self, task: Task, data: dict[str, Any], author: str | None) -> Story:
        """POST /tasks/{gid}/stories: comment on a task."""
        allowed = frozenset({"text", "html_text", "is_pinned", "sticker_name"})
        check_keys(data, allowed, "story")
        if "html_text" in data:
            text = rich_text_to_plain(data["html_text"], "html_text")
            html = data["html_text"]
        elif data.get("text"):
            text = check_string(data["text"], "text")
            html = plain_to_rich_text(text)
        else:
            raise RuleError("text: Missing input")
        story_gid = self.state.add_story(task.gid, text, author=author)
        story = self.state.stories[story_gid]
        story.html_text = html
        story.is_pinned = check_bool(data.get("is_pinned", False), "is_pinned")
        return story

    # -- lookups ---------------------------------------------------------------------------
    def _live_task(self, ref: Any, field: str) -> Task:
        gid = check_gid(ref, field)
        if not self.state.is_live(gid):
            raise RuleError(f"{field}: Unknown object: {gid}")
        return self.state.tasks[gid]
