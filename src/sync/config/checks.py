"""Checks across values: the same repository, login or name must not appear twice."""

from __future__ import annotations

from collections.abc import Mapping

from sync.config.values import _frozen, _login, _repo, _user
from sync.config.yaml_nodes import _Value


def _check_unique(values: list[tuple[_Value, str]], what: str) -> None:
    """Fail at the second of two values that are the same, ignoring case."""
    seen: dict[str, str] = {}
    for value, name in values:
        first = seen.setdefault(name.casefold(), value.path)
        if first != value.path:
            value.fail(f"{what} {name!r} is also at {first}, expected each once")


def _repositories(v: _Value) -> tuple[str, ...]:
    repositories = [(item, _repo(item)) for item in v.items()]
    if not repositories:
        v.expected("a list of owner/name (or no key, for GITHUB_REPOSITORY)")
    _check_unique(repositories, "repository")
    return tuple(name for _, name in repositories)


def _users(v: _Value) -> Mapping[str, str]:
    """GitHub login -> Asana user (email or gid)."""
    m = v.mapping(None)
    logins = {name: _login(key) for name, key in m.keys.items()}
    _check_unique([(m.keys[name], login) for name, login in logins.items()], "login")
    return _frozen({login: _user(m.entries[name]) for name, login in logins.items()})
