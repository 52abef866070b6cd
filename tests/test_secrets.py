"""No token ever leaks: every command, on success and on every failure path, with distinctive
tokens and a distinctive Slack webhook URL.

Each run is checked everywhere a secret could surface: stdout, stderr (except the ``::add-mask::``
lines Actions needs), the step summary, GITHUB_OUTPUT, ``--output`` files, tracebacks
(``-v``), and every request body sent to GitHub, Asana and Slack. Not only the whole secret:
no 12-character piece of one may appear, so a truncated or partly quoted token fails too.
Failures are forced through the SDKs: 401s, 5xx after retries, APIs that echo the token in
their error, garbage answers, unreachable and malformed URLs, a token with a newline.
`demo` is exempt: it uses the emulator's public fake tokens.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sync.emulator import World
from sync.emulator.github_webhooks import webhook_payload
from sync.emulator.seed import REPO, Seeded, seed_csh, seed_hours
from sync.emulator.seed_office_hours import (
    COMMUNITY,
    OFFICE_HOURS_CONFIG,
    SEEDED_NOW,
    at,
    seed_office_hours,
)
from tests.e2e.conftest import Harness, Result
from tests.fakes import ManualClock as Clock
from tests.faults.checks import TRACEBACK, FakeClock

GITHUB_TOKEN = "ghp_LEAKCANARYu8jzPde0IgxLd6GncfBAepfJBd"
ASANA_TOKEN = "2/1200000000000000/1207777777777777:LEAKCANARY0Kh8oOOL8dKLzdocJ2isAj"
SLACK_SECRET = "LEAKCANARYIhKtJ0RlgLKOmxgJTeKdNnFR"
WRONG_GITHUB = "ghp_LEAKCANARYIBXuDL7DxtpYlSXpfKtHF4vUCs"
WRONG_ASANA = "2/1200000000000000/1207777777777777:LEAKCANARYMehGAkWvj7FAc9QeWJKY40"
CANARY = "LEAKCANARY"
PIECE = 12  # no piece this long of a secret's sensitive part may appear
SESSION = "2026-01-21"


@dataclass
class Secrets:
    """A seeded world that only accepts the distinctive tokens, and ways to run commands."""

    harness: Harness
    clock: Clock

    @property
    def world(self) -> World:
        return self.harness.world

    @property
    def folder(self) -> Path:
        return self.harness.folder

    def slack_url(self) -> str:
        return f"{self.world.server.url}/slack/services/T0LEAK/B0LEAK/{SLACK_SECRET}"

    def env(self) -> dict[str, str]:
        return {
            "GITHUB_ACTIONS": "true",
            "SLACK_WEBHOOK_URL": self.slack_url(),
            "COMMUNITY_SYNC_NOW": SEEDED_NOW.isoformat(),
        }

    def issue_event(self, action: str = "labeled", label: str = "CSH") -> str:
        gh = self.world.github
        with self.world.server.lock:
            issue = gh.create_issue(
                REPO, "Secret-free?", "Body", labels=["CSH", "community:example-university"]
            )
            if label != "CSH":
                gh.add_issue_label(REPO, issue.number, label)
            payload = webhook_payload(gh, "issues", action, REPO, issue.number, label=label)
        path = self.folder / f"event-{issue.number}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return str(path)

    def queue_event(self) -> str:
        gh = self.world.github
        with self.world.server.lock:
            issue = gh.create_issue(COMMUNITY, "Topic", "Body", labels=["office-hours"])
            payload = webhook_payload(
                gh, "issues", "labeled", COMMUNITY, issue.number, label="office-hours"
            )
        path = self.folder / f"queue-{issue.number}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return str(path)


@pytest.fixture(scope="module")
def world_and_seed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Secrets, Seeded]]:
    clock = Clock(at(2025, 10, 1))
    folder = tmp_path_factory.mktemp("secrets")
    with World(github_token=GITHUB_TOKEN, asana_token=ASANA_TOKEN, clock=clock) as world:
        seeded = seed_csh(world)
        seed_office_hours(world)
        seed_hours(world, seeded)
        clock.now = SEEDED_NOW
        config = seeded.config_yaml(extra=OFFICE_HOURS_CONFIG, rate_limit=100_000)
        (folder / "community-sync.yml").write_text(config, encoding="utf-8")
        yield Secrets(Harness(world, seeded, folder), clock), seeded


@pytest.fixture
def secrets(
    world_and_seed: tuple[Secrets, Seeded], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Secrets]:
    s, _ = world_and_seed
    monkeypatch.chdir(s.folder)  # `check` looks for the issue form here
    s.world.server.clear_faults()
    s.world.server.reset_log()
    s.world.slack.archived = False
    yield s
    s.world.server.clear_faults()


# -- what every run is checked for ----------------------------------------------------------


def pieces(secret: str) -> set[str]:
    """Every PIECE-long slice of a secret's sensitive part."""
    return {secret[i : i + PIECE] for i in range(len(secret) - PIECE + 1)}


