"""Releases published in a window: topic candidates when a session is short of topics.

Releases are read newest created first, 100 a page, and the scan stops at the first one
created before the window: a release is published after it is created, so the rest are older.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sync.github.client import GitHubClient
from sync.github.documents import document
from sync.office_hours.agenda import Shipped
from sync.office_hours.board import parse_time

RELEASES_QUERY = document("sync.office_hours", "Releases")

QUERIES = {"Releases": RELEASES_QUERY}


def releases_published(
    gh: GitHubClient, repos: Iterable[str], since: datetime, until: datetime
) -> list[Shipped]:
    """Releases published in [since, until) in `repos`, in the order they were published."""
    found: list[Shipped] = []
    for repo in repos:
        found.extend(_published(gh, repo, since, until))
    return sorted(found, key=lambda release: release.at)


def _published(gh: GitHubClient, repo: str, since: datetime, until: datetime) -> list[Shipped]:
    owner, name = repo.split("/", 1)
    found: list[Shipped] = []
    after: str | None = None
    while True:
        variables = {"owner": owner, "name": name, "after": after}
        data = gh.graphql(RELEASES_QUERY, variables, what=f"read the releases of {repo}")
        page = (data.get("repository") or {}).get("releases") or {}
        for node in page.get("nodes") or []:
            if not node:
                continue
            if parse_time(str(node["createdAt"])) < since:
                return found
            published = node.get("publishedAt")
            at = parse_time(str(published)) if published and not node.get("isDraft") else None
            if at is not None and since <= at < until:
                found.append(_shipped(repo, node, at))
        info = page.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            return found
        after = info.get("endCursor")


def _shipped(repo: str, node: Mapping[str, Any], at: datetime) -> Shipped:
    tag = str(node.get("tagName") or "")
    title = str(node.get("name") or "") or tag
    author = str((node.get("author") or {}).get("login") or "")
    return Shipped("release", title, str(node.get("url") or ""), f"{repo}@{tag}", author, at)
