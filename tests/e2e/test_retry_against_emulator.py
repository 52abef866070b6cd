"""The one retry policy, over real HTTP, against the emulator's injected faults.

Every test builds the real clients (PyGithub REST, GraphQL over requests, the official asana
SDK) on a :class:`RetryPolicy` whose clock and sleep are fake, so nothing here sleeps: a test
asserts what the emulator received (one line per attempt) and what the policy would have
waited. Only the ``delay`` faults cost wall time (a client timeout has to pass).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sync.asana.client import AsanaClient
from sync.emulator import World
from sync.emulator.core import Recorded
from sync.emulator.seed import REPO, Seeded, seed_csh
from sync.errors import EXIT_FAILURE, AmbiguousWrite, ApiFailure
from sync.github.client import GitHubClient
from sync.retry import RetryPolicy
from tests.fakes import FakeClock

GITHUB_TOKEN = "ghp_RETRYSECRET0000000000000000000000000"
ASANA_TOKEN = "2/1200000000000000/1209999999999999:RETRYSECRET"
TASKS = r"^/tasks$"
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before retrying."
ISSUE_QUERY = """
query Issue($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) { issue(number: $number) { number title } }
}
"""


@dataclass
class Rig:
    """A seeded emulator and clients that talk to it under one fake-clock policy."""

    world: World
    seeded: Seeded
    env: dict[str, str]
    clock: FakeClock
    policy: RetryPolicy

    def asana(self, *, timeout: float = 30.0) -> AsanaClient:
        env = self.env
        return AsanaClient(env["ASANA_TOKEN"], env["ASANA_BASE_URL"], self.policy, timeout=timeout)

    def github(self, *, timeout: float = 30.0) -> GitHubClient:
        env = self.env
        return GitHubClient(
            env["GITHUB_TOKEN"],
            env["GITHUB_API_URL"],
            env["GITHUB_GRAPHQL_URL"],
            self.policy,
            timeout=timeout,
        )

    def log(self, service: str, method: str, path: str) -> list[Recorded]:
        """The recorded requests of one endpoint (``path`` is a regex), in order."""
        pattern = re.compile(path)
        with self.world.server.lock:
            return [
                r
                for r in self.world.server.requests
                if r.service == service and r.method == method and pattern.search(r.path)
            ]

    def statuses(self, service: str, method: str, path: str) -> list[int]:
        return [r.status for r in self.log(service, method, path)]

    def project_task_names(self) -> list[str]:
        return [t.name for t in self.world.asana.tasks_in_project(self.seeded.project)]


@pytest.fixture(scope="module")
def seeded_world() -> Iterator[tuple[World, Seeded]]:
    # One server for the module: stopping one costs half a second (its poll interval).
    world = World(github_token=GITHUB_TOKEN, asana_token=ASANA_TOKEN).start()
    try:
        seeded = seed_csh(world)
        world.github.create_issue(REPO, "Login fails for SSO users", "details", labels=["CSH"])
        yield world, seeded
    finally:
        world.stop()


@pytest.fixture
def rig(seeded_world: tuple[World, Seeded]) -> Iterator[Rig]:
    world, seeded = seeded_world
    world.server.clear_faults()
    world.server.reset_log()
    clock = FakeClock()
    policy = RetryPolicy(sleep=clock.sleep, monotonic=clock.monotonic, jitter=lambda: 1.0)
    yield Rig(world, seeded, world.env(), clock, policy)
    world.server.clear_faults()


def new_task(rig: Rig, name: str, **data: Any) -> dict[str, Any]:
    return {"name": name, "projects": [rig.seeded.project], **data}


def find_by_name(rig: Rig, client: AsanaClient, name: str) -> Callable[[], dict[str, Any] | None]:
    """The look-up a create passes as ``recover``: the project's task of that name, if any."""

    def recover() -> dict[str, Any] | None:
        tasks = client.project_tasks(rig.seeded.project, ["gid", "name"])
        return next((t for t in tasks if t["name"] == name), None)

    return recover


def seeded_task(rig: Rig, name: str = "Existing") -> str:
    return rig.world.asana.add_task(name, projects=[rig.seeded.project])


def wait_for_log(rig: Rig, service: str, method: str, path: str, count: int) -> None:
    """A delayed request is only logged once the emulator answers it: wait (bounded) for it."""
    deadline = time.monotonic() + 5
    while len(rig.log(service, method, path)) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def assert_no_token(text: str) -> None:
    assert GITHUB_TOKEN not in text
    assert ASANA_TOKEN not in text
    assert "RETRYSECRET" not in text


