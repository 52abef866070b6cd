"""End-to-end fixtures: the real CLI against the emulator, over real HTTP.

After every test, each request the program sent is checked against the real API
descriptions: Asana bodies against Asana's OpenAPI, GraphQL documents against GitHub's schema.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from graphql import parse, validate

from sync.actions_runtime import Runtime
from sync.cli import run
from sync.emulator import World
from sync.emulator.github_webhooks import webhook_payload
from sync.emulator.seed import REPO, Seeded, seed_csh
from sync.retry import RetryPolicy
from tests.emulator.asana_conformance import validate_recorded_requests
from tests.reference import REFERENCE, github_schema


@dataclass
class Result:
    """What one CLI run printed and wrote."""

    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""


@dataclass
class Harness:
    """A seeded world, a config file, and ways to run the CLI against them."""

    world: World
    seeded: Seeded
    folder: Path
    events: int = 0

    @property
    def config(self) -> Path:
        return self.folder / "community-sync.yml"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment a workflow step would have."""
        return {
            "GITHUB_OUTPUT": str(self.folder / "output"),
            "GITHUB_STEP_SUMMARY": str(self.folder / "summary"),
            "GITHUB_REPOSITORY": REPO,
            "COMMUNITY_SYNC_WRITE_INTERVAL": "0",
            **self.world.env(),
            **extra,
        }

    def write_event(self, event: str, action: str, number: int, **extra: Any) -> Path:
        """Write a real-shaped webhook payload; return its path."""
        payload = webhook_payload(self.world.github, event, action, REPO, number, **extra)
        self.events += 1
        path = self.folder / f"event-{self.events}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path

    def cli(self, *argv: str, policy: RetryPolicy | None = None, **env: str) -> Result:
        """Run the CLI in this process (fast) with the workflow environment."""
        for name in ("output", "summary"):
            (self.folder / name).write_text("", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        runtime = Runtime(env=self.env(**env), stdout=out, stderr=err)
        code = run(["--config", str(self.config), *argv], runtime=runtime, policy=policy)
        return self._result(code, out.getvalue(), err.getvalue())

    def process(self, *argv: str, **env: str) -> subprocess.Popen[str]:
        """Start the CLI as its own process (the console entry point's module)."""
        command = [sys.executable, "-m", "sync", "--config", str(self.config), *argv]
        full_env = {**os.environ, **self.env(**env)}
        return subprocess.Popen(
            command, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def event(self, action: str, number: int, *, event: str = "issues", **extra: Any) -> Result:
        """Deliver an event to `community-sync issue` (in process)."""
        path = self.write_event(event, action, number, **extra)
        return self.cli("issue", "--event", str(path), "--event-name", event)

    def _result(self, code: int, stdout: str, stderr: str) -> Result:
        outputs = {}
        for line in (self.folder / "output").read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep:
                outputs[key] = value
        summary = (self.folder / "summary").read_text(encoding="utf-8")
        return Result(code, stdout, stderr, outputs, summary)


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    """A started, seeded world whose every request is checked against the references."""
    with World() as world:
        seeded = seed_csh(world)
        (tmp_path / "community-sync.yml").write_text(
            seeded.config_yaml(rate_limit=100_000), encoding="utf-8"
        )
        yield Harness(world, seeded, tmp_path)
        check_requests_against_references(world)


def check_requests_against_references(world: World) -> None:
    """Every Asana body and GraphQL document the program sent matches the real APIs."""
    if not REFERENCE.exists():
        return
    validate_recorded_requests(world.server.requests, "asana")
    schema = github_schema()
    for request in world.server.requests:
        if request.service == "github" and request.path == "/graphql":
            query = request.json()["query"]
            errors = validate(schema, parse(query))
            assert [e.message for e in errors] == [], query
