"""Hostile input, end to end: every case in tests/corpus/ either syncs correctly or stops with
exit 2 and one clear line; never a traceback, never a hang, never invalid data sent to Asana.

- ``corpus/issues/*.json``: issue titles, bodies and labels (each case is mirrored through
  `community-sync issue`, then handled again, which must write nothing);
- ``corpus/events/payloads.json``: event payloads, broken and odd (each relative to a real
  ``issues`` payload, or raw file text);
- ``corpus/configs/*.yml``: config files, the first line saying what must happen.

Long strings are written compactly in the JSON files: ``{"$repeat": [text, n]}``,
``{"$concat": [parts...]}`` and ``{"$staircase": [line, depth]}`` (a list nested by indentation).
Plus Hypothesis properties for payload parsing and rich text (beyond tests/test_rich_text.py).
"""

from __future__ import annotations

import json
import re
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.actions_runtime import read_event
from sync.emulator import World
from sync.emulator.asana_rules import RuleError, rich_text_to_plain
from sync.emulator.github_webhooks import webhook_payload
from sync.emulator.seed import REPO, seed_csh
from sync.errors import EventError, UsageError
from sync.mirror.event import EventPlan, plan_event
from sync.rich_text import markdown_to_html_notes, markdown_to_plain_notes
from tests.e2e.conftest import Harness, Result, check_requests_against_references
from tests.faults.checks import TRACEBACK, assert_nothing_invalid_sent
from tests.reference import reference_path

CORPUS = Path(__file__).parent / "corpus"
SECONDS = 10  # any one case; the slowest takes well under a second
PWNED = Path("/tmp/community-sync-pwned")


def expand(value: Any) -> Any:
    """Expand the corpus's compact forms for long strings."""
    if isinstance(value, dict) and len(value) == 1:
        [(op, args)] = value.items()
        if op == "$repeat":
            return expand(args[0]) * args[1]
        if op == "$concat":
            return "".join(expand(part) for part in args)
        if op == "$staircase":
            return "".join("  " * depth + f"{args[0]}\n" for depth in range(args[1]))
    if isinstance(value, dict):
        return {key: expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item) for item in value]
    return value


