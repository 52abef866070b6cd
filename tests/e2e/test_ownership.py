"""The ownership rules, each tried as an outsider would break it (docs/reliability.md lists them).

Every test runs the real CLI against the emulator: a forged link comment written by an outside
account, a misspelt label, a run that would delete many tasks, issues opened through the issue
form by strangers, subtasks a person added in Asana.
"""

from __future__ import annotations

from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import (
    URL,
    link_comments,
    new_issue,
    only_task,
    set_hours,
    tasks_for,
)

OUTSIDER = "outsider"


def configure(h: Harness, extra: str = "", label: str | None = None) -> None:
    """Rewrite the harness config with extra ``csh`` keys (indented two spaces)."""
    text = h.seeded.config_yaml(rate_limit=100_000, extra=extra)
    if label is not None:
        text = text.replace("  label: CSH\n", f"  label: {label}\n")
    h.config.write_text(text, encoding="utf-8")


def forge(h: Harness, number: int, gid: str) -> None:
    """An outsider pastes a copy of the link comment, naming another task."""
    body = (
        f"This issue is mirrored to Asana as Community Success Hours task {gid}.\n\n"
        f"<!-- community-sync:task={gid} -->"
    )
    h.world.github.add_comment(REPO, number, body, OUTSIDER)


def snapshot(h: Harness, gid: str) -> tuple[str, str, str | None, bool]:
    task = h.world.asana.tasks[gid]
    return task.name, task.html_notes or task.notes, task.parent, h.world.asana.is_live(gid)


# -- rule 1 + 2: a forged link comment -----------------------------------------------------------


def test_a_forged_link_comment_cannot_take_over_a_community_task(harness: Harness) -> None:
    h = harness
    community = h.seeded.communities["example-university"]
    mirrored = h.world.asana.add_task("Earlier work", projects=[h.seeded.project], parent=community)
    h.world.asana.tasks[mirrored].custom_values[h.seeded.url_field] = URL.format(999)
    before = snapshot(h, community)
    issue = new_issue(h, title="Take over")
    forge(h, issue.number, community)

    result = h.event("labeled", issue.number, label="CSH")
    assert result.code == 0, result.stderr
    assert snapshot(h, community) == before
    own = only_task(h, issue)  # the issue still gets its own, correct task
    assert own.gid != community and own.parent == community
    assert any(f"task={own.gid}" in body for body in link_comments(h, issue))

    h.world.github.close_issue(REPO, issue.number, "not_planned")
    result = h.event("closed", issue.number)
    assert result.code == 0, result.stderr
    assert snapshot(h, community) == before  # not deleted, and so neither is its subtree
    assert h.world.asana.is_live(mirrored)
    assert not h.world.asana.is_live(own.gid)


def test_a_forged_link_comment_cannot_reach_a_task_in_another_project(harness: Harness) -> None:
    h = harness
    private = h.world.asana.add_project("Salaries", h.seeded.workspace)
    secret = h.world.asana.add_task("Budget 2027", projects=[private])
    before = snapshot(h, secret)
    issue = new_issue(h)
    forge(h, issue.number, secret)
    assert h.event("labeled", issue.number, label="CSH").code == 0
    h.world.github.close_issue(REPO, issue.number, "not_planned")
    assert h.event("closed", issue.number).code == 0
    assert snapshot(h, secret) == before


def test_a_forged_comment_naming_a_project_task_without_a_url_is_ignored(harness: Harness) -> None:
    h = harness
    plain = h.world.asana.add_task("Person-made task", projects=[h.seeded.project])
    before = snapshot(h, plain)
    issue = new_issue(h)
    forge(h, issue.number, plain)
    assert h.event("labeled", issue.number, label="CSH").code == 0
    assert snapshot(h, plain) == before
    assert only_task(h, issue).gid != plain


def test_a_link_comment_by_a_listed_author_is_trusted(harness: Harness) -> None:
    h = harness
    configure(h, "  link_comment_authors: [hubot]\n")
    issue = new_issue(h)
    assert h.event("labeled", issue.number, label="CSH").code == 0
    task = only_task(h, issue)
    gh = h.world.github
    for comment in gh.issue_comments(gh.issue(REPO, issue.number)):
        gh.delete_comment(comment.id)
    # a comment written under the token the team used before
    gh.add_comment(REPO, issue.number, f"<!-- community-sync:task={task.gid} -->", "hubot")
    h.world.server.reset_log()
    assert h.event("edited", issue.number).code == 0
    listed = [r for r in h.world.server.requests if r.path.endswith("/tasks") and r.method == "GET"]
    assert listed == []  # found by the trusted comment, not by listing the project


# -- rule 3: caps on what one reconcile may delete or reopen -------------------------------------


def test_a_misspelt_label_deletes_nothing(harness: Harness) -> None:
    h = harness
    issues = [new_issue(h, title=f"Work {n}") for n in range(3)]
    assert h.cli("reconcile").code == 0
    gids = [only_task(h, issue).gid for issue in issues]
    configure(h, label="CHS")
    result = h.cli("reconcile")
    assert result.code == 1
    assert "has no 'CHS' label" in result.stderr and "csh.label" in result.stderr
    assert all(h.world.asana.is_live(gid) for gid in gids)


