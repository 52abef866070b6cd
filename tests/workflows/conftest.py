"""Fixtures that run this repository's workflows and actions against the emulator.

A `Machine` is one runner: a workspace that holds the config (as a checkout would), the
emulated GitHub, Asana and Slack behind the API URLs, the repository's secrets set to the
emulator's tokens, and the workflow's own GITHUB_TOKEN set to a token that, as on GitHub, may
use issues but not Projects, so a step that fell back to it instead of the secret fails to
read the board.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sync.emulator import World
from sync.emulator.github_webhooks import webhook_payload
from sync.emulator.seed import REPO, Seeded, seed_csh
from sync.emulator.seed_office_hours import (
    OFFICE_HOURS_CONFIG,
    SEEDED_NOW,
    OfficeHoursSeed,
    at,
    seed_office_hours,
)
from tests.e2e.conftest import check_requests_against_references
from tests.fakes import ManualClock as Clock
from tests.workflows.runner import ROOT, JobResult, Runner

WORKFLOWS = ROOT / ".github" / "workflows"
EXAMPLES = ROOT / "examples"
PLACEHOLDER = "example-org/community-sync/.github/workflows/community-sync.yml@" + "0" * 40


@dataclass
class Machine:
    """A seeded world and a runner whose workspace holds the config for it."""

    world: World
    seeded: Seeded
    runner: Runner
    clock: Clock | None = None
    office_hours: OfficeHoursSeed | None = None

    def at(self, moment: datetime) -> None:
        """Let GitHub and the office hours commands both see `moment` as now."""
        assert self.clock is not None, "only the office hours machine has a clock"
        self.clock.now = moment
        self.runner.machine_env["COMMUNITY_SYNC_NOW"] = moment.isoformat()

    def issues_event(
        self, action: str, number: int, repo: str = REPO, **extra: Any
    ) -> dict[str, Any]:
        """The payload GitHub would deliver for an `issues` event on the current state."""
        return webhook_payload(self.world.github, "issues", action, repo, number, **extra)

    def run(
        self,
        workflow: str,
        job: str,
        event_name: str,
        payload: Mapping[str, Any] | None = None,
        *,
        folder: Path = WORKFLOWS,
    ) -> JobResult:
        """Run one job of a workflow file for an event."""
        if payload is None:
            payload = {"schedule": "8,23,38,53 * * * *"} if event_name == "schedule" else {}
        return self.runner.run_job(folder / workflow, job, event_name=event_name, payload=payload)

    def leaked(self, result: JobResult) -> list[str]:
        """Secrets that show up unmasked in the log, the summary or any output."""
        texts = [
            *(line for line in result.log.splitlines() if not line.startswith("::add-mask::")),
            result.summary,
            json.dumps([s.outputs for s in result.all_steps()]),
        ]
        secrets = [self.world.github_token, self.world.asana_token, self.runner.github_token]
        return [s for s in secrets if any(s in text for text in texts)]


def install_stand_in(env: Mapping[str, str]) -> None:
    """What the skipped `id: install` step makes: `$CS_HOME/venv/bin/community-sync`.

    Here it runs the package under test (installed in this Python) instead of a fresh install.
    """
    command = Path(env["CS_HOME"]) / "venv" / "bin" / "community-sync"
    command.parent.mkdir(parents=True, exist_ok=True)
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sync "$@"\n', encoding="utf-8")
    command.chmod(0o755)


def make_machine(
    tmp_path: Path, world: World, clock: Clock | None = None, *, office_hours: bool = False
) -> Machine:
    """Seed the world, write the config into a workspace, and set up a runner for it."""
    seeded = seed_csh(world)
    seed = seed_office_hours(world) if office_hours else None
    workspace, temp = tmp_path / "workspace", tmp_path / "runner-temp"
    (workspace / ".github").mkdir(parents=True)
    temp.mkdir()
    config = seeded.config_yaml(rate_limit=100_000, extra=OFFICE_HOURS_CONFIG)
    (workspace / ".github" / "community-sync.yml").write_text(config, encoding="utf-8")
    # What the reusable workflow's second checkout puts there: community-sync at its commit.
    (workspace / ".community-sync").symlink_to(ROOT, target_is_directory=True)
    env = world.env()
    runner = Runner(
        workspace=workspace,
        temp=temp,
        repository=REPO,
        secrets={
            "ASANA_TOKEN": world.asana_token,
            "COMMUNITY_SYNC_GITHUB_TOKEN": world.github_token,
        },
        machine_env={
            # What a job's `env:` could set: Asana's root (the runner sets GitHub's), and no
            # pause between GitHub writes.
            "ASANA_BASE_URL": env["ASANA_BASE_URL"],
            "COMMUNITY_SYNC_WRITE_INTERVAL": "0",
        },
        api_url=env["GITHUB_API_URL"],
        graphql_url=env["GITHUB_GRAPHQL_URL"],
        remote={PLACEHOLDER: WORKFLOWS / "community-sync.yml"},
        install_stand_in=install_stand_in,
    )
    # The workflow's own GITHUB_TOKEN, as GitHub makes it: good for issues, refused by Projects.
    world.server.tokens["github"].add(runner.github_token)
    world.github.project_denied_tokens.add(runner.github_token)
    return Machine(world, seeded, runner, clock, seed)


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[Machine]:
    """A CSH world (the support repository, the board, Asana) and a runner."""
    with World() as world:
        yield make_machine(tmp_path, world)
        check_requests_against_references(world)


@pytest.fixture
def oh_machine(tmp_path: Path) -> Iterator[Machine]:
    """The CSH world plus office hours (board #9, topics), on the seeded day 2026-01-15."""
    clock = Clock(at(2025, 10, 1))
    with World(clock=clock) as world:
        machine = make_machine(tmp_path, world, clock, office_hours=True)
        machine.at(SEEDED_NOW)
        yield machine
        check_requests_against_references(world)
