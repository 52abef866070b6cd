"""Load `.github/community-sync.yml` into one frozen, typed Config.

The YAML is composed into nodes, which keep their line numbers, and checked by walking them,
so every problem names the file, the line and the key path. Each dataclass field says in its
`Annotated` metadata how its YAML value is checked; its default is the dataclass default.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    NoReturn,
    TypeVar,
    get_type_hints,
    overload,
)
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")
D = TypeVar("D")
DC = TypeVar("DC", bound="DataclassInstance")

MAX_NODES = 10_000  # a real config has a few hundred values; more means an alias bomb
MAX_DEPTH = 64  # PyYAML composes recursively: deeper nesting would exhaust the stack
NOT_FOUND = "config file not found; pass --config PATH or create .github/community-sync.yml"
SECTION_MISSING = "section missing, it is needed by this command"

_TAG = "tag:yaml.org,2002:"
_PLAIN_KINDS = ("str", "int", "float", "bool", "null", "timestamp", "merge", "value")
_TEXT_TAGS = {_TAG + t for t in ("str", "int", "float", "merge", "value")}
_LOGIN = re.compile(r"@?[A-Za-z0-9][A-Za-z0-9-]{0,38}")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


class ConfigError(Exception):
    """A config problem; str() is '<file>:<line>: <key.path>: <what is wrong>, <expected>'."""

    def __init__(self, file: str, line: int | None, key: str, message: str) -> None:
        super().__init__(file, line, key, message)
        self.file = file
        self.line = line
        self.key = key
        self.message = message

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = ": ".join([where, *([self.key] if self.key else []), self.message])
        return " ".join(text.splitlines())


# ---- the typed config ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GitHubConfig:
    repositories: Annotated[tuple[str, ...], _repositories] = ()


@dataclass(frozen=True, slots=True)
class AsanaFields:
    github_url: Annotated[str, _text] = "GitHub URL"
    github_hours: Annotated[str, _text] = "GitHub Hours"


@dataclass(frozen=True, slots=True)
class AsanaConfig:
    workspace: Annotated[str, _gid]
    project: Annotated[str, _gid]
    fields: Annotated[AsanaFields, _section(AsanaFields)] = field(default_factory=AsanaFields)
    # the Asana plan's request limit: 150 a minute on free plans, 1500 on paid ones
    rate_limit_per_minute: Annotated[int, _int(1, 100_000)] = 150


@dataclass(frozen=True, slots=True)
class ExtraField:
    github: Annotated[str, _text]
    asana: Annotated[str, _text]  # custom field name or gid, or the task's `start_on` / `due_on`


@dataclass(frozen=True, slots=True)
class CshBoard:
    owner: Annotated[str, _login]
    number: Annotated[int, _int(1)]
    hours_field: Annotated[str, _text] = "Hours spent"
    community_field: Annotated[str | None, _text] = None
    require_hours_to_close: Annotated[bool, _bool] = True
    extra_fields: Annotated[tuple[ExtraField, ...], _extra_fields] = ()


@dataclass(frozen=True, slots=True)
class Period:
    start: Annotated[date, _date]
    end: Annotated[date, _date]


@dataclass(frozen=True, slots=True)
class Community:
    key: Annotated[str, _key]
    name: Annotated[str, _text]
    asana_task: Annotated[str, _gid]
    contracted_hours: Annotated[float | None, _hours] = None
    period: Annotated[Period | None, _period] = None


@dataclass(frozen=True, slots=True)
class CshConfig:
    label: Annotated[str, _text] = "CSH"
    board: Annotated[CshBoard | None, _section(CshBoard)] = None
    community_label_prefix: Annotated[str, _text] = "community:"
    communities: Annotated[tuple[Community, ...], _communities] = ()
    users: Annotated[Mapping[str, str], _users] = field(default_factory=lambda: _frozen({}))

    def community_by_key_or_name(self, value: str) -> Community | None:
        """Return the community whose key or name is `value`, ignoring case."""
        wanted = value.strip().casefold()
        matches = (c for c in self.communities if wanted in (c.key.casefold(), c.name.casefold()))
        return next(matches, None)

    def community_by_task(self, gid: str) -> Community | None:
        """Return the community whose Asana task is `gid`."""
        return next((c for c in self.communities if c.asana_task == str(gid)), None)


@dataclass(frozen=True, slots=True)
class OfficeHoursBoard:
    owner: Annotated[str, _login]
    number: Annotated[int, _int(1)]
    status_field: Annotated[str, _text] = "Status"
    up_next: Annotated[str, _text] = "Up Next"
    discussed: Annotated[str, _text] = "Discussed"


@dataclass(frozen=True, slots=True)
class Schedule:
    first_session: Annotated[date, _date]
    every_days: Annotated[int, _int(1, 366)] = 14
    start: Annotated[time, _time] = time(16, 0)
    timezone: Annotated[str, _zone] = "UTC"
    duration_minutes: Annotated[int, _int(1, 1440)] = 60
    prepare_days: Annotated[int, _int(0, 366)] = 7


@dataclass(frozen=True, slots=True)
class Escalation:
    channel: Annotated[str | None, _text] = None
    issue_label: Annotated[str, _text] = "office-hours-planning"
    community_label: Annotated[str, _text] = "needs-community"


@dataclass(frozen=True, slots=True)
class Grooming:
    engineers: Annotated[tuple[str, ...], _list(_login)] = ()
    min_body_chars: Annotated[int, _int(0)] = 200


@dataclass(frozen=True, slots=True)
class Invitees:
    stale_pr_days: Annotated[int, _int(0)] = 30
    proposal_labels: Annotated[tuple[str, ...], _list(_text)] = ()


@dataclass(frozen=True, slots=True)
class OfficeHoursConfig:
    repository: Annotated[str, _repo]
    board: Annotated[OfficeHoursBoard, _section(OfficeHoursBoard)]
    schedule: Annotated[Schedule, _section(Schedule)]
    min_topics: Annotated[int, _int(0, 1000)] = 3
    topic_minutes: Annotated[int, _int(1, 1440)] = 15
    qa_minutes: Annotated[int, _int(0, 1440)] = 45
    extra_timezones: Annotated[tuple[str, ...], _list(_zone)] = ()
    recording_notice: Annotated[bool, _bool] = True
    template: Annotated[Path | None, _path] = None  # as written: relative to the working dir
    topic_label: Annotated[str, _text] = "office-hours"
    escalation: Annotated[Escalation, _section(Escalation)] = field(default_factory=Escalation)
    grooming: Annotated[Grooming, _section(Grooming)] = field(default_factory=Grooming)
    invitees: Annotated[Invitees, _section(Invitees)] = field(default_factory=Invitees)


_SECTIONS = ("github", "asana", "csh", "office_hours")
_Section = GitHubConfig | AsanaConfig | CshConfig | OfficeHoursConfig


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    github: GitHubConfig
    asana: AsanaConfig | None = None
    csh: CshConfig | None = None
    office_hours: OfficeHoursConfig | None = None

    @overload
    def require(self, section: Literal["github"]) -> GitHubConfig: ...
    @overload
    def require(self, section: Literal["asana"]) -> AsanaConfig: ...
    @overload
    def require(self, section: Literal["csh"]) -> CshConfig: ...
    @overload
    def require(self, section: Literal["office_hours"]) -> OfficeHoursConfig: ...

    def require(self, section: str) -> _Section:
        """Return the named section, or raise ConfigError when it is absent."""
        if section not in _SECTIONS:
            raise ValueError(f"unknown config section {section!r}")
        value: _Section | None = getattr(self, section)
        if isinstance(value, GitHubConfig) and not value.repositories:
            message = "no repositories, set github.repositories or GITHUB_REPOSITORY"
            raise ConfigError(str(self.path), None, "github.repositories", message)
        if value is None:
            raise ConfigError(str(self.path), None, section, SECTION_MISSING)
        return value


# ---- loading -------------------------------------------------------------------------------


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
    root = _compose(text, filename)
    if root is None or root.tag == _TAG + "null":  # an empty file: every section absent
        root = MappingNode(_TAG + "map", [])
    top = _Value(filename, root, "").mapping(_SECTIONS)
    github = top.opt("github", _section(GitHubConfig), GitHubConfig())
    return Config(
        path=Path(filename),
        github=github if github.repositories else _env_github(filename, env),
        asana=top.opt("asana", _section(AsanaConfig), None),
        csh=top.opt("csh", _section(CshConfig), None),
        office_hours=top.opt("office_hours", _section(OfficeHoursConfig), None),
    )


def _env_github(file: str, env: Mapping[str, str]) -> GitHubConfig:
    """The default repositories: the one the workflow runs in, if any."""
    default = env.get("GITHUB_REPOSITORY", "")
    if default and not _REPO.fullmatch(default):
        message = f"GITHUB_REPOSITORY is {default!r}, expected owner/name"
        raise ConfigError(file, None, "github.repositories", message)
    return GitHubConfig((default,) if default else ())


def _compose(text: str, file: str) -> Node | None:
    """Compose YAML into nodes, turning every YAML problem into a ConfigError."""
    try:
        _check_depth(text, file)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        line = _mark_line(err.problem_mark or err.context_mark)
        problem = ": ".join(" ".join(p.split()) for p in (err.context, err.problem) if p)
        raise ConfigError(file, line, "", f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        message = f"character #x{err.character:04x} is not allowed, expected printable text"
        raise ConfigError(file, line, "", message) from None
    except yaml.YAMLError as err:
        raise ConfigError(file, None, "", f"invalid YAML: {err}") from None
    if root is not None:
        _check_size(root, file)
    return root


def _check_depth(text: str, file: str) -> None:
    """Refuse nesting deep enough to exhaust the stack of PyYAML's recursive composer."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                message = f"nested more than {MAX_DEPTH} levels deep, expected a flat config"
                raise ConfigError(file, _mark_line(event.start_mark), "", message)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_size(root: Node, file: str) -> None:
    """Count nodes with aliases expanded; fail fast on alias bombs and recursive anchors."""
    stack, count = [root], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            message = f"expands to more than {MAX_NODES} values (aliases nested too deep?)"
            raise ConfigError(file, _line(node), "", message + ", expected a small config")
        if isinstance(node, MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def _mark_line(mark: Any) -> int | None:
    return None if mark is None else int(mark.line) + 1


def _line(node: Node) -> int | None:
    return _mark_line(node.start_mark)


def _join(path: str, key: str) -> str:
    segment = key if key.isprintable() and key.strip() == key and key else repr(key)
    return f"{path}.{segment}" if path else segment


def _describe(node: Node) -> str:
    """How a wrong value reads in an error: 'a list', 'the number 3', "'abc'"."""
    if node.tag.removeprefix(_TAG) not in ("map", "seq", *_PLAIN_KINDS):
        return f"a value tagged {node.tag!r}"
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    raw = str(node.value)
    shown = repr(raw if len(raw) <= 40 else raw[:37] + "...")
    kinds = {"null": "no value", "bool": f"the boolean {shown}", "int": f"the number {shown}"}
    kinds.update(float=f"the number {shown}", timestamp=f"the date {shown}")
    return kinds.get(node.tag.removeprefix(_TAG), shown)


# ---- walking nodes -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Value:
    """A YAML node with the file and the key path it came from."""

    file: str
    node: Node
    path: str

    def fail(self, message: str) -> NoReturn:
        raise ConfigError(self.file, _line(self.node), self.path, message)

    def expected(self, what: str) -> NoReturn:
        self.fail(f"got {_describe(self.node)}, expected {what}")

    def scalar(self, tags: Collection[str], what: str) -> str:
        if not isinstance(self.node, ScalarNode) or self.node.tag not in tags:
            plain = isinstance(self.node, ScalarNode) and self.node.tag != _TAG + "null"
            quotable = plain and _TAG + "str" in tags
            self.expected(what + (" (put it in quotes)" if quotable else ""))
        return str(self.node.value)

    def items(self) -> list[_Value]:
        if not isinstance(self.node, SequenceNode) or self.node.tag != _TAG + "seq":
            self.expected("a list")
        return [_Value(self.file, n, f"{self.path}[{i}]") for i, n in enumerate(self.node.value)]

    def mapping(self, allowed: Collection[str] | None) -> _Map:
        if not isinstance(self.node, MappingNode) or self.node.tag != _TAG + "map":
            self.expected("a mapping of keys to values")
        entries = self._entries()
        keys = {
            name: _Value(self.file, k, _join(self.path, name)) for name, (k, _) in entries.items()
        }
        for name, key in keys.items():
            if allowed is not None and name not in allowed:
                _unknown_key(key, name, allowed)
        values = {name: _Value(self.file, v, keys[name].path) for name, (_, v) in entries.items()}
        return _Map(self, values, keys)

    def _entries(self) -> dict[str, tuple[Node, Node]]:
        """Key -> (key node, value node), with `<<` merges applied and duplicates refused."""
        explicit: dict[str, tuple[Node, Node]] = {}
        merged: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in self.node.value:
            if key_node.tag == _TAG + "merge":
                for source in self._merge_sources(value_node):
                    merged = source._entries() | merged  # earlier sources win
                continue
            key = _Value(self.file, key_node, self.path)
            name = key.scalar(_TEXT_TAGS | {_TAG + "bool", _TAG + "null"}, "a plain key")
            if name in explicit:
                message = f"duplicate key {name!r}, expected each key once in a mapping"
                _Value(self.file, key_node, _join(self.path, name)).fail(message)
            explicit[name] = (key_node, value_node)
        return merged | explicit

    def _merge_sources(self, node: Node) -> list[_Value]:
        source = _Value(self.file, node, self.path)
        sources = source.items() if isinstance(node, SequenceNode) else [source]
        for each in sources:
            if not isinstance(each.node, MappingNode):
                each.expected("a mapping to merge with <<")
        return sources


def _unknown_key(key: _Value, name: str, allowed: Collection[str]) -> NoReturn:
    close = difflib.get_close_matches(name, list(allowed), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    key.fail(f"unknown key {name!r}{hint}, expected one of: {', '.join(sorted(allowed))}")


@dataclass(frozen=True, slots=True)
class _Map:
    """A checked mapping: look keys up, convert their values, or report them missing."""

    value: _Value
    entries: dict[str, _Value]
    keys: dict[str, _Value]

    def get(self, key: str) -> _Value | None:
        """The value at `key`, or None when it is absent or null."""
        found = self.entries.get(key)
        return None if found is None or found.node.tag == _TAG + "null" else found

    def need(self, key: str, convert: Callable[[_Value], T]) -> T:
        found = self.get(key)
        if found is None:
            path = _join(self.value.path, key)
            raise ConfigError(self.value.file, _line(self.value.node), path, "missing required key")
        return convert(found)

    def opt(self, key: str, convert: Callable[[_Value], T], default: D) -> T | D:
        found = self.get(key)
        return default if found is None else convert(found)


@functools.cache
def _schema(cls: type[DataclassInstance]) -> dict[str, tuple[Callable[[_Value], Any], bool]]:
    """Field name -> (its converter from the Annotated metadata, whether it is required)."""
    hints = get_type_hints(cls, include_extras=True)
    required = {f.name: f.default is MISSING and f.default_factory is MISSING for f in fields(cls)}
    return {name: (hints[name].__metadata__[0], required[name]) for name in required}


def _build(cls: type[DC], v: _Value) -> tuple[DC, _Map]:
    """Build dataclass `cls` from a mapping; absent or null keys take the dataclass default."""
    schema = _schema(cls)
    m = v.mapping(schema)
    values: dict[str, Any] = {}
    for name, (convert, required) in schema.items():
        found = m.get(name)
        if found is not None or required:
            values[name] = m.need(name, convert)
    return cls(**values), m


def _section(cls: type[DC]) -> Callable[[_Value], DC]:
    return lambda v: _build(cls, v)[0]


# ---- value converters ----------------------------------------------------------------------


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


def _extra_fields(v: _Value) -> tuple[ExtraField, ...]:
    built = [_build(ExtraField, item) for item in v.items()]
    _check_unique([(m.entries["github"], f.github) for f, m in built], "board field")
    _check_unique([(m.entries["asana"], f.asana) for f, m in built], "Asana field")
    return tuple(f for f, _ in built)


def _communities(v: _Value) -> tuple[Community, ...]:
    built = [_build(Community, item) for item in v.items()]
    # keys and names share one namespace: labels, forms and --community accept either
    names = [(m.entries["key"], c.key) for c, m in built]
    names += [
        (m.entries["name"], c.name) for c, m in built if c.name.casefold() != c.key.casefold()
    ]
    _check_unique(names, "community key or name")
    _check_unique([(m.entries["asana_task"], c.asana_task) for c, m in built], "asana_task")
    return tuple(c for c, _ in built)


def _period(v: _Value) -> Period:
    period, m = _build(Period, v)
    if period.end < period.start:
        m.entries["end"].expected(f"a date on or after start ({period.start.isoformat()})")
    return period


def _users(v: _Value) -> Mapping[str, str]:
    """GitHub login -> Asana user (email or gid)."""
    m = v.mapping(None)
    logins = {name: _login(key) for name, key in m.keys.items()}
    _check_unique([(m.keys[name], login) for name, login in logins.items()], "login")
    return _frozen({login: _user(m.entries[name]) for name, login in logins.items()})
