"""The office hours board (Projects v2): its status column, its cards, and moving them.

The board, its status field and the field's options are looked up by name on every run:
their ids change when someone edits the options. Cards are read 100 at a time, each with its
status and when that status was last set (the single-select value's `updatedAt`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.config import OfficeHoursBoard
from sync.errors import UsageError
from sync.github.client import PROJECTS_HINT, GitHubClient
from sync.github.documents import document
from sync.office_hours.agenda import Topic

MOVE_BATCH = 20  # mutations per request: each costs 5 points of the secondary limit

BOARD_QUERY = document("sync.office_hours", "OfficeHoursBoard")


CARDS_QUERY = document("sync.office_hours", "OfficeHoursCards")

ADD_ITEM_MUTATION = document("sync.office_hours", "AddOfficeHoursCard")


def move_cards_mutation(count: int) -> str:
    """A `MoveCards` mutation setting one option on `count` items, one alias per item."""
    params = "".join(f", $item{i}: ID!" for i in range(count))
    moves = "".join(
        f"  move{i}: updateProjectV2ItemFieldValue(input: {{projectId: $project, itemId: "
        f"$item{i}, fieldId: $field, value: {{singleSelectOptionId: $option}}}}) "
        "{ projectV2Item { id } }\n"
        for i in range(count)
    )
    return f"mutation MoveCards($project: ID!, $field: ID!, $option: String!{params}) {{\n{moves}}}"


QUERIES = {
    "OfficeHoursBoard": BOARD_QUERY,
    "OfficeHoursCards": CARDS_QUERY,
    "AddOfficeHoursCard": ADD_ITEM_MUTATION,
    "MoveCards": move_cards_mutation(2),
}


@dataclass(frozen=True, slots=True)
class Board:
    """The board as found this run: ids of its status field and of the two columns used."""

    id: str
    owner: str
    number: int
    title: str
    url: str
    status_field: str
    field_id: str
    up_next: str  # option name, as on the board
    up_next_id: str
    discussed: str
    discussed_id: str

    @property
    def ref(self) -> str:
        """The board as people name it, e.g. `example-org board #9`."""
        return f"{self.owner} board #{self.number}"


@dataclass(frozen=True, slots=True)
class Card:
    """One board item: its status, when that was set, and its issue or pull request."""

    item_id: str
    status_id: str | None
    status: str | None
    status_set_at: datetime | None
    archived: bool
    title: str
    content_id: str | None  # the issue's or pull request's node id
    topic: Topic | None  # None for a draft issue or content the token cannot see

    @property
    def name(self) -> str:
        """The card in messages: `owner/repo#number "title"` or the draft's title."""
        return f'{self.topic.ref} "{self.title}"' if self.topic else f'draft "{self.title}"'


# -- parsing (pure) --------------------------------------------------------------------------
def parse_board(data: Mapping[str, Any], config: OfficeHoursBoard) -> Board:
    """The Board from an OfficeHoursBoard answer; a usage error names what is missing."""
    where = f"office_hours.board: {config.owner} board #{config.number}"
    project = _project(data)
    if project is None:
        raise UsageError(f"{where} not found (or the token cannot see it; {PROJECTS_HINT})")
    field = project.get("field")
    if not field:
        raise UsageError(f'{where} has no field "{config.status_field}" (status_field)')
    if field.get("__typename") != "ProjectV2SingleSelectField":
        kind = field.get("dataType") or field.get("__typename")
        raise UsageError(f'{where}: "{field["name"]}" is a {kind} field, expected single-select')
    options = {o["name"]: o["id"] for o in field.get("options") or []}
    up_next, up_next_id = _option(options, config.up_next, f"{where}: {field['name']}", "up_next")
    done, done_id = _option(options, config.discussed, f"{where}: {field['name']}", "discussed")
    return Board(
        project["id"], config.owner, config.number, project.get("title") or "",
        project.get("url") or "", field["name"], field["id"], up_next, up_next_id, done, done_id,
    )  # fmt: skip


