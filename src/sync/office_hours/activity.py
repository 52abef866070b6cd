"""What happened in the repositories: whom to thank, whom to invite, what is labeled a topic.

Reads only, each a connection paged 100 at a time in an order that lets the scan stop early
(merged pull requests newest first, open ones oldest first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync.config import Invitees
from sync.github.client import GitHubClient
from sync.github.documents import document
from sync.office_hours.agenda import Person, Shipped
from sync.office_hours.board import parse_time

MERGED_PULLS_QUERY = document("sync.office_hours", "MergedPulls")

OPEN_PULLS_QUERY = document("sync.office_hours", "OpenPulls")

PROPOSALS_QUERY = document("sync.office_hours", "ProposalIssues")


LABELED_ISSUES_QUERY = document("sync.office_hours", "LabeledIssues")

LABELED_PULLS_QUERY = document("sync.office_hours", "LabeledPulls")

LABELED_ISSUE_QUERY = document("sync.office_hours", "LabeledIssue")

QUERIES = {
    "MergedPulls": MERGED_PULLS_QUERY,
    "OpenPulls": OPEN_PULLS_QUERY,
    "ProposalIssues": PROPOSALS_QUERY,
    "LabeledIssues": LABELED_ISSUES_QUERY,
    "LabeledPulls": LABELED_PULLS_QUERY,
    "LabeledIssue": LABELED_ISSUE_QUERY,
}


@dataclass(frozen=True, slots=True)
class Labeled:
    """An issue or pull request that may be queued: whether it is open and on which boards."""

    content_id: str
    ref: str  # owner/repo#number
    title: str
    kind: str  # "issue" or "pull request"
    open: bool
    labels: tuple[str, ...]
    created_at: datetime
    project_ids: tuple[str, ...]

    def has_label(self, name: str) -> bool:
        """Whether it carries the label `name` (ignoring case)."""
        return any(label.casefold() == name.casefold() for label in self.labels)


def parse_labeled(node: Mapping[str, Any], kind: str) -> Labeled:
    """A Labeled from a LabeledIssues / LabeledPulls / LabeledIssue node."""
    items = (node.get("projectItems") or {}).get("nodes") or []
    return Labeled(
        content_id=str(node["id"]),
        ref=f"{node['repository']['nameWithOwner']}#{node['number']}",
        title=str(node.get("title") or ""),
        kind=kind,
        open=node.get("state") == "OPEN",
        labels=tuple(n["name"] for n in (node.get("labels") or {}).get("nodes") or [] if n),
        created_at=parse_time(str(node["createdAt"])),
        project_ids=tuple(i["project"]["id"] for i in items if i and i.get("project")),
    )


def _pages(
    gh: GitHubClient, query: str, variables: Mapping[str, Any], connection: str, what: str
) -> Iterator[Mapping[str, Any]]:
    """The nodes of a repository connection, page after page while the caller reads on."""
    after: str | None = None
    while True:
        data = gh.graphql(query, {**variables, "after": after}, what=what)
        found = (data.get("repository") or {}).get(connection) or {}
        yield from (node for node in found.get("nodes") or [] if node)
        page = found.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return
        after = page.get("endCursor")


def _repo_vars(repo: str) -> dict[str, Any]:
    owner, name = repo.split("/", 1)
    return {"owner": owner, "name": name}


def _login(node: Mapping[str, Any]) -> str:
    return str((node.get("author") or {}).get("login") or "")


@dataclass(frozen=True, slots=True)
class MergedPull:
    """A pull request merged in a window: who, what, and its labels."""

    repo: str
    number: int
    title: str
    url: str
    author: str
    merged_at: datetime
    labels: tuple[str, ...]


def merged_pulls(
    gh: GitHubClient, repos: Iterable[str], since: datetime, until: datetime
) -> list[MergedPull]:
    """Pull requests merged in [since, until), in the order they were merged."""
    merged: list[MergedPull] = []
    for repo in repos:
        what = f"read merged pull requests of {repo}"
        for node in _pages(gh, MERGED_PULLS_QUERY, _repo_vars(repo), "pullRequests", what):
            if parse_time(node["updatedAt"]) < since:
                break  # newest first, and a merge always bumps updatedAt
            at = parse_time(node["mergedAt"]) if node.get("mergedAt") else None
            if at is not None and since <= at < until:
                merged.append(_merged_pull(repo, node, at))
    return sorted(merged, key=lambda pull: pull.merged_at)


def _merged_pull(repo: str, node: Mapping[str, Any], at: datetime) -> MergedPull:
    labels = tuple(n["name"] for n in (node.get("labels") or {}).get("nodes") or [] if n)
    title, url = str(node.get("title") or ""), str(node.get("url") or "")
    return MergedPull(repo, int(node["number"]), title, url, _login(node), at, labels)


def feature_pulls(pulls: Iterable[MergedPull], feature_labels: Iterable[str]) -> list[Shipped]:
    """The merged pull requests carrying one of `feature_labels`, as topic candidates."""
    wanted = {label.casefold() for label in feature_labels}
    return [
        Shipped("pull request", p.title, p.url, f"{p.repo}#{p.number}", p.author, p.merged_at)
        for p in pulls
        if any(label.casefold() in wanted for label in p.labels)
    ]


def invitee_candidates(
    gh: GitHubClient, repos: Sequence[str], now: datetime, config: Invitees
) -> list[Person]:
    """Authors of long-open pull requests, then of open proposals, each with the reason."""
    return _stale_pull_authors(gh, repos, now, config) + _proposal_authors(gh, repos, config)


def _stale_pull_authors(
    gh: GitHubClient, repos: Sequence[str], now: datetime, config: Invitees
) -> list[Person]:
    cutoff = now - timedelta(days=config.stale_pr_days)
    found: list[tuple[datetime, Person]] = []
    for repo in repos:
        what = f"read open pull requests of {repo}"
        for node in _pages(gh, OPEN_PULLS_QUERY, _repo_vars(repo), "pullRequests", what):
            opened = parse_time(node["createdAt"])
            if opened > cutoff:
                break  # oldest first: the rest are younger still
            reason = f"pull request {repo}#{node['number']} open since {opened.date()}"
            person = Person(_login(node), reason, repo, int(node["number"]), str(node["id"]))
            found.append((opened, person))
    return [person for _, person in sorted(found, key=lambda pair: pair[0])]


def _proposal_authors(gh: GitHubClient, repos: Sequence[str], config: Invitees) -> list[Person]:
    if not config.proposal_labels:
        return []
    wanted = {label.casefold() for label in config.proposal_labels}
    found: list[tuple[datetime, Person]] = []
    for repo in repos:
        variables = {**_repo_vars(repo), "labels": list(config.proposal_labels)}
        what = f"read open proposals of {repo}"
        for node in _pages(gh, PROPOSALS_QUERY, variables, "issues", what):
            names = [n["name"] for n in (node.get("labels") or {}).get("nodes") or [] if n]
            label = next((n for n in names if n.casefold() in wanted), names[0] if names else "")
            reason = f"proposal {repo}#{node['number']} labeled {label}"
            person = Person(_login(node), reason, repo, int(node["number"]), str(node["id"]))
            found.append((parse_time(node["createdAt"]), person))
    return [person for _, person in sorted(found, key=lambda pair: pair[0])]


def labeled_open(gh: GitHubClient, repos: Iterable[str], label: str) -> list[Labeled]:
    """Every open issue and pull request labeled `label` in `repos`, oldest first."""
    found: list[Labeled] = []
    for repo in repos:
        variables = {**_repo_vars(repo), "label": label}
        for query, connection, kind in (
            (LABELED_ISSUES_QUERY, "issues", "issue"),
            (LABELED_PULLS_QUERY, "pullRequests", "pull request"),
        ):
            what = f"read {kind}s labeled {label} in {repo}"
            nodes = _pages(gh, query, variables, connection, what)
            found.extend(parse_labeled(node, kind) for node in nodes)
    return sorted(found, key=lambda item: item.created_at)


def read_labeled(gh: GitHubClient, node_id: str) -> Labeled | None:
    """One issue by node id, as the queue needs it; None when it is gone."""
    data = gh.graphql(
        LABELED_ISSUE_QUERY, {"id": node_id}, what=f"read issue {node_id}", allow_missing=True
    )
    node = data.get("node")
    return parse_labeled(node, "issue") if node and node.get("__typename") == "Issue" else None
