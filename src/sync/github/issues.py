"""Read CSH issue trees from GitHub's GraphQL API, and write the few things the mirror writes.

One query reads an issue with its board fields, its link comment, its parent chain and one
level of sub-issues; deeper levels cost one more query per level. Parsing is pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sync.domain import IssueNode, LinkCommentRead, split_issue_url
from sync.errors import ApiFailure
from sync.github.client import GitHubClient
from sync.github.documents import document, fragments_for

MARKER = "<!-- community-sync:task={gid} -->"
MARKER_RE = re.compile(r"<!-- community-sync:task=(\d+) -->")
GUARD_MARKER = "<!-- community-sync:hours-guard -->"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
PARENT_DEPTH = 8  # GitHub nests sub-issues at most 8 levels deep
SUBTREE_BATCH = 4  # parents per query: 4 x 100 sub-issues x ~1,070 nodes < 500,000

# The documents are sync/github/*.graphql (fragments in fragments.graphql): board fields are
# read only with `withBoard` true, i.e. when a CSH board is configured.
_OPERATIONS = ("IssueTree", "IssueTreeByNode", "SubIssues", "ListCshIssues", "ItemFieldValues")
QUERIES = {name: document("sync.github", name) for name in _OPERATIONS}
# The fragments an issue read with ``...ChildFields`` needs (hours reads issues in batches).
CORE_FIELDS = fragments_for("sync.github", "...ChildFields")


def _with_board(variables: dict[str, Any], board: BoardRef | None) -> dict[str, Any]:
    """The variables with ``withBoard``: board fields only when a board is configured."""
    return {**variables, "withBoard": board is not None}


@dataclass(frozen=True)
class BoardRef:
    """Which Projects v2 board holds the CSH fields."""

    owner: str
    number: int


@dataclass(frozen=True)
class ParentInfo:
    """An ancestor in the chain above an issue (nearest first)."""

    repo: str
    number: int
    url: str
    node_id: str
    labels: tuple[str, ...]
    state: str
    state_reason: str | None
    link_comment: LinkCommentRead | None


@dataclass(frozen=True)
class IssueRead:
    """An issue tree as read, with the ancestors above its top issue."""

    issue: IssueNode
    parents: tuple[ParentInfo, ...]


# -- parsing (pure) --------------------------------------------------------------------------
def parse_board(item_nodes: Iterable[Mapping[str, Any]], board: BoardRef | None) -> dict[str, Any]:
    """Field values of the item on the CSH board, by field name (empty when not on it)."""
    for item in item_nodes:
        if board is None or not _on_board(item, board):
            continue
        values: dict[str, Any] = {}
        for value in (item.get("fieldValues") or {}).get("nodes") or []:
            name = ((value or {}).get("field") or {}).get("name")
            if name:
                values[name] = _field_value(value)
        return values
    return {}


def _on_board(item: Mapping[str, Any], board: BoardRef) -> bool:
    """True when a ProjectV2Item answer is on the CSH board."""
    project = item.get("project") or {}
    owner = ((project.get("owner") or {}).get("login") or "").lower()
    return project.get("number") == board.number and owner == board.owner.lower()


def _field_value(value: Mapping[str, Any]) -> Any:
    kind = value.get("__typename")
    if kind == "ProjectV2ItemFieldNumberValue":
        return value.get("number")
    if kind == "ProjectV2ItemFieldDateValue":
        raw = value.get("date")
        return date.fromisoformat(raw[:10]) if raw else None
    text = value.get("name" if kind == "ProjectV2ItemFieldSingleSelectValue" else "text")
    return clean_text(text) if isinstance(text, str) else text


def marker_comments(comment_nodes: Iterable[Mapping[str, Any]]) -> list[LinkCommentRead]:
    """Every comment carrying the link marker, whoever wrote it (trust is decided later)."""
    found = []
    for comment in comment_nodes:
        body = (comment or {}).get("body") or ""
        match = MARKER_RE.search(body)
        if match:
            author = ((comment.get("author") or {}).get("login")) or ""
            found.append(
                LinkCommentRead(
                    int(comment["databaseId"]),
                    comment["id"],
                    body,
                    match.group(1),
                    author=author,
                    by_viewer=bool(comment.get("viewerDidAuthor")),
                )
            )
    return found


def find_link_comment(comment_nodes: Iterable[Mapping[str, Any]]) -> LinkCommentRead | None:
    """The sync's own link comment among an issue's comments: the marker is trusted only in a
    comment the sync's identity wrote (anyone can paste a marker into a public issue)."""
    return _own_link(marker_comments(comment_nodes))


