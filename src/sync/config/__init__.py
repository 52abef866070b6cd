"""Load `.github/community-sync.yml` into one frozen, typed Config.

The YAML is composed into nodes, which keep their line numbers, and checked by walking them,
so every problem names the file, the line and the key path. Each dataclass field says in its
`Annotated` metadata how its YAML value is checked; its default is the dataclass default.

The package: ``model`` holds the frozen dataclasses, ``load`` reads and parses the file,
``yaml_nodes`` composes and walks the YAML nodes, ``build`` builds a dataclass from a mapping,
``values`` converts single values, ``checks`` refuses the same value twice, and ``errors`` holds
``ConfigError`` and its messages.
"""

from __future__ import annotations

from sync.config.errors import NOT_FOUND, SECTION_MISSING, ConfigError
from sync.config.load import load_config, parse_config
from sync.config.model import (
    AsanaConfig,
    AsanaFields,
    Community,
    Config,
    CshBoard,
    CshConfig,
    Escalation,
    ExtraField,
    GitHubConfig,
    Grooming,
    Invitees,
    OfficeHoursBoard,
    OfficeHoursConfig,
    Period,
    Schedule,
)
from sync.config.yaml_nodes import MAX_DEPTH, MAX_NODES

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "NOT_FOUND",
    "SECTION_MISSING",
    "AsanaConfig",
    "AsanaFields",
    "Community",
    "Config",
    "ConfigError",
    "CshBoard",
    "CshConfig",
    "Escalation",
    "ExtraField",
    "GitHubConfig",
    "Grooming",
    "Invitees",
    "OfficeHoursBoard",
    "OfficeHoursConfig",
    "Period",
    "Schedule",
    "load_config",
    "parse_config",
]