SENSITIVE = [
    GITHUB_TOKEN[4:],  # after "ghp_"
    ASANA_TOKEN.rsplit(":", 1)[1],  # "2/<user>/<token gid>:" is no secret, the rest is
    SLACK_SECRET,
    WRONG_GITHUB[4:],
    WRONG_ASANA.rsplit(":", 1)[1],
]
PIECES = set().union(*(pieces(s) for s in SENSITIVE))


def leaks(text: str) -> list[str]:
    """The pieces of secrets found in text (empty: none)."""
    found = sorted(p for p in PIECES if p in text)
    if CANARY in text:
        at = text.index(CANARY)
        found.append(text[max(0, at - 30) : at + 40])
    return found


def assert_no_leak(s: Secrets, result: Result, files: tuple[Path, ...] = ()) -> None:
    """No secret in anything the run printed, wrote, or sent; no traceback unless -v."""
    stdout, stderr = (
        "\n".join(line for line in text.splitlines() if not line.startswith("::add-mask::"))
        for text in (result.stdout, result.stderr)
    )
    written = [f.read_text(encoding="utf-8") for f in files if f.exists()]
    places = {
        "stdout": stdout,
        "stderr": stderr,
        "step summary": result.summary,
        "GITHUB_OUTPUT": "\n".join(f"{k}={v}" for k, v in result.outputs.items()),
        "--output files": "\n".join(written),
        "requests sent": sent(s),
    }
    found = {place: leaks(text) for place, text in places.items() if leaks(text)}
    assert found == {}, found
    if result.code != 0:
        annotations = [x for x in result.stderr.splitlines() if x.startswith("::error")]
        assert len(annotations) == 1, result.stderr
    masks = [x for x in result.stderr.splitlines() if x.startswith("::add-mask::")]
    assert all(x[len("::add-mask::") :].strip() for x in masks)


def sent(s: Secrets) -> str:
    """Every request the program sent, as text (Slack's own URL path is its credential)."""
    with s.world.server.lock:
        requests = list(s.world.server.requests)
    parts = []
    for r in requests:
        parts.append(r.body.decode("utf-8", "replace"))
        parts.append(json.dumps(r.query))
        if r.service != "slack":
            parts.append(r.path)
    return "\n".join(parts)


# -- every command --------------------------------------------------------------------------

