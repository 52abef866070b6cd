"""`community-sync issue` end to end: each event type and close reason gives the contract's
Asana state, over real HTTP, with the real PyGithub and asana SDKs."""

from __future__ import annotations

from typing import Any

from sync.emulator.asana_state import Task
from sync.emulator.github_state import Issue
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness

URL = "https://github.com/example-org/support/issues/{}"


def tasks_for(h: Harness, url: str) -> list[Task]:
    """Live Asana tasks whose GitHub URL field holds url."""
    asana = h.world.asana
    return [
        t
        for gid, t in asana.tasks.items()
        if asana.is_live(gid) and t.custom_values.get(h.seeded.url_field) == url
    ]


def only_task(h: Harness, issue: Issue) -> Task:
    found = tasks_for(h, URL.format(issue.number))
    assert len(found) == 1, found
    return found[0]


def new_issue(h: Harness, title: str = "Help with profiles", **kwargs: Any) -> Issue:
    kwargs.setdefault("labels", ["CSH", "community:example-university"])
    return h.world.github.create_issue(
        REPO, title, kwargs.pop("body", "Please **help**."), **kwargs
    )


def set_hours(h: Harness, issue: Issue, hours: float | None, **values: Any) -> None:
    gh = h.world.github
    board = gh.project("example-org", 57)
    item = gh.add_project_item(board, issue)
    gh.set_item_value(board, item, "Hours spent", hours)
    for name, value in values.items():
        gh.set_item_value(board, item, name, value)


def link_comments(h: Harness, issue: Issue) -> list[str]:
    return [
        c.body for c in h.world.github.issue_comments(issue) if "community-sync:task=" in c.body
    ]


def test_labeled_issue_creates_its_task_under_the_community(harness: Harness) -> None:
    h = harness
    issue = new_issue(h, assignees=["octocat"])
    set_hours(h, issue, 2.5)
    result = h.event("labeled", issue.number, label="CSH")
    assert result.code == 0, result.stderr
    task = only_task(h, issue)
    asana = h.world.asana
    assert task.name == "Help with profiles"
    assert task.parent == h.seeded.communities["example-university"]
    assert h.seeded.project in task.projects
    assert asana.custom_field_value(task.gid, "GitHub Hours") == 2.5
    assert "<strong>help</strong>" in task.html_notes
    assert URL.format(issue.number) in task.html_notes
    assert task.assignee == h.seeded.users["octocat@example.org"]
    assert not task.completed
    assert result.outputs == {"action": "created", "asana_task_gid": task.gid, "changes": "2"}
    assert result.stdout.splitlines()[0] == (
        'create task "Help with profiles" under "Example University / Community Success Hours"'
    )
    [comment] = link_comments(h, issue)
    assert f"community-sync:task={task.gid}" in comment
    assert "Asana: created" not in result.summary and "created" in result.summary


