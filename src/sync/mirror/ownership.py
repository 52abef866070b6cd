"""What the mirror may touch, in one place. Pure: every rule is a function of what was read.

1. A task is written or deleted only if it is in ``asana.project``, its GitHub URL field
   equals the issue's URL exactly (an empty field never matches), and it is neither a
   configured community task nor the project itself. Anything else is left alone, with a
   warning naming its gid. The one exception: before a mirrored task is deleted, subtasks a
   person added under it are moved up (see ``Applier``), so nothing a person made is lost.
2. A link-comment marker is trusted only in a comment the sync's own identity wrote, or one
   whose author is listed in ``csh.link_comment_authors``.
3. ``reconcile`` deletes at most ``csh.max_deletes`` tasks a run (``--allow-deletes N`` raises
   the cap for one run); over the cap it deletes none. Reopens: at most ``csh.max_reopens``.
   An ``issue`` event deletes only its own issue tree, uncapped (a person's explicit act).
4. ``csh.trusted_authors: members``: an issue is mirrored when its author is a member (OWNER,
   MEMBER or COLLABORATOR), or when someone with triage access or more applied the CSH label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from sync.config import CshConfig
from sync.domain import IssueNode, TaskSnapshot
from sync.mirror.plan import (
    AddToProject,
    Change,
    DeleteTask,
    MoveTask,
    ReopenIssue,
    UpdateTask,
)

MEMBER_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
TRIAGE_OR_MORE = frozenset({"triage", "write", "maintain", "admin"})


# -- rule 1: which tasks are ours --------------------------------------------------------------
@dataclass(frozen=True)
class Ownership:
    """The tasks the mirror must never write: the project and the community tasks."""

    project: str
    protected: frozenset[str] = frozenset()

    @classmethod
    def of(cls, project: str, csh: CshConfig) -> Ownership:
        """The ownership rules for a config."""
        return cls(project, frozenset({project, *(c.asana_task for c in csh.communities)}))

    def refusal(self, task: TaskSnapshot, url: str | None) -> str | None:
        """Why the mirror may not write ``task`` for the issue at ``url`` (None: it may)."""
        if task.gid in self.protected:
            what = "the project" if task.gid == self.project else "a community's task"
            return f"task {task.gid} is {what}"
        if self.project not in task.project_gids:
            return f"task {task.gid} is not in the Asana project {self.project}"
        if not task.github_url:
            return f"task {task.gid} has no GitHub URL"
        if url is not None and task.github_url != url:
            return f"task {task.gid} belongs to {task.github_url}"
        return None

    def owns(self, task: TaskSnapshot, url: str | None) -> bool:
        """True when the mirror may write ``task`` for the issue at ``url``."""
        return self.refusal(task, url) is None


def screen(
    changes: list[Change], tasks: Mapping[str, TaskSnapshot], ownership: Ownership
) -> tuple[list[Change], list[str]]:
    """Drop every change to a task the mirror does not own; say which and why."""
    kept: list[Change] = []
    warnings: list[str] = []
    for change in changes:
        gid = _target_gid(change)
        if gid is None:
            kept.append(change)
            continue
        task = tasks.get(gid)
        why = (
            f"task {gid} was not read from the project"
            if task is None
            else ownership.refusal(task, None)
        )
        if why is None:
            kept.append(change)
        else:
            ref = getattr(change, "ref", "")
            warnings.append(f"{ref}: left task {gid} alone ({why})")
    return kept, warnings


def _target_gid(change: Change) -> str | None:
    if isinstance(change, UpdateTask | MoveTask | AddToProject | DeleteTask):
        return change.gid
    return None


# -- rule 2: whose link comments count ---------------------------------------------------------
def trust_link_comments(node: IssueNode, authors: Iterable[str]) -> IssueNode:
    """The tree with each issue's link comment chosen by rule 2 (the sync's own comment, else
    one by a listed author); every other marker is ignored."""
    allowed = {a.lower() for a in authors}
    if not allowed:
        return node  # the parse kept only the sync's own comments already
    link = node.link_comment
    if link is None and allowed:
        link = next((c for c in node.foreign_links if c.author.lower() in allowed), None)
    children = tuple(trust_link_comments(child, allowed) for child in node.children)
    return replace(node, link_comment=link, children=children)


# -- rule 3: caps on large destructive runs ----------------------------------------------------
@dataclass
class Held:
    """Changes a run held back because they went over a cap."""

    deletes: list[DeleteTask] = field(default_factory=list)
    reopens: list[ReopenIssue] = field(default_factory=list)
    cleared: list[UpdateTask] = field(default_factory=list)  # updates that clear GitHub Hours
    max_deletes: int = 0
    max_reopens: int = 0

    def __bool__(self) -> bool:
        return bool(self.deletes or self.reopens or self.cleared)

    def messages(self) -> list[str]:
        """What was held back and how to confirm it, one line each."""
        lines = []
        if self.deletes:
            n = len(self.deletes)
            lines.append(
                f"held back {n} task deletions: more than the {self.max_deletes} a run may "
                f"make (csh.max_deletes). Check them with `community-sync --dry-run reconcile`, "
                f"then confirm with `community-sync reconcile --allow-deletes {n}`"
            )
        if self.cleared:
            n = len(self.cleared)
            lines.append(
                f"held back clearing the GitHub Hours of {n} tasks: more than the "
                f"{self.max_deletes} a run may clear (csh.max_deletes); is "
                "csh.board.hours_field the board's field name? If the board really lost them, "
                f"confirm with `community-sync reconcile --allow-deletes {n}`"
            )
        if self.reopens:
            refs = ", ".join(r.ref for r in self.reopens)
            lines.append(
                f"held back {len(self.reopens)} reopens over the {self.max_reopens} a run may "
                f"make (csh.max_reopens): {refs}; they follow in the next runs"
            )
        return lines


def cap(
    changes: list[Change], max_deletes: int | None, max_reopens: int, hours_gid: str = ""
) -> tuple[list[Change], Held]:
    """Hold back every delete when there are more than ``max_deletes`` (None: no cap), and so
    every clearing of GitHub Hours (a misspelt hours field reads as "no hours" everywhere);
    and the reopens past the first ``max_reopens``."""
    held = Held(max_deletes=max_deletes or 0, max_reopens=max_reopens)
    deletes = [c for c in changes if isinstance(c, DeleteTask)]
    clears = [c for c in changes if isinstance(c, UpdateTask) and _clears(c, hours_gid)]
    if max_deletes is not None and len(deletes) > max_deletes:
        held.deletes = deletes
    if max_deletes is not None and len(clears) > max_deletes:
        held.cleared = clears
    reopens = [c for c in changes if isinstance(c, ReopenIssue)]
    held.reopens = reopens[max_reopens:]
    dropped = {id(c) for c in (*held.deletes, *held.reopens)}
    kept: list[Change] = []
    for change in changes:
        if id(change) in dropped:
            continue
        if held.cleared and isinstance(change, UpdateTask) and _clears(change, hours_gid):
            rest = _without_hours(change, hours_gid)
            if rest is not None:
                kept.append(rest)
            continue
        kept.append(change)
    return kept, held


def _clears(change: UpdateTask, hours_gid: str) -> bool:
    """True when the update empties a GitHub Hours value the task has."""
    custom = change.data.get("custom_fields") or {}
    if not hours_gid or hours_gid not in custom or custom[hours_gid] is not None:
        return False
    return any(
        label == change.hours_label and old is not None and new is None
        for label, old, new in change.diffs
    )


def _without_hours(change: UpdateTask, hours_gid: str) -> UpdateTask | None:
    """The update without its GitHub Hours part (None when nothing else is left)."""
    custom = {k: v for k, v in (change.data.get("custom_fields") or {}).items() if k != hours_gid}
    data = {k: v for k, v in change.data.items() if k != "custom_fields"}
    if custom:
        data["custom_fields"] = custom
    label = change.hours_label
    diffs = tuple(d for d in change.diffs if not (d[0] == label and d[2] is None))
    if not data:
        return None
    return replace(change, data=data, diffs=diffs)


# -- rule 4: who may bring an issue into the mirror --------------------------------------------
def author_trusted(node: IssueNode, csh: CshConfig) -> bool:
    """True when the issue may be mirrored on its own label (see rule 4)."""
    if csh.trusted_authors == "any" or node.vouched:
        return True
    return node.author_association.upper() in MEMBER_ASSOCIATIONS


def labelers_to_check(root: IssueNode, csh: CshConfig) -> dict[str, tuple[str, str]]:
    """Issue URL -> (repository, login that applied the CSH label), for labeled issues whose
    author is not trusted (each labeler needs one permission read in that repository)."""
    wanted: dict[str, tuple[str, str]] = {}
    for node in root.walk():
        if node.dropped or not node.has_label(csh.label) or author_trusted(node, csh):
            continue
        actor = node.last_labeler(csh.label)
        if actor:
            wanted[node.url] = (node.repo, actor)
    return wanted


def vouch(root: IssueNode, vouched: set[str]) -> IssueNode:
    """The tree with the issues at the ``vouched`` URLs marked as labeled by a maintainer."""
    children = tuple(vouch(child, vouched) for child in root.children)
    return replace(root, vouched=root.vouched or root.url in vouched, children=children)
