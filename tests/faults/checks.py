"""What every reliability suite asserts after a run: one live task per issue, the Asana state
GitHub alone implies, and nothing Asana would refuse ever sent to it."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator

from sync.emulator import World
from sync.emulator.asana_rules import rich_text_to_plain
from sync.emulator.asana_state import Task
from sync.emulator.github_state import Issue
from sync.emulator.seed import REPO
from tests.fakes import FakeClock as FakeClock  # re-exported for the fault suites

TRACEBACK = "Traceback (most recent call last)"
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, lone surrogates (JSON escapes both)


def labeled_issues(world: World, count: int, title: str) -> list[Issue]:
    """``count`` CSH issues of one community, titled ``title 0``, ``title 1``, ..."""
    labels = ["CSH", "community:example-university"]
    return [
        world.github.create_issue(REPO, f"{title} {i}", f"Request {i}", labels=labels)
        for i in range(count)
    ]


def urls_of(issues: list[Issue]) -> set[str]:
    """The issues' GitHub URLs."""
    return {f"https://github.com/{REPO}/issues/{issue.number}" for issue in issues}


def live_tasks_by_url(world: World, url_field: str) -> dict[str, list[Task]]:
    """Every live Asana task that carries a GitHub URL, grouped by that URL."""
    asana = world.asana
    found: dict[str, list[Task]] = {}
    with world.server.lock:
        for gid, task in asana.tasks.items():
            url = task.custom_values.get(url_field)
            if url and asana.is_live(gid):
                found.setdefault(str(url), []).append(task)
    return found


def duplicates(world: World, url_field: str) -> dict[str, int]:
    """URLs with more than one live task, and how many."""
    counts = Counter({u: len(t) for u, t in live_tasks_by_url(world, url_field).items()})
    return {url: n for url, n in counts.items() if n > 1}


def assert_nothing_invalid_sent(world: World) -> None:
    """Asana never refused a request as invalid, and every html_notes sent is valid rich text.

    The harness also validates each body against Asana's OpenAPI description; this adds the
    rules the OpenAPI document cannot express (html_notes, dates) as the emulator enforces them.
    """
    with world.server.lock:
        requests = list(world.server.requests)
    refused = [
        (r.method, r.path, r.status)
        for r in requests
        if r.service == "asana" and r.fault is None and r.status in (400, 422)
    ]
    if world.asana.subtask_create_drops_projects:
        # Such an API refuses the first create of each run (its custom fields need the project
        # it dropped); the run then creates in two steps (tests/e2e/test_event_cost.py).
        refused = [r for r in refused if r != ("POST", "/tasks", 400)]
    assert refused == [], refused
    for r in requests:
        if r.service != "asana" or not r.is_write or not r.body:
            continue
        body = json.loads(r.body) or {}
        bad = [text for text in _strings(body) if UNSTORABLE.search(text)]
        assert bad == [], f"{r.method} {r.path} sent NUL or lone surrogates: {bad!r}"
        data = body.get("data") or {}
        html = data.get("html_notes") if isinstance(data, dict) else None
        if html is not None:
            rich_text_to_plain(html)  # raises RuleError, as Asana answers 400


def assert_clean_exit(code: int, stdout: str, stderr: str) -> None:
    """No traceback, and a failure says what failed in one ``error:`` line."""
    assert TRACEBACK not in stdout + stderr
    if code != 0:
        errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, stderr


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
