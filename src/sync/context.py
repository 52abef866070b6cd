"""What a command runs with: the runtime, the config and the API clients, built once."""

from __future__ import annotations

import ipaddress
import os
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sync.actions_runtime import MIN_SECRET_CHARS, Runtime
from sync.config import Config, load_config
from sync.errors import MissingTokenError, UsageError
from sync.retry import RetryPolicy

if TYPE_CHECKING:  # the SDKs load hundreds of modules: only commands that call an API pay
    from sync.asana.client import AsanaClient
    from sync.github.client import GitHubClient

TOKEN_VARIABLES = ("GITHUB_TOKEN", "ASANA_TOKEN", "ASANA_ACCESS_TOKEN", "SLACK_WEBHOOK_URL")
# Line and paragraph separators, other control and invisible format characters: never part of
# a token, and a line break in one would end a header or a workflow command early.
_NOT_IN_TOKENS = frozenset({"Cc", "Cf", "Zl", "Zp"})


@dataclass
class Context:
    """The entrypoint's objects, handed to a use case. Clients are made on first use."""

    runtime: Runtime
    config_path: Path
    dry_run: bool = False
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    _config: Config | None = None
    _github: GitHubClient | None = None
    _asana: AsanaClient | None = None
    _warned: set[tuple[str, str]] = field(default_factory=set)  # (token variable, destination)

    @property
    def env(self) -> Mapping[str, str]:
        """The process environment as the command sees it."""
        return self.runtime.env

    def config(self) -> Config:
        """The loaded config (exit 2 on any problem in it)."""
        if self._config is None:
            self._config = load_config(self.config_path, self.env)
        return self._config

    def github(self) -> GitHubClient:
        """The GitHub client (exit 2 when GITHUB_TOKEN is missing)."""
        if self._github is None:
            from sync.github.client import DEFAULT_API_URL, DEFAULT_GRAPHQL_URL, GitHubClient

            token = read_token(self.env, ["GITHUB_TOKEN"], "a token that can read issues")
            rest = api_url(self.env, "GITHUB_API_URL", DEFAULT_API_URL)
            graphql = api_url(self.env, "GITHUB_GRAPHQL_URL", DEFAULT_GRAPHQL_URL)
            self.check_destination("GITHUB_TOKEN", "GITHUB_API_URL", rest, DEFAULT_API_URL)
            self.check_destination("GITHUB_TOKEN", "GITHUB_GRAPHQL_URL", graphql, DEFAULT_API_URL)
            self._github = GitHubClient(
                token,
                rest,
                graphql,
                self.policy,
                write_interval=_seconds(self.env, "COMMUNITY_SYNC_WRITE_INTERVAL", 1.0),
            )
        return self._github

    def asana(self) -> AsanaClient:
        """The Asana client (exit 2 when neither ASANA_TOKEN nor ASANA_ACCESS_TOKEN is set)."""
        if self._asana is None:
            from sync.asana.client import DEFAULT_BASE_URL, AsanaClient
            from sync.asana.pacer import Pacer

            token = read_token(self.env, ASANA_TOKENS, "an Asana personal access token")
            config = self.config()
            per_minute = config.asana.rate_limit_per_minute if config.asana else None
            base_url = api_url(self.env, "ASANA_BASE_URL", DEFAULT_BASE_URL)
            self.check_destination("ASANA_TOKEN", "ASANA_BASE_URL", base_url, DEFAULT_BASE_URL)
            self._asana = AsanaClient(
                token,
                base_url,
                self.policy,
                pacer=Pacer(per_minute),
            )
        return self._asana

    def check_destination(self, token: str, variable: str, url: str, default: str) -> None:
        """Warn, once per run and destination, when `token` is about to go somewhere unusual."""
        concern = destination_concern(url, default)
        if concern and (token, concern) not in self._warned:
            self._warned.add((token, concern))
            self.runtime.warning(f"{token} {concern} (from {variable})")


ASANA_TOKENS = ("ASANA_TOKEN", "ASANA_ACCESS_TOKEN")


def read_token(env: Mapping[str, str], names: Sequence[str], purpose: str) -> str:
    """The first of `names` that is set, stripped (a pasted secret ends in a newline).

    Exit 2, naming the variable, when none is set, when it holds a control character (a line
    break inside would end a header or a workflow command early) or when it is shorter than
    any real token."""
    name, raw = next(((n, env[n]) for n in names if env.get(n)), (names[0], ""))
    token = raw.strip()
    if not token:
        raise MissingTokenError(names[0], purpose)
    if any(unicodedata.category(char) in _NOT_IN_TOKENS for char in token):
        raise UsageError(
            f"{name} holds a control character (a line break or tab inside it?): "
            "set it to the token alone, on one line"
        )
    if len(token) < MIN_SECRET_CHARS:
        raise UsageError(
            f"{name} is only {len(token)} characters long, shorter than any real token: "
            f"set it to {purpose}"
        )
    return token


def destination_concern(url: str, default: str) -> str | None:
    """Why sending a token to `url` deserves a warning, or None: plain http to a host that is
    not this machine, or https to another host than the service's own (right for GitHub
    Enterprise Server or a proxy you run; wrong if the variable was set by someone else)."""
    parts, usual = urlsplit(url), urlsplit(default)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and not _loopback(host):
        return f"would be sent unencrypted over plain http to {host}: use https"
    if parts.scheme == "https" and host != usual.hostname:
        return f"is sent to {host}, not {usual.hostname}: make sure you trust that host"
    return None


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_url(env: Mapping[str, str], name: str, default: str) -> str:
    """An API root from the environment (exit 2 when it is no http(s) URL with a host)."""
    value = env.get(name) or default
    try:
        parts = urlsplit(value)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        usable = False
    if not usable:
        raise UsageError(f"{name} is not an http(s) URL; set it to an API root like {default}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A duration in seconds from the environment (exit 2 when it is not a number >= 0)."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise UsageError(f"{name}={raw!r}: expected a number of seconds (0 or more)")
    return value


def secret_values(env: Mapping[str, str]) -> list[str]:
    """Every secret in the environment: the tokens, the Slack webhook URL and its key."""
    values = [env.get(name) or "" for name in TOKEN_VARIABLES]
    # An error may quote the webhook's path without its host: its last segment is the key.
    try:
        path = urlsplit((env.get("SLACK_WEBHOOK_URL") or "").strip()).path
    except ValueError:
        path = ""
    key = path.rstrip("/").rsplit("/", 1)[-1]
    return [v for v in values if v] + ([key] if len(key) >= 8 else [])


def make_runtime(env: Mapping[str, str] | None = None) -> Runtime:
    """A Runtime over the environment with every token registered as a secret."""
    runtime = Runtime(env=dict(os.environ if env is None else env))
    if env is None and runtime.in_actions:
        # The process's own streams pass the same guard, so that nothing else written to them
        # (a library's warning, a traceback at exit) can be read as a workflow command.
        sys.stdout, sys.stderr = runtime.stdout, runtime.stderr
    for value in secret_values(runtime.env):
        runtime.add_secret(value)
    return runtime
