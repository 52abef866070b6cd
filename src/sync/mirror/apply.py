"""Carry out a Plan against Asana and GitHub, in order, and report what was done."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.asana.client import AsanaClient
from sync.asana.tasks import TASK_FIELDS, to_snapshot
from sync.errors import ApiFailure
from sync.github import issues as gh_issues
from sync.github.client import GitHubClient
from sync.mirror.model import DesiredTask, ParentRef, TaskSnapshot
from sync.mirror.ownership import Ownership
from sync.mirror.plan import (
    AddToProject,
    Change,
    CreateTask,
    DeleteTask,
    LinkComment,
    MoveTask,
    ReopenIssue,
    UpdateTask,
)
from sync.mirror.planner import oldest_first
from sync.retry import GaveUp

REOPEN_COMMENT = (
    "This issue was closed as completed, but it has no hours in **{field}** on the CSH board, "
    "so community-sync reopened it. Add the hours spent, then close it again.\n\n"
    + gh_issues.GUARD_MARKER
)


@dataclass
class Applied:
    """What applying a plan did: gids by issue URL, and the change lines in order."""

    task_gids: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    lost: set[str] = field(default_factory=set)  # created by a concurrent run first
    warnings: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # changes refused for good, one line each
    failed_urls: set[str] = field(default_factory=set)  # issues whose create was refused


@dataclass
class Applier:
    """Executes changes; looks before it creates again, so nothing is duplicated."""

    asana: AsanaClient
    github: GitHubClient
    project: str
    url_field: str
    hours_field_name: str
    link_text: Callable[[str, str | None], str]
    ownership: Ownership
    known: dict[str, str] = field(default_factory=dict)  # issue URL -> task gid
    verify_creates: bool = True
    # Create a subtask with `parent` and `projects` in one request (off for the rest of the run
    # once the service refuses or half-does it).
    parent_on_create: bool = True
    done: list[Change] = field(default_factory=list)  # applied so far, for failure messages

    def apply(self, changes: Sequence[Change], result: Applied | None = None) -> Applied:
        """Apply every change in order. A change the service refuses for good (a 4xx other
        than 429) is reported and skipped, so it cannot starve the changes after it; a
        transient failure that outlasted the retries stops the run (the next run resumes)."""
        result = result or Applied(task_gids=dict(self.known))
        for change in changes:
            blocked = _waits_for(change, result.failed_urls)
            if blocked:
                result.failed.append(f"{_ref(change)}: not applied, {blocked}: {change.describe()}")
                _mark_failed(change, result)
                continue
            try:
                self._one(change, result)
            except ApiFailure as failure:
                if not permanent(failure):
                    raise
                result.failed.append(f"{_ref(change)}: {change.describe()}: {failure}")
                _mark_failed(change, result)
                continue
            result.lines.append(change.describe())
            self.done.append(change)
        return result

    def _one(self, change: Change, result: Applied) -> None:
        if isinstance(change, CreateTask):
            self._create(change.desired, result)
        elif isinstance(change, UpdateTask):
            self._update(change, result)
        elif isinstance(change, MoveTask):
            self.asana.set_parent(change.gid, self._parent_gid(change.parent, result))
        elif isinstance(change, AddToProject):
            self.asana.add_project(change.gid, change.project)
        elif isinstance(change, DeleteTask):
            self._delete(change, result)
        elif isinstance(change, LinkComment):
            self._link_comment(change, result)
        else:
            self._reopen(change)

    def _delete(self, change: DeleteTask, result: Applied) -> None:
        """Delete a mirrored task; Asana would delete its subtasks with it, so subtasks a
        person added under it move to its parent first (ownership rule 1's one exception)."""
        try:
            records = list(self.asana.subtasks(change.gid, TASK_FIELDS))
        except ApiFailure as failure:
            if failure.status != 404:
                raise
            return  # deleted already (by a concurrent run), with whatever was under it
        for record in records:
            sub = to_snapshot(record, self.url_field)
            if self.ownership.owns(sub, None):
                continue  # a mirrored subtask: its own issue decides about it
            self.asana.set_parent(sub.gid, change.parent_gid)
            where = f"task {change.parent_gid}" if change.parent_gid else "no parent"
            result.warnings.append(
                f"{change.ref}: moved subtask {sub.gid} ({sub.name!r}), which a person added "
                f"under task {change.gid}, to {where} before deleting task {change.gid}"
            )
        self.asana.delete_task(change.gid)

    def _parent_gid(self, parent: ParentRef, result: Applied) -> str | None:
        if parent.issue_url is not None:
            return result.task_gids.get(parent.issue_url)
        return parent.task_gid

    # -- creating without duplicates ---------------------------------------------------------
    def _create(self, desired: DesiredTask, result: Applied) -> None:
        """Create the task under its parent and in the project with one request, so that from
        its first moment it is seen both where ``issue`` runs look (under the parent) and where
        ``reconcile`` looks (the project). Where the service will not do both at once, create it
        in the project and set the parent after (two writes, as before)."""
        parent = self._parent_gid(desired.parent, result)
        under = parent if self.parent_on_create else None
        record = self._post(desired, create_body(desired, self.project, under), result)
        if record is None:  # refused with the parent in the body: once more without it
            record = self._post(desired, create_body(desired, self.project, None), result)
            if record is None:
                raise ApiFailure("Asana", f"create task {desired.name!r}: refused")
            self.parent_on_create, under = False, None  # not again this run
            result.warnings.append(
                f"{desired.ref}: Asana refused a task created with its parent and project at "
                "once; created it in the project, then set the parent"
            )
        gid = str(record["gid"])
        placed = under is not None  # created under its parent
        if placed and not _in_project(record, self.project):
            # The service kept the parent but dropped the project: add it, then the fields a
            # task only carries once it is in the project; look for rivals in the project.
            self.parent_on_create, under = False, None
            self.asana.add_project(gid, self.project)
            if desired.custom_fields:
                self.asana.update_task(gid, {"custom_fields": _custom(desired)})
        kept = self._settle_race(desired.url, gid, under) if self.verify_creates else None
        result.task_gids[desired.url] = kept.gid if kept else gid
        if kept is not None and kept.gid != gid:
            result.lost.add(desired.url)
            if parent and kept.parent_gid != parent:
                # Made in two steps by a run that stopped before the second: finish it.
                self.asana.set_parent(kept.gid, parent)
            return
        if parent and not placed:
            self.asana.set_parent(gid, parent)

    def _post(
        self, desired: DesiredTask, data: dict[str, Any], result: Applied
    ) -> dict[str, Any] | None:
        """POST the task (plain text when Asana refuses the rich text). None: the placement
        under the parent was refused (the caller tries without); any other refusal is raised."""
        lookup = self._finder(desired.url, data.get("parent"))
        try:
            try:
                return self.asana.create_task(data, TASK_FIELDS, recover=lookup)
            except ApiFailure as failure:
                if not _html_rejected(failure):
                    raise
            result.warnings.append(f"{desired.ref}: Asana refused the rich text, sent plain text")
            plain = {k: v for k, v in data.items() if k != "html_notes"}
            plain["notes"] = desired.plain_notes()
            return self.asana.create_task(plain, TASK_FIELDS, recover=lookup)
        except ApiFailure as failure:
            if "parent" in data and _placement_refused(failure):
                return None
            raise

    def _finder(self, url: str, parent: str | None) -> Callable[[], dict[str, Any] | None]:
        def find() -> dict[str, Any] | None:
            found = self._tasks_with_url(url, parent)
            return {"gid": found[0].gid} if found else None

        return find

    def _tasks_with_url(self, url: str, parent: str | None) -> list[TaskSnapshot]:
        """This project's tasks for the URL, oldest first: among the parent's subtasks when
        the task was created under it (a cost that does not grow with the project), else in
        the whole project."""
        if parent is not None:
            records = self.asana.subtasks(parent, TASK_FIELDS)
        else:
            records = self.asana.project_tasks(self.project, TASK_FIELDS)
        snapshots = (to_snapshot(r, self.url_field) for r in records)
        return oldest_first(s for s in snapshots if self.ownership.owns(s, url))

    def _settle_race(self, url: str, mine: str, parent: str | None) -> TaskSnapshot | None:
        """Two runs may create the same task at once: keep the oldest, delete ours if it lost.

        Every task is in the project, and (created with its parent) under its parent, from the
        moment it is created, so the younger run always sees the older task where it looks, and
        exactly one survives. Returns the older task that wins, or None when ours is kept.
        """
        found = self._tasks_with_url(url, parent)
        if not found or found[0].gid == mine:
            return None  # ours is the one
        if any(t.gid == mine for t in found):
            self.asana.delete_task(mine)
        return found[0]

    def settle_creates(self, creates: list[CreateTask], result: Applied) -> None:
        """After a batch of creates, one look at the project: where another run created the
        same issue's task first, this run's younger task goes (its own new subtasks move to
        the older one first), and its link comment is left to that run. The batch form of
        ``_settle_race``: one listing for the whole run instead of one per create."""
        mine = {c.desired.url: result.task_gids.get(c.desired.url) for c in creates}
        if not any(mine.values()):
            return
        records = self.asana.project_tasks(self.project, TASK_FIELDS)
        snapshots = [to_snapshot(r, self.url_field) for r in records]
        by_url: dict[str, list[TaskSnapshot]] = {}
        for snap in snapshots:
            by_url.setdefault(snap.github_url or "", []).append(snap)
        for create in creates:
            url, gid = create.desired.url, mine[create.desired.url]
            found = oldest_first(by_url.get(url, []))
            if gid is None or not found or found[0].gid == gid:
                continue
            keep = found[0].gid
            for snap in snapshots:
                if snap.parent_gid == gid and snap.gid in mine.values():
                    self.asana.set_parent(snap.gid, keep)
            self.asana.delete_task(gid)
            result.task_gids[url], result.lost = keep, result.lost | {url}
            result.warnings.append(
                f"{create.desired.ref}: another run created task {keep} first; "
                f"this run's task {gid} was removed"
            )

    # -- other writes ------------------------------------------------------------------------
    def _update(self, change: UpdateTask, result: Applied) -> None:
        data = dict(change.data)
        try:
            self.asana.update_task(change.gid, data)
        except ApiFailure as failure:
            if not (_html_rejected(failure) and "html_notes" in data):
                raise
            result.warnings.append(f"{change.ref}: Asana refused the rich text, sent plain text")
            data.pop("html_notes")
            self.asana.update_task(change.gid, data)

    def _link_comment(self, change: LinkComment, result: Applied) -> None:
        gid = result.task_gids.get(change.url)
        if gid is None or change.url in result.lost:
            return  # the run that created the task first posts the comment
        body = self.link_text(gid, change.over_contract)
        if change.comment_id:
            self.github.edit_comment(change.repo, change.number, change.comment_id, body)
        else:
            gh_issues.post_comment(self.github, change.repo, change.number, body)

    def _reopen(self, change: ReopenIssue) -> None:
        self.github.set_issue_state(change.repo, change.number, "open")
        body = REOPEN_COMMENT.format(field=self.hours_field_name)
        if change.comment_id:  # one guard comment per issue, however often it is closed
            self.github.edit_comment(change.repo, change.number, change.comment_id, body)
        else:
            gh_issues.post_comment(self.github, change.repo, change.number, body)


def permanent(failure: ApiFailure) -> bool:
    """True for a refusal that retrying cannot fix: a 4xx other than 429 (and not a retry the
    time budget cut short, whatever its status: the next run sends it again)."""
    if isinstance(failure, GaveUp):
        return False  # a retryable failure that outlasted the retries: the next run goes on
    return failure.status is not None and 400 <= failure.status < 500 and failure.status != 429


def _ref(change: Change) -> str:
    if isinstance(change, CreateTask):
        return change.desired.ref
    return str(getattr(change, "ref", ""))


def _waits_for(change: Change, failed_urls: set[str]) -> str | None:
    """Why a change cannot go ahead: its parent issue's task could not be created."""
    if isinstance(change, CreateTask | MoveTask):
        parent = change.desired.parent if isinstance(change, CreateTask) else change.parent
        if parent.issue_url in failed_urls:
            return f"the task of its parent issue {parent.issue_url} could not be created"
    if isinstance(change, LinkComment) and change.url in failed_urls:
        return "its task could not be created"
    return None


def _mark_failed(change: Change, result: Applied) -> None:
    if isinstance(change, CreateTask):
        result.failed_urls.add(change.desired.url)


def create_body(desired: DesiredTask, project: str, parent: str | None) -> dict[str, Any]:
    """The POST /tasks body for a desired task, under ``parent`` when given."""
    data: dict[str, Any] = {
        "name": desired.name,
        "html_notes": desired.html_notes,
        "projects": [project],
        "completed": desired.completed,
        "custom_fields": _custom(desired),
    }
    if parent:
        data["parent"] = parent
    if desired.assignee:
        data["assignee"] = desired.assignee
    data.update({k: v for k, v in desired.dates.items() if v is not None})
    return data


def _custom(desired: DesiredTask) -> dict[str, Any]:
    return {k: v for k, v in desired.custom_fields.items() if _settable(v)}


def _in_project(record: Mapping[str, Any], project: str) -> bool:
    return any((p or {}).get("gid") == project for p in record.get("projects") or [])


def _settable(value: Any) -> bool:
    from sync.mirror.model import KEEP

    return value is not None and value is not KEEP


def _placement_refused(failure: ApiFailure) -> bool:
    """A 400 about what only a task in the project may have (``Custom field with ID ... is not
    on given object``), or about the parent or projects: the answer of an API that will not
    create a subtask in a project at once."""
    text = str(failure).lower()
    words = ("custom field", "custom_fields", "parent", "project")
    return failure.status == 400 and any(word in text for word in words)


def _html_rejected(failure: ApiFailure) -> bool:
    text = str(failure).lower()
    return failure.status == 400 and ("html" in text or "xml" in text)


def gids_from(index: Mapping[str, list[TaskSnapshot]]) -> dict[str, str]:
    """The kept task gid per URL of an index."""
    return {url: oldest_first(tasks)[0].gid for url, tasks in index.items() if tasks}
