"""Checks across values: the same repository, login or name must not appear twice."""

from __future__ import annotations

from collections.abc import Mapping

from sync.config.values import as_login, as_repo, as_user, frozen_map
from sync.config.yaml_nodes import YamlValue


def check_unique(values: list[tuple[YamlValue, str]], what: str) -> None:
    """Fail at the second of two values that are the same, ignoring case."""
    seen: dict[str, str] = {}
    for value, name in values:
        first = seen.setdefault(name.casefold(), value.path)
        if first != value.path:
            value.fail(f"{what} {name!r} is also at {first}, expected each once")


def as_repositories(v: YamlValue) -> tuple[str, ...]:
    repositories = [(item, as_repo(item)) for item in v.items()]
    if not repositories:
        v.expected("a list of owner/name (or no key, for GITHUB_REPOSITORY)")
    check_unique(repositories, "repository")
    return tuple(name for _, name in repositories)


def as_users(v: YamlValue) -> Mapping[str, str]:
    """GitHub login -> Asana user (email or gid)."""
    m = v.mapping(None)
    logins = {name: as_login(key) for name, key in m.keys.items()}
    check_unique([(m.keys[name], login) for name, login in logins.items()], "login")
    return frozen_map({login: as_user(m.entries[name]) for name, login in logins.items()})