def _own_link(markers: Iterable[LinkCommentRead]) -> LinkCommentRead | None:
    return next((c for c in markers if c.by_viewer), None)


def _guard_comment(comment_nodes: Iterable[Mapping[str, Any]]) -> int | None:
    for comment in comment_nodes:
        if (
            comment
            and comment.get("viewerDidAuthor")
            and GUARD_MARKER in (comment.get("body") or "")
        ):
            return int(comment["databaseId"])
    return None


def _labeled_by(data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    events = ((data.get("timelineItems") or {}).get("nodes")) or []
    return tuple(
        (str((e.get("label") or {}).get("name") or ""), str((e.get("actor") or {}).get("login")))
        for e in events
        if e and e.get("actor") and e.get("label")
    )


def _label_history(data: Mapping[str, Any]) -> tuple[str, ...]:
    events = ((data.get("timelineItems") or {}).get("nodes")) or []
    return tuple(str((e.get("label") or {}).get("name") or "") for e in events if e)


def parse_issue(data: Mapping[str, Any], board: BoardRef | None) -> IssueNode:
    """An IssueNode from a NodeFields/ChildFields object (children parsed one level down)."""
    values = parse_board((data.get("projectItems") or {}).get("nodes") or [], board)
    children = (data.get("subIssues") or {}).get("nodes") or []
    comments = ((data.get("comments") or {}).get("nodes")) or []
    markers = marker_comments(comments)
    return IssueNode(
        repo=data["repository"]["nameWithOwner"],
        number=int(data["number"]),
        url=data["url"],
        node_id=data["id"],
        title=clean_text(data.get("title") or ""),
        body=data.get("body") or "",
        state=str(data.get("state", "OPEN")).lower(),
        state_reason=_reason(data.get("stateReason")),
        labels=tuple(n["name"] for n in (data.get("labels") or {}).get("nodes") or [] if n),
        assignees=tuple(n["login"] for n in (data.get("assignees") or {}).get("nodes") or [] if n),
        board=values,
        closed_at=_datetime(data.get("closedAt")),
        link_comment=_own_link(markers),
        comments_complete=_all_comments_read(data.get("comments")),
        children=tuple(parse_issue(child, board) for child in children if child),
        author_association=str(data.get("authorAssociation") or ""),
        labeled_by=_labeled_by(data),
        label_history=_label_history(data),
        parent_events=int((data.get("parentEvents") or {}).get("totalCount") or 0),
        transferred=bool((data.get("transfers") or {}).get("totalCount")),
        foreign_links=tuple(c for c in markers if not c.by_viewer),
        guard_comment_id=_guard_comment(comments),
    )


def clean_text(text: str) -> str:
    """Text as Asana can store it: NULs dropped, lone surrogates (JSON may escape them) replaced."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _all_comments_read(comments: Any) -> bool:
    """False when the issue has more comments than were read (or none were asked for)."""
    if not isinstance(comments, Mapping):
        return False
    total = comments.get("totalCount")
    return total is not None and total <= len(comments.get("nodes") or [])


def _reason(value: Any) -> str | None:
    return str(value).lower() if value else None


def _datetime(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def parse_parents(data: Mapping[str, Any]) -> tuple[ParentInfo, ...]:
    """The parent chain of an IssueTree answer, nearest first."""
    chain: list[ParentInfo] = []
    node = data.get("parent")
    while node:
        chain.append(
            ParentInfo(
                repo=node["repository"]["nameWithOwner"],
                number=int(node["number"]),
                url=node["url"],
                node_id=node["id"],
                labels=tuple(n["name"] for n in (node.get("labels") or {}).get("nodes") or []),
                state=str(node.get("state", "OPEN")).lower(),
                state_reason=_reason(node.get("stateReason")),
                link_comment=find_link_comment(((node.get("comments") or {}).get("nodes")) or []),
            )
        )
        node = node.get("parent")
    return tuple(chain)


def _needs_deeper(raw: Mapping[str, Any]) -> bool:
    return bool(((raw.get("subIssues") or {}).get("totalCount") or 0) > 0)


# -- reads ----------------------------------------------------------------------------------
def read_issue(
    gh: GitHubClient, repo: str, number: int, board: BoardRef | None
) -> IssueRead | None:
    """Read an issue with its parent chain and full sub-issue tree; None when it is gone."""
    owner, name = repo.split("/", 1)
    data = gh.graphql(
        QUERIES["IssueTree"],
        _with_board({"owner": owner, "name": name, "number": number}, board),
        what=f"read {repo}#{number}",
        allow_missing=True,
    )
    raw = (data.get("repository") or {}).get("issue")
    if not raw:
        return None
    return IssueRead(complete_tree(gh, raw, board), parse_parents(raw))


def read_tree_by_node(gh: GitHubClient, node_id: str, board: BoardRef | None) -> IssueNode | None:
    """Read an issue (by node id) with its full sub-issue tree."""
    data = gh.graphql(
        QUERIES["IssueTreeByNode"],
        _with_board({"id": node_id}, board),
        what=f"read issue {node_id}",
        allow_missing=True,
    )
    raw = data.get("node")
    return complete_tree(gh, raw, board) if raw else None


def complete_tree(gh: GitHubClient, raw: Mapping[str, Any], board: BoardRef | None) -> IssueNode:
    """Parse an issue and fetch the sub-issue levels its answer did not include."""
    return complete_trees(gh, [raw], board)[0]


def complete_trees(
    gh: GitHubClient, raws: Sequence[Mapping[str, Any]], board: BoardRef | None
) -> list[IssueNode]:
    """Parse issues and fetch, level by level and in batches, the sub-issues not yet read."""
    complete_field_values(gh, raws, board)
    roots = [parse_issue(raw, board) for raw in raws]
    pending = {raw["id"]: raw for raw in raws if _needs_deeper(raw) and not _has_children(raw)}
    for raw in raws:
        pending.update({c["id"]: c for c in _children(raw) if _needs_deeper(c)})
    fetched: dict[str, list[Mapping[str, Any]]] = {}
    while pending:
        ids = list(pending)[:SUBTREE_BATCH]
        variables = _with_board({"ids": ids}, board)
        answer = gh.graphql(QUERIES["SubIssues"], variables, what="read sub-issues")
        complete_field_values(gh, answer.get("nodes") or [], board)
        for node in answer.get("nodes") or []:
            if node:
                fetched[node["id"]] = _children(node)
                pending.update({k["id"]: k for k in fetched[node["id"]] if _needs_deeper(k)})
        for done in ids:
            pending.pop(done, None)
    return [_graft(root, fetched, board) for root in roots]


def complete_field_values(gh: GitHubClient, answers: Iterable[Any], board: BoardRef | None) -> None:
    """Read, in place, the rest of the field values of every CSH board item in ``answers``
    (issues as read, sub-issues included) whose first page did not hold them all."""
    if board is None:
        return
    for item in _board_items(answers, board):
        values = item["fieldValues"]
        page = values.get("pageInfo") or {}
        while page.get("hasNextPage") and item.get("id"):
            variables = {"id": item["id"], "after": page.get("endCursor")}
            data = gh.graphql(QUERIES["ItemFieldValues"], variables, what="read board field values")
            more = (data.get("node") or {}).get("fieldValues") or {}
            values["nodes"] = [*(values.get("nodes") or []), *(more.get("nodes") or [])]
            page = more.get("pageInfo") or {}


def _board_items(answer: Any, board: BoardRef) -> Iterable[dict[str, Any]]:
    """Every ProjectV2Item on the board of the issues read, their sub-issues' at any depth
    (a walk of the issue keys only: a reconcile reads 10,000 issues)."""
    stack = list(answer) if isinstance(answer, list) else [answer]
    while stack:
        issue = stack.pop()
        if not isinstance(issue, dict):
            continue
        for item in (issue.get("projectItems") or {}).get("nodes") or []:
            if isinstance(item, dict) and _on_board(item, board):
                yield item
        stack += (issue.get("subIssues") or {}).get("nodes") or []


def _children(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in (raw.get("subIssues") or {}).get("nodes") or [] if c]


def _has_children(raw: Mapping[str, Any]) -> bool:
    return "nodes" in (raw.get("subIssues") or {})


@dataclass(frozen=True)
class CshListing:
    """The labeled issues of one repository, and whether the label exists there at all (a
    renamed or misspelt label lists nothing, which must not read as "every task is gone")."""

    issues: list[IssueRead]
    label_found: bool


def list_csh_issues(gh: GitHubClient, repo: str, label: str, board: BoardRef | None) -> CshListing:
    """Every issue of a repository carrying the label, open and closed, with full trees."""
    owner, name = repo.split("/", 1)
    raws: list[Mapping[str, Any]] = []
    after: str | None = None
    label_found = False
    while True:
        variables = {"owner": owner, "name": name, "label": label, "after": after}
        data = gh.graphql(
            QUERIES["ListCshIssues"],
            _with_board(variables, board),
            what=f"list {label} issues of {repo}",
        )
        issues = (data.get("repository") or {}).get("issues") or {}
        label_found = label_found or bool((data.get("repository") or {}).get("label"))
        raws += [n for n in issues.get("nodes") or [] if n]
        page = issues.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            break
        after = page.get("endCursor")
    trees = complete_trees(gh, raws, board)
    reads = [IssueRead(tree, parse_parents(raw)) for tree, raw in zip(trees, raws, strict=True)]
    return CshListing(reads, label_found)


def _graft(
    node: IssueNode, fetched: Mapping[str, list[Mapping[str, Any]]], board: BoardRef | None
) -> IssueNode:
    if not fetched:
        return node  # every level was in the first answer
    extra = fetched.get(node.node_id)
    children = node.children if extra is None else tuple(parse_issue(k, board) for k in extra)
    return replace(node, children=tuple(_graft(child, fetched, board) for child in children))


@dataclass(frozen=True)
class Located:
    """Where an issue GraphQL no longer finds at its place went (see ``locate_issue``)."""

    deleted: bool = False  # 410 Gone: the issue was deleted
    moved_to: tuple[str, int] | None = None  # transferred to (repo, number), readable there
    unreadable: str = ""  # the token cannot see it (404), or not where it moved: what it saw


def locate_issue(gh: GitHubClient, repo: str, number: int) -> Located:
    """Where an issue lives now. GitHub answers 410 for a deleted issue, 301 for a transferred
    one (followed here one step, by hand) and 404 for one the token cannot see: only 410
    means deleted. A 404 anywhere leaves the caller to keep the task and say so."""
    what = f"locate {repo}#{number}"
    status, body, location = gh.get(f"repos/{repo}/issues/{number}", what=what, follow=False)
    if status == 410:
        return Located(deleted=True)
    if status == 404:
        return Located(unreadable=f"{repo}#{number} cannot be read with this token")
    if status in (301, 302, 307, 308):
        if not location:
            raise ApiFailure("GitHub", f"{what}: a redirect without a Location")
        status, body, _ = gh.get(location, what=what)
        if status != 200:
            return Located(unreadable=f"{repo}#{number} moved where this token cannot read it")
    url = body.get("html_url")
    split = split_issue_url(url) if isinstance(url, str) else None
    if split is None:
        raise ApiFailure("GitHub", f"{what}: the answer holds no issue URL")
    return Located(moved_to=(f"{split[0]}/{split[1]}", split[2]))


# -- writes ---------------------------------------------------------------------------------
def post_comment(gh: GitHubClient, repo: str, number: int, body: str) -> int:
    """Comment on an issue (looked for by its hidden marker before a resend); the comment id."""
    match = MARKER_RE.search(body)
    marker = match.group(0) if match else GUARD_MARKER if GUARD_MARKER in body else None
    return gh.comment(repo, number, body, marker=marker)
