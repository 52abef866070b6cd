"""Loading: read `.github/community-sync.yml` and parse it into a Config."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from yaml.nodes import MappingNode

from sync.config.build import section_of
from sync.config.errors import NOT_FOUND, ConfigError
from sync.config.model import (
    SECTIONS,
    AsanaConfig,
    Config,
    CshConfig,
    GitHubConfig,
    OfficeHoursConfig,
)
from sync.config.values import REPO_PATTERN
from sync.config.yaml_nodes import YAML_TAG, YamlValue, compose


def load_config(path: str | Path, env: Mapping[str, str]) -> Config:
    """Read and validate the config file at `path`."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(file, None, "", NOT_FOUND) from None
    except OSError as err:
        raise ConfigError(file, None, "", f"cannot read the file ({err.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        message = f"byte 0x{data[err.start]:02x} is not UTF-8, expected a UTF-8 text file"
        raise ConfigError(file, line, "", message) from None
    return parse_config(text, file, env)


def parse_config(text: str, filename: str, env: Mapping[str, str]) -> Config:
    """Validate config `text` (named `filename` in errors) into a Config."""
    root = compose(text, filename)
    if root is None or root.tag == YAML_TAG + "null":  # an empty file: every section absent
        root = MappingNode(YAML_TAG + "map", [])
    top = YamlValue(filename, root, "").mapping(SECTIONS)
    github = top.opt("github", section_of(GitHubConfig), GitHubConfig())
    return Config(
        path=Path(filename),
        github=github if github.repositories else _env_github(filename, env),
        asana=top.opt("asana", section_of(AsanaConfig), None),
        csh=top.opt("csh", section_of(CshConfig), None),
        office_hours=top.opt("office_hours", section_of(OfficeHoursConfig), None),
    )


def _env_github(file: str, env: Mapping[str, str]) -> GitHubConfig:
    """The default repositories: the one the workflow runs in, if any."""
    default = env.get("GITHUB_REPOSITORY", "")
    if default and not REPO_PATTERN.fullmatch(default):
        message = f"GITHUB_REPOSITORY is {default!r}, expected owner/name"
        raise ConfigError(file, None, "github.repositories", message)
    return GitHubConfig((default,) if default else ())
