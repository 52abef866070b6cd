"""Value converters: one YAML value -> text, number, date, time, time zone, login, ..."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from yaml.nodes import ScalarNode

from sync.config.yaml_nodes import TEXT_TAGS, YAML_TAG, YamlValue

T = TypeVar("T")

_LOGIN = re.compile(r"@?[A-Za-z0-9][A-Za-z0-9-]{0,38}")
REPO_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def as_text(v: YamlValue) -> str:
    raw = v.scalar(TEXT_TAGS, "text")
    if not raw.strip():
        v.expected("non-empty text")
    return raw


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[YamlValue], str]:
    def convert(v: YamlValue) -> str:
        raw = v.scalar(TEXT_TAGS, what)
        if not pattern.fullmatch(raw):
            v.expected(what)
        return raw

    return convert


as_gid = _matching(re.compile(r"[0-9]{1,40}"), 'an Asana gid of digits, e.g. "1200000000000001"')
as_repo = _matching(REPO_PATTERN, "a repository as owner/name")
as_key = _matching(re.compile(r"\S+"), "a community key without spaces")
as_user = _matching(re.compile(r"[^@\s]+@[^@\s]+|[0-9]+"), "an Asana user email or gid")


as_env_name = _matching(re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}"), "an environment variable name")


def as_url(v: YamlValue) -> str:
    """An http(s) URL (it ends up in agendas and calendar entries)."""
    raw = v.scalar(TEXT_TAGS, "an http(s) URL")
    if not re.fullmatch(r"https?://[^\s<>\"]+", raw):
        v.expected("an http(s) URL")
    return raw


def as_login(v: YamlValue) -> str:
    """A GitHub login; a leading @ is dropped since people write logins that way."""
    return _matching(_LOGIN, "a GitHub login")(v).removeprefix("@")


def _construct(v: YamlValue, tag: str, what: str) -> object:
    """Let PyYAML build an int or a float, as YAML 1.1 spells them (1_000, 0x1f, .inf)."""
    v.scalar({YAML_TAG + tag}, what)
    assert isinstance(v.node, ScalarNode)
    constructor = yaml.constructor.SafeConstructor()
    try:
        if tag == "int":
            return constructor.construct_yaml_int(v.node)
        return constructor.construct_yaml_float(v.node)
    except (ValueError, IndexError):  # how PyYAML fails on a malformed explicit `!!int`
        v.expected(what)


def as_int(low: int, high: int | None = None) -> Callable[[YamlValue], int]:
    what = f"a whole number from {low} to {high}" if high else f"a whole number of at least {low}"

    def convert(v: YamlValue) -> int:
        number = _construct(v, "int", what)
        if not isinstance(number, int) or number < low or (high is not None and number > high):
            v.expected(what)
        return number

    return convert


def as_hours(v: YamlValue) -> float:
    what = "a number of hours of at least 0"
    number = _construct(v, "float" if v.node.tag == YAML_TAG + "float" else "int", what)
    if not isinstance(number, int | float) or not math.isfinite(number) or number < 0:
        v.expected(what)
    return float(number)


def as_bool(v: YamlValue) -> bool:
    raw = v.scalar({YAML_TAG + "bool"}, "true or false")
    value = yaml.constructor.SafeConstructor.bool_values.get(raw.lower())
    return v.expected("true or false") if value is None else value


def as_date(v: YamlValue) -> date:
    what = "a date YYYY-MM-DD"
    found = _DATE.fullmatch(v.scalar({YAML_TAG + "timestamp", YAML_TAG + "str"}, what))
    try:
        return date(int(found[1]), int(found[2]), int(found[3])) if found else v.expected(what)
    except ValueError:
        v.expected(what)


def as_time(v: YamlValue) -> time:
    # Unquoted 16:00 is a YAML 1.1 base-60 int (960); its source text is still "16:00".
    what = 'a time "HH:MM"'
    found = _TIME.fullmatch(v.scalar({YAML_TAG + "str", YAML_TAG + "int"}, what))
    try:
        return time(int(found[1]), int(found[2])) if found else v.expected(what)
    except ValueError:
        v.expected(what)


def as_zone(v: YamlValue) -> str:
    what = "an IANA time zone such as Europe/Berlin or UTC"
    name = v.scalar({YAML_TAG + "str"}, what)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        v.expected(what)
    return name


def as_path(v: YamlValue) -> Path:
    return Path(as_text(v))


def frozen_map(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)


def list_of(convert: Callable[[YamlValue], T]) -> Callable[[YamlValue], tuple[T, ...]]:
    return lambda v: tuple(convert(item) for item in v.items())
