"""The CSH workflows run as GitHub would run them: workflow -> composite action -> bash ->
community-sync -> the emulated GitHub and Asana. What is asserted is the emulator's state and
the outputs the steps wrote to GITHUB_OUTPUT, so the glue between the YAML and the Python is
what is tested."""

from __future__ import annotations

from sync.emulator.asana_state import Task
from sync.emulator.github_state import Issue
from sync.emulator.seed import REPO, seed_hours
from tests.workflows.conftest import EXAMPLES, Machine
from tests.workflows.runner import JobResult, StepResult

URL = "https://github.com/example-org/support/issues/{}"


def new_issue(m: Machine, title: str = "Help with profiles", **kwargs: object) -> Issue:
    labels = kwargs.pop("labels", ["CSH", "community:example-university"])
    return m.world.github.create_issue(REPO, title, "Please **help**.", labels=labels, **kwargs)  # type: ignore[arg-type]


def tasks_for(m: Machine, issue: Issue) -> list[Task]:
    asana, url = m.world.asana, URL.format(issue.number)
    return [
        task
        for gid, task in asana.tasks.items()
        if asana.is_live(gid) and task.custom_values.get(m.seeded.url_field) == url
    ]


def step(result: JobResult, name: str) -> StepResult:
    """The workflow's step (a composite action use) with this name."""
    return next(s for s in result.steps if s.name == name)


def assert_ran(result: JobResult) -> None:
    assert result.ran and result.outcome == "success", result.log


def test_a_labeled_issue_gets_its_task(machine: Machine) -> None:
    m = machine
    issue = new_issue(m, assignees=["octocat"])
    payload = m.issues_event("labeled", issue.number, label="CSH")

    result = m.run("csh-sync.yml", "sync", "issues", payload)

    assert_ran(result)
    [task] = tasks_for(m, issue)
    assert task.parent == m.seeded.communities["example-university"]
    outputs = step(result, "Mirror the issue to Asana").outputs
    assert outputs == {
        "action": "created",
        "asana_task_gid": task.gid,
        "changes": outputs["changes"],
    }
    assert int(outputs["changes"]) >= 1
    assert "CSH sync (issues labeled)" in result.summary
    comments = [c.body for c in m.world.github.issue_comments(issue)]
    assert any(task.gid in body for body in comments)
    assert m.leaked(result) == []
    # The install step is the one step the harness stands in for; the rest ran for real.
    assert result.ran_commands() == [
        "Find community-sync's checkout and any earlier install in this job",
        "Run community-sync",
    ]


def test_the_same_event_again_changes_nothing(machine: Machine) -> None:
    m = machine
    issue = new_issue(m)
    payload = m.issues_event("labeled", issue.number, label="CSH")
    assert_ran(m.run("csh-sync.yml", "sync", "issues", payload))
    m.world.server.reset_log()

    again = m.run("csh-sync.yml", "sync", "issues", payload)

    assert_ran(again)
    assert step(again, "Mirror the issue to Asana").outputs["action"] == "unchanged"
    assert m.world.server.count(writes=True) == 0
    assert len(tasks_for(m, issue)) == 1


def test_an_event_that_cannot_change_a_task_starts_no_job(machine: Machine) -> None:
    m = machine
    issue = new_issue(m, labels=["question"])
    payload = m.issues_event("labeled", issue.number, label="question")

    result = m.run("csh-sync.yml", "sync", "issues", payload)

    assert not result.ran
    assert m.world.server.count() == 0


def test_the_scheduled_reconcile_repairs_what_no_event_reported(machine: Machine) -> None:
    m = machine
    issues = [new_issue(m, title=f"Request {n}") for n in range(3)]

    first = m.run("csh-reconcile.yml", "reconcile", "schedule")

    assert_ran(first)
    assert all(len(tasks_for(m, issue)) == 1 for issue in issues)
    outputs = step(first, "Reconcile every CSH issue").outputs
    assert outputs["action"] == "updated" and int(outputs["changes"]) >= 3
    assert "CSH reconcile" in first.summary

    m.world.server.reset_log()
    second = m.run("csh-reconcile.yml", "reconcile", "schedule")
    assert step(second, "Reconcile every CSH issue").outputs == {
        "action": "unchanged",
        "asana_task_gid": "",
        "changes": "0",
    }
    assert m.world.server.count(writes=True) == 0
    assert m.leaked(first) == [] and m.leaked(second) == []


