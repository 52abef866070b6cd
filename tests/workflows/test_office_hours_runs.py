"""The office hours workflow run as GitHub would run it, around the session of 2026-01-21
(16:00-17:30 UTC; its agenda is published from 2026-01-14 16:00). GitHub's clock and
COMMUNITY_SYNC_NOW move together, so each run sees one consistent day."""

from __future__ import annotations

from sync.emulator.github_state import Issue
from sync.emulator.seed_office_hours import COMMUNITY, SEEDED_NOW, at
from tests.workflows.conftest import EXAMPLES, Machine
from tests.workflows.runner import JobResult, StepResult

TITLE = "Office hours 2026-01-21"
AFTER_SESSION = at(2026, 1, 21, 18)
DAILY = {"schedule": "17 6 * * *"}
ROTATE = "Move the last session's cards from Up Next to Discussed"
QUEUE = "Queue labeled issues and pull requests not on the board yet"
PUBLISH = "Publish the agenda of the next session"


def status(m: Machine, number: int) -> str | None:
    """The board status of an item of example-org/community (None: not on the board)."""
    assert m.office_hours is not None
    board = m.office_hours.board
    field = board.field_by_name("Status")
    assert field is not None
    for item in board.items:
        if item.content == (COMMUNITY, number):
            value = item.values.get(field.id)
            return next((o.name for o in field.options if value and o.id == value.value), None)
    return None


def agenda_issues(m: Machine) -> list[Issue]:
    return [i for i in m.world.github.issues.values() if i.repo == COMMUNITY and i.title == TITLE]


def step(result: JobResult, name: str) -> StepResult:
    return next(s for s in result.steps if s.name == name)


def assert_ran(result: JobResult) -> None:
    assert result.ran and result.outcome == "success", result.log


def test_the_daily_run_queues_the_pull_request_and_publishes_the_agenda(
    oh_machine: Machine,
) -> None:
    m = oh_machine
    seed = m.office_hours
    assert seed is not None

    result = m.run("office-hours.yml", "sessions", "schedule", DAILY)

    assert_ran(result)
    # The last session (2026-01-07) ended before today's Up Next cards were queued.
    assert step(result, ROTATE).outputs["action"] == "unchanged"
    assert step(result, QUEUE).outputs["action"] == "created"
    assert status(m, seed.pull) == "Up Next"
    [issue] = agenda_issues(m)
    published = step(result, PUBLISH).outputs
    assert published["action"] == "created"
    assert published["session"] == "2026-01-21"
    assert published["topics"] == "3"
    assert published["issue_url"].endswith(f"/example-org/community/issues/{issue.number}")
    assert "Add a dbt-postgres utility" in (issue.body or "")
    assert f"### {TITLE}: created" in result.summary
    assert m.leaked(result) == []

    m.at(at(2026, 1, 16))
    m.world.server.reset_log()
    again = m.run("office-hours.yml", "sessions", "schedule", DAILY)
    assert step(again, PUBLISH).outputs["action"] == "unchanged"
    assert len(agenda_issues(m)) == 1
    assert m.world.server.count("github", writes=True) == 0


def test_the_run_after_the_session_rotates_the_board(oh_machine: Machine) -> None:
    m = oh_machine
    seed = m.office_hours
    assert seed is not None
    m.at(AFTER_SESSION)

    result = m.run("office-hours.yml", "sessions", "schedule", DAILY)

    assert_ran(result)
    assert step(result, ROTATE).outputs["action"] == "updated"
    assert status(m, seed.snowflake) == status(m, seed.versioning) == "Discussed"
    assert status(m, seed.in_progress) == "In progress"
    # The pull request was queued after the session ended: it waits for the next one.
    assert status(m, seed.pull) == "Up Next"
    # The next session's prepare window has not opened: nothing is published.
    assert step(result, PUBLISH).outputs["action"] == "skipped"
    assert agenda_issues(m) == []


def test_a_manual_publish_with_a_date_and_force(oh_machine: Machine) -> None:
    m = oh_machine
    m.at(at(2026, 1, 10))  # before the 2026-01-21 window opens
    payload = {"inputs": {"date": "2026-01-21", "force": True, "dry-run": False}}

    result = m.run("office-hours.yml", "sessions", "workflow_dispatch", payload)

    assert_ran(result)
    assert step(result, PUBLISH).outputs["action"] == "created"
    assert len(agenda_issues(m)) == 1


def test_a_manual_dry_run_writes_nothing(oh_machine: Machine) -> None:
    m = oh_machine
    payload = {"inputs": {"date": "", "force": False, "dry-run": True}}

    result = m.run("office-hours.yml", "sessions", "workflow_dispatch", payload)

    assert_ran(result)
    assert m.world.server.count("github", writes=True) == 0
    assert agenda_issues(m) == []