Argv = Callable[[Secrets], list[str]]
COMMANDS: dict[str, Argv] = {
    "issue": lambda s: ["issue", "--event", s.issue_event(), "--event-name", "issues"],
    "reconcile": lambda s: ["reconcile"],
    "hours": lambda s: ["hours", "--date", "2026-07-02", "--output", str(s.folder / "out.md")],
    "hours --community": lambda s: [
        "hours",
        "--community",
        "example-university",
        "--output",
        str(s.folder / "out.md"),
    ],
    "check": lambda s: ["check"],
    "check --discover": lambda s: ["check", "--discover"],
    "office-hours agenda": lambda s: [
        "office-hours",
        "agenda",
        "--date",
        SESSION,
        "--output",
        str(s.folder / "out.md"),
    ],
    "office-hours agenda --publish": lambda s: [
        "office-hours",
        "agenda",
        "--publish",
        "--force",
        "--date",
        SESSION,
    ],
    "office-hours rotate": lambda s: ["office-hours", "rotate", "--date", SESSION, "--force"],
    "office-hours queue": lambda s: ["office-hours", "queue"],
    "office-hours queue (event)": lambda s: ["office-hours", "queue", "--event", s.queue_event()],
}


def echo_body(service: str) -> Any:
    """An error answer that quotes the request's credentials back, as some proxies do."""
    text = f"token {GITHUB_TOKEN} / {ASANA_TOKEN} rejected at {SLACK_SECRET}"
    if service == "asana":
        return {"errors": [{"message": text}]}
    return {"message": text, "errors": [{"type": "FORBIDDEN", "message": text}]}


Failure = Callable[[Secrets], dict[str, str]]


def _inject(service: str, **fault: Any) -> Failure:
    def apply(s: Secrets) -> dict[str, str]:
        s.world.server.inject(service, **{"times": 10**6, **fault})
        return {}

    return apply


def _env(**env: str) -> Failure:
    return lambda s: env


def _both(*failures: Failure) -> Failure:
    def apply(s: Secrets) -> dict[str, str]:
        env: dict[str, str] = {}
        for failure in failures:
            env.update(failure(s))
        return env

    return apply


def _archived(s: Secrets) -> dict[str, str]:
    s.world.slack.archived = True
    return {}


FAILURES: dict[str, Failure] = {
    "success": _env(),
    "GitHub 401": _env(GITHUB_TOKEN=WRONG_GITHUB),
    "Asana 401": _env(ASANA_TOKEN=WRONG_ASANA),
    "GitHub 503 after retries": _inject("github", status=503),
    "Asana 503 after retries": _inject("asana", status=503),
    "Slack 500 and 410": _both(_inject("slack", status=500, times=1), _archived),
    "APIs echo the tokens": _both(
        _inject("github", status=422, body=echo_body("github")),
        _inject("asana", status=400, body=echo_body("asana")),
        _inject("slack", status=400, body=echo_body("slack").get("message")),
    ),
    "GraphQL errors echo the token": _inject(
        "github", method="POST", path="^/graphql$", status=200, body=echo_body("github")
    ),
    "garbage answers": _both(
        _inject("github", status=200, body=f"<html>{GITHUB_TOKEN}</html>"),
        _inject("asana", status=200, body=f"<html>{ASANA_TOKEN}</html>"),
    ),
    "connection resets": _both(_inject("github", kind="reset"), _inject("asana", kind="reset")),
    "unreachable APIs": _env(
        GITHUB_API_URL="http://127.0.0.1:9/github",
        GITHUB_GRAPHQL_URL="http://127.0.0.1:9/github/graphql",
        ASANA_BASE_URL="http://127.0.0.1:9/asana",
        SLACK_WEBHOOK_URL=f"http://127.0.0.1:9/services/T/B/{SLACK_SECRET}",
    ),
    "malformed URLs": _env(
        GITHUB_API_URL=f"ht!tp://[{SLACK_SECRET}",
        GITHUB_GRAPHQL_URL="::::",
        ASANA_BASE_URL="not a url",
        SLACK_WEBHOOK_URL=f"slack:{SLACK_SECRET}",
    ),
    "tokens pasted with a newline": _env(
        GITHUB_TOKEN=GITHUB_TOKEN + "\n", ASANA_TOKEN=" " + ASANA_TOKEN + "\r\n"
    ),
}


