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

from sync.errors import ApiFailure
from sync.github.client import GitHubClient
from sync.mirror.model import IssueNode, LinkComment

MARKER = "<!-- community-sync:task={gid} -->"
MARKER_RE = re.compile(r"<!-- community-sync:task=(\d+) -->")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
PARENT_DEPTH = 8  # GitHub nests sub-issues at most 8 levels deep
SUBTREE_BATCH = 4  # parents per query: 4 x 100 sub-issues x ~1,070 nodes < 500,000

# An item's field values hold the built-in fields too (Title, Assignees, Labels, Repository,
# ...), so the configured ones may come after the first page: see complete_field_values.
FIELD_VALUE_PAGE = """fragment FieldValuePage on ProjectV2ItemFieldValueConnection {
  pageInfo { hasNextPage endCursor }
  nodes {
    __typename
    ... on ProjectV2ItemFieldNumberValue { number field { ...FieldName } }
    ... on ProjectV2ItemFieldTextValue { text field { ...FieldName } }
    ... on ProjectV2ItemFieldDateValue { date field { ...FieldName } }
    ... on ProjectV2ItemFieldSingleSelectValue { name field { ...FieldName } }
  }
}
"""
CORE_FIELDS = (
    """
fragment CoreFields on Issue {
  id number url title body state stateReason(enableDuplicate: true) closedAt
  repository { nameWithOwner }
  labels(first: 50) { nodes { name } }
  assignees(first: 10) { nodes { login } }
  projectItems(first: 10) {
    nodes {
      id
      project { number owner { ... on Organization { login } ... on User { login } } }
      fieldValues(first: 100) { ...FieldValuePage }
    }
  }
}
fragment FieldName on ProjectV2FieldCommon { name }
"""
    + FIELD_VALUE_PAGE
    + """
fragment ChildFields on Issue { ...CoreFields subIssues(first: 1) { totalCount } }
"""
)
NODE_FIELDS = (
    CORE_FIELDS
    + """
fragment NodeFields on Issue {
  ...CoreFields
  comments(first: 100) { totalCount nodes { id databaseId body } }
  subIssues(first: 100) { totalCount nodes { ...ChildFields } }
}
"""
)
REF_FIELDS = """
fragment RefFields on Issue {
  id number url state stateReason(enableDuplicate: true)
  repository { nameWithOwner }
  labels(first: 50) { nodes { name } }
}
"""


def _parent_chain(depth: int, *, comments: bool = True) -> str:
    """``parent { ... parent { ... } }`` nested ``depth`` levels; the nearest has comments."""
    chain = ""
    for level in range(depth, 0, -1):
        with_comments = comments and level == 1
        comments_field = "comments(first: 100) { nodes { id databaseId body } }"
        comments_text = comments_field if with_comments else ""
        chain = f"parent {{ ...RefFields {comments_text} {chain} }}"
    return chain


ISSUE_QUERY = f"""
query IssueTree($owner: String!, $name: String!, $number: Int!) {{
  repository(owner: $owner, name: $name) {{
    issue(number: $number) {{ ...NodeFields {_parent_chain(PARENT_DEPTH)} }}
  }}
}}
{NODE_FIELDS}{REF_FIELDS}"""

NODE_QUERY = f"""
query IssueTreeByNode($id: ID!) {{
  node(id: $id) {{ ... on Issue {{ ...NodeFields }} }}
}}
{NODE_FIELDS}"""

SUBTREE_QUERY = f"""
query SubIssues($ids: [ID!]!) {{
  nodes(ids: $ids) {{
    ... on Issue {{ id subIssues(first: 100) {{ totalCount nodes {{ ...ChildFields }} }} }}
  }}
}}
{CORE_FIELDS}"""

LIST_QUERY = f"""
query ListCshIssues($owner: String!, $name: String!, $label: String!, $after: String) {{
  repository(owner: $owner, name: $name) {{
    issues(first: 100, after: $after, labels: [$label], states: [OPEN, CLOSED]) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        ...ChildFields
        comments(first: 20) {{ totalCount nodes {{ id databaseId body }} }}
        {_parent_chain(PARENT_DEPTH, comments=False)}
      }}
    }}
  }}
}}
{CORE_FIELDS}{REF_FIELDS}"""


def without_board(name: str, document: str) -> str:
    """The same query without board fields, for a config with no CSH board: then the
    workflow's own GITHUB_TOKEN (which cannot read Projects) is enough."""
    start = document.index("  projectItems(first: 10) {")
    depth, end = 0, start
    for end in range(document.index("{", start), len(document)):
        depth += {"{": 1, "}": -1}.get(document[end], 0)
        if depth == 0:
            break
    text = document[:start] + document[end + 2 :]
    text = text.replace("fragment FieldName on ProjectV2FieldCommon { name }\n", "")
    text = text.replace(FIELD_VALUE_PAGE, "")
    return text.replace(f"query {name}(", f"query {name}NoBoard(", 1)


_WITH_BOARD = {
    "IssueTree": ISSUE_QUERY,
    "IssueTreeByNode": NODE_QUERY,
    "SubIssues": SUBTREE_QUERY,
    "ListCshIssues": LIST_QUERY,
}
_NO_BOARD = {f"{name}NoBoard": without_board(name, doc) for name, doc in _WITH_BOARD.items()}
ITEM_VALUES_QUERY = f"""
query ItemFieldValues($id: ID!, $after: String) {{
  node(id: $id) {{ ... on ProjectV2Item {{ fieldValues(first: 100, after: $after) {{
    ...FieldValuePage
  }} }} }}
}}
fragment FieldName on ProjectV2FieldCommon {{ name }}
{FIELD_VALUE_PAGE}"""
QUERIES = {**_WITH_BOARD, **_NO_BOARD, "ItemFieldValues": ITEM_VALUES_QUERY}


