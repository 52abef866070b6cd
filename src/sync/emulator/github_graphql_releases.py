"""GraphQL views of releases: ``Repository.releases`` and ``Release``, as GitHub serves them.

Releases are ordered by ``CREATED_AT`` (GitHub's default, newest first) or ``NAME``; drafts are
listed too (the token can push), with no ``publishedAt``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sync.emulator.github_graphql_base import Info, Json, connection, iso
from sync.emulator.github_json import WEB_URL
from sync.emulator.github_model import Release, Repo

_ORDER_KEYS: dict[str, Callable[[Release], Any]] = {
    "CREATED_AT": lambda release: (release.created_at, release.id),
    "NAME": lambda release: ((release.name or release.tag_name).casefold(), release.id),
}


def repo_releases(repo: Repo, author: Callable[[Info, str], Json], info: Info, **args: Any) -> Json:
    """``Repository.releases(first, after, orderBy)``."""
    order = args.get("orderBy") or {"field": "CREATED_AT", "direction": "DESC"}
    ordered = sorted(
        repo.releases, key=_ORDER_KEYS[order["field"]], reverse=order["direction"] == "DESC"
    )
    return connection(info, ordered, lambda release: release_view(release, author), args)


def release_view(release: Release, author: Callable[[Info, str], Json]) -> Json:
    """A Release."""
    return {
        "__typename": "Release",
        "id": release.node_id,
        "databaseId": release.id,
        "name": release.name,
        "tagName": release.tag_name,
        "url": f"{WEB_URL}/{release.repo}/releases/tag/{release.tag_name}",
        "description": release.description,
        "isDraft": release.published_at is None,
        "isPrerelease": release.prerelease,
        "createdAt": iso(release.created_at),
        "publishedAt": iso(release.published_at),
        "author": lambda info: author(info, release.author),
    }