def cases(folder: str) -> list[Any]:
    """One pytest param per corpus case, named by its file and name."""
    found = []
    for path in sorted((CORPUS / folder).glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            found.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return found


@contextmanager
def deadline(seconds: int = SECONDS) -> Iterator[None]:
    """Fail a case that hangs (SIGALRM), and one that is merely slow."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < seconds


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    # One world for the module (each case has its own issue): starting one per case is slow.
    folder = tmp_path_factory.mktemp("corpus")
    with World() as world:
        seeded = seed_csh(world)
        (folder / "community-sync.yml").write_text(
            seeded.config_yaml(rate_limit=100_000), encoding="utf-8"
        )
        yield Harness(world, seeded, folder)


@pytest.fixture
def h(bench: Harness) -> Iterator[Harness]:
    """The shared harness; each case's requests are checked against the references."""
    bench.world.server.clear_faults()
    bench.world.server.reset_log()
    yield bench
    check_requests_against_references(bench.world)
    assert_nothing_invalid_sent(bench.world)


def assert_no_traceback(result: Result) -> None:
    assert TRACEBACK not in result.stdout + result.stderr + result.summary


def assert_exit_2(result: Result, *parts: str) -> None:
    """Exit 2 and exactly one line, ``error: ...``, holding every part."""
    assert_no_traceback(result)
    assert result.code == 2, result
    [line] = result.stderr.splitlines()
    assert line.startswith("error: "), line
    for part in parts:
        assert part in line, line


def issue_url(number: int) -> str:
    return f"https://github.com/{REPO}/issues/{number}"


def live_tasks(h: Harness, number: int) -> list[Any]:
    asana = h.world.asana
    with h.world.server.lock:
        return [
            t
            for gid, t in asana.tasks.items()
            if asana.is_live(gid) and t.custom_values.get(h.seeded.url_field) == issue_url(number)
        ]


# -- issue content ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases("issues"))
def test_hostile_issue_content_is_mirrored_correctly(h: Harness, case: dict[str, Any]) -> None:
    title, body = expand(case["title"]), expand(case.get("body", "Body"))
    labels = expand(case.get("labels", ["CSH", "community:example-university"]))
    with h.world.server.lock:
        issue = h.world.github.create_issue(REPO, title, body, labels=labels)

    with deadline():
        result = h.event("labeled", issue.number, label=labels[0])

    assert_no_traceback(result)
    assert result.code == 0, result.stderr
    # Issue text never starts a line of its own: in Actions that line would be a command.
    assert not [x for x in result.stdout.splitlines() if x.startswith("::")], result.stdout
    [task] = live_tasks(h, issue.number)
    assert task.name == case.get("expect_name", " ".join(title.split()) or "(untitled)")
    text = rich_text_to_plain(task.html_notes)  # valid by Asana's rules (raises otherwise)
    assert text.rstrip().endswith(issue_url(issue.number))
    assert f'<a href="{issue_url(issue.number)}#community-sync-' in task.html_notes  # signed
    key = case.get("community", "example-university")
    assert task.parent == (h.seeded.communities[key] if key else None)
    assert h.seeded.project in task.projects
    # Handled again, the same content compares equal: nothing is rewritten.
    h.world.server.reset_log()
    with deadline():
        again = h.event("edited", issue.number)
    assert again.code == 0, again.stderr
    assert again.outputs["action"] == "unchanged", again.stdout
    assert h.world.server.count(writes=True) == 0


# -- event payloads -----------------------------------------------------------------------------


def _set(payload: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = payload
    for part in parents:
        node = node[part]
    node[last] = value


def _drop(payload: dict[str, Any], dotted: str) -> None:
    *parents, last = dotted.split(".")
    node = payload
    for part in parents:
        node = node[part]
    del node[last]


def event_file(h: Harness, case: dict[str, Any], number: int, folder: Path) -> Path:
    """The case's event file: a real payload changed as the case says, or raw text."""
    path = folder / "event.json"
    if "raw_hex" in case:
        path.write_bytes(bytes.fromhex(case["raw_hex"]))
        return path
    if "raw" in case:
        path.write_text(expand(case["raw"]), encoding="utf-8")
        return path
    action = case.get("action", "labeled")
    extra = {"label": "CSH"} if action in ("labeled", "unlabeled") else {}
    with h.world.server.lock:
        payload = webhook_payload(h.world.github, "issues", action, REPO, number, **extra)
    for dotted, value in expand(case.get("set", {})).items():
        _set(payload, dotted, value)
    for dotted in case.get("drop", []):
        _drop(payload, dotted)
    text = json.dumps(payload)
    cut = case.get("truncate")
    if cut is not None:
        text = text[: int(len(text) * cut) if isinstance(cut, float) else cut]
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", cases("events"))
def test_hostile_event_payload_syncs_skips_or_exits_2(
    h: Harness, case: dict[str, Any], tmp_path: Path
) -> None:
    with h.world.server.lock:
        issue = h.world.github.create_issue(
            REPO, f"Event {case['name']}", "Body", labels=["CSH", "community:other-college"]
        )
    path = event_file(h, case, issue.number, tmp_path)
    h.world.server.reset_log()

    with deadline():
        result = h.cli("issue", "--event", str(path), "--event-name", case.get("event", "issues"))

    expect = case["expect"]
    if expect == "exit 2":
        assert_exit_2(result, f"error: {path}", case["says"])
        assert h.world.server.count() == 0  # nothing is sent for an unusable event
    elif expect == "skipped":
        assert_no_traceback(result)
        assert result.code == 0, result.stderr
        assert result.outputs["action"] == "skipped"
        assert h.world.server.count() == 0
        assert len(result.stderr.splitlines()) == 1  # "nothing to do: ...", one line
    else:
        assert_no_traceback(result)
        assert result.code == 0, result.stderr
        [task] = live_tasks(h, issue.number)
        assert task.parent == h.seeded.communities["other-college"]


# -- config files -------------------------------------------------------------------------------

CONFIGS = sorted((CORPUS / "configs").glob("*.yml"))


def config_case(path: Path, h: Harness, folder: Path) -> tuple[Path, str, str]:
    """The config with the world's gids filled in; what must happen; the words to see."""
    raw = path.read_bytes()
    for name, value in (
        ("WORKSPACE", h.seeded.workspace),
        ("PROJECT", h.seeded.project),
        ("UNI", h.seeded.communities["example-university"]),
        ("COLLEGE", h.seeded.communities["other-college"]),
    ):
        raw = raw.replace(f"${name}".encode(), value.encode())
    header = raw.split(b"\n", 1)[0].decode("utf-8").lstrip("\ufeff")
    match = re.fullmatch(r"# expect: (sync|exit 2) --(.*)", header)
    assert match, f"{path.name}: first line must be '# expect: sync|exit 2 -- words'"
    target = folder / path.name
    target.write_bytes(raw)
    return target, match[1], match[2].strip()


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_hostile_config_syncs_or_exits_2_naming_the_file(
    h: Harness, path: Path, tmp_path: Path
) -> None:
    config, expect, words = config_case(path, h, tmp_path)
    with h.world.server.lock:
        issue = h.world.github.create_issue(
            REPO, f"Config {path.stem}", "Body", labels=["CSH", "community:example-university"]
        )
        payload = webhook_payload(
            h.world.github, "issues", "labeled", REPO, issue.number, label="CSH"
        )
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    h.world.server.reset_log()

    with deadline():
        result = h.cli(
            "--config", str(config), "issue", "--event", str(event), "--event-name", "issues"
        )

    if expect == "exit 2":
        assert_exit_2(result, f"error: {config}", words)
        assert h.world.server.count() == 0
    else:
        assert_no_traceback(result)
        assert result.code == 0, result.stderr
        [task] = live_tasks(h, issue.number)
        assert task.parent == h.seeded.communities["example-university"]
    assert not PWNED.exists()


# -- the same, as real processes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        {"name": "arrays nested deep", "raw": {"$repeat": ["[", 100000]}},
        {"name": "lone surrogate title", "title": "Broken \ud800 title"},
        {"name": "alias bomb config", "config": "alias-bomb.yml"},
    ],
    ids=lambda case: case["name"],
)
def test_hostile_input_as_a_process_never_shows_a_traceback(
    h: Harness, case: dict[str, Any], tmp_path: Path
) -> None:
    with h.world.server.lock:
        issue = h.world.github.create_issue(
            REPO, case.get("title", "Process"), "Body", labels=["CSH", "community:other-college"]
        )
    path = event_file(h, {**case, "action": "labeled"}, issue.number, tmp_path)
    argv = ["issue", "--event", str(path), "--event-name", "issues"]
    if "config" in case:
        config, _, _ = config_case(CORPUS / "configs" / case["config"], h, tmp_path)
        argv = ["--config", str(config), *argv]

    process = h.process(*argv)
    out, err = process.communicate(timeout=60)

    assert TRACEBACK not in out + err
    assert process.returncode in (0, 2), err
    if process.returncode == 2:
        assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    else:
        assert len(live_tasks(h, issue.number)) == 1


