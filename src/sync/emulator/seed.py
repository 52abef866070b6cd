"""A small, realistic world for the demo and the end-to-end tests, and its config file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sync.emulator import World

REPO = "example-org/support"
COMMUNITY_REPO = "example-org/community"


@dataclass
class Seeded:
    """The gids and names a seeded world was given."""

    workspace: str
    project: str
    url_field: str
    hours_field: str
    priority_field: str
    communities: dict[str, str]  # community key -> its CSH task gid
    users: dict[str, str]  # email -> user gid

    def config_yaml(self, *, extra: str = "", rate_limit: int = 1500) -> str:
        """The community-sync config for this world."""
        return (
            CONFIG_TEMPLATE.format(
                rate_limit=rate_limit,
                workspace=self.workspace,
                project=self.project,
                uni=self.communities["example-university"],
                college=self.communities["other-college"],
            )
            + extra
        )


CONFIG_TEMPLATE = """\
github:
  repositories: [example-org/support]
asana:
  workspace: "{workspace}"
  project: "{project}"
  rate_limit_per_minute: {rate_limit}
  fields:
    github_url: GitHub URL
    github_hours: GitHub Hours
csh:
  label: CSH
  board:
    owner: example-org
    number: 57
    hours_field: Hours spent
    community_field: Community
    require_hours_to_close: true
  community_label_prefix: "community:"
  communities:
    - key: example-university
      name: Example University
      asana_task: "{uni}"
      contracted_hours: 40
      period: {{start: 2026-01-01, end: 2026-12-31}}
    - key: other-college
      name: Other College
      asana_task: "{college}"
      contracted_hours: 10
      period: {{start: 2026-01-01, end: 2026-12-31}}
  users:
    octocat: octocat@example.org
    hubot: hubot@example.org
"""


def seed_csh(world: World) -> Seeded:
    """GitHub: an org, the support repo, the CSH board. Asana: a workspace, the mirror project
    with its fields, two communities' "Community Success Hours" tasks, two users."""
    gh = world.github
    gh.add_org("example-org")
    gh.add_repo(REPO, labels=["CSH", "community:example-university", "community:other-college"])
    gh.add_repo(COMMUNITY_REPO, labels=["office-hours"])
    for login in ("octocat", "hubot", "monalisa"):
        gh.add_member("example-org", login)  # the team: members with write access
    gh.add_user("outsider")  # anyone on the internet: may open issues and comment
    board = gh.add_project("example-org", 57, "Partnerships & Support")
    gh.add_project_field(board, "Hours spent", "NUMBER")
    gh.add_project_field(
        board, "Community", "SINGLE_SELECT", ["example-university", "other-college"]
    )
    gh.add_project_field(board, "Status", "SINGLE_SELECT", ["Todo", "In progress", "Done"])

    asana = world.asana
    workspace = asana.add_workspace("Example Org")
    users = {
        email: asana.add_user(email, name, workspace, token=token)
        for email, name, token in (
            ("bot@example.org", "community-sync bot", world.asana_token),
            ("octocat@example.org", "Octo Cat", ""),
            ("hubot@example.org", "Hu Bot", ""),
        )
    }
    project = asana.add_project("Community Success Hours (GitHub)", workspace)
    engagements = asana.add_project("Active Engagements", workspace)
    url_field = asana.add_custom_field(workspace, "GitHub URL", "text")
    hours_field = asana.add_custom_field(workspace, "GitHub Hours", "number")
    priority = asana.add_custom_field(workspace, "Priority", "enum", ["High", "Medium", "Low"])
    for gid in (url_field, hours_field, priority):
        asana.add_field_to_project(project, gid)
    communities = {}
    for key, name in (
        ("example-university", "Example University"),
        ("other-college", "Other College"),
    ):
        top = asana.add_task(name, projects=[engagements])
        communities[key] = asana.add_task("Community Success Hours", parent=top)
    return Seeded(workspace, project, url_field, hours_field, priority, communities, users)


@dataclass
class HoursSeed:
    """What seed_hours added: task gids by name, issue numbers by title."""

    tasks: dict[str, str]
    issues: dict[str, int]


# (title, community label, hours on the board, closed); each becomes a CSH issue in REPO
HOURS_ISSUES = (
    ("Set up GPU images", "example-university", 6.0, True),
    ("Test GPU images", "example-university", 1.5, True),
    ("Hub upgrade", "example-university", 3.0, True),
    ("Grant co-writing", "other-college", 2.0, False),
    ("Storage quota review", "other-college", 3.5, True),
)
HOURS_DAY = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
"""The day seed_hours completes its tasks and logs their time on."""
# (name, community, parent task name, issue title, actual minutes, completed)
HOURS_TASKS: tuple[tuple[str, str, str | None, str | None, int | None, bool], ...] = (
    ("Set up GPU images", "example-university", None, "Set up GPU images", None, True),
    ("Test GPU images", "example-university", "Set up GPU images", "Test GPU images", None, True),
    ("Planning meeting", "example-university", None, None, 90, True),
    ("Slack consultation", "example-university", None, None, 45, False),
    ("Blog post review", "example-university", None, None, None, True),
    ("Hub upgrade", "example-university", None, "Hub upgrade", 120, True),
    ("Grant co-writing", "example-university", None, "Grant co-writing", None, False),
    ("Workshop", "example-university", None, None, None, True),
    ("Workshop prep", "example-university", "Workshop", None, 60, True),
    ("Cluster migration", "other-college", None, None, 480, True),
    ("Storage quota review", "other-college", None, "Storage quota review", None, True),
)


def seed_hours(world: World, seeded: Seeded) -> HoursSeed:
    """CSH work to report on: mirrored tasks with GitHub Hours (one also with actual time, one
    filed under the wrong community), Asana-logged subtasks with actual time, a completed task
    without hours, and a parent whose hours are on its subtask.

    Example University: 6 + 1.5 + 1.5 + 0.75 + 3 + 2 + 1 = 15.75 hours of 40.
    Other College: 8 + 3.5 = 11.5 hours of 10 (over contract).
    """
    gh, board = world.github, world.github.project("example-org", 57)
    issues: dict[str, int] = {}
    hours: dict[str, float] = {}
    for title, community, spent, closed in HOURS_ISSUES:
        issue = gh.create_issue(REPO, title, "", labels=["CSH", f"community:{community}"])
        item = gh.add_project_item(board, issue)
        gh.set_item_value(board, item, "Hours spent", spent)
        gh.set_item_value(board, item, "Community", community)
        if closed:
            gh.close_issue(REPO, issue.number)
        issues[title], hours[title] = issue.number, spent
    gh.add_sub_issue(REPO, issues["Set up GPU images"], REPO, issues["Test GPU images"])
    tasks: dict[str, str] = {}
    for name, key, parent, issue_title, minutes, completed in HOURS_TASKS:
        fields: dict[str, str | float] = {}
        if issue_title is not None:
            url = f"https://github.com/{REPO}/issues/{issues[issue_title]}"
            fields = {"GitHub URL": url, "GitHub Hours": hours[issue_title]}
        tasks[name] = world.asana.add_task(
            name,
            parent=tasks[parent] if parent else seeded.communities[key],
            projects=[seeded.project] if fields else [],
            custom_fields=fields,
            completed=completed,
        )
        # Fixed days, so that the period a report counts in never depends on the day it runs.
        if minutes:
            world.asana.add_time_entry(tasks[name], minutes, HOURS_DAY.date())
        if completed:
            world.asana.tasks[tasks[name]].completed_at = HOURS_DAY
    return HoursSeed(tasks, issues)
