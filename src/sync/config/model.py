"""The typed config: frozen dataclasses, one per section.

Each field says in its `Annotated` metadata how its YAML value is checked (``build`` reads it);
its default is the dataclass default. The converters that build these dataclasses and check
across their fields (a period's dates, unique communities) are at the end, next to the classes.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Literal, overload

from sync.config.build import build_dataclass, section_of
from sync.config.checks import as_repositories, as_users, check_unique
from sync.config.errors import SECTION_MISSING, ConfigError
from sync.config.values import (
    as_bool,
    as_date,
    as_env_name,
    as_gid,
    as_hours,
    as_int,
    as_key,
    as_login,
    as_path,
    as_repo,
    as_text,
    as_time,
    as_url,
    as_zone,
    frozen_map,
    list_of,
)
from sync.config.yaml_nodes import TEXT_TAGS, YamlValue


@dataclass(frozen=True, slots=True)
class GitHubConfig:
    repositories: Annotated[tuple[str, ...], as_repositories] = ()


@dataclass(frozen=True, slots=True)
class AsanaFields:
    github_url: Annotated[str, as_text] = "GitHub URL"
    github_hours: Annotated[str, as_text] = "GitHub Hours"


@dataclass(frozen=True, slots=True)
class AsanaConfig:
    workspace: Annotated[str, as_gid]
    project: Annotated[str, as_gid]
    fields: Annotated[AsanaFields, section_of(AsanaFields)] = field(default_factory=AsanaFields)
    # an optional cap on requests a minute; None: as fast as Asana allows (429 + Retry-After)
    rate_limit_per_minute: Annotated[int | None, as_int(1, 100_000)] = None
    # Levels of tasks the mirror nests below a community's task. Asana allows 5 levels of
    # subtasks (reported); 4 fits when the community task is itself a subtask.
    max_subtask_depth: Annotated[int, as_int(1, 100)] = 4


@dataclass(frozen=True, slots=True)
class ExtraField:
    github: Annotated[str, as_text]
    asana: Annotated[str, as_text]  # custom field name or gid, or the task's `start_on` / `due_on`


@dataclass(frozen=True, slots=True)
class CshBoard:
    owner: Annotated[str, as_login]
    number: Annotated[int, as_int(1)]
    hours_field: Annotated[str, as_text] = "Hours spent"
    community_field: Annotated[str | None, as_text] = None
    require_hours_to_close: Annotated[bool, as_bool] = True
    extra_fields: Annotated[tuple[ExtraField, ...], _extra_fields] = ()


@dataclass(frozen=True, slots=True)
class Period:
    """A contract period: fixed (``start``..``end``) or recurring (``start``, ``every``)."""

    start: Annotated[date, as_date]
    end: Annotated[date | None, as_date] = None
    every: Annotated[Literal["month", "quarter", "year"] | None, _every] = None

    def span(self, today: date) -> tuple[date, date]:
        """The period that contains ``today`` (a fixed period is always itself; a recurring
        one before its start is its first period)."""
        if self.end is not None or self.every is None:
            return self.start, self.end or self.start
        step = {"month": 1, "quarter": 3, "year": 12}[self.every]
        n = max(0, _months_between(self.start, today) // step)
        if n and _add_months(self.start, n * step) > today:  # today is before the day of month
            n -= 1
        end = _add_months(self.start, (n + 1) * step) - timedelta(days=1)
        return _add_months(self.start, n * step), end


@dataclass(frozen=True, slots=True)
class Report:
    """Where a report is delivered: an issue in a repository, or a Slack webhook whose URL is
    in the named environment variable (never in the config: the URL is a secret)."""

    repository: Annotated[str | None, as_repo] = None
    slack_webhook_env: Annotated[str | None, as_env_name] = None


@dataclass(frozen=True, slots=True)
class Community:
    key: Annotated[str, as_key]
    name: Annotated[str, as_text]
    asana_task: Annotated[str, as_gid]
    contracted_hours: Annotated[float | None, as_hours] = None
    period: Annotated[Period | None, _period] = None
    report: Annotated[Report | None, _report] = None


@dataclass(frozen=True, slots=True)
class CshConfig:
    label: Annotated[str, as_text] = "CSH"
    board: Annotated[CshBoard | None, section_of(CshBoard)] = None
    community_label_prefix: Annotated[str, as_text] = "community:"
    communities: Annotated[tuple[Community, ...], _communities] = ()
    users: Annotated[Mapping[str, str], as_users] = field(default_factory=lambda: frozen_map({}))
    max_deletes: Annotated[int, as_int(0)] = 10
    max_reopens: Annotated[int, as_int(0)] = 5
    trusted_authors: Annotated[Literal["members", "any"], _trusted] = "members"
    link_comment_authors: Annotated[tuple[str, ...], list_of(as_login)] = ()
    announce_over_contract: Annotated[bool, as_bool] = False
    ask_for_missing_hours: Annotated[bool, as_bool] = False
    team_report: Annotated[Report | None, _report] = None

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
    owner: Annotated[str, as_login]
    number: Annotated[int, as_int(1)]
    status_field: Annotated[str, as_text] = "Status"
    up_next: Annotated[str, as_text] = "Up Next"
    discussed: Annotated[str, as_text] = "Discussed"


@dataclass(frozen=True, slots=True)
class Schedule:
    first_session: Annotated[date, as_date]
    every_days: Annotated[int, as_int(1, 366)] = 14
    start: Annotated[time, as_time] = time(16, 0)
    timezone: Annotated[str, as_zone] = "UTC"
    duration_minutes: Annotated[int, as_int(1, 1440)] = 60
    prepare_days: Annotated[int, as_int(0, 366)] = 7


@dataclass(frozen=True, slots=True)
class Escalation:
    channel: Annotated[str | None, as_text] = None
    issue_label: Annotated[str, as_text] = "office-hours-planning"
    community_label: Annotated[str, as_text] = "needs-community"


@dataclass(frozen=True, slots=True)
class Grooming:
    engineers: Annotated[tuple[str, ...], list_of(as_login)] = ()
    min_body_chars: Annotated[int, as_int(0)] = 200


@dataclass(frozen=True, slots=True)
class Invitees:
    stale_pr_days: Annotated[int, as_int(0)] = 30
    proposal_labels: Annotated[tuple[str, ...], list_of(as_text)] = ()
    invite: Annotated[bool, as_bool] = False
    max_per_session: Annotated[int, as_int(0, 100)] = 5


@dataclass(frozen=True, slots=True)
class OfficeHoursConfig:
    repository: Annotated[str, as_repo]
    board: Annotated[OfficeHoursBoard, section_of(OfficeHoursBoard)]
    schedule: Annotated[Schedule, section_of(Schedule)]
    min_topics: Annotated[int, as_int(0, 1000)] = 3
    topic_minutes: Annotated[int, as_int(1, 1440)] = 15
    qa_minutes: Annotated[int, as_int(0, 1440)] = 45
    extra_timezones: Annotated[tuple[str, ...], list_of(as_zone)] = ()
    recording_notice: Annotated[bool, as_bool] = True
    recording_consent_url: Annotated[str | None, as_url] = None
    meeting_url: Annotated[str | None, as_url] = None
    remind_hours_before: Annotated[int | None, as_int(1, 24 * 30)] = None
    feature_labels: Annotated[tuple[str, ...], list_of(as_text)] = ("enhancement",)
    template: Annotated[Path | None, as_path] = None  # as written: relative to the working dir
    topic_label: Annotated[str, as_text] = "office-hours"
    escalation: Annotated[Escalation, section_of(Escalation)] = field(default_factory=Escalation)
    grooming: Annotated[Grooming, section_of(Grooming)] = field(default_factory=Grooming)
    invitees: Annotated[Invitees, section_of(Invitees)] = field(default_factory=Invitees)


SECTIONS = ("github", "asana", "csh", "office_hours")
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
        if section not in SECTIONS:
            raise ValueError(f"unknown config section {section!r}")
        value: _Section | None = getattr(self, section)
        if isinstance(value, GitHubConfig) and not value.repositories:
            message = "no repositories, set github.repositories or GITHUB_REPOSITORY"
            raise ConfigError(str(self.path), None, "github.repositories", message)
        if value is None:
            raise ConfigError(str(self.path), None, section, SECTION_MISSING)
        return value


# ---- converters that build the dataclasses above ------------------------------------------


def _extra_fields(v: YamlValue) -> tuple[ExtraField, ...]:
    built = [build_dataclass(ExtraField, item) for item in v.items()]
    check_unique([(m.entries["github"], f.github) for f, m in built], "board field")
    check_unique([(m.entries["asana"], f.asana) for f, m in built], "Asana field")
    return tuple(f for f, _ in built)


def _communities(v: YamlValue) -> tuple[Community, ...]:
    built = [build_dataclass(Community, item) for item in v.items()]
    # keys and names share one namespace: labels, forms and --community accept either
    names = [(m.entries["key"], c.key) for c, m in built]
    names += [
        (m.entries["name"], c.name) for c, m in built if c.name.casefold() != c.key.casefold()
    ]
    check_unique(names, "community key or name")
    check_unique([(m.entries["asana_task"], c.asana_task) for c, m in built], "asana_task")
    return tuple(c for c, _ in built)


def _period(v: YamlValue) -> Period:
    period, m = build_dataclass(Period, v)
    if (period.end is None) == (period.every is None):
        m.expected_one_of(("end", "every"))
    if period.end is not None and period.end < period.start:
        m.entries["end"].expected(f"a date on or after start ({period.start.isoformat()})")
    return period


def _report(v: YamlValue) -> Report:
    report, m = build_dataclass(Report, v)
    if (report.repository is None) == (report.slack_webhook_env is None):
        m.expected_one_of(("repository", "slack_webhook_env"))
    return report


_EVERY: dict[str, Literal["month", "quarter", "year"]] = {
    "month": "month",
    "quarter": "quarter",
    "year": "year",
}
_TRUSTED: dict[str, Literal["members", "any"]] = {"members": "members", "any": "any"}


def _every(v: YamlValue) -> Literal["month", "quarter", "year"]:
    value = _EVERY.get(v.scalar(TEXT_TAGS, "month, quarter or year"))
    return value or v.expected("month, quarter or year")


def _trusted(v: YamlValue) -> Literal["members", "any"]:
    value = _TRUSTED.get(v.scalar(TEXT_TAGS, "members or any"))
    return value or v.expected("members or any")


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
