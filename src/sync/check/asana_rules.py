"""Judge the Asana side of the config: workspace, project, fields, community tasks, users. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sync.asana.tasks import DATE_TARGETS
from sync.check.asana_facts import AsanaFacts, Record
from sync.check.findings import Finding, fix, note, ok
from sync.check.github_facts import BoardFacts
from sync.config import AsanaConfig, CshConfig, ExtraField

DISCOVER = "community-sync check --discover lists them"
ASANA_TYPES = {"SINGLE_SELECT": "enum", "NUMBER": "number", "TEXT": "text"}
"""The Asana custom field type each board field type is mirrored into."""


def check_asana(
    config: AsanaConfig, csh: CshConfig | None, facts: AsanaFacts, board: BoardFacts | None
) -> list[Finding]:
    """Every Asana finding, in the order a person would fix them."""
    findings = [*check_workspace(config, facts), *check_project(config, facts)]
    if facts.project is not None:
        findings += check_fields(config, csh, facts.fields, board)
    if csh is not None:
        findings += check_community_tasks(csh, facts.tasks)
        findings += check_users(csh, facts.users)
    return findings


def check_workspace(config: AsanaConfig, facts: AsanaFacts) -> list[Finding]:
    """The workspace exists."""
    if facts.workspace is None:
        return [fix(f"asana.workspace: no workspace {config.workspace} for this token; {DISCOVER}")]
    return [ok(f'asana.workspace: {config.workspace} "{facts.workspace.get("name", "")}"')]


def check_project(config: AsanaConfig, facts: AsanaFacts) -> list[Finding]:
    """The project exists, in the workspace, and is not archived."""
    project, key = facts.project, "asana.project"
    if project is None:
        return [fix(f"{key}: no project {config.project} for this token; {DISCOVER}")]
    name = project.get("name", "")
    workspace = (project.get("workspace") or {}).get("gid")
    if workspace and workspace != config.workspace:
        return [fix(f'{key}: "{name}" is in workspace {workspace}, not {config.workspace}')]
    if project.get("archived"):
        return [fix(f'{key}: "{name}" ({config.project}) is archived; unarchive it')]
    return [ok(f'{key}: {config.project} "{name}"')]


def check_fields(
    config: AsanaConfig, csh: CshConfig | None, fields: Sequence[Record], board: BoardFacts | None
) -> list[Finding]:
    """The configured custom fields are on the project, with the right types and options."""
    findings = [
        _field(fields, config.fields.github_url, "asana.fields.github_url", "text"),
        _field(fields, config.fields.github_hours, "asana.fields.github_hours", "number"),
    ]
    extras = csh.board.extra_fields if csh and csh.board else ()
    for i, extra in enumerate(extras):
        findings += _extra(fields, extra, f"csh.board.extra_fields[{i}]", board)
    return findings


def _field(fields: Sequence[Record], wanted: str, key: str, kind: str | None) -> Finding:
    found = find_field(fields, wanted)
    if found is None:
        return fix(
            f'{key}: no custom field "{wanted}" on the Asana project; add it to the project '
            f"(a {kind or 'custom'} field) or fix the name; {DISCOVER}"
        )
    if kind and field_type(found) != kind:
        return fix(f'{key}: "{wanted}" is a {field_type(found)} field, it must be a {kind} field')
    return ok(f'{key}: "{found.get("name")}" ({found.get("gid")}, {field_type(found)})')


def _extra(
    fields: Sequence[Record], extra: ExtraField, key: str, board: BoardFacts | None
) -> list[Finding]:
    board_field = board.fields.get(extra.github) if board and board.state == "found" else None
    kind = board_field.data_type if board_field else None
    if extra.asana in DATE_TARGETS:
        if kind not in (None, "DATE"):
            return [fix(f'{key}: board field "{extra.github}" is {kind}; {extra.asana} needs DATE')]
        return [ok(f"{key}: {extra.github} -> the task's {extra.asana}")]
    if kind == "DATE":
        return [fix(f'{key}.asana: "{extra.github}" is a date; map it to start_on or due_on')]
    found = _field(fields, extra.asana, f"{key}.asana", ASANA_TYPES.get(kind or ""))
    if found.status != "ok" or board_field is None or kind != "SINGLE_SELECT":
        return [found]
    record = find_field(fields, extra.asana) or {}
    names = {o.get("name") for o in record.get("enum_options") or [] if o}
    missing = [o for o in board_field.options if o not in names]
    if missing:
        return [fix(f'{key}.asana: "{extra.asana}" lacks the options {_list(missing)}; add them')]
    return [found]


def check_community_tasks(csh: CshConfig, tasks: Mapping[str, Record | None]) -> list[Finding]:
    """Each community's "Community Success Hours" task exists (and is not deleted)."""
    findings = []
    for i, community in enumerate(csh.communities):
        key, task = f"csh.communities[{i}].asana_task", tasks.get(community.asana_task)
        if task is None:
            findings.append(
                fix(
                    f"{key}: task {community.asana_task} of {community.key} does not exist "
                    "(deleted?); set the gid of its Community Success Hours task"
                )
            )
            continue
        parent = (task.get("parent") or {}).get("name")
        where = f' under "{parent}"' if parent else ""
        findings.append(ok(f'{key}: {community.key} -> task {task["gid"]} "{task["name"]}"{where}'))
    return findings


def check_users(csh: CshConfig, users: Sequence[Record] | None) -> list[Finding]:
    """Each mapped user (email or gid) is a member of the workspace."""
    if not csh.users:
        return []
    if users is None:
        return [note("csh.users: not checked, the workspace was not found")]
    known = {str(u.get(k)).casefold(): u for u in users for k in ("gid", "email") if u.get(k)}
    findings = []
    for login, ref in csh.users.items():
        user = known.get(ref.casefold())
        if user is None:
            findings.append(fix(f"csh.users.{login}: no user {ref} in the workspace; {DISCOVER}"))
        else:
            findings.append(ok(f'csh.users.{login}: {ref} -> {user["gid"]} "{user.get("name")}"'))
    return findings


def find_field(fields: Sequence[Record], wanted: str) -> Record | None:
    """The project field named (or with the gid) ``wanted``."""
    return next((f for f in fields if wanted in (f.get("gid"), f.get("name"))), None)


def field_type(field: Record) -> str:
    """A custom field's type: text, number, enum, ..."""
    return str(field.get("resource_subtype") or field.get("type") or "unknown")


def _list(names: Sequence[Any]) -> str:
    return ", ".join(f'"{n}"' for n in names)