# -- properties: payload parsing ----------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12)
)
KEYS = st.sampled_from(
    [
        "action",
        "issue",
        "repository",
        "number",
        "html_url",
        "full_name",
        "labels",
        "label",
        "name",
        "changes",
        "new_issue",
        "new_repository",
        "sub_issue",
        "parent_issue",
        "sub_issue_repo",
        "parent_issue_repo",
        "repository_url",
        "parent_issue_url",
    ]
)
VALUES = st.sampled_from(
    [
        "opened",
        "labeled",
        "unlabeled",
        "closed",
        "transferred",
        "deleted",
        "sub_issue_added",
        "parent_issue_removed",
        "CSH",
        "o/r",
        "https://github.com/o/r/issues/1",
        "https://api.github.com/repos/o/r",
        1,
        7,
    ]
)
JSON = st.recursive(
    SCALARS | VALUES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.text(max_size=6), inner, max_size=6)
    ),
    max_leaves=40,
)


def _real_payload() -> dict[str, Any]:
    path = reference_path("webhooks", "issues", "labeled.json")
    payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return payload


@st.composite
def mutated_payloads(draw: st.DrawFn) -> dict[str, Any]:
    """A real payload with a few values anywhere in it replaced by arbitrary JSON."""
    payload = _real_payload()
    for _ in range(draw(st.integers(1, 4))):
        node: Any = payload
        while isinstance(node, dict) and node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], dict) or not node[key]:
                break
            node = node[key]
        if isinstance(node, dict) and node:
            node[draw(st.sampled_from(sorted(node)) | KEYS)] = draw(JSON)
    return payload


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["issues", "sub_issues", "push"]) | st.text(max_size=8),
    payload=st.dictionaries(KEYS, JSON, max_size=8) | mutated_payloads() | JSON,
    label=st.text(max_size=6),
)
def test_plan_event_returns_a_plan_or_raises_event_error(
    name: str, payload: Any, label: str
) -> None:
    if not isinstance(payload, dict):
        payload = {"action": payload}
    try:
        plan = plan_event(name, payload, label, "event.json")
    except EventError as err:
        assert str(err).startswith("event.json: ")
        return
    assert isinstance(plan, EventPlan)
    assert plan.skip_reason is not None or plan.targets
    for target in plan.targets:
        assert isinstance(target.number, int) and target.number > 0
        assert isinstance(target.url, str) and "/" in target.repo


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_any_event_file_is_read_or_refused_as_bad_usage(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "event.json"
        path.write_bytes(data)
        try:
            name, payload = read_event(str(path), "issues")
        except UsageError as err:
            assert str(err).startswith(str(path))
            return
    assert name == "issues" and isinstance(payload, dict)


# -- properties: rich text, as Asana itself would judge it ----------------------------------------

URL = "https://github.com/example-org/support/issues/7"
WORDS = st.lists(st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True), min_size=1, max_size=40)
SEPARATORS = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \u200b "])


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(),
    header=st.lists(st.tuples(st.text(max_size=20), st.text(max_size=40)), max_size=3),
)
def test_asanas_own_rules_accept_the_rich_text_of_any_body(
    text: str, header: list[tuple[str, str]]
) -> None:
    html = markdown_to_html_notes(text, issue_url=URL, header=header)
    try:
        rich_text_to_plain(html)  # the emulator's independent check, as Asana answers 400
    except RuleError as err:
        pytest.fail(f"{err.message}: {html[:300]}")


@settings(max_examples=200, deadline=None)
@given(words=WORDS, separators=st.lists(SEPARATORS, min_size=40, max_size=40))
def test_no_word_of_a_plain_body_is_lost(words: list[str], separators: list[str]) -> None:
    text = "".join(word + separators[i] for i, word in enumerate(words))
    shown = rich_text_to_plain(markdown_to_html_notes(text, issue_url=URL, header=[]))
    plain = markdown_to_plain_notes(text, issue_url=URL, header=[])
    for word in words:
        assert word in shown
        assert word in plain