# -- Asana: rate limits -------------------------------------------------------------------------


def test_asana_create_after_429_waits_retry_after_and_creates_one_task(rig: Rig) -> None:
    asana = rig.asana()
    rig.world.server.inject("asana", method="POST", path=TASKS, status=429, retry_after=7)
    recovered: list[object] = []

    def recover() -> dict[str, Any] | None:
        recovered.append(None)
        return None

    created = asana.create_task(new_task(rig, "Fix login"), ["gid", "name"], recover)

    assert rig.statuses("asana", "POST", TASKS) == [429, 201]
    assert rig.clock.sleeps == [7.0]
    assert rig.policy.slept == [7.0]
    assert recovered == []  # a 429 was not processed: nothing to look for
    assert created["name"] == "Fix login"
    assert rig.project_task_names().count("Fix login") == 1


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_asana_update_and_delete_are_retried_after_429(rig: Rig, method: str) -> None:
    asana = rig.asana()
    gid = seeded_task(rig)
    path = rf"^/tasks/{gid}$"
    rig.world.server.inject("asana", method=method, path=path, status=429, retry_after=3, times=2)

    if method == "PUT":
        asana.update_task(gid, {"name": "Renamed"})
        assert rig.world.asana.tasks[gid].name == "Renamed"
    else:
        asana.delete_task(gid)
        assert not rig.world.asana.is_live(gid)

    assert rig.statuses("asana", method, path) == [429, 429, 200]
    assert rig.clock.sleeps == [3.0, 3.0]


# -- Asana: server errors -----------------------------------------------------------------------


def test_asana_read_backs_off_exponentially_through_a_5xx_burst(rig: Rig) -> None:
    asana = rig.asana()
    gid = seeded_task(rig, "Readable")
    path = rf"^/tasks/{gid}$"
    for status in (500, 502, 503):
        rig.world.server.inject("asana", method="GET", path=path, status=status)

    task = asana.task(gid, ["name"])

    assert task is not None and task["name"] == "Readable"
    assert rig.statuses("asana", "GET", path) == [500, 502, 503, 200]
    assert rig.clock.sleeps == [1.0, 2.0, 4.0]


def test_jitter_spreads_the_backoff_between_half_and_full(rig: Rig) -> None:
    rig.policy.jitter = lambda: 0.0
    gid = seeded_task(rig)
    rig.world.server.inject("asana", method="GET", path=rf"^/tasks/{gid}$", status=502, times=3)

    rig.asana().task(gid, ["name"])

    assert rig.clock.sleeps == [0.5, 1.0, 2.0]


def test_asana_gives_up_after_max_attempts_without_leaking_the_token(rig: Rig) -> None:
    asana = rig.asana()
    gid = seeded_task(rig)
    path = rf"^/tasks/{gid}$"
    rig.world.server.inject("asana", method="GET", path=path, status=503, times=100)

    with pytest.raises(ApiFailure) as caught:
        asana.task(gid, ["name"])

    failure = caught.value
    assert failure.exit_code == EXIT_FAILURE
    assert failure.status == 503
    assert len(rig.log("asana", "GET", path)) == rig.policy.max_attempts == 6
    assert rig.clock.sleeps == [1.0, 2.0, 4.0, 8.0, 16.0]
    message = str(failure)
    assert message.startswith("Asana API error 503: ")
    assert f"read task {gid}" in message
    assert "gave up after 6 attempts" in message
    assert "injected fault" in message  # Asana's own error message is kept
    assert_no_token(message + repr(failure.args))
    assert failure.__cause__ is None and failure.__suppress_context__


def test_the_total_wait_is_capped(rig: Rig) -> None:
    rig.policy.max_total_seconds = 10.0
    gid = seeded_task(rig)
    path = rf"^/tasks/{gid}$"
    rig.world.server.inject("asana", method="GET", path=path, status=500, times=100)

    with pytest.raises(ApiFailure, match="gave up after 4 attempts"):
        rig.asana().task(gid, ["name"])

    # 1 + 2 + 4 = 7 s waited; waiting 8 more would pass the 10 s cap, so it stops there.
    assert rig.clock.sleeps == [1.0, 2.0, 4.0]
    assert len(rig.log("asana", "GET", path)) == 4