def _project(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for owner in ("organization", "user"):
        project = (data.get(owner) or {}).get("projectV2")
        if project:
            return dict(project)
    return None


def _option(options: Mapping[str, str], wanted: str, where: str, key: str) -> tuple[str, str]:
    """(name, id) of the option named `wanted`, ignoring case; a usage error if absent."""
    for name, option_id in options.items():
        if name.casefold() == wanted.casefold():
            return name, option_id
    known = ", ".join(f'"{name}"' for name in options) or "none"
    raise UsageError(f'{where} has no option "{wanted}" (office_hours.board.{key}); has {known}')


def parse_card(node: Mapping[str, Any]) -> Card:
    """A Card from one item of an OfficeHoursCards answer."""
    value = node.get("fieldValueByName") or {}
    content = node.get("content") or {}
    set_at = value.get("updatedAt")
    return Card(
        item_id=node["id"],
        status_id=value.get("optionId"),
        status=value.get("name"),
        status_set_at=parse_time(set_at) if set_at else None,
        archived=bool(node.get("isArchived")),
        title=str(content.get("title") or ""),
        content_id=str(content["id"]) if content.get("id") else None,
        topic=parse_topic(content) if content.get("__typename") in _KINDS else None,
    )


_KINDS = {"Issue": "issue", "PullRequest": "pull request"}


def parse_topic(content: Mapping[str, Any]) -> Topic:
    """A Topic from an IssueTopic or PullTopic object."""
    return Topic(
        title=str(content.get("title") or ""),
        url=str(content.get("url") or ""),
        author=str((content.get("author") or {}).get("login") or ""),
        kind="pull request" if content["__typename"] == "PullRequest" else "issue",
        labels=tuple(n["name"] for n in (content.get("labels") or {}).get("nodes") or [] if n),
        number=int(content["number"]),
        repo=str(content["repository"]["nameWithOwner"]),
        body_chars=len(str(content.get("body") or "").strip()),
    )


def parse_time(value: str) -> datetime:
    """A GitHub DateTime (`2026-01-07T16:00:00Z`) as an aware datetime."""
    return datetime.fromisoformat(value)


def up_next(cards: Sequence[Card], board: Board) -> list[Card]:
    """The cards in the Up Next column, in board order (archived cards are off the board)."""
    return [c for c in cards if c.status_id == board.up_next_id and not c.archived]


# -- reads and writes ------------------------------------------------------------------------
def find_board(gh: GitHubClient, config: OfficeHoursBoard) -> Board:
    """Find the board (organization or user owned) and its status field and options."""
    variables = {"owner": config.owner, "number": config.number, "status": config.status_field}
    what = f"read {config.owner} board #{config.number}"
    data = gh.graphql(BOARD_QUERY, variables, what=what, allow_missing=True)
    return parse_board(data, config)


def read_cards(gh: GitHubClient, board: Board) -> list[Card]:
    """Every card on the board, in board order."""
    return [parse_card(node) for node in _card_nodes(gh, board)]


def _card_nodes(gh: GitHubClient, board: Board) -> Iterator[Mapping[str, Any]]:
    after: str | None = None
    while True:
        variables = {"id": board.id, "status": board.status_field, "after": after}
        data = gh.graphql(CARDS_QUERY, variables, what=f"read the cards of {board.ref}")
        items = (data.get("node") or {}).get("items") or {}
        yield from (node for node in items.get("nodes") or [] if node)
        page = items.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return
        after = page.get("endCursor")


def move_cards(gh: GitHubClient, board: Board, item_ids: Sequence[str], option_id: str) -> None:
    """Set the status of every item to `option_id`, a batch of aliased mutations at a time."""
    for start in range(0, len(item_ids), MOVE_BATCH):
        batch = item_ids[start : start + MOVE_BATCH]
        variables: dict[str, Any] = {
            "project": board.id,
            "field": board.field_id,
            "option": option_id,
            **{f"item{i}": item for i, item in enumerate(batch)},
        }
        what = f"move {len(batch)} card(s) on {board.ref}"
        gh.graphql(move_cards_mutation(len(batch)), variables, what=what)


def add_card(gh: GitHubClient, board: Board, content_id: str) -> tuple[str, str | None]:
    """Put an issue or pull request on the board: (item id, its status option id if set).

    GitHub answers with the existing item when the content is on the board already.
    """
    variables = {"project": board.id, "content": content_id, "status": board.status_field}
    data = gh.graphql(ADD_ITEM_MUTATION, variables, what=f"add a card to {board.ref}")
    item = data["addProjectV2ItemById"]["item"]
    return str(item["id"]), (item.get("fieldValueByName") or {}).get("optionId")
