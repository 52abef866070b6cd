"""A local, stateful emulator of the GitHub, Asana and Slack APIs community-sync uses.

``World`` runs all three on one loopback port; ``world.env()`` is the environment that points
the program at it. Tests and ``community-sync demo`` use it; it needs no network and no token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sync.emulator.asana_api import AsanaService
from sync.emulator.asana_state import AsanaState
from sync.emulator.core import Emulator
from sync.emulator.github_graphql import GraphQLEndpoint
from sync.emulator.github_rest import GitHubService
from sync.emulator.github_state import GitHubState
from sync.emulator.slack import SlackService, SlackState

GITHUB_TOKEN = "ghp_emulatorToken0000000000000000000000"  # noqa: S105 - a public fake
ASANA_TOKEN = "2/1200000000000000/1209999999999999:emulatortoken"  # noqa: S105 - a fake
BOT = "community-sync[bot]"  # the login both GitHub APIs act as
SLACK_PATH = "/services/T00000000/B00000000/emulatorSecret0000000000"


class World:
    """GitHub, Asana and Slack emulated together, with their states open to tests."""

    def __init__(
        self,
        *,
        github_token: str = GITHUB_TOKEN,
        asana_token: str = ASANA_TOKEN,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.github = GitHubState(clock) if clock else GitHubState()
        self.asana = AsanaState(clock) if clock else AsanaState()
        self.slack = SlackState()
        self.github_token, self.asana_token = github_token, asana_token
        self.server = Emulator(
            [
                ("/github", GitHubService(self.github, GraphQLEndpoint(self.github), viewer=BOT)),
                ("/asana/api/1.0", AsanaService(self.asana)),
                ("/slack", SlackService(self.slack)),
            ],
            tokens={"github": {github_token}, "asana": {asana_token}},
        )

    def start(self, port: int = 0) -> World:
        """Start serving on 127.0.0.1."""
        self.server.start(port)
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()

    def __enter__(self) -> World:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self, *, slack: bool = False) -> dict[str, str]:
        """Environment variables that point community-sync at this emulator."""
        url = self.server.url
        env = {
            "GITHUB_API_URL": f"{url}/github",
            "GITHUB_GRAPHQL_URL": f"{url}/github/graphql",
            "ASANA_BASE_URL": f"{url}/asana/api/1.0",
            "GITHUB_TOKEN": self.github_token,
            "ASANA_TOKEN": self.asana_token,
        }
        if slack:
            env["SLACK_WEBHOOK_URL"] = f"{url}/slack{SLACK_PATH}"
        return env
