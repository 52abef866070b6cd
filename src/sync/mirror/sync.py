"""The CSH mirror use case: read an issue's tree, plan the Asana changes, apply them.

Finding an existing task never relies on Asana's search (Premium-only, 10-60 s behind): the
link comment's hidden marker names the task (verified by a direct read), else the project's
task list is matched exactly on the GitHub URL field. A task is only created when both say no.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sync.asana.client import AsanaClient
from sync.asana.tasks import (
    TASK_FIELDS,
    fields_from_records,
    index_by_url,
    resolve_fields,
    to_snapshot,
)
from sync.config import AsanaConfig, CshConfig
from sync.domain import community_of, split_issue_url, used_hours
from sync.github import issues as gh_issues
from sync.github.client import GitHubClient
from sync.github.issues import BoardRef, ParentInfo
from sync.mirror.apply import Applier, gids_from
from sync.mirror.desired import Rules, desired_for_tree
from sync.mirror.event import Target
from sync.mirror.link_comment import (
    comment_missing,
    link_comment_text,
    over_contract_line,
    over_contract_of,
)
from sync.mirror.model import (
    Ancestor,
    Desired,
    DesiredTask,
    FieldMap,
    IssueNode,
    Removal,
    TaskSnapshot,
)
from sync.mirror.ownership import (
    TRIAGE_OR_MORE,
    Held,
    Ownership,
    cap,
    labelers_to_check,
    screen,
    trust_link_comments,
    vouch,
)
from sync.mirror.plan import (
    AddToProject,
    Change,
    CreateTask,
    DeleteTask,
    LinkComment,
    MoveTask,
    Plan,
    ReopenIssue,
    UpdateTask,
)
from sync.mirror.planner import TaskIndex, oldest_first, plan_tasks

LABEL_EVENTS_READ = 10  # the issue documents read the timeline's last 10 LabeledEvents


@dataclass
class Outcome:
    """What syncing one target did (or, in a dry run, would do)."""

    target: Target
    action: str
    task_gid: str | None = None
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skip_reason: str | None = None
    failed: list[str] = field(default_factory=list)  # changes the service refused for good


@dataclass
class Mirror:
    """Syncs CSH issue trees from GitHub to Asana. Built once per run with its clients."""

    github: GitHubClient
    asana: AsanaClient
    asana_config: AsanaConfig
    csh: CshConfig
    dry_run: bool = False
    verify_creates: bool = True
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    _fields: FieldMap | None = None
    _listed: list[TaskSnapshot] = field(default_factory=list)
    _emails: dict[str, str] | None = None  # workspace user email -> gid, read once
    _roles: dict[tuple[str, str], str | None] = field(default_factory=dict)  # permission reads
    _looked_up: dict[str, str | None] = field(default_factory=dict)  # email -> user gid

    @property
    def board(self) -> BoardRef | None:
        """The CSH board, when configured."""
        board = self.csh.board
        return BoardRef(board.owner, board.number) if board else None

    def fields(self, records: Sequence[Mapping[str, Any]] = ()) -> FieldMap:
        """The custom fields the mirror writes: from task records already read when they
        show them all, else from the project's field settings (read once per run)."""
        if self._fields is None:
            self._fields = fields_from_records(records, self.asana_config, self.csh)
        if self._fields is None:
            found = self.asana.project_fields(self.asana_config.project)
            self._fields = resolve_fields(found, self.asana_config, self.csh)
        return self._fields

    # -- one event target -------------------------------------------------------------------
    def sync(self, target: Target, *, closed_now: bool = False) -> Outcome:
        """Make Asana right for the CSH tree the target issue belongs to."""
        read = (
            None
            if target.deleted
            else gh_issues.read_issue(self.github, target.repo, target.number, self.board)
        )
        if read is None and not target.deleted:
            where = gh_issues.locate_issue(self.github, target.repo, target.number)
            if not where.deleted:
                # Only 410 Gone (or a `deleted` event) means deleted; 404 may just mean that
                # this token cannot see where the issue is now.
                old = f" (it was {target.old_url})" if target.old_url else ""
                why = f"{where.unreadable or target.url + ' cannot be read'}{old}"
                warning = f"{why}; its task is left as it is until a run that can read it"
                return Outcome(target, "skipped", warnings=[warning], skip_reason=why)
        if read is None:
            return self._issue_gone(target)
        root, ancestor = self.tree_root(read.issue, read.parents)
        root = self.prepare(root)
        if not target.may_have_task and not self._anything_mirrored(root, ancestor):
            reason = f"{target.repo}#{target.number} is not in a {self.csh.label} issue tree"
            return Outcome(target, "skipped", lines=[], warnings=[], skip_reason=reason)
        index, listed = self._existing(root, target, self._scope(root, target))
        plan = Plan()
        if closed_now:
            root = self._close_guard(root, target, plan)
        desired = desired_for_tree(root, ancestor, self.rules())
        if target.old_url is not None:
            desired = self.with_transfer(desired, target.url, target.old_url)
        desired = self.resolve_assignees(desired, index)
        plan.changes[:0] = plan_tasks(desired, index, self.asana_config.project, self.fields())
        plan.changes += self._link_comments(root, target, index, listed, plan)
        plan.warnings += desired.warnings
        return self._finish(target, plan, index)

    def prepare(self, root: IssueNode) -> IssueNode:
        """The tree with the ownership rules' facts settled: which link comments are trusted,
        and which labeled issues of outside authors a maintainer labeled (permission reads,
        one per labeler, cached for the run)."""
        root = trust_link_comments(root, self.csh.link_comment_authors)
        vouched = {
            url
            for url, (repo, login) in labelers_to_check(root, self.csh).items()
            if self._role(repo, login) in TRIAGE_OR_MORE
        }
        return vouch(root, vouched) if vouched else root

    def _role(self, repo: str, login: str) -> str | None:
        key = (repo.lower(), login.lower())
        if key not in self._roles:
            self._roles[key] = self.github.role_name(repo, login)
        return self._roles[key]

    def applier(self, known: dict[str, str], verify_creates: bool) -> Applier:
        """The applier for this run's plan (``known``: issue URL -> task gid)."""
        return Applier(
            self.asana,
            self.github,
            self.asana_config.project,
            self.fields().url_gid,
            self.csh.board.hours_field if self.csh.board else "hours",
            self.link_text,
            self.ownership(),
            known,
            verify_creates,
        )

    def ownership(self) -> Ownership:
        """The rules that say which tasks the mirror may write."""
        return Ownership.of(self.asana_config.project, self.csh)

    def finalize(self, plan: Plan, index: TaskIndex, max_deletes: int | None = None) -> Held:
        """Check every change against the ownership rules (one place for both commands) and
        hold back what goes over the caps."""
        tasks = {t.gid: t for found in index.values() for t in found}
        plan.changes, refused = screen(plan.changes, tasks, self.ownership())
        plan.warnings += refused
        hours_gid = self.fields().hours_gid
        plan.changes, held = cap(plan.changes, max_deletes, self.csh.max_reopens, hours_gid)
        return held

    def _anything_mirrored(self, root: IssueNode, ancestor: Ancestor | None) -> bool:
        """True when the tree holds a mirrored issue (so Asana must be looked at)."""
        if ancestor is not None and ancestor.mirrored:
            return True
        return any(n.has_label(self.csh.label) and not n.dropped for n in root.walk())

    def resolve_assignees(self, desired: Desired, index: TaskIndex) -> Desired:
        """Turn configured emails into user gids. Where tasks exist to compare with, the
        workspace's users are read once; otherwise each unknown email is looked up once a run.
        An email that is no user of the workspace is warned about; the task stays unassigned."""
        existing = {url for url, tasks in index.items() if tasks}
        if not any(_is_email(t.assignee) for t in desired.tasks):
            return desired
        if self._emails is None and any(
            _is_email(t.assignee) and t.url in existing for t in desired.tasks
        ):
            users = self.asana.workspace_users(self.asana_config.workspace)
            self._emails = {str(u.get("email", "")).lower(): u["gid"] for u in users}
        warnings: list[str] = []
        tasks = tuple(self._with_gid(t, warnings) for t in desired.tasks)
        return replace(desired, tasks=tasks, warnings=desired.warnings + tuple(warnings))

    def _with_gid(self, task: DesiredTask, warnings: list[str]) -> DesiredTask:
        if not _is_email(task.assignee):
            return task
        email = str(task.assignee).lower()
        gid = self._emails.get(email) if self._emails is not None else self._email_gid(email)
        if gid is None:
            warnings.append(
                f"{task.ref}: {task.assignee} is not a user of the Asana workspace; "
                "the task is left unassigned (fix csh.users)"
            )
        return replace(task, assignee=gid)

    def _email_gid(self, email: str) -> str | None:
        """One look-up per email and run (GET /users/{email})."""
        if email not in self._looked_up:
            user = self.asana.user(email)
            spaces = {w.get("gid") for w in (user or {}).get("workspaces") or [] if w}
            in_workspace = user is not None and self.asana_config.workspace in spaces
            self._looked_up[email] = str(user["gid"]) if user and in_workspace else None
        return self._looked_up[email]

    def rules(self) -> Rules:
        """The config and field map the mirror's decisions depend on."""
        return Rules(self.csh, self.fields(), self.asana_config.max_subtask_depth)

    def tree_root(
        self, issue: IssueNode, parents: tuple[ParentInfo, ...]
    ) -> tuple[IssueNode, Ancestor | None]:
        """The top of the mirrored tree the issue sits in, and the ancestor above it."""
        mirrored = _mirrored_chain(parents, self.csh.label)
        top = 0
        while top < len(parents) and mirrored[top]:
            top += 1
        if top == 0:
            above = parents[0] if parents else None
            return issue, _ancestor(above, False)
        root = gh_issues.read_tree_by_node(self.github, parents[top - 1].node_id, self.board)
        above = parents[top] if top < len(parents) else None
        return (root or issue), _ancestor(above, False)

    def _close_guard(self, root: IssueNode, target: Target, plan: Plan) -> IssueNode:
        """An issue closed as completed without hours is reopened and its task not completed."""
        board = self.csh.board
        node = next((n for n in root.walk() if n.url == target.url), None)
        if board is None or not board.require_hours_to_close or node is None:
            return root
        if not (node.completed and node.has_label(self.csh.label)):
            return root
        if node.board.get(board.hours_field) is not None:
            return root
        reason = f"closed as completed without hours in {board.hours_field!r}"
        plan.changes.append(
            ReopenIssue(node.repo, node.number, node.node_id, reason, node.guard_comment_id)
        )
        return _replace_node(root, node.url, replace(node, state="open", state_reason="reopened"))

    def with_transfer(self, desired: Desired, new_url: str, old_url: str) -> Desired:
        """A transferred issue keeps its task (found by the old URL); without the label
        in its new repository, the task found by the old URL is deleted, saying why."""
        tasks = tuple(
            replace(t, old_urls=(old_url,)) if t.url == new_url else t for t in desired.tasks
        )
        removals = list(desired.removals)
        for removal in desired.removals:
            if removal.url == new_url:
                reason = f"transferred to {removal.ref} without the {self.csh.label} label"
                removals.append(Removal(old_url, removal.ref, reason))
        return replace(desired, tasks=tasks, removals=tuple(removals))

    # -- finding the existing tasks ----------------------------------------------------------
    def _existing(
        self, root: IssueNode, target: Target, scope: str | None
    ) -> tuple[TaskIndex, bool]:
        """Tasks for the tree's URLs: by the link comment's marker when that is enough, else
        under the one task the tree's tasks can sit under (``scope``), else by an exact match
        on the GitHub URL over the project's task list. True: the project was listed."""
        gid = root.link_comment.task_gid if root.link_comment else None
        if gid and not root.children:
            record = self.asana.task(gid, TASK_FIELDS)
            if record is not None:
                snapshot = to_snapshot(record, self.fields([record]).url_gid)
                urls = [u for u in (root.url, target.old_url) if u]
                if any(self.ownership().owns(snapshot, u) for u in urls):
                    return {snapshot.github_url or root.url: [snapshot]}, False
        if scope is not None:
            return self._index_under(root, scope), False
        return self.project_index(), True

    def _index_under(self, root: IssueNode, scope: str) -> TaskIndex:
        """The tree's tasks read level by level: the community task's subtasks, then the
        subtasks of each task found whose issue has sub-issues (a cost that grows with the
        tree and its community, never with the project)."""
        records = list(self.asana.subtasks(scope, TASK_FIELDS))
        url_gid = self.fields(records).url_gid
        snapshots = [to_snapshot(r, url_gid) for r in records]
        level = [root]
        while level:
            index, below = index_by_url(snapshots), list[IssueNode]()
            for node in level:
                task = _primary(index, node.url)
                if node.children and task is not None:
                    found = self.asana.subtasks(task.gid, TASK_FIELDS)
                    snapshots += [to_snapshot(r, url_gid) for r in found]
                    below += node.children
            level = below
        return index_by_url(snapshots)

    def _scope(self, root: IssueNode, target: Target) -> str | None:
        """The community task under which every task of the tree can be found, when the
        timeline rules out anywhere else; None: look over the whole project.

        The mirror creates a tree's top task under its community's task and each sub-issue's
        task under its parent's (in one request: seen there from the first moment). A task can
        only be elsewhere when its issue was made a sub-issue more than once (or, for the top,
        at all), was transferred, or was mirrored on its own under another community (a
        labeled issue whose parent was not mirrored sits under its own community)."""
        if target.old_url is not None or self.csh.announce_over_contract:
            return None  # the over-contract line counts the community's hours over the project
        if root.parent_events or root.transferred:
            return None
        community, _ = community_of(root, self.csh)
        if community is None or not self._only_in(root, community.asana_task):
            return None
        for node in root.walk()[1:]:  # the sub-issues, at any depth
            if node.transferred or node.parent_events != 1:
                return None
            if not self._only_in(node, community.asana_task):
                return None
        return community.asana_task

    def _only_in(self, node: IssueNode, community_task: str) -> bool:
        """The issue was never mirrored on its own under another community than this one, as
        far as its timeline's last LabeledEvents show (a full window hides older ones)."""
        if len(node.label_history) >= LABEL_EVENTS_READ:
            return False
        label, prefix = self.csh.label.lower(), self.csh.community_label_prefix.lower()
        names = [name.lower() for name in node.label_history]
        if not node.has_label(self.csh.label) and label not in names:
            return True  # never labeled: never a task of its own
        community, _ = community_of(node, self.csh)
        if community is None or community.asana_task != community_task:
            return False
        for name in names:
            named = self.csh.community_by_key_or_name(name[len(prefix) :])
            if name.startswith(prefix) and named is not None and named != community:
                return False  # lately under another community: its task may sit there
        return True

    def project_index(self) -> TaskIndex:
        """Every task of the project by GitHub URL (the list is also kept for hours)."""
        records = list(self.asana.project_tasks(self.asana_config.project, TASK_FIELDS))
        url_gid = self.fields(records).url_gid
        self._listed = [to_snapshot(r, url_gid) for r in records]
        return index_by_url(self._listed)

    # -- the link comment --------------------------------------------------------------------
    def _link_comments(
        self, root: IssueNode, target: Target, index: TaskIndex, listed: bool, plan: Plan
    ) -> list[Change]:
        """The link comment: posted by the run that creates the task (or by reconcile when
        one is missing), edited in place when the task or the contract state changed."""
        node = next((n for n in root.walk() if n.url == target.url), None)
        if node is None or node.dropped or not node.has_label(self.csh.label):
            return []
        announce = self.csh.announce_over_contract
        over = self._over_contract(node, index) if listed and announce else None
        existing = node.link_comment
        if existing is None:
            creating = any(
                isinstance(c, CreateTask) and c.desired.url == node.url for c in plan.changes
            )
            # The run that creates the task posts it. Otherwise a comment is missing only when
            # every comment was read and the task is old enough (see LOST_COMMENT_AGE).
            task = _primary(index, node.url)
            if creating or (node.comments_complete and comment_missing(task, self.now)):
                return [LinkComment(node.repo, node.number, node.url, None, over)]
            return []
        gid = gids_from(index).get(node.url) or gids_from(index).get(target.old_url or "")
        if gid is None:
            return []
        kept = over_contract_of(existing.body) if announce else None
        wanted = self.link_text(gid, over if listed else kept)
        if existing.body.strip() == wanted.strip():
            return []
        return [LinkComment(node.repo, node.number, node.url, existing.id, over)]

    def _over_contract(self, node: IssueNode, index: TaskIndex) -> str | None:
        community, _ = community_of(node, self.csh)
        if community is None or community.contracted_hours is None:
            return None
        used = used_hours(self._listed, self.fields().hours_gid, {community.asana_task})
        spent = used[community.asana_task]
        return over_contract_line(community, spent) if spent > community.contracted_hours else None

    def link_text(self, gid: str, over_contract: str | None) -> str:
        """The body of the link comment for a task."""
        return link_comment_text(self.asana_config.project, gid, over_contract)

    # -- deleted issues ----------------------------------------------------------------------
    def _issue_gone(self, target: Target) -> Outcome:
        """A deleted issue's task goes; its sub-issues' subtasks are settled first (Asana
        deletes subtasks with their parent, and a labeled sub-issue keeps its task)."""
        urls = [u for u in (target.url, target.old_url) if u]
        first = [self.sync(child) for child in self._orphaned_children(urls)]
        index = self.project_index()
        reason = "issue deleted" if target.deleted else "issue no longer exists"
        desired = Desired(
            removals=tuple(Removal(u, f"{target.repo}#{target.number}", reason) for u in urls)
        )
        plan = Plan(plan_tasks(desired, index, self.asana_config.project, self.fields()))
        outcome = self._finish(target, plan, index)
        outcome.lines[:0] = [line for o in first for line in o.lines]
        outcome.warnings[:0] = [w for o in first for w in o.warnings]
        outcome.failed[:0] = [f for o in first for f in o.failed]
        return outcome

    def _orphaned_children(self, urls: list[str]) -> list[Target]:
        """Sub-issues whose tasks sit under the tasks of these (gone) issues."""
        index = self.project_index()
        parents = {t.gid for url in urls for t in index.get(url, [])}
        children = []
        for task in self._listed:
            split = split_issue_url(task.github_url or "")
            if task.parent_gid in parents and split:
                url = task.github_url or ""
                children.append(Target(f"{split[0]}/{split[1]}", split[2], url))
        return children

    # -- applying ----------------------------------------------------------------------------
    def _finish(self, target: Target, plan: Plan, index: TaskIndex) -> Outcome:
        held = self.finalize(plan, index)
        plan.warnings += held.messages()
        known = gids_from(index)
        gid = known.get(target.url) or known.get(target.old_url or "")
        action = _action(plan, target, gid)
        if self.dry_run or not plan:
            return Outcome(target, action, gid, plan.lines(), plan.warnings)
        applied = self.applier(known, self.verify_creates).apply(plan.changes)
        gid = applied.task_gids.get(target.url, gid)
        if action == "deleted":
            gid = next((c.gid for c in plan.changes if isinstance(c, DeleteTask)), gid)
        outcome = Outcome(target, action, gid, applied.lines, plan.warnings + applied.warnings)
        outcome.failed = applied.failed
        return outcome


