"""A change Asana refuses for good is reported and skipped; every other change still lands,
run after run (issue 11: no change is starved by one that always fails)."""

from __future__ import annotations

from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import new_issue, only_task


def refuse(h: Harness, method: str, path: str, message: str, times: int) -> None:
    """Asana answers 400 with ``message`` to the next ``times`` matching requests."""
    body = {"errors": [{"message": message}]}
    h.world.server.inject("asana", method=method, path=path, status=400, times=times, body=body)


def test_one_refused_update_does_not_starve_the_others(harness: Harness) -> None:
    h = harness
    issues = [new_issue(h, title=f"Work {n}") for n in range(3)]
    assert h.cli("reconcile").code == 0
    gids = [only_task(h, issue).gid for issue in issues]
    for issue in issues:
        h.world.github.edit_issue(REPO, issue.number, title=f"Renamed {issue.number}")
    # The first task's update is refused every time (e.g. a field locked in Asana: 403).
    for _ in range(2):
        h.world.server.inject(
            "asana", method="PUT", path=rf"/tasks/{gids[0]}$", status=403, times=100
        )
        result = h.cli("reconcile")
        h.world.server.clear_faults()
        assert result.code == 1
        assert f"example-org/support#{issues[0].number}" in result.stderr
        assert f"update task {gids[0]}" in result.stderr
        assert "Changes Asana or GitHub refused" in result.summary
        assert only_task(h, issues[0]).name == "Work 0"
        for issue in issues[1:]:
            assert only_task(h, issue).name == f"Renamed {issue.number}"
    assert h.cli("reconcile").code == 0
    assert only_task(h, issues[0]).name == f"Renamed {issues[0].number}"


def test_a_refused_create_skips_its_sub_issues_and_the_rest_goes_on(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    parent = new_issue(h, title="Parent")
    child = gh.create_issue(REPO, "Child", "", author="octocat")
    gh.add_sub_issue(REPO, parent.number, REPO, child.number)
    other = new_issue(h, title="Other")
    refuse(h, "POST", r"/tasks$", "name: refused", times=1)
    result = h.cli("reconcile")
    assert result.code == 1
    assert "could not be created" in result.stderr or "refused" in result.stderr
    assert h.cli("reconcile").code == 0
    assert only_task(h, child).parent == only_task(h, parent).gid
    assert only_task(h, other)


def test_an_email_outside_the_workspace_leaves_a_new_task_unassigned(harness: Harness) -> None:
    h = harness
    text = h.seeded.config_yaml(rate_limit=100_000).replace(
        "hubot: hubot@example.org", "hubot: hubot@elsewhere.example"
    )
    h.config.write_text(text, encoding="utf-8")
    issue = new_issue(h, assignees=["hubot"])
    result = h.cli("reconcile")
    assert result.code == 0, result.stderr
    assert only_task(h, issue).assignee is None
    assert "hubot@elsewhere.example is not a user of the Asana workspace" in result.stderr
    issue2 = new_issue(h, assignees=["hubot"])
    h.world.server.reset_log()
    assert h.event("labeled", issue2.number, label="CSH").code == 0
    lookups = [r for r in h.world.server.requests if r.path.startswith("/asana/api/1.0/users/")]
    assert len(lookups) <= 1


def test_rich_text_asana_rewrote_is_not_rewritten_every_run(harness: Harness) -> None:
    """Real Asana normalises stored rich text; a run that changes nothing writes nothing."""
    h = harness
    h.world.asana.rewrite_rich_text = True
    body = (
        'It\'s  a "quoted" **bold**   word,\n\nsee [the docs](https://example.org/a?b=1&c=2)'
        "\n\n- one\n- two  \n\n---\n\n`code` and _em_\n\n```\nindented\n    code\n```"
    )
    issue = new_issue(h, body=body)
    assert h.cli("reconcile").code == 0
    stored = only_task(h, issue).html_notes
    assert "&#39;" in stored  # the emulator really rewrote it
    for _ in range(2):
        h.world.server.reset_log()
        assert h.cli("reconcile").code == 0
        assert h.world.server.count(writes=True) == 0


def test_a_body_asana_refuses_as_rich_text_is_not_resent_every_run(harness: Harness) -> None:
    h = harness
    issue = new_issue(h, body="Please help.")
    refuse(h, "POST", r"/tasks$", "html_notes: XML is invalid", times=1)
    assert h.cli("reconcile").code == 0
    assert "Please help." in only_task(h, issue).notes
    refuse(h, "PUT", r"/tasks/", "html_notes: XML is invalid", times=100)
    h.world.server.reset_log()
    assert h.cli("reconcile").code == 0
    assert h.world.server.count(writes=True) == 0
