"""How the emulated Asana shows its objects: compact and full records, and ``opt_fields``.

Asana answers lists with *compact* records (``gid``, ``resource_type``, ``name`` and a few
more) and single objects with the *full* record, leaving out the fields its OpenAPI document
marks [Opt In] (a task's ``html_notes`` and ``num_subtasks`` among them). ``opt_fields`` names
exactly the fields wanted, as dotted paths (``memberships.project.name``); the ``gid`` always
comes along, and a nested object named without sub-fields comes back compact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sync.emulator.asana_rules import format_number
from sync.emulator.asana_state import AsanaState, CustomField, Project, Task

COMPACT: Final = "compact"
FULL: Final = "full"
PERMALINK = "https://app.asana.com/0/0/{gid}"
_ABSENT: Final = object()  # a getter's answer for a field this record does not have
_GROUP = re.compile(r"\(([^()]*)\)")

Tree = dict[str, "Tree"]
Spec = Tree | str
Getter = Callable[[AsanaState, Any], Any]


@dataclass(frozen=True)
class Ref:
    """A reference to one object of a kind, rendered when the response is built."""

    kind: str
    obj: Any


@dataclass(frozen=True)
class Kind:
    """How one resource type renders: its fields, and which make the compact and full records."""

    getters: dict[str, Getter]
    compact: tuple[str, ...]
    opt_in: frozenset[str] = frozenset()
    full_children: frozenset[str] = frozenset()  # nested objects shown full in a full record

    @property
    def full(self) -> tuple[str, ...]:
        """The fields of the full record: every field that is not opt-in."""
        return tuple(name for name in self.getters if name not in self.opt_in)


def parse_opt_fields(raw: str | list[str] | None) -> Tree | None:
    """Parse ``opt_fields`` (comma list of dotted paths, ``this.`` and ``(a|b)`` allowed)."""
    if not raw:
        return None
    terms = raw if isinstance(raw, list) else _split_terms(raw)
    tree: Tree = {}
    for term in terms:
        for path in _expand(term.strip()):
            node = tree
            parts = path.split(".")
            for part in parts[1:] if parts[0] == "this" else parts:
                if part:
                    node = node.setdefault(part, {})
    return tree


def _split_terms(raw: str) -> list[str]:
    terms, depth, current = [], 0, ""
    for char in raw:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    return [*terms, current]


def _expand(term: str) -> list[str]:
    match = _GROUP.search(term)
    if match is None:
        return [term]
    head, tail = term[: match.start()], term[match.end() :]
    return [path for alt in match.group(1).split("|") for path in _expand(head + alt + tail)]


def render(state: AsanaState, ref: Ref, spec: Spec) -> dict[str, Any]:
    """Render one object as a compact or full record, or as the fields ``spec`` names."""
    kind = KINDS[ref.kind]
    if isinstance(spec, dict):
        names = list(dict.fromkeys(["gid", *spec]))
    else:
        names = list(kind.full if spec == FULL else kind.compact)
    out: dict[str, Any] = {}
    for name in names:
        getter = kind.getters.get(name)
        value = _ABSENT if getter is None else getter(state, ref.obj)
        if value is not _ABSENT:
            out[name] = _nested(state, value, _child_spec(kind, name, spec))
    return out


def _child_spec(kind: Kind, name: str, spec: Spec) -> Spec:
    if isinstance(spec, dict):
        return spec.get(name) or COMPACT
    return FULL if spec == FULL and name in kind.full_children else COMPACT


def _nested(state: AsanaState, value: Any, spec: Spec) -> Any:
    if isinstance(value, Ref):
        return render(state, value, spec)
    if isinstance(value, list):
        return [_nested(state, item, spec) for item in value]
    return value


def timestamp(moment: datetime | None) -> str | None:
    """Asana's date-time form: ``YYYY-MM-DDTHH:MM:SS.fffZ`` in UTC."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _ref_or_none(kind: str, obj: Any) -> Ref | None:
    return None if obj is None else Ref(kind, obj)


# -- tasks -------------------------------------------------------------------------------------
def _task_fields(state: AsanaState, task: Task) -> list[Ref]:
    return [Ref("task_field", (task, f)) for f in state.task_fields(task)]


def _parent(state: AsanaState, task: Task) -> Ref | None:
    return _ref_or_none("task", state.tasks.get(task.parent or ""))


def _assignee(state: AsanaState, task: Task) -> Ref | None:
    return _ref_or_none("user", state.users.get(task.assignee or ""))


