"""The issues and comments a session's publish writes, found again by their hidden markers.

The agenda issue is found by the marker with the session's date, open or closed, so a session
never gets a second one. Only issues updated since the session's lookup bound are read (GitHub's
`filterBy: {since}`), newest first, and the scan stops at the agenda issue: a repository with
thousands of old issues costs one page. The bound is the earlier of the session's prepare
window and the previous session's start, so an agenda issue published early with `--force`
after the previous session is still found; one published earlier than that is found once
anyone edits or comments on it (both bump its update time). Writes go through REST (PyGithub);
a create that may or may not have happened looks again before it is sent a second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sync.config import OfficeHoursConfig, Schedule
from sync.github.client import GitHubClient
from sync.github.documents import document
from sync.github.marked_issues import (
    SESSION_ISSUES_QUERY,
    IssueRef,
    issue_ref,
    issues_since,
)
from sync.office_hours import markers
from sync.office_hours.schedule import Session, prepare_window_opens, session_at

TOPIC_COMMENTS_QUERY = document("sync.office_hours", "TopicComments")

MARKED_COMMENTS_QUERY = document("sync.office_hours", "MarkedComments")

EDIT_COMMENT_MUTATION = document("sync.office_hours", "EditComment")

QUERIES = {
    "SessionIssues": SESSION_ISSUES_QUERY,
    "TopicComments": TOPIC_COMMENTS_QUERY,
    "MarkedComments": MARKED_COMMENTS_QUERY,
    "EditComment": EDIT_COMMENT_MUTATION,
}


@dataclass(frozen=True, slots=True)
class SessionIssues:
    """The session's agenda issue and escalation issue, where they exist."""

    agenda: IssueRef | None
    escalation: IssueRef | None


def lookup_since(schedule: Schedule, session: Session) -> datetime:
    """The oldest update time a session's agenda or escalation issue can have (see above)."""
    previous = (
        session_at(schedule, session.index - 1).start_utc
        if session.index
        else session.start_utc - timedelta(days=schedule.every_days)
    )
    return min(prepare_window_opens(schedule, session), previous)


def find_session_issues(
    gh: GitHubClient, repo: str, session: date, title: str, since: datetime
) -> SessionIssues:
    """Find the session's agenda issue (and escalation issue), open or closed.

    The agenda issue is the one with the session's marker; failing that, one titled `title`
    (say, opened by hand), which is adopted rather than duplicated. Only issues updated at or
    after `since` are read.
    """
    agenda_marker = markers.agenda_start(session)
    escalation_marker = markers.escalation_issue(session)
    escalation = titled = None
    for node in issues_since(gh, repo, since):
        body = str(node.get("body") or "")
        if escalation is None and escalation_marker in body:
            escalation = issue_ref(repo, node)
        if agenda_marker in body:  # an escalation issue is younger: it was seen already
            return SessionIssues(issue_ref(repo, node), escalation)
        if titled is None and str(node.get("title") or "").strip().casefold() == title.casefold():
            titled = issue_ref(repo, node)
    return SessionIssues(titled, escalation)


def find_agenda_issue(
    gh: GitHubClient, config: OfficeHoursConfig, session: Session
) -> IssueRef | None:
    """The session's agenda issue, open or closed, where it exists."""
    title = f"Office hours {session.date.isoformat()}"
    since = lookup_since(config.schedule, session)
    return find_session_issues(gh, config.repository, session.date, title, since).agenda


def commented(gh: GitHubClient, node_ids: Iterable[str], marker: str) -> set[str]:
    """Which issues or pull requests (node ids) hold `marker` in one of their last 100 comments."""
    ids = list(dict.fromkeys(node_ids))
    found: set[str] = set()
    for start in range(0, len(ids), 50):
        batch = ids[start : start + 50]
        data = gh.graphql(TOPIC_COMMENTS_QUERY, {"ids": batch}, what="read topic comments")
        for node in data.get("nodes") or []:
            comments = ((node or {}).get("comments") or {}).get("nodes") or []
            if any(marker in (c or {}).get("body", "") for c in comments):
                found.add(str(node["id"]))
    return found


def comment(gh: GitHubClient, repo: str, number: int, body: str) -> None:
    """Comment on an issue; after an unclear failure, look for the marked comment first."""
    gh.comment(repo, number, body, marker=body.splitlines()[0])


@dataclass(frozen=True, slots=True)
class MarkedComment:
    """A comment found by its marker: its node id and body."""

    id: str
    body: str


def marked_comments(
    gh: GitHubClient, node_ids: Iterable[str], marker: str
) -> dict[str, MarkedComment]:
    """For each issue or pull request (node id), its newest comment holding `marker`."""
    ids = list(dict.fromkeys(node_ids))
    found: dict[str, MarkedComment] = {}
    for start in range(0, len(ids), 50):
        batch = ids[start : start + 50]
        data = gh.graphql(MARKED_COMMENTS_QUERY, {"ids": batch}, what="read topic comments")
        for node in data.get("nodes") or []:
            comments = ((node or {}).get("comments") or {}).get("nodes") or []
            for item in comments:
                if item and marker in str(item.get("body") or ""):
                    found[str(node["id"])] = MarkedComment(str(item["id"]), str(item["body"]))
    return found


def edit_comment(gh: GitHubClient, comment_id: str, body: str) -> None:
    """Replace a comment's body (it is idempotent: a retry writes the same)."""
    variables = {"id": comment_id, "body": body}
    gh.graphql(EDIT_COMMENT_MUTATION, variables, what=f"update comment {comment_id}")
