"""Issues found again by a hidden marker in their body: read only those updated since a bound
(GitHub's `filterBy: {since}`, newest first), written through REST with a look before a create
is sent a second time. Office hours' agenda issues and the hours reports both use them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sync.github.client import GitHubClient
from sync.github.documents import document

SESSION_ISSUES_QUERY = document("sync.github", "SessionIssues")


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


def issue_ref(repo: str, node: Mapping[str, Any]) -> IssueRef:
    """An IssueRef from an issue node of SESSION_ISSUES_QUERY."""
    return IssueRef(
        repo=repo,
        number=int(node["number"]),
        url=str(node.get("url") or ""),
        title=str(node.get("title") or ""),
        body=str(node.get("body") or ""),
        open=str(node.get("state") or "OPEN").upper() == "OPEN",
    )


def issues_since(gh: GitHubClient, repo: str, since: datetime) -> Iterator[Mapping[str, Any]]:
    """Every issue of `repo` updated since `since`, newest first, page by page."""
    owner, name = repo.split("/", 1)
    after: str | None = None
    stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    while True:
        variables = {"owner": owner, "name": name, "since": stamp, "after": after}
        data = gh.graphql(SESSION_ISSUES_QUERY, variables, what=f"read the issues of {repo}")
        found = (data.get("repository") or {}).get("issues") or {}
        yield from (node for node in found.get("nodes") or [] if node)
        page = found.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return
        after = page.get("endCursor")


def create_issue(
    gh: GitHubClient,
    repo: str,
    title: str,
    body: str,
    marker: str,
    since: datetime,
    labels: Sequence[str] = (),
) -> IssueRef:
    """Open an issue whose body holds `marker`; after an unclear failure, look before resending.

    The look reads issues updated since `since` (any time before this run will do).
    """

    def made(number: int, url: str, made_title: str, made_body: str) -> IssueRef:
        return IssueRef(repo, number, url, made_title, made_body, True)

    look = partial(find_marked, gh, repo, marker, since)
    return gh.create_issue(repo, title, body, labels, recover=look, made=made)


def find_marked(gh: GitHubClient, repo: str, marker: str, since: datetime) -> IssueRef | None:
    """The newest issue of `repo` updated since `since` whose body holds `marker`."""
    nodes = issues_since(gh, repo, since)
    return next((issue_ref(repo, n) for n in nodes if marker in (n.get("body") or "")), None)


def edit_body(gh: GitHubClient, issue: IssueRef, body: str) -> None:
    """Replace an issue's body."""
    gh.edit_issue_body(issue.repo, issue.number, body)