def test_a_reconcile_over_the_delete_cap_deletes_nothing_until_confirmed(harness: Harness) -> None:
    h = harness
    configure(h, "  max_deletes: 2\n")
    issues = [new_issue(h, title=f"Work {n}") for n in range(3)]
    assert h.cli("reconcile").code == 0
    gids = [only_task(h, issue).gid for issue in issues]
    for issue in issues:
        h.world.github.remove_issue_label(REPO, issue.number, "CSH")
    other = new_issue(h, title="New work")

    dry = h.cli("--dry-run", "reconcile")
    assert dry.code == 1 and "held back 3 task deletions" in dry.stderr
    result = h.cli("reconcile")
    assert result.code == 1
    assert "held back 3 task deletions" in result.stderr
    assert "--allow-deletes 3" in result.stderr
    assert all(h.world.asana.is_live(gid) for gid in gids)
    assert only_task(h, other)  # the run's other changes were applied

    assert h.cli("reconcile", "--allow-deletes", "3").code == 0
    assert not any(h.world.asana.is_live(gid) for gid in gids)


def test_reopens_are_capped_per_run(harness: Harness) -> None:
    h = harness
    configure(h, "  max_reopens: 2\n")
    issues = [new_issue(h, title=f"Done {n}") for n in range(4)]
    for issue in issues:
        h.world.github.close_issue(REPO, issue.number, "completed")
    result = h.cli("reconcile")
    assert result.code == 1
    states = [h.world.github.issue(REPO, i.number).state for i in issues]
    assert states.count("open") == 2
    assert "held back 2 reopens" in result.stderr


def test_the_close_guard_comments_once_per_issue(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    assert h.event("labeled", issue.number, label="CSH").code == 0
    gh = h.world.github
    for _ in range(3):
        gh.close_issue(REPO, issue.number, "completed")
        assert h.event("closed", issue.number).code == 0
        assert gh.issue(REPO, issue.number).state == "open"
    guards = [c for c in gh.issue_comments(gh.issue(REPO, issue.number)) if "hours-guard" in c.body]
    assert len(guards) == 1


# -- rule 1's exception: nothing a person made is deleted ----------------------------------------


def test_subtasks_a_person_added_survive_the_delete_of_their_parent(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    assert h.event("labeled", issue.number, label="CSH").code == 0
    task = only_task(h, issue)
    notes = h.world.asana.add_task("Call notes", parent=task.gid)
    h.world.github.close_issue(REPO, issue.number, "not_planned")
    result = h.event("closed", issue.number)
    assert result.code == 0, result.stderr
    assert not h.world.asana.is_live(task.gid)
    assert h.world.asana.is_live(notes)
    assert h.world.asana.tasks[notes].parent == h.seeded.communities["example-university"]
    assert f"moved subtask {notes}" in result.stderr


# -- rule 4: who may bring an issue into the mirror ----------------------------------------------


def test_an_outsiders_labeled_issue_waits_for_a_maintainer(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    issue = new_issue(h, author=OUTSIDER)  # the issue form applied the label for them
    result = h.event("labeled", issue.number, label="CSH")
    assert result.code == 0, result.stderr
    assert tasks_for(h, URL.format(issue.number)) == []
    assert "triage access" in result.stderr
    assert h.cli("reconcile").code == 0
    assert tasks_for(h, URL.format(issue.number)) == []

    gh.remove_issue_label(REPO, issue.number, "CSH")
    gh.add_issue_label(REPO, issue.number, "CSH", actor="hubot")  # a member applies it
    assert h.event("labeled", issue.number, label="CSH").code == 0
    assert only_task(h, issue)


def test_reconcile_mirrors_an_outsiders_issue_a_maintainer_labeled(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    issue = gh.create_issue(REPO, "From the form", "Help", author=OUTSIDER)
    gh.add_issue_label(REPO, issue.number, "community:example-university", actor=OUTSIDER)
    gh.add_issue_label(REPO, issue.number, "CSH", actor="monalisa")
    assert h.cli("reconcile").code == 0
    assert only_task(h, issue)


def test_trusted_authors_any_mirrors_every_labeled_issue(harness: Harness) -> None:
    h = harness
    configure(h, "  trusted_authors: any\n")
    issue = new_issue(h, author=OUTSIDER)
    assert h.event("labeled", issue.number, label="CSH").code == 0
    assert only_task(h, issue)


# -- rule 6: contract figures stay private unless the team opts in -------------------------------


def test_the_link_comment_says_nothing_about_the_contract_by_default(harness: Harness) -> None:
    h = harness
    college = h.seeded.communities["other-college"]
    old = h.world.asana.add_task("Earlier", projects=[h.seeded.project], parent=college)
    h.world.asana.tasks[old].custom_values[h.seeded.hours_field] = 30.0
    issue = new_issue(h, labels=["CSH", "community:other-college"])
    assert h.event("labeled", issue.number, label="CSH").code == 0
    [comment] = link_comments(h, issue)
    assert "contract" not in comment and "30" not in comment


def test_a_misspelt_hours_field_clears_no_hours(harness: Harness) -> None:
    """Every board read says "no hours" when the configured field does not exist: over the cap,
    the clearing is held back (everything else still syncs) until confirmed."""
    h = harness
    configure(h, "  max_deletes: 2\n")
    issues = [new_issue(h, title=f"Logged {n}") for n in range(3)]
    for issue in issues:
        set_hours(h, issue, 4.0)
    assert h.cli("reconcile").code == 0
    text = h.config.read_text(encoding="utf-8").replace(
        "hours_field: Hours spent", "hours_field: Hours spnt"
    )
    h.config.write_text(text, encoding="utf-8")
    h.world.github.edit_issue(REPO, issues[0].number, title="Renamed")
    result = h.cli("reconcile")
    assert result.code == 1
    assert "held back clearing the GitHub Hours of 3 tasks" in result.stderr
    assert "csh.board.hours_field" in result.stderr
    for issue in issues:
        assert h.world.asana.custom_field_value(only_task(h, issue).gid, "GitHub Hours") == 4.0
    assert only_task(h, issues[0]).name == "Renamed"  # the rest of the update went through
