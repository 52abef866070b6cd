"""Judge the GitHub side of the config: repositories, the CSH and office-hours boards. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from sync.check.findings import Finding, fix, note, ok
from sync.check.github_facts import BoardFacts, RepositoryFacts
from sync.config import CshConfig, OfficeHoursConfig

PROJECTS_ACCESS_HINT = (
    "the GitHub token cannot read Projects: set GITHUB_TOKEN (in the workflows: the "
    "COMMUNITY_SYNC_GITHUB_TOKEN secret) to a GitHub App token with the organization "
    "Projects permission (actions/create-github-app-token) or a PAT with the 'project' scope; "
    "the Actions GITHUB_TOKEN cannot read Projects"
)


def check_repositories(repos: Sequence[RepositoryFacts], label: str, key: str) -> list[Finding]:
    """Each repository is readable and has the label its issues are marked with."""
    findings = []
    for repo in repos:
        if not repo.found:
            findings.append(fix(f"{key}: {repo.name} not found, or the token cannot read it"))
        elif repo.label is None:
            findings.append(fix(f'{key}: {repo.name} has no "{label}" label; create it'))
        else:
            findings.append(ok(f'{key}: {repo.name} has the "{repo.label}" label'))
    return findings


def check_board_access(board: BoardFacts, key: str) -> Finding:
    """The board exists and the token may read it."""
    if board.state == "denied":
        return fix(f"{key}: {PROJECTS_ACCESS_HINT}")
    if board.state == "missing":
        return fix(f"{key}: no board {board.ref} (owner login and board number as in its URL)")
    return ok(f'{key}: board {board.ref} "{board.title}" is readable with the GitHub token')


def check_csh_board(csh: CshConfig, board: BoardFacts) -> list[Finding]:
    """The CSH board's hours, community and extra fields exist with the right types."""
    findings = [check_board_access(board, "csh.board")]
    if board.state != "found" or csh.board is None:
        return findings
    findings.append(_typed(board, csh.board.hours_field, "csh.board.hours_field", "NUMBER"))
    if csh.board.community_field:
        findings += _community_field(csh, board, csh.board.community_field)
    for i, extra in enumerate(csh.board.extra_fields):
        findings.append(_typed(board, extra.github, f"csh.board.extra_fields[{i}].github", None))
    return findings


def check_office_hours_board(office: OfficeHoursConfig, board: BoardFacts) -> list[Finding]:
    """The office-hours board has its status field with the Up Next and Discussed options."""
    findings = [check_board_access(board, "office_hours.board")]
    if board.state != "found":
        return findings
    key, name = "office_hours.board.status_field", office.board.status_field
    status = _typed(board, name, key, "SINGLE_SELECT")
    findings.append(status)
    if status.status != "ok":
        return findings
    return findings + _status_options(office, board.fields[name].options)


def _status_options(office: OfficeHoursConfig, options: Sequence[str]) -> list[Finding]:
    name, findings = office.board.status_field, []
    for key, option in (("up_next", office.board.up_next), ("discussed", office.board.discussed)):
        if option in options:
            findings.append(ok(f'office_hours.board.{key}: "{name}" has "{option}"'))
        else:
            findings.append(fix(f'office_hours.board.{key}: add the option "{option}" to "{name}"'))
    return findings


def _typed(board: BoardFacts, name: str, key: str, data_type: str | None) -> Finding:
    found = board.fields.get(name)
    if found is None:
        wanted = f"a {data_type} field" if data_type else "the field"
        return fix(f'{key}: board {board.ref} has no field "{name}"; add {wanted} or fix the name')
    if data_type and found.data_type != data_type:
        return fix(f'{key}: "{name}" is a {found.data_type} field, it must be {data_type}')
    return ok(f'{key}: "{name}" ({found.data_type})')


def _community_field(csh: CshConfig, board: BoardFacts, name: str) -> list[Finding]:
    key = "csh.board.community_field"
    status = _typed(board, name, key, "SINGLE_SELECT")
    if status.status != "ok":
        return [status]
    options = board.fields[name].options
    named = {o.casefold() for o in options}
    missing = [c.key for c in csh.communities if not {c.key.casefold(), c.name.casefold()} & named]
    extra = [o for o in options if csh.community_by_key_or_name(o) is None]
    findings = [status]
    if missing:
        findings.append(fix(f'{key}: add options for {", ".join(missing)} to "{name}"'))
    else:
        findings.append(ok(f'{key}: "{name}" has an option for every community'))
    if extra:
        findings.append(
            note(f'{key}: options {", ".join(extra)} of "{name}" name no configured community')
        )
    return findings