TASK = Kind(
    getters={
        "gid": lambda s, t: t.gid,
        "resource_type": lambda s, t: "task",
        "name": lambda s, t: t.name,
        "resource_subtype": lambda s, t: t.resource_subtype,
        "notes": lambda s, t: t.notes,
        "html_notes": lambda s, t: t.html_notes,
        "completed": lambda s, t: t.completed,
        "completed_at": lambda s, t: timestamp(t.completed_at),
        "completed_by": lambda s, t: None,
        "assignee": _assignee,
        "assignee_section": lambda s, t: None,
        "parent": _parent,
        "projects": lambda s, t: [Ref("project", s.projects[p]) for p in t.projects],
        "memberships": lambda s, t: [Ref("membership", s.projects[p]) for p in t.projects],
        "custom_fields": _task_fields,
        "created_at": lambda s, t: timestamp(t.created_at),
        "modified_at": lambda s, t: timestamp(t.modified_at),
        "due_on": lambda s, t: t.due_on,
        "due_at": lambda s, t: t.due_at,
        "start_on": lambda s, t: t.start_on,
        "start_at": lambda s, t: t.start_at,
        "actual_time_minutes": lambda s, t: t.actual_time_minutes,
        "followers": lambda s, t: [],
        "tags": lambda s, t: [],
        "hearted": lambda s, t: False,
        "hearts": lambda s, t: [],
        "num_hearts": lambda s, t: 0,
        "liked": lambda s, t: False,
        "likes": lambda s, t: [],
        "num_likes": lambda s, t: 0,
        "permalink_url": lambda s, t: PERMALINK.format(gid=t.gid),
        "workspace": lambda s, t: Ref("workspace", s.workspaces[t.workspace]),
        "num_subtasks": lambda s, t: len(s.subtasks_of(t.gid)),
        "dependencies": lambda s, t: [],
        "dependents": lambda s, t: [],
        "is_rendered_as_separator": lambda s, t: False,
    },
    compact=("gid", "resource_type", "name", "resource_subtype"),
    opt_in=frozenset(
        {"html_notes", "num_subtasks", "dependencies", "dependents", "is_rendered_as_separator"}
    ),
    full_children=frozenset({"custom_fields"}),
)


# -- custom fields -----------------------------------------------------------------------------
_VALUE_KEY = {"text": "text_value", "number": "number_value", "enum": "enum_value"}


def _field_of(obj: Any) -> CustomField:
    return obj[1] if isinstance(obj, tuple) else obj  # type: ignore[no-any-return]


def _enum_options(state: AsanaState, obj: Any) -> Any:
    custom_field = _field_of(obj)
    if custom_field.type != "enum":
        return _ABSENT
    return [Ref("enum_option", option) for option in custom_field.enum_options]


def _value_getter(key: str) -> Getter:
    def get(state: AsanaState, obj: tuple[Task, CustomField]) -> Any:
        task, custom_field = obj
        if _VALUE_KEY[custom_field.type] != key:
            return _ABSENT
        raw = task.custom_values.get(custom_field.gid)
        if key == "enum_value":
            return _ref_or_none("enum_option", custom_field.option(raw) if raw else None)
        return raw

    return get


def display_value(task: Task, custom_field: CustomField) -> str | None:
    """The value of a field on a task as Asana displays it."""
    raw = task.custom_values.get(custom_field.gid)
    if raw is None:
        return None
    if custom_field.type == "number":
        return format_number(raw, custom_field.precision)
    if custom_field.type == "enum":
        option = custom_field.option(raw)
        return option.name if option else None
    return str(raw)


_FIELD_GETTERS: dict[str, Getter] = {
    "gid": lambda s, o: _field_of(o).gid,
    "resource_type": lambda s, o: "custom_field",
    "name": lambda s, o: _field_of(o).name,
    "type": lambda s, o: _field_of(o).type,
    "resource_subtype": lambda s, o: _field_of(o).type,
    "representation_type": lambda s, o: _field_of(o).type,
    "enum_options": _enum_options,
    "enabled": lambda s, o: True,
    "precision": lambda s, o: _field_of(o).precision if _field_of(o).type == "number" else _ABSENT,
    "format": lambda s, o: "custom" if _field_of(o).type == "number" else _ABSENT,
    "is_formula_field": lambda s, o: False,
    "is_value_read_only": lambda s, o: False,
    "is_global_to_workspace": lambda s, o: True,
    "has_notifications_enabled": lambda s, o: True,
    "asana_created_field": lambda s, o: None,
    "description": lambda s, o: "",
}

CUSTOM_FIELD = Kind(
    getters=_FIELD_GETTERS,
    compact=("gid", "resource_type", "name", "type", "enum_options", "enabled"),
    opt_in=frozenset({"description"}),
)

TASK_FIELD = Kind(
    getters={
        **_FIELD_GETTERS,
        "display_value": lambda s, o: display_value(*o),
        "text_value": _value_getter("text_value"),
        "number_value": _value_getter("number_value"),
        "enum_value": _value_getter("enum_value"),
    },
    compact=(
        *("gid", "resource_type", "name", "type", "display_value", "enabled"),
        *("text_value", "number_value", "enum_value"),
    ),
    opt_in=frozenset({"description"}),
)

ENUM_OPTION = Kind(
    getters={
        "gid": lambda s, o: o.gid,
        "resource_type": lambda s, o: "enum_option",
        "name": lambda s, o: o.name,
        "enabled": lambda s, o: o.enabled,
        "color": lambda s, o: o.color,
    },
    compact=("gid", "resource_type", "name", "enabled", "color"),
)