def test_a_retry_after_beyond_the_cap_fails_at_once(rig: Rig) -> None:
    rig.policy.max_total_seconds = 60.0
    rig.world.server.inject("asana", method="POST", path=TASKS, status=429, retry_after=120)

    with pytest.raises(ApiFailure, match=r"rate limited \(429\).*gave up after 1 attempts"):
        rig.asana().create_task(new_task(rig, "Never"), ["gid"], lambda: None)

    assert rig.clock.sleeps == []
    assert rig.statuses("asana", "POST", TASKS) == [429]
    assert "Never" not in rig.project_task_names()


# -- Asana: creates that may have happened ------------------------------------------------------


def test_asana_create_answered_500_after_processing_is_recovered_not_duplicated(rig: Rig) -> None:
    asana = rig.asana()
    rig.world.server.inject("asana", kind="after", method="POST", path=TASKS, status=500)

    created = asana.create_task(
        new_task(rig, "Exactly once"), ["gid", "name"], find_by_name(rig, asana, "Exactly once")
    )

    assert rig.statuses("asana", "POST", TASKS) == [500]  # never sent a second time
    assert rig.project_task_names().count("Exactly once") == 1
    only = [t.gid for t in rig.world.asana.tasks_in_project(rig.seeded.project)]
    assert created["gid"] in only
    assert len(rig.log("asana", "GET", r"^/projects/\d+/tasks$")) == 1  # the look-up
    assert rig.clock.sleeps == [1.0]


def test_asana_create_reset_before_processing_is_sent_again_once(rig: Rig) -> None:
    asana = rig.asana()
    rig.world.server.inject("asana", kind="reset", method="POST", path=TASKS)

    created = asana.create_task(
        new_task(rig, "Sent twice"), ["gid", "name"], find_by_name(rig, asana, "Sent twice")
    )

    # The look-up found nothing, so the create went out again and made exactly one task.
    assert rig.statuses("asana", "POST", TASKS) == [0, 201]
    assert len(rig.log("asana", "GET", r"^/projects/\d+/tasks$")) == 1
    assert rig.project_task_names().count("Sent twice") == 1
    assert created["name"] == "Sent twice"


def test_asana_create_without_a_look_up_is_never_sent_twice(rig: Rig) -> None:
    asana = rig.asana()
    rig.world.server.inject("asana", kind="after", method="POST", path=TASKS, status=502)

    with pytest.raises(AmbiguousWrite) as caught:
        asana.call(
            asana.tasks.create_task,
            {"data": new_task(rig, "Maybe")},
            {"opt_fields": "gid"},
            what="create task 'Maybe'",
            idempotent=False,
        )

    assert caught.value.exit_code == EXIT_FAILURE
    assert rig.statuses("asana", "POST", TASKS) == [502]
    assert rig.project_task_names().count("Maybe") == 1
    assert rig.clock.sleeps == []


# -- Asana: errors that retrying cannot fix -----------------------------------------------------


def test_asana_400_fails_at_once_with_asanas_message(rig: Rig) -> None:
    stray = rig.world.asana.add_custom_field(rig.seeded.workspace, "Not on project", "text")
    data = new_task(rig, "Bad field", custom_fields={stray: "x"})

    with pytest.raises(ApiFailure) as caught:
        rig.asana().create_task(data, ["gid"], lambda: None)

    assert caught.value.status == 400
    message = f"Custom field with ID {stray} is not on given object"
    assert str(caught.value) == f"Asana API error 400: {message}"
    assert rig.statuses("asana", "POST", TASKS) == [400]
    assert rig.clock.sleeps == []
    assert "Bad field" not in rig.project_task_names()


def test_asana_missing_task_reads_as_none_without_retrying(rig: Rig) -> None:
    assert rig.asana().task("1209999999999998", ["name"]) is None
    assert rig.statuses("asana", "GET", r"^/tasks/1209999999999998$") == [404]
    assert rig.clock.sleeps == []


# -- Asana: the connection itself ---------------------------------------------------------------


def test_asana_read_after_a_connection_reset_is_retried(rig: Rig) -> None:
    gid = seeded_task(rig, "After reset")
    path = rf"^/tasks/{gid}$"
    rig.world.server.inject("asana", kind="reset", method="GET", path=path, times=2)

    task = rig.asana().task(gid, ["name"])

    assert task is not None and task["name"] == "After reset"
    assert [r.fault for r in rig.log("asana", "GET", path)] == ["reset", "reset", None]
    assert rig.clock.sleeps == [1.0, 2.0]


