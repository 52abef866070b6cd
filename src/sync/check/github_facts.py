"""Read what ``check`` needs to know from GitHub: boards with their fields, and repositories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sync.errors import ApiFailure
from sync.github.client import GitHubClient
from sync.github.documents import document

BOARD_QUERY = document("sync.check", "CheckBoard")
REPOSITORY_QUERY = document("sync.check", "CheckRepository")
QUERIES = {"CheckBoard": BOARD_QUERY, "CheckRepository": REPOSITORY_QUERY}


@dataclass(frozen=True)
class BoardField:
    """A Projects (v2) field: its type (NUMBER, TEXT, DATE, SINGLE_SELECT...) and options."""

    name: str
    data_type: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoardFacts:
    """A Projects (v2) board as the token sees it."""

    owner: str
    number: int
    state: Literal["found", "missing", "denied"]
    title: str = ""
    fields: Mapping[str, BoardField] = field(default_factory=dict)
    message: str = ""  # GitHub's refusal, for "denied"

    @property
    def ref(self) -> str:
        """How messages name the board: ``owner/number``."""
        return f"{self.owner}/{self.number}"


@dataclass(frozen=True)
class RepositoryFacts:
    """A repository as the token sees it: does it exist, does it have the label."""

    name: str
    found: bool
    label: str | None = None  # the label's name as the repository spells it, if it has it


def read_board(gh: GitHubClient, owner: str, number: int) -> BoardFacts:
    """The board's fields, or why it cannot be read."""
    try:
        data = gh.graphql(
            BOARD_QUERY,
            {"owner": owner, "number": number},
            what=f"read board {owner}/{number}",
            allow_missing=True,
        )
    except ApiFailure as failure:
        if failure.status == 403:
            return BoardFacts(owner, number, "denied", message=str(failure))
        raise
    return parse_board(owner, number, data)


def parse_board(owner: str, number: int, data: Mapping[str, Any]) -> BoardFacts:
    """A BoardFacts from a CheckBoard answer."""
    project = (data.get("repositoryOwner") or {}).get("projectV2")
    if not project:
        return BoardFacts(owner, number, "missing")
    fields = {}
    for node in (project.get("fields") or {}).get("nodes") or []:
        if node and node.get("name"):
            options = tuple(o["name"] for o in node.get("options") or [] if o)
            fields[node["name"]] = BoardField(node["name"], str(node.get("dataType")), options)
    return BoardFacts(owner, number, "found", project.get("title") or "", fields)


def read_repository(gh: GitHubClient, name: str, label: str) -> RepositoryFacts:
    """Whether the repository is readable and carries ``label``."""
    owner, _, repo = name.partition("/")
    data = gh.graphql(
        REPOSITORY_QUERY,
        {"owner": owner, "name": repo, "label": label},
        what=f"read repository {name}",
        allow_missing=True,
    )
    found = data.get("repository")
    if not found:
        return RepositoryFacts(name, False)
    return RepositoryFacts(name, True, (found.get("label") or {}).get("name"))
