"""Tokens: which values are refused, and where a token's destination deserves a warning."""

from __future__ import annotations

import io

import pytest

from sync.actions_runtime import Runtime
from sync.context import Context, destination_concern, read_token
from sync.errors import MissingTokenError, UsageError

GITHUB = "https://api.github.com"
ASANA = "https://app.asana.com/api/1.0"


@pytest.mark.parametrize(
    ("url", "default", "concern"),
    [
        ("https://api.github.com", GITHUB, None),
        ("https://api.github.com/graphql", GITHUB, None),
        ("http://127.0.0.1:8080/github", GITHUB, None),
        ("http://localhost/asana", ASANA, None),
        ("http://[::1]:9/x", ASANA, None),
        ("https://app.asana.com/api/1.0", ASANA, None),
        ("http://api.github.com", GITHUB, "unencrypted over plain http to api.github.com"),
        ("http://10.0.0.5/api", ASANA, "unencrypted over plain http to 10.0.0.5"),
        ("https://ghe.example.com/api/v3", GITHUB, "sent to ghe.example.com, not api.github.com"),
        ("https://asana.example.net", ASANA, "sent to asana.example.net, not app.asana.com"),
    ],
)
def test_destination_concerns(url: str, default: str, concern: str | None) -> None:
    found = destination_concern(url, default)
    assert (found is None) if concern is None else (found is not None and concern in found)


def test_a_token_going_to_an_unusual_host_is_warned_about_once_per_run() -> None:
    err = io.StringIO()
    env = {
        "GITHUB_TOKEN": "ghp_0123456789abcdef",
        "GITHUB_API_URL": "https://ghe.example.com/api/v3",
        "GITHUB_GRAPHQL_URL": "https://ghe.example.com/api/graphql",
    }
    context = Context(Runtime(env=env, stdout=io.StringIO(), stderr=err), config_path=None)  # type: ignore[arg-type]
    context.github()
    context.check_destination("GITHUB_TOKEN", "GITHUB_API_URL", env["GITHUB_API_URL"], GITHUB)
    assert err.getvalue() == (
        "warning: GITHUB_TOKEN is sent to ghe.example.com, not api.github.com: make sure you "
        "trust that host (from GITHUB_API_URL)\n"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "GITHUB_TOKEN is not set"),
        ("  \n", "GITHUB_TOKEN is not set"),
        ("ghp_abc\ndefghijk", "GITHUB_TOKEN holds a control character"),
        ("ghp_abc\tdefghijk", "GITHUB_TOKEN holds a control character"),
        ("ghp_abc\u2028defghijk", "GITHUB_TOKEN holds a control character"),
        ("ghp_abc\u200bdefghijk", "GITHUB_TOKEN holds a control character"),
        ("x", "GITHUB_TOKEN is only 1 characters long"),
        ("1234567", "GITHUB_TOKEN is only 7 characters long"),
    ],
)
def test_tokens_that_cannot_be_real_are_refused_naming_the_variable(
    value: str, message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        read_token({"GITHUB_TOKEN": value}, ["GITHUB_TOKEN"], "a token")
    assert str(refused.value).startswith(message)
    assert isinstance(refused.value, MissingTokenError) == ("not set" in message)


def test_a_token_pasted_with_its_newline_is_read_stripped() -> None:
    env = {"ASANA_ACCESS_TOKEN": " 2/123/456:abcdefgh\r\n"}
    assert read_token(env, ["ASANA_TOKEN", "ASANA_ACCESS_TOKEN"], "x") == "2/123/456:abcdefgh"
