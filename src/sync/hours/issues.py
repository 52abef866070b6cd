"""Which community each mirrored issue names on GitHub, read in batches with GraphQL aliases.

The tasks only know their issue's URL, not its node id, so each issue is one aliased
``repository { issue }`` field of a query that reads BATCH issues at a time (with the
mirror's own issue fragments, so board fields parse the same way).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sync.config import CshConfig
from sync.domain import community_of, split_issue_url
from sync.github.client import GitHubClient
from sync.github.issues import CORE_FIELDS, BoardRef, complete_field_values, parse_issue

BATCH = 50


def batch_query(count: int) -> str:
    """The ``HoursIssues`` query reading ``count`` issues, each by owner, name and number."""
    issues = ", ".join(f"$o{i}: String!, $r{i}: String!, $n{i}: Int!" for i in range(count))
    params = f"{issues}, $withBoard: Boolean!"
    fields = "\n".join(
        f"  i{i}: repository(owner: $o{i}, name: $r{i}) {{\n"
        f"    issue(number: $n{i}) {{ ...ChildFields }}\n  }}"
        for i in range(count)
    )
    return f"query HoursIssues({params}) {{\n{fields}\n}}\n{CORE_FIELDS}"


QUERIES = {"HoursIssues": batch_query(2)}


def named_communities(
    gh: GitHubClient, urls: Iterable[str], csh: CshConfig
) -> dict[str, str | None]:
    """Issue URL -> the key of the configured community the issue names (None: none, or gone)."""
    wanted = sorted({u for u in urls if split_issue_url(u)})
    named: dict[str, str | None] = {}
    for start in range(0, len(wanted), BATCH):
        named.update(_read_batch(gh, wanted[start : start + BATCH], csh))
    return named


def _read_batch(gh: GitHubClient, urls: Sequence[str], csh: CshConfig) -> dict[str, str | None]:
    variables: dict[str, Any] = {"withBoard": True}  # the fragments' board fields, as ever
    for i, url in enumerate(urls):
        owner, repo, number = split_issue_url(url) or ("", "", 0)
        variables.update({f"o{i}": owner, f"r{i}": repo, f"n{i}": number})
    data = gh.graphql(
        batch_query(len(urls)),
        variables,
        what=f"read the communities of {len(urls)} issues",
        allow_missing=True,
    )
    board = BoardRef(csh.board.owner, csh.board.number) if csh.board else None
    raws = [(data.get(f"i{i}") or {}).get("issue") for i in range(len(urls))]
    complete_field_values(gh, [raw for raw in raws if raw], board)  # busy boards page on
    return {url: _community_key(data, i, csh) for i, url in enumerate(urls)}


def _community_key(data: Mapping[str, Any], index: int, csh: CshConfig) -> str | None:
    raw = (data.get(f"i{index}") or {}).get("issue")
    if not raw:
        return None
    board = BoardRef(csh.board.owner, csh.board.number) if csh.board else None
    community, _ = community_of(parse_issue(raw, board), csh)
    return community.key if community else None
