"""A reconcile's GitHub writes (link comments, reopens) alongside its Asana writes.

They used to wait for every Asana write and then go out one after another at GitHub's content
limit (80 a minute): the long tail of a first backfill. Here a worker thread posts them while
the Asana writes run:

- A link comment names its task only once the task is verified: a concurrent ``issue`` run
  may have created the same issue's task first, and then this run's task is removed.
  Verifying lists the project, so it is batched, and it runs on the thread that writes to
  Asana, between two of its changes (nothing else writes to Asana meanwhile, so no subtask is
  created under a task that is being removed): whenever the comment side has run dry and at
  least VERIFY_BATCH of the creates it waits for are done (or all of them, with at least as
  many Asana changes still to come; two per page of the listing in a large project), one
  check covers every create not yet verified. One last check after the Asana writes covers
  the rest, as before: a short run makes that one only.
- The worker waits before a write that would pass GitHub's content limits (80 a minute, 500 an
  hour, as counted in this run), so GitHub need not refuse one; a refusal anyway (another run
  on the same token) is retried as every call is.
- Both sides stop at the run's time budget; what is left follows in later runs.
- A failure on either side stops both: the worker's failure is raised on the Asana thread at
  its next change, and a failure there halts the worker after the write under way.

The worker thread lives only while comments are ready, so an idle comment side holds none.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sync.asana.client import PAGE_SIZE
from sync.mirror.apply import Applied, Applier
from sync.mirror.plan import Change, CreateTask, LinkComment, ReopenIssue
from sync.progress import Budget, Progress
from sync.retry import OutOfTime

# GitHub's secondary limits on content creation: (window in seconds, requests in it).
CONTENT_LIMITS = ((60.0, 80), (3600.0, 500))
VERIFY_BATCH = 25  # comments a check releases at least (but the last): it lists the project
WORKER_NAME = "link-comments"  # the worker thread's name (the benchmark's clock looks for it)


class ContentPacer:
    """Says how long to wait so one more content-creating request stays within every limit."""

    def __init__(
        self,
        monotonic: Callable[[], float],
        limits: Sequence[tuple[float, int]] = CONTENT_LIMITS,
    ) -> None:
        self._monotonic = monotonic
        self._limits = tuple(limits)
        self._sent: deque[float] = deque()

    def delay(self) -> float:
        """Seconds until one more request fits (0.0 when it fits now)."""
        if not self._limits:
            return 0.0
        now = self._monotonic()
        longest = max(seconds for seconds, _ in self._limits)
        while self._sent and now - self._sent[0] >= longest:
            self._sent.popleft()
        wait = 0.0
        for seconds, limit in self._limits:
            inside = [t for t in self._sent if now - t < seconds]
            if len(inside) >= limit:
                wait = max(wait, inside[-limit] + seconds - now)
        return wait

    def sent(self, count: int = 1) -> None:
        """Count ``count`` requests answered now (after the answer: GitHub counted them
        no later than that, so their window is not assumed to end too early)."""
        self._sent.extend([self._monotonic()] * count)


@dataclass
class CommentSide:
    """The GitHub writes of a reconcile, posted by a worker thread as their tasks are verified.

    The Asana thread calls :meth:`after` after each of its changes, then :meth:`finish` (or
    :meth:`halt` when it fails)."""

    applier: Applier
    applied: Applied
    changes: Sequence[Change]  # LinkComment and ReopenIssue, in the order they should go out
    created: set[str]  # issue URLs whose task this run creates: their comments wait for it
    budget: Budget  # the comment side's own (the run's deadline; its own longest write)
    progress: Progress
    sleep: Callable[[float], None]
    pacer: ContentPacer
    asana_changes: int = 0  # the Asana thread's changes in all
    verify_batch: int = VERIFY_BATCH
    out_of_time: bool = False
    _error: BaseException | None = None
    _asana_done: int = 0
    _due: int = 0  # comments waiting whose creates are done (not yet verified)
    _ready: deque[Change] = field(default_factory=deque)
    _waiting: list[Change] = field(default_factory=list)  # until their task is verified
    _unverified: list[CreateTask] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _halt: threading.Event = field(default_factory=threading.Event)
    _worker: threading.Thread | None = None
    _threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        ready = [c for c in self.changes if _url(c) not in self.created]
        self._waiting = [c for c in self.changes if _url(c) in self.created]
        self._release(ready)

    # -- the Asana thread ----------------------------------------------------------------------
    def after(self, change: Change) -> None:
        """Note an Asana change done; verify a batch of creates when the comments ran dry.
        Raises the worker's failure, so the Asana writes stop too."""
        self._raise_failure()
        self._asana_done += 1
        if isinstance(change, CreateTask):
            self._unverified.append(change)
            self._due += sum(1 for c in self._waiting if _url(c) == change.desired.url)
        with self._lock:
            dry = not self._ready
        if dry and self._due:
            batch, left = self._batch(), self.asana_changes - self._asana_done
            # The last comments go out early too when much Asana work is left after them.
            if self._due >= batch or (self._due == len(self._waiting) and left >= batch):
                self._verify()

    def finish(self) -> None:
        """Verify the creates not verified yet, wait for the comments (or the time budget),
        and raise the worker's failure if it had one."""
        self._raise_failure()
        self._verify()
        self._join()
        self._raise_failure()

    def halt(self) -> None:
        """Stop the worker after the write under way (the Asana side failed)."""
        self._halt.set()
        self._join()

    def _batch(self) -> int:
        """How many comments a check before the last must release at least (or Asana changes
        must be left after it): each check lists the whole project, so a larger project
        needs larger batches (two a page)."""
        pages = math.ceil(len(self.applied.task_gids) / PAGE_SIZE)
        return max(self.verify_batch, 2 * pages)

    # -- between the two -----------------------------------------------------------------------
    def _verify(self) -> None:
        """One check over the creates done and not yet verified; release their comments."""
        if not self._unverified:
            return
        batch, self._unverified, self._due = self._unverified, [], 0
        self.applier.settle_creates(batch, self.applied)
        done = {c.desired.url for c in batch}
        self._release([c for c in self._waiting if _url(c) in done])
        self._waiting = [c for c in self._waiting if _url(c) not in done]

    def _release(self, changes: Sequence[Change]) -> None:
        with self._lock:
            self._ready.extend(changes)
            if self._ready and self._worker is None and not self._halt.is_set():
                self._worker = threading.Thread(target=self._drain, name=WORKER_NAME, daemon=True)
                self._threads.append(self._worker)
                self._worker.start()

    def _join(self) -> None:
        for thread in list(self._threads):
            thread.join()

    def _raise_failure(self) -> None:
        # Taken, not kept: raised once, and no cycle (failure -> traceback -> self -> failure)
        # keeps the clients alive until the interpreter exits.
        error, self._error = self._error, None
        if error is not None:
            raise error

    # -- the worker ----------------------------------------------------------------------------
    def _drain(self) -> None:
        """Post ready changes until none is left, time is up, or a side failed."""
        while True:
            with self._lock:
                if not self._ready or self._halt.is_set():
                    self._worker = None
                    return
                change = self._ready.popleft()
            failed = False
            try:
                posted = self._post(change)
            except OutOfTime:
                posted = False  # a retry did not fit in the budget: the next run posts it
            except BaseException as failure:  # raised again on the Asana thread
                self._error, posted, failed = failure, False, True
            if not posted:
                self.out_of_time = not failed
                with self._lock:
                    self._halt.set()
                    self._worker = None
                return

    def _post(self, change: Change) -> bool:
        """Post one change within the content limits; False when the budget has no room."""
        clock = self.budget.monotonic
        wait = self.pacer.delay()
        deadline = self.budget.deadline
        if wait > 0 and deadline is not None and clock() + wait > deadline:
            return False
        if wait > 0:
            self.sleep(wait)
        if self._halt.is_set() or not self.budget.allows_another():
            return False
        started = clock()
        self.applier.apply([change], self.applied)
        self.pacer.sent(2 if isinstance(change, ReopenIssue) else 1)
        self.budget.took(clock() - started)
        self.progress.step()
        return True


def _url(change: Change) -> str | None:
    """The issue URL whose task a link comment names (None for other changes)."""
    return change.url if isinstance(change, LinkComment) else None