def test_replaying_an_event_three_times_leaves_one_task_and_one_comment(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    set_hours(h, issue, 1)
    path = h.write_event("issues", "labeled", issue.number, label="CSH")
    h.cli("issue", "--event", str(path), "--event-name", "issues")
    h.world.server.reset_log()
    for _ in range(3):
        result = h.cli("issue", "--event", str(path), "--event-name", "issues")
        assert result.outputs["action"] == "unchanged"
    assert h.world.server.count(writes=True) == 0
    assert len(tasks_for(h, URL.format(issue.number))) == 1
    assert len(link_comments(h, issue)) == 1


def test_edits_are_mirrored_and_asana_edits_overwritten(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    h.event("opened", issue.number)
    task = only_task(h, issue)
    task.name = "Renamed by a person in Asana"
    h.world.github.edit_issue(REPO, issue.number, body="New body with a [link](https://x.org)")
    result = h.event("edited", issue.number)
    assert result.outputs["action"] == "updated"
    assert task.name == "Help with profiles"
    assert '<a href="https://x.org">link</a>' in task.html_notes
    assert result.stdout.splitlines() == [
        f'update task {task.gid}: name "Renamed by a person in Asana" -> "Help with profiles", '
        "description changed"
    ]


def test_edited_event_without_change_makes_no_write(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    h.event("opened", issue.number)
    h.world.server.reset_log()
    result = h.event("edited", issue.number)
    assert result.outputs["action"] == "unchanged"
    assert h.world.server.count(writes=True) == 0


def test_assignee_follows_the_first_mapped_login(harness: Harness) -> None:
    h = harness
    issue = new_issue(h, assignees=["monalisa", "hubot"])
    result = h.event("assigned", issue.number, assignee="hubot")
    task = only_task(h, issue)
    assert task.assignee == h.seeded.users["hubot@example.org"]
    assert "GitHub user monalisa has no Asana user in csh.users" in result.stderr
    h.world.github.set_assignees(REPO, issue.number, [])
    h.event("unassigned", issue.number, assignee="hubot")
    assert task.assignee is None


def test_closed_as_completed_completes_and_reopened_reopens(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    set_hours(h, issue, 3)
    h.event("labeled", issue.number, label="CSH")
    h.world.github.close_issue(REPO, issue.number, "completed")
    result = h.event("closed", issue.number)
    task = only_task(h, issue)
    assert task.completed
    assert result.outputs["action"] == "completed"
    h.world.github.reopen_issue(REPO, issue.number)
    h.event("reopened", issue.number)
    assert not task.completed


def test_not_planned_and_duplicate_delete_the_task(harness: Harness) -> None:
    h = harness
    for reason in ("not_planned", "duplicate"):
        issue = new_issue(h, title=f"Will be {reason}")
        h.event("labeled", issue.number, label="CSH")
        gid = only_task(h, issue).gid
        h.world.github.close_issue(REPO, issue.number, reason)
        result = h.event("closed", issue.number)
        assert tasks_for(h, URL.format(issue.number)) == []
        assert result.stdout.strip() == f"delete task {gid} (closed as {reason})"
        assert result.outputs["action"] == "deleted"
        assert result.outputs["asana_task_gid"] == gid


def test_reopened_after_not_planned_recreates_the_task(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    h.event("labeled", issue.number, label="CSH")
    h.world.github.close_issue(REPO, issue.number, "not_planned")
    h.event("closed", issue.number)
    h.world.github.reopen_issue(REPO, issue.number)
    result = h.event("reopened", issue.number)
    assert result.outputs["action"] == "created"
    assert not only_task(h, issue).completed


def test_close_without_hours_is_reopened_with_one_comment(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    h.event("labeled", issue.number, label="CSH")
    h.world.github.close_issue(REPO, issue.number, "completed")
    result = h.event("closed", issue.number)
    assert h.world.github.issue(REPO, issue.number).state == "open"
    assert not only_task(h, issue).completed
    guards = [c for c in h.world.github.issue_comments(issue) if "hours-guard" in c.body]
    assert len(guards) == 1
    assert "Hours spent" in guards[0].body
    assert f"reopen {REPO}#{issue.number}" in result.stdout


def test_label_removed_deletes_and_label_added_again_recreates(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    h.event("labeled", issue.number, label="CSH")
    h.world.github.remove_issue_label(REPO, issue.number, "CSH")
    result = h.event("unlabeled", issue.number, label="CSH")
    assert tasks_for(h, URL.format(issue.number)) == []
    assert "(no CSH label)" in result.stdout


def test_non_csh_issue_is_skipped_without_touching_asana(harness: Harness) -> None:
    h = harness
    issue = new_issue(h, labels=["bug"])
    h.world.server.reset_log()
    result = h.event("labeled", issue.number, label="bug")
    assert result.code == 0
    assert result.outputs["action"] == "skipped"
    assert h.world.server.count("asana") == 0


def test_deleted_issue_deletes_its_task(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    h.event("labeled", issue.number, label="CSH")
    gid = only_task(h, issue).gid
    path = h.write_event("issues", "deleted", issue.number)
    h.world.github.delete_issue(REPO, issue.number)
    result = h.cli("issue", "--event", str(path), "--event-name", "issues")
    assert not h.world.asana.is_live(gid)
    assert result.stdout.strip() == f"delete task {gid} (issue deleted)"


def test_transferred_issue_keeps_its_task(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    gh.add_repo("example-org/other", labels=["CSH", "community:example-university"])
    issue = new_issue(h)
    h.event("labeled", issue.number, label="CSH")
    gid = only_task(h, issue).gid
    moved = gh.transfer_issue(REPO, issue.number, "example-org/other")
    result = h.event("transferred", issue.number)
    assert result.code == 0, result.stderr
    task = h.world.asana.task(gid)
    assert h.world.asana.is_live(gid)
    assert task.custom_values[h.seeded.url_field] == (
        f"https://github.com/example-org/other/issues/{moved.number}"
    )


def test_transferred_without_the_label_deletes_and_says_why(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    gh.add_repo("example-org/private")
    issue = new_issue(h)
    h.event("labeled", issue.number, label="CSH")
    gid = only_task(h, issue).gid
    gh.transfer_issue(REPO, issue.number, "example-org/private")
    result = h.event("transferred", issue.number)
    assert not h.world.asana.is_live(gid)
    assert "without the CSH label" in result.stdout


def test_community_change_on_the_board_moves_the_task(harness: Harness) -> None:
    h = harness
    issue = new_issue(h, labels=["CSH"])
    set_hours(h, issue, 1, Community="example-university")
    h.event("labeled", issue.number, label="CSH")
    task = only_task(h, issue)
    assert task.parent == h.seeded.communities["example-university"]
    set_hours(h, issue, 1, Community="other-college")
    h.event("edited", issue.number)
    assert task.parent == h.seeded.communities["other-college"]


def test_unknown_community_keeps_the_task_in_the_project_with_a_warning(harness: Harness) -> None:
    h = harness
    issue = new_issue(h, labels=["CSH"])
    result = h.event("labeled", issue.number, label="CSH")
    task = only_task(h, issue)
    assert task.parent is None
    assert h.seeded.project in task.projects
    assert f"warning: {REPO}#{issue.number}: no community" in result.stderr


def test_sub_issues_become_subtasks_and_leave_when_unlinked(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    parent = new_issue(h)
    child = new_issue(h, title="Child work", labels=[])
    grandchild = new_issue(h, title="Grandchild work", labels=[])
    gh.add_sub_issue(REPO, parent.number, REPO, child.number)
    gh.add_sub_issue(REPO, child.number, REPO, grandchild.number)
    set_hours(h, grandchild, 0.5)
    h.event("labeled", parent.number, label="CSH")
    parent_task, child_task = only_task(h, parent), only_task(h, child)
    grandchild_task = only_task(h, grandchild)
    assert child_task.parent == parent_task.gid
    assert grandchild_task.parent == child_task.gid
    assert h.seeded.project in grandchild_task.projects
    assert h.world.asana.custom_field_value(grandchild_task.gid, "GitHub Hours") == 0.5
    gh.remove_sub_issue(REPO, parent.number, REPO, child.number)
    result = h.event(
        "sub_issue_removed", parent.number, event="sub_issues", sub_issue=(REPO, child.number)
    )
    assert result.code == 0, result.stderr
    assert tasks_for(h, URL.format(child.number)) == []
    assert tasks_for(h, URL.format(grandchild.number)) == []


def test_labeled_sub_issue_taken_out_moves_under_its_own_community(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    parent = new_issue(h)
    child = new_issue(h, title="Own CSH", labels=["CSH", "community:other-college"])
    gh.add_sub_issue(REPO, parent.number, REPO, child.number)
    h.event("labeled", parent.number, label="CSH")
    child_task = only_task(h, child)
    assert child_task.parent == only_task(h, parent).gid
    gh.remove_sub_issue(REPO, parent.number, REPO, child.number)
    h.event("sub_issue_removed", parent.number, event="sub_issues", sub_issue=(REPO, child.number))
    assert only_task(h, child).gid == child_task.gid
    assert child_task.parent == h.seeded.communities["other-college"]


def test_event_on_a_sub_issue_syncs_its_whole_tree(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    parent = new_issue(h)
    child = new_issue(h, title="Child", labels=[])
    gh.add_sub_issue(REPO, parent.number, REPO, child.number)
    gh.close_issue(REPO, child.number, "completed")
    result = h.event("closed", child.number)
    assert result.code == 0, result.stderr
    assert only_task(h, child).completed
    assert only_task(h, child).parent == only_task(h, parent).gid


def test_dry_run_prints_the_plan_and_writes_nothing(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    h.world.server.reset_log()
    path = h.write_event("issues", "labeled", issue.number, label="CSH")
    result = h.cli("--dry-run", "issue", "--event", str(path), "--event-name", "issues")
    assert result.code == 0
    assert result.stdout.splitlines() == [
        'create task "Help with profiles" under "Example University / Community Success Hours"',
        f"comment on {REPO}#{issue.number} linking its Asana task",
    ]
    assert h.world.server.count(writes=True) == 0
    assert tasks_for(h, URL.format(issue.number)) == []
    assert result.outputs["action"] == "created"  # the contract's value for what it would do
    assert f"{REPO}#{issue.number}**: would be created" in result.summary


def test_issue_form_header_and_community(harness: Harness) -> None:
    h = harness
    body = (
        "### Community\n\nother-college\n\n### Contact people\n\n@alice, bob@college.edu\n\n"
        "### FreshDesk link\n\nhttps://example.freshdesk.com/a/tickets/7\n\n"
        "### Request\n\nPlease review our *grant* text."
    )
    issue = new_issue(h, body=body, labels=["CSH"])
    h.event("opened", issue.number)
    task = only_task(h, issue)
    assert task.parent == h.seeded.communities["other-college"]
    notes = task.html_notes
    assert notes.index("Community") < notes.index("Contact people") < notes.index("grant")
    assert '<a href="https://example.freshdesk.com/a/tickets/7">' in notes
    assert "<em>grant</em>" in notes


def test_rich_text_refused_by_asana_falls_back_to_plain_notes(harness: Harness) -> None:
    h = harness
    issue = new_issue(h)
    h.world.server.inject(
        "asana",
        method="POST",
        path=r"^/tasks$",
        status=400,
        body={"errors": [{"message": "html_notes: XML is invalid"}]},
    )
    result = h.event("labeled", issue.number, label="CSH")
    assert result.code == 0, result.stderr
    task = only_task(h, issue)
    assert "Please help." in task.notes
    assert "Asana refused the rich text, sent plain text" in result.stderr


def test_link_comment_says_when_the_community_is_over_contract(harness: Harness) -> None:
    h = harness
    asana, seeded = h.world.asana, h.seeded
    extra = "  announce_over_contract: true\n"  # opt-in: the comment is public
    h.config.write_text(seeded.config_yaml(rate_limit=100_000, extra=extra), encoding="utf-8")
    college = seeded.communities["other-college"]
    for n in range(2):
        old = asana.add_task(f"Earlier work {n}", projects=[seeded.project], parent=college)
        asana.tasks[old].custom_values[seeded.hours_field] = 6.0
    issue = new_issue(h, labels=["CSH", "community:other-college"])
    h.event("labeled", issue.number, label="CSH")
    [comment] = link_comments(h, issue)
    assert "Other College has used 12 of its 10 contracted hours (over contract)." in comment


def test_deleting_a_parent_issue_keeps_a_labeled_sub_issue_task(harness: Harness) -> None:
    h = harness
    gh = h.world.github
    parent = new_issue(h)
    labeled = new_issue(h, title="Labeled child", labels=["CSH", "community:other-college"])
    plain = new_issue(h, title="Plain child", labels=[])
    gh.add_sub_issue(REPO, parent.number, REPO, labeled.number)
    gh.add_sub_issue(REPO, parent.number, REPO, plain.number)
    h.event("labeled", parent.number, label="CSH")
    kept = only_task(h, labeled).gid
    path = h.write_event("issues", "deleted", parent.number)
    gh.delete_issue(REPO, parent.number)
    result = h.cli("issue", "--event", str(path), "--event-name", "issues")
    assert result.code == 0, result.stderr
    assert tasks_for(h, URL.format(parent.number)) == []
    assert tasks_for(h, URL.format(plain.number)) == []
    assert only_task(h, labeled).gid == kept
    assert h.world.asana.task(kept).parent == h.seeded.communities["other-college"]


def test_without_a_board_the_actions_token_is_enough(harness: Harness) -> None:
    h = harness
    text = h.config.read_text(encoding="utf-8")
    start = text.index("  board:")
    end = text.index("  community_label_prefix")
    h.config.write_text(text[:start] + text[end:], encoding="utf-8")
    h.world.github.project_denied_tokens.add(h.world.github_token)  # like GITHUB_TOKEN
    issue = new_issue(h)
    result = h.event("labeled", issue.number, label="CSH")
    assert result.code == 0, result.stderr
    assert only_task(h, issue).parent == h.seeded.communities["example-university"]


def test_with_a_board_a_token_without_projects_access_is_explained(harness: Harness) -> None:
    h = harness
    h.world.github.project_denied_tokens.add(h.world.github_token)
    issue = new_issue(h)
    result = h.event("labeled", issue.number, label="CSH")
    assert result.code == 1
    assert "GitHub App token" in result.stderr and "'project' scope" in result.stderr