def test_asana_read_slower_than_the_client_timeout_is_retried(rig: Rig) -> None:
    gid = seeded_task(rig, "Slow")
    path = rf"^/tasks/{gid}$"
    rig.world.server.inject("asana", kind="delay", method="GET", path=path, seconds=1.5)

    # The retry's answer must fit in the timeout on a loaded CI machine too.
    task = rig.asana(timeout=0.5).task(gid, ["name"])

    assert task is not None and task["name"] == "Slow"
    assert rig.clock.sleeps == [1.0]  # it timed out and retried rather than waiting
    wait_for_log(rig, "asana", "GET", path, 2)
    assert sorted(str(r.fault) for r in rig.log("asana", "GET", path)) == ["None", "delay"]


# -- GitHub REST (PyGithub) ---------------------------------------------------------------------


def issue_title(gh: GitHubClient, number: int = 1) -> str:
    return gh.call(
        lambda: gh.rest.get_repo(REPO).get_issue(number).title, what=f"read {REPO}#{number}"
    )


ISSUE_PATH = rf"^/repos/{REPO}/issues/1$"


def test_github_rest_502_then_success(rig: Rig) -> None:
    rig.world.server.inject("github", method="GET", path=ISSUE_PATH, status=502)

    assert issue_title(rig.github()) == "Login fails for SSO users"
    assert rig.statuses("github", "GET", ISSUE_PATH) == [502, 200]
    assert rig.clock.sleeps == [1.0]


def test_github_rest_secondary_rate_limit_waits_retry_after(rig: Rig) -> None:
    body = {"message": SECONDARY, "documentation_url": "https://docs.github.com/rest"}
    rig.world.server.inject(
        "github", method="GET", path=ISSUE_PATH, status=403, retry_after=42, body=body
    )

    assert issue_title(rig.github()) == "Login fails for SSO users"
    assert rig.statuses("github", "GET", ISSUE_PATH) == [403, 200]
    assert rig.clock.sleeps == [42.0]


def test_github_rest_403_that_is_no_rate_limit_fails_at_once(rig: Rig) -> None:
    body = {"message": "Resource not accessible by integration"}
    rig.world.server.inject("github", method="GET", path=ISSUE_PATH, status=403, body=body)

    with pytest.raises(ApiFailure) as caught:
        issue_title(rig.github())

    assert str(caught.value) == "GitHub API error 403: Resource not accessible by integration"
    assert rig.statuses("github", "GET", ISSUE_PATH) == [403]
    assert rig.clock.sleeps == []


def test_github_rest_404_fails_at_once_with_githubs_message(rig: Rig) -> None:
    path = rf"^/repos/{REPO}/issues/999$"

    with pytest.raises(ApiFailure) as caught:
        issue_title(rig.github(), 999)

    assert caught.value.status == 404
    assert str(caught.value) == "GitHub API error 404: Not Found"
    assert rig.statuses("github", "GET", path) == [404]
    assert rig.clock.sleeps == []


def test_github_rest_bad_token_names_the_variable_not_the_token(rig: Rig) -> None:
    rig.env["GITHUB_TOKEN"] = "ghp_WRONGRETRYSECRET"

    with pytest.raises(ApiFailure) as caught:
        issue_title(rig.github())

    assert str(caught.value) == "GitHub API error 401: Bad credentials: check GITHUB_TOKEN"
    assert "WRONGRETRYSECRET" not in repr(caught.value.args)
    assert rig.clock.sleeps == []


def test_github_rest_read_after_a_connection_reset_is_retried(rig: Rig) -> None:
    rig.world.server.inject("github", kind="reset", method="GET", path=ISSUE_PATH)

    assert issue_title(rig.github()) == "Login fails for SSO users"
    assert [r.fault for r in rig.log("github", "GET", ISSUE_PATH)] == ["reset", None]
    assert rig.clock.sleeps == [1.0]


def test_github_rest_works_with_a_sub_second_timeout(rig: Rig) -> None:
    assert issue_title(rig.github(timeout=0.5)) == "Login fails for SSO users"


