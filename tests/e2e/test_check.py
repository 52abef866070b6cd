"""`community-sync check` end to end against the emulator: all ok, then each broken thing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sync.check.form import FORM_PATH, check_form, shipped_form
from sync.config import parse_config
from sync.emulator.seed import COMMUNITY_REPO
from tests.e2e.conftest import Harness

OFFICE_HOURS = f"""\
office_hours:
  repository: {COMMUNITY_REPO}
  board: {{owner: example-org, number: 9}}
  schedule: {{first_session: 2026-01-07}}
"""
OPTIONS = "        - example-university\n"


def form_text(options: str = OPTIONS + "        - Other College\n") -> str:
    """The shipped CSH form with these Community options."""
    return Path(shipped_form()).read_text(encoding="utf-8").replace(OPTIONS, options)


def write_config(
    harness: Harness, *, users: str = "", board: str = "", office: bool = True
) -> None:
    text = harness.seeded.config_yaml(extra=users + (OFFICE_HOURS if office else ""))
    text = text.replace(
        "    require_hours_to_close: true\n", "    require_hours_to_close: true\n" + board
    )
    harness.config.write_text(text, encoding="utf-8")


@pytest.fixture
def checked(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> Harness:
    """The seeded world plus an office-hours board, its config, and the CSH form in the cwd."""
    board = harness.world.github.add_project("example-org", 9, "Office hours")
    harness.world.github.add_project_field(
        board, "Status", "SINGLE_SELECT", ["Up Next", "Discussed"]
    )
    write_config(harness)
    monkeypatch.chdir(harness.folder)
    FORM_PATH.parent.mkdir(parents=True)
    FORM_PATH.write_text(form_text(), encoding="utf-8")
    return harness


def lines(text: str, status: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(status + ": ")]


def test_all_ok_on_the_seeded_world(checked: Harness) -> None:
    result = checked.cli("check")
    assert result.code == 0, result.stdout
    assert lines(result.stdout, "fix") == [] and lines(result.stdout, "note") == []
    seeded = checked.seeded
    expected = [
        f'ok: asana.workspace: {seeded.workspace} "Example Org"',
        f'ok: asana.project: {seeded.project} "Community Success Hours (GitHub)"',
        f'ok: asana.fields.github_url: "GitHub URL" ({seeded.url_field}, text)',
        f'ok: asana.fields.github_hours: "GitHub Hours" ({seeded.hours_field}, number)',
        "ok: csh.communities[0].asana_task: example-university -> task "
        f'{seeded.communities["example-university"]} "Community Success Hours" '
        'under "Example University"',
        f"ok: csh.users.octocat: octocat@example.org -> {seeded.users['octocat@example.org']} "
        '"Octo Cat"',
        'ok: github.repositories: example-org/support has the "CSH" label',
        'ok: csh.board: board example-org/57 "Partnerships & Support" is readable with the '
        "GitHub token",
        'ok: csh.board.hours_field: "Hours spent" (NUMBER)',
        'ok: csh.board.community_field: "Community" has an option for every community',
        "ok: .github/ISSUE_TEMPLATE/csh-request.yml: its Community options match csh.communities",
        'ok: office_hours.repository: example-org/community has the "office-hours" label',
        'ok: office_hours.board.status_field: "Status" (SINGLE_SELECT)',
        'ok: office_hours.board.up_next: "Status" has "Up Next"',
        'ok: office_hours.board.discussed: "Status" has "Discussed"',
    ]
    for line in expected:
        assert line in result.stdout.splitlines()
    assert result.stdout.rstrip().endswith("20 ok, 0 to fix, 0 notes")
    assert "20 ok, 0 to fix, 0 notes. Nothing to fix." in result.summary
    assert "| status | item | finding |" in result.summary
    assert (
        f'| ok | `asana.workspace` | {checked.seeded.workspace} "Example Org" |' in result.summary
    )


def _drop_hours_field(h: Harness) -> None:
    del h.world.asana.projects[h.seeded.project].settings[h.seeded.hours_field]


def _retype_url_field(h: Harness) -> None:
    h.world.asana.custom_fields[h.seeded.url_field].type = "number"


def _delete_community_task(h: Harness) -> None:
    h.world.asana.delete_task(h.seeded.communities["other-college"])


def _unknown_user(h: Harness) -> None:
    write_config(h, users="    ghost: ghost@example.org\n    robot: '1234'\n")


def _drop_status_option(h: Harness) -> None:
    status = h.world.github.project("example-org", 9).field_by_name("Status")
    assert status is not None
    status.options = [o for o in status.options if o.name != "Discussed"]


def _drop_community_option(h: Harness) -> None:
    community = h.world.github.project("example-org", 57).field_by_name("Community")
    assert community is not None
    community.options = [o for o in community.options if o.name != "other-college"]


def _form_out_of_step(h: Harness) -> None:
    FORM_PATH.write_text(form_text(OPTIONS + "        - Gone University\n"), encoding="utf-8")


def _deny_projects(h: Harness) -> None:
    h.world.github.project_denied_tokens.add(h.world.github_token)


def _hours_field_text(h: Harness) -> None:
    board = h.world.github.project("example-org", 57)
    hours = board.field_by_name("Hours spent")
    assert hours is not None
    hours.data_type = "TEXT"


def _missing_label(h: Harness) -> None:
    h.world.github.repo("example-org/support").labels.pop("csh")


def _wrong_workspace(h: Harness) -> None:
    text = h.config.read_text(encoding="utf-8")
    h.config.write_text(text.replace(h.seeded.workspace, "1999"), encoding="utf-8")


def _extra_field_lacks_option(h: Harness) -> None:
    board = h.world.github.project("example-org", 57)
    options = ["High", "Medium", "Low", "Urgent"]
    h.world.github.add_project_field(board, "Priority", "SINGLE_SELECT", options)
    write_config(h, board="    extra_fields: [{github: Priority, asana: Priority}]\n")


BROKEN: list[tuple[Callable[[Harness], None], str]] = [
    (_drop_hours_field, 'fix: asana.fields.github_hours: no custom field "GitHub Hours" on the'),
    (_retype_url_field, 'fix: asana.fields.github_url: "GitHub URL" is a number field, it must'),
    (_delete_community_task, "fix: csh.communities[1].asana_task: task {college} of "),
    (_unknown_user, "fix: csh.users.ghost: no user ghost@example.org in the workspace"),
    (_unknown_user, "fix: csh.users.robot: no user 1234 in the workspace"),
    (_drop_status_option, 'fix: office_hours.board.discussed: add the option "Discussed" to'),
    (_drop_community_option, "fix: csh.board.community_field: add options for other-college"),
    (
        _form_out_of_step,
        "fix: .github/ISSUE_TEMPLATE/csh-request.yml: Community options out of step (missing "
        "other-college; unknown Gone University); set them to [example-university, other-college]",
    ),
    (_deny_projects, "fix: csh.board: the GitHub token cannot read Projects"),
    (_deny_projects, "fix: office_hours.board: the GitHub token cannot read Projects"),
    (_hours_field_text, 'fix: csh.board.hours_field: "Hours spent" is a TEXT field, it must be'),
    (_missing_label, 'fix: github.repositories: example-org/support has no "CSH" label'),
    (_wrong_workspace, "fix: asana.workspace: no workspace 1999 for this token"),
    (
        _extra_field_lacks_option,
        'fix: csh.board.extra_fields[0].asana: "Priority" lacks the options "Urgent"; add them',
    ),
]


@pytest.mark.parametrize(("breaking", "expected"), BROKEN, ids=[b[0].__name__ for b in BROKEN])
def test_each_broken_thing_is_a_fix(
    checked: Harness, breaking: Callable[[Harness], None], expected: str
) -> None:
    breaking(checked)
    result = checked.cli("check")
    assert result.code == 1, result.stdout
    college = checked.seeded.communities["other-college"]
    wanted = expected.format(college=college)
    assert any(line.startswith(wanted) for line in lines(result.stdout, "fix")), result.stdout
    assert "0 to fix" not in result.stdout


def test_a_missing_form_is_a_note(checked: Harness) -> None:
    FORM_PATH.unlink()
    result = checked.cli("check")
    assert result.code == 0
    note = lines(result.stdout, "note")
    assert len(note) == 1 and "no CSH issue form; to offer one, copy" in note[0]
    assert "[example-university, other-college]" in note[0]


def test_absent_sections_are_skipped_with_a_note(checked: Harness) -> None:
    write_config(checked, office=False)
    result = checked.cli("check")
    assert result.code == 0
    assert "note: office_hours: section absent, office hours not checked" in result.stdout


def test_discover_lists_the_seeded_gids(checked: Harness) -> None:
    checked.config.unlink()  # a new user has no config yet
    project = "Community Success Hours (GitHub)"
    result = checked.cli("check", "--discover", "--project", project, "--users")
    assert result.code == 0, result.stderr
    seeded, out = checked.seeded, result.stdout.splitlines()
    assert f'workspace {seeded.workspace} "Example Org"' in out
    assert f'  project {seeded.project} "Community Success Hours (GitHub)"' in out
    assert f'    field {seeded.url_field} "GitHub URL" (text)' in out
    assert f'    field {seeded.hours_field} "GitHub Hours" (number)' in out
    assert f'    field {seeded.priority_field} "Priority" (enum)' in out
    assert f'  user {seeded.users["octocat@example.org"]} "Octo Cat" octocat@example.org' in out
    snippet = result.stdout.split("# a start for .github/community-sync.yml:\n", 1)[1]
    assert f"  workspace: '{seeded.workspace}'" in snippet
    assert f"  project: '{seeded.project}'" in snippet
    parsed = parse_config(snippet, "snippet.yml", {"GITHUB_REPOSITORY": "o/r"})
    assert parsed.asana is not None and parsed.asana.fields.github_hours == "GitHub Hours"


def test_discover_needs_an_asana_token(checked: Harness) -> None:
    result = checked.cli("check", "--discover", ASANA_TOKEN="")
    assert result.code == 2 and "ASANA_TOKEN is not set" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("labels: [CSH]\nbody: []\n", "fix: form.yml: no Community dropdown"),
        ("labels: [other]\nbody: []\n", 'fix: form.yml: add "CSH" to its labels'),
        ("body: [\n", "fix: form.yml: not valid YAML"),
        ("- a list\n", "fix: form.yml: not an issue form"),
    ],
)
def test_form_problems(harness: Harness, text: str, expected: str) -> None:
    csh = parse_config(harness.seeded.config_yaml(), "c.yml", {}).csh
    assert csh is not None
    found = [f.line for f in check_form(csh, text, "form.yml")]
    assert any(line.startswith(expected) for line in found), found


def test_an_empty_config_is_a_fix_naming_the_file(checked: Harness) -> None:
    checked.config.write_text("# nothing yet\n", encoding="utf-8")

    result = checked.cli("check")

    assert result.code == 1
    [fix_line] = lines(result.stdout, "fix")
    assert fix_line.startswith(f"fix: {checked.config}: the config is empty")
    assert "examples/community-sync.yml" in fix_line
    assert checked.world.server.count() == 0  # nothing to ask the APIs


def test_a_config_without_communities_is_a_fix(checked: Harness) -> None:
    text = checked.config.read_text(encoding="utf-8")
    text = re.sub(r"  communities:\n(    .*\n)*", "", text)  # the key and its entries
    assert "communities" not in text and "  users:" in text
    checked.config.write_text(text, encoding="utf-8")

    result = checked.cli("check")

    assert result.code == 1, result.stdout
    assert "fix: csh.communities: none configured" in "\n".join(lines(result.stdout, "fix"))


def test_the_summary_is_a_table_with_fixes_first(checked: Harness) -> None:
    _missing_label(checked)

    result = checked.cli("check")

    rows = [line for line in result.summary.splitlines() if line.startswith("| ")]
    assert rows[0] == "| status | item | finding |"
    assert rows[1].startswith('| fix | `github.repositories` | example-org/support has no "CSH"')
    assert all(not row.startswith("| fix") for row in rows[2:])
    assert "19 ok, 1 to fix, 0 notes. Fix the rows marked **fix**." in result.summary