def _primary(index: TaskIndex, url: str) -> TaskSnapshot | None:
    tasks = index.get(url) or []
    return oldest_first(tasks)[0] if tasks else None


def _is_email(value: str | None) -> bool:
    return bool(value) and "@" in str(value)


def _mirrored_chain(parents: tuple[ParentInfo, ...], label: str) -> list[bool]:
    """For each ancestor (nearest first): is it mirrored? Computed from the top down."""
    result = [False] * len(parents)
    above = False
    for i in range(len(parents) - 1, -1, -1):
        p = parents[i]
        dropped = p.state == "closed" and p.state_reason in {"not_planned", "duplicate"}
        labeled = any(lbl.lower() == label.lower() for lbl in p.labels)
        above = not dropped and (labeled or above)
        result[i] = above
    return result


def _ancestor(parent: ParentInfo | None, mirrored: bool) -> Ancestor | None:
    if parent is None:
        return None
    return Ancestor(parent.repo, parent.number, parent.url, mirrored, parent.link_comment)


def _replace_node(root: IssueNode, url: str, new: IssueNode) -> IssueNode:
    if root.url == url:
        return new
    return replace(root, children=tuple(_replace_node(c, url, new) for c in root.children))


def _action(plan: Plan, target: Target, gid: str | None) -> str:
    """The contract's `action` output for the target issue."""
    mine = [c for c in plan.changes if _concerns(c, target)]
    kinds = {type(c) for c in mine}
    if CreateTask in kinds:
        return "created"
    removed = [c for c in mine if isinstance(c, DeleteTask) and not c.reason.startswith("dupl")]
    if removed and not kinds & {UpdateTask, MoveTask, AddToProject}:
        return "deleted"
    if any(isinstance(c, UpdateTask) and c.completes for c in mine):
        return "completed"
    return "updated" if plan.changes else "unchanged"


def _concerns(change: Change, target: Target) -> bool:
    if isinstance(change, CreateTask):
        return change.desired.url == target.url
    ref = getattr(change, "ref", "")
    return bool(ref == f"{target.repo}#{target.number}")