def test_a_manual_reconcile_with_dry_run_writes_nothing(machine: Machine) -> None:
    m = machine
    issue = new_issue(m)
    payload = {"inputs": {"dry-run": True}, "ref": "refs/heads/main"}

    result = m.run("csh-reconcile.yml", "reconcile", "workflow_dispatch", payload)

    assert_ran(result)
    assert tasks_for(m, issue) == []
    assert m.world.server.count(writes=True) == 0
    assert "(dry run)" in result.summary
    assert int(step(result, "Reconcile every CSH issue").outputs["changes"]) >= 1


def test_the_weekly_hours_report_goes_to_the_job_summary(machine: Machine) -> None:
    m = machine
    seed_hours(m.world, m.seeded)

    result = m.run("csh-hours.yml", "hours", "schedule", {"schedule": "17 7 * * 1"})

    assert_ran(result)
    assert "Other College" in result.summary and "over contract" in result.summary
    assert m.world.server.count(writes=True) == 0


def test_a_failing_command_fails_the_job_with_an_annotation(machine: Machine) -> None:
    m = machine
    (m.runner.workspace / ".github" / "community-sync.yml").write_text("asana: [", "utf-8")
    issue = new_issue(m)
    payload = m.issues_event("labeled", issue.number, label="CSH")

    result = m.run("csh-sync.yml", "sync", "issues", payload)

    assert result.outcome == "failure"
    assert "::error title=Configuration error::" in result.log
    assert m.leaked(result) == []


def test_a_missing_secret_is_named_before_anything_runs(machine: Machine) -> None:
    m = machine
    del m.runner.secrets["ASANA_TOKEN"]
    issue = new_issue(m)
    payload = m.issues_event("labeled", issue.number, label="CSH")

    result = m.run("csh-sync.yml", "sync", "issues", payload)

    assert result.outcome == "failure"
    assert "the asana-token input is empty" in result.log
    assert m.world.server.count() == 0


def test_the_caller_template_runs_the_reusable_workflow(machine: Machine) -> None:
    """examples/caller-workflow.yml -> .github/workflows/community-sync.yml -> the action."""
    m = machine
    issue = new_issue(m)
    payload = m.issues_event("labeled", issue.number, label="CSH")

    result = m.run("caller-workflow.yml", "csh", "issues", payload, folder=EXAMPLES)
    skipped = m.run("caller-workflow.yml", "office-hours", "issues", payload, folder=EXAMPLES)

    assert_ran(result)
    [task] = tasks_for(m, issue)
    assert result.outputs["action"] == "created"
    assert result.outputs["asana_task_gid"] == task.gid
    assert not skipped.ran
    assert m.leaked(result) == []


def test_the_central_template_reconciles_every_repository(machine: Machine) -> None:
    m = machine
    issue = new_issue(m)
    payload = {"schedule": "8,23,38,53 * * * *"}

    result = m.run("central-workflow.yml", "reconcile", "schedule", payload, folder=EXAMPLES)
    others = [
        m.run("central-workflow.yml", job, "schedule", payload, folder=EXAMPLES)
        for job in ("hours", "office-hours", "remind")
    ]

    assert_ran(result)
    assert len(tasks_for(m, issue)) == 1
    assert result.outputs["action"] == "updated"
    assert [job.ran for job in others] == [False, False, False]  # the reminder stays hourly


def test_without_the_github_secret_the_report_says_what_it_could_not_check(
    machine: Machine,
) -> None:
    """csh-hours falls back to the workflow's GITHUB_TOKEN, which cannot read the board."""
    m = machine
    seed_hours(m.world, m.seeded)
    del m.runner.secrets["COMMUNITY_SYNC_GITHUB_TOKEN"]

    result = m.run("csh-hours.yml", "hours", "schedule", {"schedule": "17 7 * * 1"})

    assert_ran(result)
    assert "over contract" in result.summary
    assert "::warning::" in result.log and "Projects need a GitHub App token" in result.log
    assert m.leaked(result) == []


def test_the_monthly_schedule_publishes_the_team_report(machine: Machine) -> None:
    m = machine
    seed_hours(m.world, m.seeded)
    config = m.runner.workspace / ".github" / "community-sync.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  users:\n", f"  team_report: {{repository: {REPO}}}\n  users:\n", 1),
        encoding="utf-8",
    )

    weekly = m.run("csh-hours.yml", "publish", "schedule", {"schedule": "17 7 * * 1"})
    assert not weekly.ran
    result = m.run("csh-hours.yml", "publish", "schedule", {"schedule": "41 6 1 * *"})

    assert_ran(result)
    assert step(result, "Publish the hours report").outputs["action"] == "created"
    [report] = [i for i in m.world.github.issues.values() if "team report" in i.title]
    assert "over contract" in (report.body or "")
    assert m.leaked(result) == []
