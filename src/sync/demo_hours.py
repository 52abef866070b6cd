"""The demo's hours steps after the first report: periods, data, and publishing."""

from __future__ import annotations

from datetime import UTC, datetime

from sync.demo import Demo
from sync.emulator.seed import REPO

COLLEGE_REPO = "example-org/other-college"
TEAM_REPO = "example-org/csh-reports"


def publish_steps(demo: Demo) -> None:
    """Show --period and --format, then --publish twice (the second run changes nothing)."""
    _configure(demo)
    year = datetime.now(UTC).year
    demo.say("\n== 10. Any span, as data: --period and --format csv")
    demo.run(
        "hours",
        "--community",
        "other-college",
        "--period",
        f"{year}-01-01..{year}-12-31",
        "--format",
        "csv",
    )
    gh = demo.world.github
    issue = gh.create_issue(
        REPO, "Storage quota for the summer school", "", labels=["CSH"], assignees=["octocat"]
    )
    gh.close_issue(REPO, issue.number)
    demo.world.asana.add_task(
        issue.title,
        parent=demo.seeded.communities["other-college"],
        projects=[demo.seeded.project],
        custom_fields={"GitHub URL": f"https://github.com/{REPO}/issues/{issue.number}"},
        completed=True,
        assignee="octocat@example.org",
    )
    demo.say("\n== 11. Publish: Other College's report issue, then the team's report")
    _publish(demo)
    for repo in (COLLEGE_REPO, TEAM_REPO):
        for found in [i for key, i in gh.issues.items() if key[0] == repo]:
            demo.say(f"  {repo}#{found.number}: {found.title}")
    for comment in gh.issue_comments(issue):
        demo.say(f"  comment on {REPO}#{issue.number}: {comment.body.splitlines()[1][:90]}...")
    demo.say("\n== 12. Publish again: reports up to date, no flag told twice, no second ask")
    before = demo.world.server.count(writes=True)
    _publish(demo)
    demo.say(f"  writes: {demo.world.server.count(writes=True) - before}")


def _publish(demo: Demo) -> None:
    """Both publishes, the reports written to files (they were shown above)."""
    college, team = demo.folder / "other-college.md", demo.folder / "team.md"
    demo.run("hours", "--community", "other-college", "--publish", "--output", str(college))
    demo.run("hours", "--publish", "--output", str(team))


def _configure(demo: Demo) -> None:
    """Give Other College a report issue and the team a report, and ask for missing hours."""
    path = demo.folder / "community-sync.yml"
    text = path.read_text(encoding="utf-8")
    college = text.index("name: Other College")
    period = text.index("\n", text.index("period:", college))
    text = f"{text[:period]}\n      report: {{repository: {COLLEGE_REPO}}}{text[period:]}"
    extra = f"  team_report: {{repository: {TEAM_REPO}}}\n  ask_for_missing_hours: true\n"
    path.write_text(text.replace("  users:\n", extra + "  users:\n", 1), encoding="utf-8")
    for repo in (COLLEGE_REPO, TEAM_REPO):
        demo.world.github.add_repo(repo)
