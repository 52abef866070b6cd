"""`office-hours queue`: an issue or pull request labeled `topic_label` joins "Up Next".

Only what is not on the board yet is added: cards already on it stay where they are. An
`issues` `labeled` event queues its issue at once; pull request events from forks carry no
secrets, so pull requests are queued by the scheduled sweep over the repositories.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sync.errors import EventError
from sync.github.client import GitHubClient
from sync.office_hours.activity import Labeled, labeled_open, read_labeled
from sync.office_hours.board import Board, add_card, move_cards
from sync.office_hours.writes import Writes

SWEEP_EVENTS = frozenset({"schedule", "workflow_dispatch"})


@dataclass(frozen=True, slots=True)
class QueueRequest:
    """What an event asks for: one issue (by node id), a sweep, or nothing (and why)."""

    node_id: str | None = None
    ref: str = ""
    sweep: bool = False
    skip: str | None = None


def plan_queue(
    name: str | None, payload: Mapping[str, Any] | None, label: str, path: str
) -> QueueRequest:
    """Read the triggering event (none: a sweep) into a QueueRequest."""
    if name is None or name in SWEEP_EVENTS:
        return QueueRequest(sweep=True)
    if name in ("pull_request", "pull_request_target"):
        return QueueRequest(skip="pull requests are queued by the scheduled run")
    if name != "issues" or payload is None:
        return QueueRequest(skip=f"a {name} event queues nothing")
    action = payload.get("action")
    added = str((payload.get("label") or {}).get("name") or "")
    if action != "labeled":
        return QueueRequest(skip=f"the issue was {action}, not labeled {label}")
    # Any label event on an issue that carries the topic label queues it: GitHub keeps one
    # pending run per concurrency group, so a second label event on the same issue replaces
    # the run of the first, and the replacing run must do its work.
    carried = {str((lbl or {}).get("name") or "").casefold() for lbl in _labels(payload)}
    if label.casefold() not in carried | {added.casefold()}:
        return QueueRequest(skip=f"the issue was labeled {added}; it is not labeled {label}")
    issue = payload.get("issue")
    if not isinstance(issue, dict) or not issue.get("node_id"):
        raise EventError(path, "issue.node_id", "missing; expected an issues event payload")
    repo = str((payload.get("repository") or {}).get("full_name") or "")
    return QueueRequest(node_id=str(issue["node_id"]), ref=f"{repo}#{issue.get('number')}")


def _labels(payload: Mapping[str, Any]) -> list[Any]:
    labels = (payload.get("issue") or {}).get("labels")
    return labels if isinstance(labels, list) else []


def queue_issue(gh: GitHubClient, board: Board, request: QueueRequest, label: str,
                writes: Writes) -> tuple[list[Labeled], str | None]:  # fmt: skip
    """Queue the event's issue when it is open, still labeled and not on the board."""
    assert request.node_id is not None
    found = read_labeled(gh, request.node_id)
    if found is None:
        return [], f"{request.ref} is gone"
    if not found.open or not found.has_label(label):
        why = "closed" if not found.open else f"no longer labeled {label}"
        return [], f"{found.ref} is {why}"
    if board.id in found.project_ids:
        return [], f"{found.ref} is on {board.ref} already"
    return enqueue(gh, board, [found], writes), None


def queue_sweep(gh: GitHubClient, board: Board, repos: Iterable[str], label: str,
                writes: Writes) -> list[Labeled]:  # fmt: skip
    """Queue every open issue and pull request labeled `label` that is not on the board."""
    missing = [item for item in labeled_open(gh, repos, label) if board.id not in item.project_ids]
    return enqueue(gh, board, missing, writes)


def enqueue(
    gh: GitHubClient, board: Board, items: Sequence[Labeled], writes: Writes
) -> list[Labeled]:
    """Add each item to the board in Up Next."""
    for item in items:
        line = f'add {item.ref} "{item.title}" to {board.ref} in "{board.up_next}"'
        writes.apply(line, partial(_add, gh, board, item))
    return list(items)


def _add(gh: GitHubClient, board: Board, item: Labeled) -> None:
    item_id, status = add_card(gh, board, item.content_id)
    if status is None:  # else someone put it on the board meanwhile: leave it where it is
        move_cards(gh, board, [item_id], board.up_next_id)
