"""A small, realistic world for the demo and the end-to-end tests, and its config file."""

from __future__ import annotations

from dataclasses import dataclass

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

    def config_yaml(self, *, extra: str = "") -> str:
        """The community-sync config for this world."""
        return (
            CONFIG_TEMPLATE.format(
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
        gh.add_user(login)
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
