"""Make Asana match GitHub for every CSH issue of some repositories: the scheduled safety net.

Cost grows with pages, not issues: GitHub is read 100 labeled issues per GraphQL query (plus
batched queries for sub-issue trees), Asana 100 tasks per page of the project's task list; only
drift is written. Tasks whose issue is not among the labeled ones (label removed, deleted,
transferred) are looked up one by one: those are the rare cases.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sync.domain import split_issue_url
from sync.errors import ApiFailure
from sync.github import issues as gh_issues
from sync.github.issues import IssueRead
from sync.mirror.apply import Applied, Applier, gids_from
from sync.mirror.comment_queue import CONTENT_LIMITS, CommentSide, ContentPacer
from sync.mirror.desired import desired_for_tree
from sync.mirror.link_comment import comment_missing
from sync.mirror.model import Ancestor, Desired, DesiredTask, IssueNode, Removal
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
from sync.mirror.sync import Mirror
from sync.progress import Budget, Progress
from sync.retry import OutOfTime

GUARD_WINDOW = timedelta(hours=24)  # close guard: only closes reconcile may have missed
MAX_NEW_COMMENTS = 100  # per run: GitHub allows ~500 content-creating requests an hour


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for the block (as it was after).

    Reading 10,000 issues makes about two million objects that live until the run ends, and
    almost no reference cycles: the collector would walk all of them again each time the heap
    grows by a quarter, about a third of a reconcile's CPU time. Reference counting still frees
    everything else. Applying changes (a backfill may take hours) runs with it on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class ReconcileReport:
    """What a reconcile found and did."""

    issues: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # why changes were held back (exit 1)
    held_lines: list[str] = field(default_factory=list)  # the changes held back
    failed: list[str] = field(default_factory=list)  # changes the services refused for good
    # Set when the time budget ran out: (changes done, changes planned); the rest next run.
    stopped: tuple[int, int] | None = None


@dataclass
class Reconciler:
    """Reconciles the configured repositories through the mirror's own rules and planner."""

    mirror: Mirror
    repos: tuple[str, ...]
    now: datetime
    allow_deletes: int | None = None  # --allow-deletes N: this run's cap instead of the config's
    budget: Budget = field(default_factory=lambda: Budget(None))  # --time-budget
    say: Callable[[str], None] = lambda _line: None  # progress lines, for long runs
    _unlabeled_repos: set[str] = field(default_factory=set)  # the label does not exist there
    _held: list[str] = field(default_factory=list)

    def run(self) -> ReconcileReport:
        """Read both sides, plan once, apply unless dry run."""
        with collector_paused():
            plan, index, report = self._plan()
        self._apply(plan, index, report)
        return report

    def _plan(self) -> tuple[Plan, TaskIndex, ReconcileReport]:
        """Both sides read and compared: the plan, the task index and the report so far."""
        # Asana's task list is read while GitHub is: the two are independent until planning.
        with ThreadPoolExecutor(max_workers=1) as pool:
            asana_side = pool.submit(self.mirror.project_index)
            trees = self._trees(self._read_github())
            index = asana_side.result()
        desired = _merge(
            [desired_for_tree(root, above, self.mirror.rules()) for root, above in trees]
        )
        plan = Plan(warnings=list(desired.warnings))
        desired = self._close_guard(trees, desired, plan)
        desired = _merge([desired, self._orphans(desired, index, plan)])
        known = len(desired.warnings)
        desired = self.mirror.resolve_assignees(desired, index)
        plan.warnings += desired.warnings[known:]
        fields = self.mirror.fields()
        plan.changes[:0] = plan_tasks(desired, index, self.mirror.asana_config.project, fields)
        plan.changes += self._new_link_comments(trees, plan, index)
        cap = self.mirror.csh.max_deletes if self.allow_deletes is None else self.allow_deletes
        held = self.mirror.finalize(plan, index, max_deletes=cap)
        report = ReconcileReport(issues=sum(len(root.walk()) for root, _ in trees))
        report.warnings = list(dict.fromkeys(plan.warnings))
        report.held = self._held + held.messages()
        held_changes: list[Change] = [*held.deletes, *held.reopens]
        report.held_lines = [f"held back: {c.describe()}" for c in held_changes] + [
            f"held back: clear the GitHub Hours of task {c.gid} ({c.ref})" for c in held.cleared
        ]
        return plan, index, report

    # -- reading GitHub --------------------------------------------------------------------
    def _read_github(self) -> list[IssueRead]:
        """Every labeled issue of the repositories, with its tree and parent chain."""
        mirror = self.mirror
        reads: list[IssueRead] = []
        for repo in self.repos:
            listing = gh_issues.list_csh_issues(mirror.github, repo, mirror.csh.label, mirror.board)
            if not listing.label_found:
                self._unlabeled_repos.add(repo.lower())
            reads += listing.issues
        return reads

    def _trees(self, reads: list[IssueRead]) -> list[tuple[IssueNode, Ancestor | None]]:
        """One entry per CSH tree: labeled issues inside another tree are not roots.

        Tops of trees come first, so a labeled sub-issue already inside a tree that was read
        costs no query; only one whose top is not labeled in these repositories is read up."""
        trees: dict[str, tuple[IssueNode, Ancestor | None]] = {}
        seen: set[str] = set()
        for read in sorted(reads, key=lambda r: len(r.parents)):
            if read.issue.url in seen:
                continue
            root, above = self.mirror.tree_root(read.issue, read.parents)
            root = self.mirror.prepare(root)
            if root.url not in trees:
                trees[root.url] = (root, above)
                seen.update(n.url for n in root.walk())
        covered = {n.url for root, _ in trees.values() for n in root.walk() if n.url != root.url}
        return [tree for url, tree in trees.items() if url not in covered]

    def _close_guard(
        self, trees: list[tuple[IssueNode, Ancestor | None]], desired: Desired, plan: Plan
    ) -> Desired:
        """Apply require_hours_to_close to closes of the last 24 hours (missed close events)."""
        board = self.mirror.csh.board
        if board is None or not board.require_hours_to_close:
            return desired
        guarded: set[str] = set()
        for root, _ in trees:
            for node in root.walk():
                if self._needs_guard(node, board.hours_field):
                    reason = f"closed as completed without hours in {board.hours_field!r}"
                    plan.changes.append(ReopenIssue(node.repo, node.number, node.node_id, reason))
                    guarded.add(node.url)
        tasks = tuple(replace(t, completed=False) if t.url in guarded else t for t in desired.tasks)
        return replace(desired, tasks=tasks)

    def _needs_guard(self, node: IssueNode, hours_field: str) -> bool:
        recent = node.closed_at is not None and self.now - node.closed_at <= GUARD_WINDOW
        labeled = node.has_label(self.mirror.csh.label)
        return node.completed and recent and labeled and node.board.get(hours_field) is None

    # -- tasks whose issue was not among the labeled ones -------------------------------------
    def _orphans(self, desired: Desired, index: TaskIndex, plan: Plan) -> Desired:
        known = {t.url for t in desired.tasks} | {r.url for r in desired.removals}
        found: list[Desired] = []
        left: dict[str, int] = Counter()
        for url in sorted(set(index) - known):
            target = self._in_scope(url)
            if target is not None and target[0].lower() in self._unlabeled_repos:
                left[target[0]] += 1  # a renamed or misspelt label must not delete everything
            elif target is not None:
                found.append(self._resolve_orphan(url, *target, plan))
        for repo, count in left.items():
            self._held.append(
                f"{repo} has no {self.mirror.csh.label!r} label, so its {count} mirrored tasks "
                "were left alone: fix csh.label (or the label's name on GitHub)"
            )
        return _merge(found)

    def _in_scope(self, url: str) -> tuple[str, int] | None:
        """(repo, number) of an issue URL when it belongs to a reconciled repository."""
        split = split_issue_url(url)
        repo = f"{split[0]}/{split[1]}" if split else ""
        if split is None or repo.lower() not in {r.lower() for r in self.repos}:
            return None
        return repo, split[2]

    def _resolve_orphan(self, url: str, repo: str, number: int, plan: Plan) -> Desired:
        """Why a task's issue is not labeled: deleted, transferred, or just not CSH now."""
        read = gh_issues.read_issue(self.mirror.github, repo, number, self.mirror.board)
        moved_to: tuple[str, int] | None = None
        if read is None:
            where = gh_issues.locate_issue(self.mirror.github, repo, number)
            if where.deleted:
                return Desired(removals=(Removal(url, f"{repo}#{number}", "issue deleted"),))
            if where.moved_to is None:
                plan.warnings.append(
                    f"{where.unreadable}; its task is left as it is until a run that can read "
                    "the issue settles it"
                )
                return Desired()
            moved_to = where.moved_to
            read = gh_issues.read_issue(self.mirror.github, *moved_to, self.mirror.board)
            if read is None:
                new = f"{moved_to[0]}#{moved_to[1]}"
                plan.warnings.append(
                    f"{repo}#{number} moved to {new}, which cannot be read with this token; "
                    "its task is left as it is"
                )
                return Desired()
        root, above = self.mirror.tree_root(read.issue, read.parents)
        desired = desired_for_tree(root, above, self.mirror.rules())
        if moved_to is not None:
            desired = self.mirror.with_transfer(desired, read.issue.url, url)
        plan.warnings += desired.warnings
        return desired

    # -- link comments for the tasks this run creates ----------------------------------------
    def _new_link_comments(
        self, trees: list[tuple[IssueNode, Ancestor | None]], plan: Plan, index: TaskIndex
    ) -> list[LinkComment]:
        """Link comments for the tasks this run creates and the ones lost earlier (see
        LOST_COMMENT_AGE), up to the hourly budget: the lost ones first (their tasks exist),
        then in the order the tasks are created, so the first comments can go out early."""
        order = {c.desired.url: n for n, c in enumerate(plan.changes) if isinstance(c, CreateTask)}
        created = set(order)
        comments: list[LinkComment] = []
        for root, _ in trees:
            comments += [
                LinkComment(node.repo, node.number, node.url, None)
                for node in root.walk()
                if self._wants_comment(node, created, index)
            ]
        comments.sort(key=lambda c: order.get(c.url, -1))
        if len(comments) > MAX_NEW_COMMENTS:
            plan.warnings.append(
                f"{len(comments) - MAX_NEW_COMMENTS} link comments left for the next run "
                "(GitHub limits how many comments a token may post an hour)"
            )
        return comments[:MAX_NEW_COMMENTS]

    def _wants_comment(self, node: IssueNode, created: set[str], index: TaskIndex) -> bool:
        """A labeled, live issue with no link comment (all its comments were read) whose task
        this run creates, or whose task lost its comment."""
        if node.link_comment is not None or not node.comments_complete or node.dropped:
            return False
        if not node.has_label(self.mirror.csh.label):
            return False
        tasks = oldest_first(index.get(node.url) or [])
        return node.url in created or (bool(tasks) and comment_missing(tasks[0], self.now))

    # -- applying ----------------------------------------------------------------------------
    def _apply(self, plan: Plan, index: TaskIndex, report: ReconcileReport) -> None:
        report.counts.update(_kind(c) for c in plan.changes)
        report.lines = plan.lines()
        if self.mirror.dry_run or not plan:
            return
        applier = self.mirror.applier(gids_from(index), verify_creates=False)
        tasks = [c for c in plan.changes if not isinstance(c, LinkComment | ReopenIssue)]
        progress = Progress(len(plan.changes), "applying changes", self.say, self.budget.monotonic)
        applied = Applied(task_gids=dict(applier.known))
        # The GitHub writes go out on a worker thread while the Asana writes run here; an
        # `issue` run may have created the same task meanwhile (no concurrency group spans
        # both), so a link comment waits until its create is verified (see comment_queue).
        comments = self._comment_side(applier, applied, plan, progress)
        try:
            self._apply_in_time(applier, tasks, progress, applied, comments.after)
            comments.finish()
        except OutOfTime:
            comments.halt()  # a retry did not fit in the budget: the rest is for the next run
        except ApiFailure as failure:
            comments.halt()
            done = len(applier.done)
            raise ApiFailure(
                failure.service,
                f"{failure.detail} (after {done} of {len(plan.changes)} changes; "
                "the next run finishes the job)",
                failure.status,
            ) from None
        except BaseException:
            comments.halt()
            raise
        report.warnings += applied.warnings
        report.failed = applied.failed
        if progress.done < len(plan.changes):
            # Out of time: say what was done, not what was planned.
            report.stopped = (progress.done, len(plan.changes))
            report.counts = Counter(_kind(c) for c in applier.done)
            report.lines = [c.describe() for c in applier.done]

    def _comment_side(
        self, applier: Applier, applied: Applied, plan: Plan, progress: Progress
    ) -> CommentSide:
        """The link comments and reopens, ready to go out as their tasks are verified."""
        github = [c for c in plan.changes if isinstance(c, LinkComment | ReopenIssue)]
        created = {c.desired.url for c in plan.changes if isinstance(c, CreateTask)}
        clock = self.budget.monotonic
        return CommentSide(
            applier,
            applied,
            github,
            created,
            budget=Budget(self.budget.deadline, clock),  # its own longest write
            progress=progress,
            sleep=applier.github.policy.sleep,
            # No write spacing asked for (COMMUNITY_SYNC_WRITE_INTERVAL=0): no pacing either.
            pacer=ContentPacer(clock, CONTENT_LIMITS if applier.github.write_interval else ()),
            asana_changes=len(plan.changes) - len(github),
        )

    def _apply_in_time(
        self,
        applier: Applier,
        changes: Sequence[Change],
        progress: Progress,
        applied: Applied,
        after: Callable[[Change], None],
    ) -> None:
        """Apply changes one by one while the time budget allows another, counting progress;
        ``after`` hears of each change done."""
        clock = self.budget.monotonic
        for change in changes:
            if not self.budget.allows_another():
                break
            started = clock()
            applier.apply([change], applied)
            self.budget.took(clock() - started)
            progress.step()
            after(change)


def _kind(change: Change) -> str:
    if isinstance(change, UpdateTask):
        return "completed" if change.completes else "updated"
    names: dict[type, str] = {
        CreateTask: "created",
        DeleteTask: "deleted",
        MoveTask: "moved",
        AddToProject: "added to project",
        LinkComment: "comments",
        ReopenIssue: "reopened",
    }
    return names[type(change)]


def _merge(parts: list[Desired]) -> Desired:
    """Several trees' desired states as one (the first mention of a URL wins)."""
    seen: set[str] = set()
    tasks: list[DesiredTask] = []
    removals: list[Removal] = []
    for part in parts:
        for task in part.tasks:
            if task.url not in seen:
                seen.add(task.url)
                tasks.append(task)
        for removal in part.removals:
            if removal.url not in seen:
                seen.add(removal.url)
                removals.append(removal)
    warnings = tuple(w for part in parts for w in part.warnings)
    return Desired(tuple(tasks), tuple(removals), warnings)
