"""examples/community-sync.yml: the complete example config loads with the real loader, names
every key of the config model, and explains each key in a comment."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml

from sync.config import Config, load_config
from sync.config.model import AsanaConfig, CshConfig, GitHubConfig, OfficeHoursConfig

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "community-sync.yml"
SECTIONS = {
    "github": GitHubConfig,
    "asana": AsanaConfig,
    "csh": CshConfig,
    "office_hours": OfficeHoursConfig,
}
KEY_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[a-z_]+):")


def model_keys(cls: type, prefix: str) -> set[str]:
    """Every key path the config model accepts under `prefix` (list items as `[]`)."""
    keys: set[str] = set()
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        path = f"{prefix}.{field.name}"
        keys.add(path)
        inner = _dataclass_in(hints[field.name])
        if inner is not None:
            item = path + "[]" if _is_sequence(hints[field.name]) else path
            keys |= model_keys(inner, item)
    return keys


def _dataclass_in(hint: Any) -> type | None:
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return hint
    for arg in typing.get_args(hint):
        found = _dataclass_in(arg)
        if found is not None:
            return found
    return None


def _is_sequence(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_is_sequence(arg) for arg in typing.get_args(hint))
    return origin is tuple


def yaml_keys(value: Any, prefix: str) -> set[str]:
    """Every key path present in the parsed YAML."""
    keys: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            keys.add(path)
            keys |= yaml_keys(child, path)
    elif isinstance(value, list):
        for item in value:
            keys |= yaml_keys(item, prefix + "[]")
    return keys


def test_the_example_loads_with_the_real_loader() -> None:
    config = load_config(EXAMPLE, {})

    assert isinstance(config, Config)
    assert config.asana is not None and config.asana.project == "1200000000000002"
    assert config.csh is not None and len(config.csh.communities) == 2
    assert config.csh.board is not None and len(config.csh.board.extra_fields) == 4
    assert config.office_hours is not None and config.office_hours.remind_hours_before == 24


def test_the_example_names_every_key_of_the_model() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    present = yaml_keys(yaml.safe_load(text), "")
    # A key shown in a comment only (the template path, which must exist once set; the other
    # form of a report).
    in_comments = set(re.findall(r"(\w+): ", " ".join(re.findall(r"#.*", text))))
    wanted = set(SECTIONS)
    for section, cls in SECTIONS.items():
        wanted |= model_keys(cls, section)

    missing = {key for key in wanted - present if key.rpartition(".")[2] not in in_comments}
    assert sorted(missing) == []


def test_every_key_is_explained_by_a_comment() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    ancestors: list[tuple[int, str]] = []  # (indent, comment text) of the enclosing keys
    unexplained = []
    for number, line in enumerate(lines):
        match = KEY_LINE.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        indent, key = len(match["indent"]), match["key"]
        ancestors = [(i, c) for i, c in ancestors if i < indent]
        own = line.partition(" #")[2]
        above = number - 1
        while above >= 0 and lines[above].lstrip().startswith("#"):
            own += lines[above]
            above -= 1
        if not own and not any(key in comment for _, comment in ancestors):
            unexplained.append(line.strip())
        ancestors.append((indent, own))

    assert "\n".join(unexplained) == ""


def test_the_readme_config_table_has_every_key() -> None:
    readme = (EXAMPLE.parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    rows = {
        match[1]: line
        for line in table.splitlines()
        if (match := re.match(r"^\| `([\w.\[\]]+)` \|", line))
    }
    wanted = set()
    for section, cls in SECTIONS.items():
        wanted |= model_keys(cls, section)
    missing = [key for key in sorted(wanted) if not _documented(key, rows)]

    assert missing == []


def _documented(key: str, rows: dict[str, str]) -> bool:
    """A row of its own, rows for its keys, or a row of its parent naming it in `{...}`."""
    if key in rows or any(row.startswith((key + ".", key + "[].")) for row in rows):
        return True
    parent, _, leaf = key.rpartition(".")
    parent_row = rows.get(parent.removesuffix("[]"), "")
    return re.search(rf"[{{,]\s*{leaf}\b", parent_row) is not None