def _setting_project(state: AsanaState, obj: tuple[Project, CustomField]) -> Ref:
    return Ref("project", obj[0])


SETTING = Kind(
    getters={
        "gid": lambda s, o: o[0].settings[o[1].gid],
        "resource_type": lambda s, o: "custom_field_setting",
        "project": _setting_project,
        "parent": _setting_project,
        "is_important": lambda s, o: False,
        "custom_field": lambda s, o: Ref("custom_field", o[1]),
    },
    compact=("gid", "resource_type"),
    full_children=frozenset({"custom_field"}),
)


# -- users, workspaces, projects, sections, stories ------------------------------------------
def _named(resource_type: str, **extra: Getter) -> dict[str, Getter]:
    return {
        "gid": lambda s, o: o.gid,
        "resource_type": lambda s, o: resource_type,
        "name": lambda s, o: o.name,
        **extra,
    }


_NAMED_COMPACT = ("gid", "resource_type", "name")

USER = Kind(
    getters=_named(
        "user",
        email=lambda s, u: u.email,
        photo=lambda s, u: None,
        workspaces=lambda s, u: [Ref("workspace", s.workspaces[w]) for w in u.workspaces],
    ),
    compact=_NAMED_COMPACT,
)

WORKSPACE = Kind(
    getters=_named(
        "workspace",
        email_domains=lambda s, w: list(w.email_domains),
        is_organization=lambda s, w: w.is_organization,
    ),
    compact=_NAMED_COMPACT,
)

PROJECT = Kind(
    getters=_named(
        "project",
        archived=lambda s, p: p.archived,
        color=lambda s, p: None,
        completed=lambda s, p: False,
        completed_at=lambda s, p: None,
        created_at=lambda s, p: timestamp(p.created_at),
        modified_at=lambda s, p: timestamp(p.modified_at),
        notes=lambda s, p: p.notes,
        owner=lambda s, p: None,
        due_on=lambda s, p: None,
        start_on=lambda s, p: None,
        members=lambda s, p: [],
        followers=lambda s, p: [],
        custom_field_settings=lambda s, p: [
            Ref("setting", (p, s.custom_fields[f])) for f in p.settings
        ],
        permalink_url=lambda s, p: f"https://app.asana.com/0/{p.gid}/list",
        workspace=lambda s, p: Ref("workspace", s.workspaces[p.workspace]),
    ),
    compact=_NAMED_COMPACT,
    full_children=frozenset({"custom_field_settings"}),
)

SECTION = Kind(
    getters={
        "gid": lambda s, p: p.section_gid,
        "resource_type": lambda s, p: "section",
        "name": lambda s, p: "Untitled section",
    },
    compact=_NAMED_COMPACT,
)

MEMBERSHIP = Kind(
    getters={"project": lambda s, p: Ref("project", p), "section": lambda s, p: Ref("section", p)},
    compact=("project", "section"),
)

STORY = Kind(
    getters={
        "gid": lambda s, o: o.gid,
        "resource_type": lambda s, o: "story",
        "created_at": lambda s, o: timestamp(o.created_at),
        "created_by": lambda s, o: (
            Ref("user", s.users[o.created_by]) if o.created_by in s.users else _ABSENT
        ),
        "resource_subtype": lambda s, o: o.resource_subtype,
        "text": lambda s, o: o.text,
        "html_text": lambda s, o: o.html_text,
        "type": lambda s, o: "comment",
        "is_pinned": lambda s, o: o.is_pinned,
        "is_edited": lambda s, o: False,
        "is_editable": lambda s, o: True,
        "target": lambda s, o: Ref("task", s.tasks[o.task]),
    },
    compact=("gid", "resource_type", "created_at", "created_by", "resource_subtype", "text"),
    opt_in=frozenset({"html_text"}),
)

TIME_ENTRY = Kind(
    getters={
        "gid": lambda s, e: e.gid,
        "resource_type": lambda s, e: "time_tracking_entry",
        "duration_minutes": lambda s, e: e.duration_minutes,
        "entered_on": lambda s, e: e.entered_on.isoformat(),
        "attributable_to": lambda s, e: (
            Ref("project", s.projects[e.attributable_to]) if e.attributable_to else _ABSENT
        ),
        "created_by": lambda s, e: Ref("user", s.users[e.created_by]) if e.created_by else _ABSENT,
        "categories": lambda s, e: [],
    },
    # Both list endpoints answer TimeTrackingEntryCompact: no task, no created_at.
    compact=(
        *("gid", "resource_type", "duration_minutes", "entered_on"),
        *("attributable_to", "created_by"),
    ),
)

KINDS: dict[str, Kind] = {
    "task": TASK,
    "task_field": TASK_FIELD,
    "custom_field": CUSTOM_FIELD,
    "enum_option": ENUM_OPTION,
    "setting": SETTING,
    "user": USER,
    "workspace": WORKSPACE,
    "project": PROJECT,
    "section": SECTION,
    "membership": MEMBERSHIP,
    "story": STORY,
    "time_tracking_entry": TIME_ENTRY,
}