def test_github_rest_read_slower_than_the_client_timeout_is_retried(rig: Rig) -> None:
    rig.world.server.inject("github", kind="delay", method="GET", path=ISSUE_PATH, seconds=1.4)

    assert issue_title(rig.github(timeout=1)) == "Login fails for SSO users"

    assert rig.clock.sleeps == [1.0]  # it timed out and retried rather than waiting
    wait_for_log(rig, "github", "GET", ISSUE_PATH, 2)
    assert sorted(str(r.fault) for r in rig.log("github", "GET", ISSUE_PATH)) == [
        "None",
        "delay",
    ]


# -- GitHub GraphQL -----------------------------------------------------------------------------


def query_issue(gh: GitHubClient, number: int = 1, **kwargs: Any) -> dict[str, Any]:
    owner, name = REPO.split("/")
    variables = {"owner": owner, "name": name, "number": number}
    return gh.graphql(ISSUE_QUERY, variables, what=f"read {REPO}#{number}", **kwargs)


GRAPHQL = r"^/graphql$"


def test_graphql_rate_limited_error_with_http_200_is_retried(rig: Rig) -> None:
    body = {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user."}]}
    rig.world.server.inject("github", method="POST", path=GRAPHQL, status=200, body=body)

    data = query_issue(rig.github())

    assert data["repository"]["issue"] == {"number": 1, "title": "Login fails for SSO users"}
    assert rig.statuses("github", "POST", GRAPHQL) == [200, 200]
    assert rig.clock.sleeps == [1.0]


def test_graphql_rate_limited_honours_retry_after(rig: Rig) -> None:
    body = {"errors": [{"type": "RATE_LIMITED", "message": "secondary rate limit"}]}
    rig.world.server.inject(
        "github", method="POST", path=GRAPHQL, status=200, retry_after=30, body=body
    )

    query_issue(rig.github())

    assert rig.clock.sleeps == [30.0]


def test_graphql_not_found_is_null_when_allowed(rig: Rig) -> None:
    data = query_issue(rig.github(), 404, allow_missing=True)

    assert data == {"repository": {"issue": None}}
    assert len(rig.log("github", "POST", GRAPHQL)) == 1
    assert rig.clock.sleeps == []


def test_graphql_not_found_fails_with_githubs_message_otherwise(rig: Rig) -> None:
    with pytest.raises(ApiFailure) as caught:
        query_issue(rig.github(), 404)

    assert "Could not resolve to an Issue with the number of 404." in str(caught.value)
    assert caught.value.exit_code == EXIT_FAILURE
    assert len(rig.log("github", "POST", GRAPHQL)) == 1
    assert rig.clock.sleeps == []


def test_graphql_other_errors_fail_at_once_even_beside_not_found(rig: Rig) -> None:
    body = {
        "data": {"repository": {"issue": None}},
        "errors": [
            {"type": "NOT_FOUND", "message": "Could not resolve to an Issue."},
            {"type": "FORBIDDEN", "message": "Resource not accessible by integration"},
        ],
    }
    rig.world.server.inject("github", method="POST", path=GRAPHQL, status=200, body=body)

    with pytest.raises(ApiFailure) as caught:
        query_issue(rig.github(), allow_missing=True)

    assert "Resource not accessible by integration" in str(caught.value)
    assert len(rig.log("github", "POST", GRAPHQL)) == 1
    assert rig.clock.sleeps == []


def test_graphql_invalid_document_fails_with_githubs_message(rig: Rig) -> None:
    with pytest.raises(ApiFailure) as caught:
        rig.github().graphql("query { viewer { noSuchField } }", {}, what="bad query")

    assert "noSuchField" in str(caught.value)
    assert len(rig.log("github", "POST", GRAPHQL)) == 1


def test_graphql_502_is_retried(rig: Rig) -> None:
    body = {"message": "Server Error"}
    rig.world.server.inject("github", method="POST", path=GRAPHQL, status=502, times=2, body=body)

    data = query_issue(rig.github())

    assert data["repository"]["issue"]["number"] == 1
    assert rig.statuses("github", "POST", GRAPHQL) == [502, 502, 200]
    assert rig.clock.sleeps == [1.0, 2.0]


def test_graphql_gives_up_without_leaking_the_token(rig: Rig) -> None:
    rig.world.server.inject("github", method="POST", path=GRAPHQL, status=503, times=100)

    with pytest.raises(ApiFailure) as caught:
        query_issue(rig.github())

    assert "gave up after 6 attempts" in str(caught.value)
    assert len(rig.log("github", "POST", GRAPHQL)) == 6
    assert_no_token(str(caught.value))