def _query(name: str, board: BoardRef | None) -> str:
    """The document to send: with the board's fields only when a board is configured."""
    return _WITH_BOARD[name] if board is not None else _NO_BOARD[f"{name}NoBoard"]


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
    link_comment: LinkComment | None


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


def find_link_comment(comment_nodes: Iterable[Mapping[str, Any]]) -> LinkComment | None:
    """The bot's link comment among an issue's comments, by its hidden marker."""
    for comment in comment_nodes:
        body = (comment or {}).get("body") or ""
        match = MARKER_RE.search(body)
        if match:
            return LinkComment(int(comment["databaseId"]), comment["id"], body, match.group(1))
    return None


def parse_issue(data: Mapping[str, Any], board: BoardRef | None) -> IssueNode:
    """An IssueNode from a NodeFields/ChildFields object (children parsed one level down)."""
    values = parse_board((data.get("projectItems") or {}).get("nodes") or [], board)
    children = (data.get("subIssues") or {}).get("nodes") or []
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
        link_comment=find_link_comment(((data.get("comments") or {}).get("nodes")) or []),
        comments_complete=_all_comments_read(data.get("comments")),
        children=tuple(parse_issue(child, board) for child in children if child),
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
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


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
        _query("IssueTree", board),
        {"owner": owner, "name": name, "number": number},
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
        _query("IssueTreeByNode", board),
        {"id": node_id},
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
        answer = gh.graphql(_query("SubIssues", board), {"ids": ids}, what="read sub-issues")
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
            data = gh.graphql(ITEM_VALUES_QUERY, variables, what="read board field values")
            more = (data.get("node") or {}).get("fieldValues") or {}
            values["nodes"] = [*(values.get("nodes") or []), *(more.get("nodes") or [])]
            page = more.get("pageInfo") or {}


def _board_items(answer: Any, board: BoardRef) -> Iterable[dict[str, Any]]:
    """Every ProjectV2Item on the board anywhere in a GraphQL answer (under ``projectItems``)."""
    if isinstance(answer, list):
        for value in answer:
            yield from _board_items(value, board)
    elif isinstance(answer, dict):
        for key, value in answer.items():
            if key != "projectItems":
                yield from _board_items(value, board)
                continue
            for item in (value or {}).get("nodes") or []:
                if isinstance(item, dict) and _on_board(item, board):
                    yield item


def _children(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in (raw.get("subIssues") or {}).get("nodes") or [] if c]


def _has_children(raw: Mapping[str, Any]) -> bool:
    return "nodes" in (raw.get("subIssues") or {})


def list_csh_issues(
    gh: GitHubClient, repo: str, label: str, board: BoardRef | None
) -> list[IssueRead]:
    """Every issue of a repository carrying the label, open and closed, with full trees."""
    owner, name = repo.split("/", 1)
    raws: list[Mapping[str, Any]] = []
    after: str | None = None
    while True:
        variables = {"owner": owner, "name": name, "label": label, "after": after}
        data = gh.graphql(
            _query("ListCshIssues", board), variables, what=f"list {label} issues of {repo}"
        )
        issues = (data.get("repository") or {}).get("issues") or {}
        raws += [n for n in issues.get("nodes") or [] if n]
        page = issues.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            break
        after = page.get("endCursor")
    trees = complete_trees(gh, raws, board)
    return [IssueRead(tree, parse_parents(raw)) for tree, raw in zip(trees, raws, strict=True)]


def _graft(
    node: IssueNode, fetched: Mapping[str, list[Mapping[str, Any]]], board: BoardRef | None
) -> IssueNode:
    extra = fetched.get(node.node_id)
    children = node.children if extra is None else tuple(parse_issue(k, board) for k in extra)
    return replace(node, children=tuple(_graft(child, fetched, board) for child in children))


def locate_issue(gh: GitHubClient, repo: str, number: int) -> tuple[str, int] | None:
    """Where an issue lives now: (repo, number) after a transfer; None when deleted or gone.

    GraphQL does not find a transferred issue at its old place; REST answers with a redirect
    to the new one (PyGithub follows it), and 410 Gone for a deleted issue."""
    issue = gh.rest.get_repo(repo).get_issue(number)
    try:
        url = gh.call(lambda: issue.html_url, what=f"locate {repo}#{number}")
    except ApiFailure as failure:
        if failure.status in (404, 410):
            return None
        raise
    match = re.search(r"/([^/]+/[^/]+)/issues/(\d+)$", url) if isinstance(url, str) else None
    if match is None:  # not "gone": read as deleted, its task would be deleted
        raise ApiFailure("GitHub", f"locate {repo}#{number}: the answer holds no issue URL")
    return match.group(1), int(match.group(2))


# -- writes ---------------------------------------------------------------------------------
def post_comment(gh: GitHubClient, repo: str, number: int, body: str) -> int:
    """Comment on an issue; return the comment id."""
    issue = gh.rest.get_repo(repo).get_issue(number)
    comment = gh.call(
        lambda: issue.create_comment(body), what=f"comment on {repo}#{number}", idempotent=False
    )
    return int(comment.id)


def edit_comment(gh: GitHubClient, repo: str, number: int, comment_id: int, body: str) -> None:
    """Replace the body of a comment."""
    comment = gh.rest.get_repo(repo).get_issue(number).get_comment(comment_id)
    gh.call(lambda: comment.edit(body), what=f"edit comment {comment_id} on {repo}#{number}")


def reopen_issue(gh: GitHubClient, repo: str, number: int) -> None:
    """Reopen an issue."""
    issue = gh.rest.get_repo(repo).get_issue(number)
    gh.call(lambda: issue.edit(state="open"), what=f"reopen {repo}#{number}")