def test_labeling_an_issue_queues_it_at_once(oh_machine: Machine) -> None:
    m = oh_machine
    issue = m.world.github.create_issue(COMMUNITY, "Testing strategy", "…", labels=["office-hours"])
    payload = m.issues_event("labeled", issue.number, repo=COMMUNITY, label="office-hours")

    queued = m.run("office-hours.yml", "queue", "issues", payload)
    sessions = m.run("office-hours.yml", "sessions", "issues", payload)

    assert_ran(queued)
    assert not sessions.ran
    assert status(m, issue.number) == "Up Next"
    assert step(queued, "Put the issue on the board in Up Next").outputs["action"] == "created"


def test_another_label_starts_no_job(oh_machine: Machine) -> None:
    m = oh_machine
    issue = m.world.github.create_issue(COMMUNITY, "A question", "…", labels=["question"])
    payload = m.issues_event("labeled", issue.number, repo=COMMUNITY, label="question")

    assert not m.run("office-hours.yml", "queue", "issues", payload).ran
    assert m.world.server.count() == 0


def test_a_later_label_event_on_a_topic_still_queues_it(oh_machine: Machine) -> None:
    """GitHub keeps one pending run per concurrency group: the office-hours label's run can be
    replaced by the next label event on the same issue, which must then queue the issue."""
    m = oh_machine
    issue = m.world.github.create_issue(COMMUNITY, "Topic", "…", labels=["office-hours"])
    m.world.github.add_issue_label(COMMUNITY, issue.number, "question")
    payload = m.issues_event("labeled", issue.number, repo=COMMUNITY, label="question")

    queued = m.run("office-hours.yml", "queue", "issues", payload)

    assert_ran(queued)
    assert status(m, issue.number) == "Up Next"


def test_the_central_template_runs_rotate_queue_and_publish_in_order(
    oh_machine: Machine,
) -> None:
    m = oh_machine
    assert m.clock is not None and m.clock.now == SEEDED_NOW

    result = m.run("central-workflow.yml", "office-hours", "schedule", DAILY, folder=EXAMPLES)

    assert_ran(result)
    assert [job.outputs["action"] for job in result.called] == ["unchanged", "created", "created"]
    assert len(agenda_issues(m)) == 1
    assert m.leaked(result) == []


def test_the_agenda_by_hand_through_the_central_template(oh_machine: Machine) -> None:
    m = oh_machine
    payload = {"inputs": {"command": "agenda", "dry-run": False}}

    jobs = {
        job: m.run("central-workflow.yml", job, "workflow_dispatch", payload, folder=EXAMPLES)
        for job in ("reconcile", "hours", "office-hours", "by-hand")
    }

    assert [job for job, result in jobs.items() if result.ran] == ["by-hand"]
    result = jobs["by-hand"]
    assert_ran(result)
    assert result.outputs["session"] == "2026-01-21"
    assert "# Office hours 2026-01-21" in result.summary  # the agenda itself
    assert m.world.server.count("github", writes=True) == 0
    assert agenda_issues(m) == []


HOURLY = {"schedule": "41 * * * *"}


def test_the_hourly_run_sends_the_reminder_once(oh_machine: Machine) -> None:
    m = oh_machine
    webhook = m.world.env(slack=True)["SLACK_WEBHOOK_URL"]
    m.runner.secrets["SLACK_WEBHOOK_URL"] = webhook
    assert not m.run("office-hours.yml", "sessions", "schedule", HOURLY).ran
    assert not m.run("office-hours.yml", "remind", "schedule", DAILY).ran
    assert_ran(m.run("office-hours.yml", "sessions", "schedule", DAILY))  # the agenda issue
    sent = len(m.world.slack.messages)

    results = []
    for hour in (15, 16, 17):  # due from 16:00, 24 hours before the session
        m.at(at(2026, 1, 20, hour, 41))
        results.append(m.run("office-hours.yml", "remind", "schedule", HOURLY))

    for result in results:
        assert_ran(result)
        shown = [line for line in result.log.splitlines() if not line.startswith("::add-mask::")]
        assert not any(webhook in line for line in shown) and m.leaked(result) == []
    assert len(m.world.slack.messages) == sent + 1
    assert "3 topics" in m.world.slack.messages[-1]["text"]


def test_the_central_template_reminds_from_its_hourly_schedule(oh_machine: Machine) -> None:
    m = oh_machine
    m.runner.secrets["SLACK_WEBHOOK_URL"] = m.world.env(slack=True)["SLACK_WEBHOOK_URL"]
    assert_ran(m.run("central-workflow.yml", "office-hours", "schedule", DAILY, folder=EXAMPLES))
    assert not m.run("central-workflow.yml", "remind", "schedule", DAILY, folder=EXAMPLES).ran
    sent = len(m.world.slack.messages)
    hourly = {"schedule": "41 * * * *"}
    for hour in (17, 18):
        m.at(at(2026, 1, 20, hour, 23))
        result = m.run("central-workflow.yml", "remind", "schedule", hourly, folder=EXAMPLES)
        assert_ran(result)
        assert m.leaked(result) == []
    assert len(m.world.slack.messages) == sent + 1
    assert m.world.slack.messages[-1]["text"].startswith("Office hours 2026-01-21: ")
