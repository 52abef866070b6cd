"""Shared builders for the pure mirror tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from sync.config import parse_config
from sync.mirror.desired import Rules
from sync.mirror.model import FieldMap, FieldTarget, IssueNode, TaskSnapshot

CONFIG = """
asana:
  workspace: "1"
  project: "100"
csh:
  board: {owner: example-org, number: 57, hours_field: Hours spent, community_field: Community,
          extra_fields: [{github: Priority, asana: Priority}, {github: Start date, asana: start_on},
                         {github: End date, asana: due_on}]}
  communities:
    - {key: example-university, name: Example University, asana_task: "500", contracted_hours: 10}
    - {key: other-college, name: Other College, asana_task: "600"}
  users: {octocat: octocat@example.org, hubot: "777"}
"""

FIELDS = FieldMap(
    url_gid="11",
    hours_gid="12",
    extras=(
        FieldTarget("Priority", "custom", "13", "enum", {"High": "131", "Low": "132"}),
        FieldTarget("Start date", "start_on"),
        FieldTarget("End date", "due_on"),
    ),
    names={"11": "GitHub URL", "12": "GitHub Hours", "13": "Priority"},
)


@pytest.fixture
def rules() -> Rules:
    config = parse_config(CONFIG, "test.yml", {"GITHUB_REPOSITORY": "example-org/support"})
    assert config.csh is not None
    return Rules(config.csh, FIELDS)


def issue(number: int = 1, **kwargs: Any) -> IssueNode:
    base = IssueNode(
        repo="example-org/support",
        number=number,
        url=f"https://github.com/example-org/support/issues/{number}",
        node_id=f"I_{number}",
        title=f"Issue {number}",
        body="Hello **world**",
        state="open",
        state_reason=None,
        labels=("CSH", "community:example-university"),
        author_association="MEMBER",
    )
    return replace(base, **kwargs)


def task(gid: str, url: str | None, **kwargs: Any) -> TaskSnapshot:
    base = TaskSnapshot(
        gid=gid,
        name="x",
        html_notes="<body>x</body>",
        completed=False,
        parent_gid="500",
        project_gids=("100",),
        assignee_gid=None,
        custom_fields={"11": url, "12": None, "13": None},
        github_url=url,
        created_at="2026-01-01T00:00:00.000Z",
    )
    return replace(base, **kwargs)
