"""Board parsing (pure), the batched move mutation and the paged reads, with a fake gateway."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from graphql import parse, validate

from sync.config import OfficeHoursBoard
from sync.emulator.github_graphql import github_schema
from sync.errors import UsageError
from sync.github.client import GitHubClient
from sync.office_hours import activity
from sync.office_hours.board import (
    MOVE_BATCH,
    Board,
    move_cards,
    move_cards_mutation,
    parse_board,
    parse_card,
    up_next,
)
from sync.office_hours.rotate import to_rotate

CONFIG = OfficeHoursBoard(owner="example-org", number=9)
OPTIONS = [{"id": "a1", "name": "Up next"}, {"id": "b2", "name": "Discussed"}]


def project(field: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"id": "PVT_1", "title": "Office hours", "url": "https://x", "field": field}


def single_select(options: list[dict[str, str]] = OPTIONS) -> dict[str, Any]:
    return {"__typename": "ProjectV2SingleSelectField", "id": "F1", "name": "Status",
            "dataType": "SINGLE_SELECT", "options": options}  # fmt: skip


def test_a_user_owned_board_is_found_and_options_match_ignoring_case() -> None:
    board = parse_board(
        {"organization": None, "user": {"projectV2": project(single_select())}}, CONFIG
    )
    assert (board.id, board.field_id, board.up_next, board.up_next_id) == (
        "PVT_1",
        "F1",
        "Up next",
        "a1",
    )
    assert (board.discussed_id, board.ref) == ("b2", "example-org board #9")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "example-org board #9 not found"),
        ({"organization": {"projectV2": project(None)}}, 'has no field "Status" (status_field)'),
        (
            {"organization": {"projectV2": project({"__typename": "ProjectV2Field", "id": "F",
                                                    "name": "Status", "dataType": "TEXT"})}},
            '"Status" is a TEXT field, expected single-select',
        ),
        (
            {"organization": {"projectV2": project(single_select(OPTIONS[1:]))}},
            'has no option "Up Next" (office_hours.board.up_next); has "Discussed"',
        ),
    ],
)  # fmt: skip
def test_what_is_missing_on_the_board_is_named(data: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=r"office_hours\.board") as caught:
        parse_board(data, CONFIG)
    assert message in str(caught.value)


BOARD = Board("PVT_1", "example-org", 9, "", "", "Status", "F1", "Up Next", "a1", "Discussed", "b2")
END = datetime(2026, 1, 21, 17, 30, tzinfo=UTC)


def item(n: int, option: str | None, set_at: str | None, archived: bool = False) -> dict[str, Any]:
    content = {"__typename": "Issue", "id": f"I_{n}", "number": n, "title": f"T{n}",
               "url": f"https://github.com/o/r/issues/{n}", "body": "x" * n,
               "author": {"login": "octocat"}, "repository": {"nameWithOwner": "o/r"},
               "labels": {"nodes": [{"name": "office-hours"}]}}  # fmt: skip
    value = {"optionId": option, "name": "?", "updatedAt": set_at} if option else None
    return {
        "id": f"PVTI_{n}",
        "isArchived": archived,
        "fieldValueByName": value,
        "content": content,
    }


def test_rotation_picks_up_next_cards_set_before_the_end() -> None:
    cards = [
        parse_card(item(1, "a1", "2026-01-20T10:00:00Z")),
        parse_card(item(2, "a1", "2026-01-21T17:45:00Z")),  # queued after the end
        parse_card(item(3, "b2", "2026-01-01T10:00:00Z")),  # another column
        parse_card(item(4, None, None)),  # no status
        parse_card(item(5, "a1", "2026-01-02T10:00:00Z", archived=True)),
        parse_card(item(6, "a1", "2026-01-21T17:29:59Z")),
    ]
    assert [c.item_id for c in up_next(cards, BOARD)] == ["PVTI_1", "PVTI_2", "PVTI_6"]
    assert [c.item_id for c in to_rotate(cards, BOARD, END)] == ["PVTI_1", "PVTI_6"]
    assert cards[0].topic is not None and cards[0].topic.body_chars == 1
    assert cards[0].name == 'o/r#1 "T1"'


def test_a_draft_card_has_no_topic() -> None:
    draft = {"id": "PVTI_9", "isArchived": False, "fieldValueByName": None,
             "content": {"__typename": "DraftIssue", "title": "Talk about 1.0"}}  # fmt: skip
    card = parse_card(draft)
    assert (card.topic, card.content_id, card.name) == (None, None, 'draft "Talk about 1.0"')


@pytest.mark.parametrize("count", [1, 2, MOVE_BATCH])
def test_the_move_mutation_is_valid_for_any_batch(count: int) -> None:
    assert validate(github_schema(), parse(move_cards_mutation(count))) == []


class FakeGitHub:
    """Answers GraphQL from a list of canned pages; records what was asked."""

    def __init__(self, answers: list[dict[str, Any]] | None = None) -> None:
        self.answers = answers or []
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def graphql(self, query: str, variables: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.calls.append((query, variables))
        return self.answers.pop(0) if self.answers else {}


def test_moves_are_batched_with_aliases() -> None:
    gh = FakeGitHub()
    ids = [f"PVTI_{n}" for n in range(MOVE_BATCH + 3)]
    move_cards(cast(GitHubClient, gh), BOARD, ids, "b2")
    assert [len(v) - 3 for _, v in gh.calls] == [MOVE_BATCH, 3]
    assert gh.calls[1][1]["item2"] == ids[-1] and "move19:" in gh.calls[0][0]


def pulls_page(nodes: list[dict[str, Any]], more: bool) -> dict[str, Any]:
    info = {"hasNextPage": more, "endCursor": "c1"}
    return {"repository": {"pullRequests": {"pageInfo": info, "nodes": nodes}}}


def test_merged_pulls_stop_reading_at_older_updates() -> None:
    def pr(login: str, merged: str, updated: str) -> dict[str, Any]:
        return {"number": 1, "mergedAt": merged, "updatedAt": updated, "author": {"login": login}}

    page = [
        pr("late", "2026-01-21T17:00:00Z", "2026-01-21T17:00:00Z"),  # after the window
        pr("b", "2026-01-12T00:00:00Z", "2026-01-13T00:00:00Z"),
        pr("a", "2026-01-10T00:00:00Z", "2026-01-10T00:00:00Z"),
        pr("old", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),  # stops here
    ]
    gh = FakeGitHub([pulls_page(page, more=True)])
    since, until = datetime(2026, 1, 7, 17, 30, tzinfo=UTC), datetime(2026, 1, 21, 16, tzinfo=UTC)
    pulls = activity.merged_pulls(cast(GitHubClient, gh), ["o/r"], since, until)
    assert [pull.author for pull in pulls] == ["a", "b"]
    assert len(gh.calls) == 1  # the second page is never read
