"""The one comment the mirror posts on an issue: a link to its task, found again by a hidden
marker, and edited in place when the task or the community's contract state changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sync.config import Community
from sync.domain import format_hours
from sync.github.issues import MARKER
from sync.mirror.model import TaskSnapshot

TASK_URL = "https://app.asana.com/0/{project}/{gid}"
# A task this old with no link comment lost it (or predates the mirror): post one then. A
# younger one may belong to a run that is about to post it, and two would be one too many.
LOST_COMMENT_AGE = timedelta(minutes=10)


def comment_missing(task: TaskSnapshot | None, now: datetime) -> bool:
    """True when a task's issue should get the link comment no run has posted."""
    if task is None or not task.created_at:
        return False
    try:
        created = datetime.fromisoformat(task.created_at)
    except ValueError:
        return False
    return now - created >= LOST_COMMENT_AGE


def link_comment_text(project: str, gid: str, over_contract: str | None) -> str:
    """The body of the link comment for a task (with the over-contract notice, if any)."""
    url = TASK_URL.format(project=project, gid=gid)
    lines = [f"This issue is mirrored to Asana as Community Success Hours task [{gid}]({url})."]
    if over_contract:
        lines.append(f"\n> [!WARNING]\n> {over_contract}")
    lines.append("\n" + MARKER.format(gid=gid))
    return "\n".join(lines)


def over_contract_line(community: Community, spent: float) -> str:
    """The notice for a community that has used more than its contracted hours."""
    contracted = format_hours(community.contracted_hours or 0)
    return (
        f"{community.name} has used {format_hours(spent)} of its {contracted} contracted hours "
        "(over contract)."
    )


def over_contract_of(body: str) -> str | None:
    """The over-contract notice an existing link comment carries (None when it has none)."""
    for line in body.splitlines():
        if line.startswith("> ") and "over contract" in line:
            return line[2:]
    return None
