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

from sync.config.yaml_nodes import _TAG, _TEXT_TAGS, _Value

T = TypeVar("T")

_LOGIN = re.compile(r"@?[A-Za-z0-9][A-Za-z0-9-]{0,38}")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def _text(v: _Value) -> str:
    raw = v.scalar(_TEXT_TAGS, "text")
    if not raw.strip():
        v.expected("non-empty text")
    return raw


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[_Value], str]:
    def convert(v: _Value) -> str:
        raw = v.scalar(_TEXT_TAGS, what)
        if not pattern.fullmatch(raw):
            v.expected(what)
        return raw

    return convert


_gid = _matching(re.compile(r"[0-9]{1,40}"), 'an Asana gid of digits, e.g. "1200000000000001"')
_repo = _matching(_REPO, "a repository as owner/name")
_key = _matching(re.compile(r"\S+"), "a community key without spaces")
_user = _matching(re.compile(r"[^@\s]+@[^@\s]+|[0-9]+"), "an Asana user email or gid")


_env_name = _matching(re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}"), "an environment variable name")


def _url(v: _Value) -> str:
    """An http(s) URL (it ends up in agendas and calendar entries)."""
    raw = v.scalar(_TEXT_TAGS, "an http(s) URL")
    if not re.fullmatch(r"https?://[^\s<>\"]+", raw):
        v.expected("an http(s) URL")
    return raw


def _login(v: _Value) -> str:
    """A GitHub login; a leading @ is dropped since people write logins that way."""
    return _matching(_LOGIN, "a GitHub login")(v).removeprefix("@")


def _construct(v: _Value, tag: str, what: str) -> object:
    """Let PyYAML build an int or a float, as YAML 1.1 spells them (1_000, 0x1f, .inf)."""
    v.scalar({_TAG + tag}, what)
    assert isinstance(v.node, ScalarNode)
    constructor = yaml.constructor.SafeConstructor()
    try:
        if tag == "int":
            return constructor.construct_yaml_int(v.node)
        return constructor.construct_yaml_float(v.node)
    except (ValueError, IndexError):  # how PyYAML fails on a malformed explicit `!!int`
        v.expected(what)


def _int(low: int, high: int | None = None) -> Callable[[_Value], int]:
    what = f"a whole number from {low} to {high}" if high else f"a whole number of at least {low}"

    def convert(v: _Value) -> int:
        number = _construct(v, "int", what)
        if not isinstance(number, int) or number < low or (high is not None and number > high):
            v.expected(what)
        return number

    return convert


def _hours(v: _Value) -> float:
    what = "a number of hours of at least 0"
    number = _construct(v, "float" if v.node.tag == _TAG + "float" else "int", what)
    if not isinstance(number, int | float) or not math.isfinite(number) or number < 0:
        v.expected(what)
    return float(number)


def _bool(v: _Value) -> bool:
    raw = v.scalar({_TAG + "bool"}, "true or false")
    value = yaml.constructor.SafeConstructor.bool_values.get(raw.lower())
    return v.expected("true or false") if value is None else value


def _date(v: _Value) -> date:
    what = "a date YYYY-MM-DD"
    found = _DATE.fullmatch(v.scalar({_TAG + "timestamp", _TAG + "str"}, what))
    try:
        return date(int(found[1]), int(found[2]), int(found[3])) if found else v.expected(what)
    except ValueError:
        v.expected(what)


def _time(v: _Value) -> time:
    # Unquoted 16:00 is a YAML 1.1 base-60 int (960); its source text is still "16:00".
    what = 'a time "HH:MM"'
    found = _TIME.fullmatch(v.scalar({_TAG + "str", _TAG + "int"}, what))
    try:
        return time(int(found[1]), int(found[2])) if found else v.expected(what)
    except ValueError:
        v.expected(what)


def _zone(v: _Value) -> str:
    what = "an IANA time zone such as Europe/Berlin or UTC"
    name = v.scalar({_TAG + "str"}, what)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        v.expected(what)
    return name


def _path(v: _Value) -> Path:
    return Path(_text(v))


def _frozen(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)


def _list(convert: Callable[[_Value], T]) -> Callable[[_Value], tuple[T, ...]]:
    return lambda v: tuple(convert(item) for item in v.items())