def run(s: Secrets, argv: list[str], env: dict[str, str]) -> Result:
    (s.folder / "out.md").unlink(missing_ok=True)  # judge only what this run wrote
    clock = FakeClock()
    s.clock.now = at(2026, 1, 21, 18) if "rotate" in argv else SEEDED_NOW
    return s.harness.cli(*argv, policy=clock.policy(), **{**s.env(), **env})


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_command_leaks_a_secret(secrets: Secrets, command: str, failure: str) -> None:
    s = secrets
    argv = COMMANDS[command](s)
    env = FAILURES[failure](s)

    result = run(s, argv, env)

    assert TRACEBACK not in result.stdout + result.stderr
    assert "Internal error" not in result.stdout, result.stdout  # every failure is understood
    assert result.code in (0, 1, 2), result
    if failure == "success":
        assert result.code == 0 or command == "check", result
    if failure == "malformed URLs":
        assert result.code == 2, result.stdout
    assert_no_leak(s, result, (s.folder / "out.md",))


@pytest.mark.parametrize(
    "failure", ["Asana 503 after retries", "garbage answers", "malformed URLs"]
)
def test_tracebacks_shown_with_verbose_hold_no_secret(secrets: Secrets, failure: str) -> None:
    s = secrets
    argv = ["-v", *COMMANDS["issue"](s)]
    env = FAILURES[failure](s)

    result = run(s, argv, env)

    assert result.code != 0
    assert_no_leak(s, result)


def test_every_secret_in_the_environment_is_masked_in_actions(secrets: Secrets) -> None:
    s = secrets
    result = run(s, COMMANDS["reconcile"](s), {})

    masks = {
        x.removeprefix("::add-mask::")
        for x in result.stderr.splitlines()
        if x.startswith("::add-mask::")
    }
    assert masks == {GITHUB_TOKEN, ASANA_TOKEN, s.slack_url(), SLACK_SECRET}


def test_a_config_error_quoting_a_pasted_token_does_not_leak_it(secrets: Secrets) -> None:
    s = secrets
    config = s.folder / "pasted.yml"
    text = (s.folder / "community-sync.yml").read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "  repositories: [example-org/support]", f"  repositories: [{GITHUB_TOKEN}]"
        ).replace("label: CSH", f"label: [{ASANA_TOKEN}]"),
        encoding="utf-8",
    )

    result = run(s, ["--config", str(config), "reconcile"], {})

    assert result.code == 2, result
    assert_no_leak(s, result)


def test_a_bad_event_quoting_a_token_does_not_leak_it(secrets: Secrets) -> None:
    s = secrets
    event = s.folder / "bad-event.json"
    event.write_text(json.dumps({"action": GITHUB_TOKEN, "issue": ASANA_TOKEN}), encoding="utf-8")

    skipped = run(s, ["issue", "--event", str(event), "--event-name", "issues"], {})
    event.write_text(json.dumps({"action": "opened", "issue": ASANA_TOKEN}), encoding="utf-8")
    refused = run(s, ["issue", "--event", str(event), "--event-name", GITHUB_TOKEN], {})

    assert skipped.code == 0 and refused.code in (0, 2)
    assert_no_leak(s, skipped)
    assert_no_leak(s, refused)


@pytest.mark.parametrize(
    ("command", "failure"),
    [
        ("issue", "success"),
        ("office-hours agenda --publish", "Slack 500 and 410"),
        ("reconcile", "GitHub 401"),
        ("hours", "Asana 401"),
    ],
)
def test_a_real_process_leaks_nothing_either(secrets: Secrets, command: str, failure: str) -> None:
    s = secrets
    argv = COMMANDS[command](s)
    env = {**s.env(), **FAILURES[failure](s)}

    for name in ("output", "summary"):
        (s.folder / name).write_text("", encoding="utf-8")
    process = s.harness.process(*argv, **env)
    out, err = process.communicate(timeout=120)

    result = s.harness._result(process.returncode, out, err)  # also reads summary and outputs
    assert TRACEBACK not in out + err
    assert_no_leak(s, result)
