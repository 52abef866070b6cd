"""The issues and comments a session's publish writes, found again by their hidden markers.

The agenda issue is found by the marker with the session's date, open or closed, so a session
never gets a second one. Issues are scanned newest first and the scan stops at the agenda
issue: once it exists, a run reads one page. Writes go through REST (PyGithub); a create that
may or may not have happened looks again before it is sent a second time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from sync.github.client import GitHubClient
from sync.office_hours import markers

SESSION_ISSUES_QUERY = """
query SessionIssues($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    issues(states: [OPEN, CLOSED], first: 100, after: $after,
           orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes { id number title url state body }
    }
  }
}
"""

TOPIC_COMMENTS_QUERY = """
query TopicComments($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Issue { id comments(last: 100) { nodes { body } } } }
}
"""

QUERIES = {"SessionIssues": SESSION_ISSUES_QUERY, "TopicComments": TOPIC_COMMENTS_QUERY}


@dataclass(frozen=True, slots=True)
class IssueRef:
    """An issue as publish needs it."""

    repo: str
    number: int
    url: str
    title: str
    body: str
    open: bool

    @property
    def ref(self) -> str:
        """`owner/repo#number`."""
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True, slots=True)
class SessionIssues:
    """The session's agenda issue and escalation issue, where they exist."""

    agenda: IssueRef | None
    escalation: IssueRef | None


def _issue_ref(repo: str, node: Mapping[str, Any]) -> IssueRef:
    return IssueRef(
        repo=repo,
        number=int(node["number"]),
        url=str(node.get("url") or ""),
        title=str(node.get("title") or ""),
        body=str(node.get("body") or ""),
        open=str(node.get("state") or "OPEN").upper() == "OPEN",
    )


def _issue_nodes(gh: GitHubClient, repo: str) -> Iterator[Mapping[str, Any]]:
    owner, name = repo.split("/", 1)
    after: str | None = None
    while True:
        variables = {"owner": owner, "name": name, "after": after}
        data = gh.graphql(SESSION_ISSUES_QUERY, variables, what=f"read the issues of {repo}")
        found = (data.get("repository") or {}).get("issues") or {}
        yield from (node for node in found.get("nodes") or [] if node)
        page = found.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return
        after = page.get("endCursor")


def find_session_issues(gh: GitHubClient, repo: str, session: date, title: str) -> SessionIssues:
    """Find the session's agenda issue (and escalation issue), open or closed.

    The agenda issue is the one with the session's marker; failing that, one titled `title`
    (say, opened by hand), which is adopted rather than duplicated.
    """
    agenda_marker = markers.agenda_start(session)
    escalation_marker = markers.escalation_issue(session)
    escalation = titled = None
    for node in _issue_nodes(gh, repo):
        body = str(node.get("body") or "")
        if escalation is None and escalation_marker in body:
            escalation = _issue_ref(repo, node)
        if agenda_marker in body:  # an escalation issue is younger: it was seen already
            return SessionIssues(_issue_ref(repo, node), escalation)
        if titled is None and str(node.get("title") or "").strip().casefold() == title.casefold():
            titled = _issue_ref(repo, node)
    return SessionIssues(titled, escalation)


def create_issue(
    gh: GitHubClient, repo: str, title: str, body: str, marker: str, labels: Sequence[str] = ()
) -> IssueRef:
    """Open an issue whose body holds `marker`; after an unclear failure, look before resending."""
    handle = gh.rest.get_repo(repo)

    def create() -> IssueRef:
        issue = handle.create_issue(title=title, body=body, labels=list(labels))
        return IssueRef(repo, issue.number, issue.html_url, issue.title, issue.body or "", True)

    look = partial(find_marked, gh, repo, marker)
    return gh.call(create, what=f'create issue "{title}" in {repo}', idempotent=False, recover=look)


def find_marked(gh: GitHubClient, repo: str, marker: str) -> IssueRef | None:
    """The newest issue of `repo` whose body holds `marker`, open or closed."""
    nodes = _issue_nodes(gh, repo)
    return next((_issue_ref(repo, n) for n in nodes if marker in (n.get("body") or "")), None)


def edit_body(gh: GitHubClient, issue: IssueRef, body: str) -> None:
    """Replace an issue's body."""
    handle = gh.rest.get_repo(issue.repo).get_issue(issue.number)
    gh.call(lambda: handle.edit(body=body), what=f"update {issue.ref}")


def commented(gh: GitHubClient, node_ids: Iterable[str], marker: str) -> set[str]:
    """Which of the issues (node ids) have a comment holding `marker` among their last 100."""
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


def comment(gh: GitHubClient, repo: str, number: int, body: str, recover_id: str) -> None:
    """Comment on an issue; after an unclear failure, look for the marked comment first."""
    handle = gh.rest.get_repo(repo).get_issue(number)
    marker = body.splitlines()[0]

    def look() -> bool | None:
        return True if commented(gh, [recover_id], marker) else None

    def post() -> bool:
        handle.create_comment(body)
        return True

    gh.call(post, what=f"comment on {repo}#{number}", idempotent=False, recover=look)
