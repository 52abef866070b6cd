"""Gather what the hours report needs from Asana and GitHub, then summarize each community."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sync.asana.client import AsanaClient
from sync.asana.tasks import resolve_fields
from sync.config import AsanaConfig, Community, CshConfig
from sync.errors import ApiFailure, UsageError
from sync.github.client import GitHubClient
from sync.hours.issues import named_communities
from sync.hours.model import WRONG_COMMUNITY, CommunityHours, LoggedTask, Span
from sync.hours.period import community_span, needs_entries
from sync.hours.read import read_community_tasks, with_entries
from sync.hours.report import summarize

NOT_CHECKED = f'"{WRONG_COMMUNITY}" was not checked: '


@dataclass(frozen=True)
class HoursData:
    """Every community's hours, the GitHub Hours field's gid, and notes for the reader."""

    rows: tuple[CommunityHours, ...]
    hours_gid: str
    notes: tuple[str, ...] = field(default_factory=tuple)


def select_communities(csh: CshConfig, wanted: str | None) -> tuple[Community, ...]:
    """All communities, or the one named by key (or name); exit 2 naming the valid keys."""
    if wanted is None:
        return csh.communities
    community = csh.community_by_key_or_name(wanted)
    if community is None:
        keys = ", ".join(c.key for c in csh.communities) or "none configured"
        raise UsageError(f"--community: unknown community {wanted!r}; valid keys: {keys}")
    return (community,)


def collect_hours(
    asana: AsanaClient,
    asana_config: AsanaConfig,
    csh: CshConfig,
    communities: Sequence[Community],
    today: date,
    github: GitHubClient | str | None,
    override: Span | None = None,
) -> HoursData:
    """Read every community's task tree and summarize it within its period (or ``override``,
    the ``--period``); ``github`` checks the communities issues name (a string instead says
    why they cannot be checked; None skips the check)."""
    fields = resolve_fields(asana.project_fields(asana_config.project), asana_config, None)
    logins = _logins(asana, asana_config, csh)
    trees = {
        c.key: read_community_tasks(asana, c.asana_task, fields.url_gid, logins)
        for c in communities
    }
    for community in communities:
        if community_span(community, today, override) is not None:
            trees[community.key] = _with_entries(asana, trees[community.key], fields.hours_gid)
    named, notes = _named(github, _top_level_urls(trees), csh)
    rows = tuple(
        summarize(c, trees[c.key], fields.hours_gid, today, named, override) for c in communities
    )
    return HoursData(rows, fields.hours_gid, tuple(notes))


def _with_entries(
    asana: AsanaClient, tasks: list[LoggedTask] | None, hours_gid: str
) -> list[LoggedTask] | None:
    """The tasks, those counted by Asana actual time with their time-tracking entries."""
    if tasks is None:
        return None
    wanted = {t.task.gid for t in needs_entries(tasks, hours_gid)}
    return [with_entries(asana, t) if t.task.gid in wanted else t for t in tasks]


def _logins(asana: AsanaClient, asana_config: AsanaConfig, csh: CshConfig) -> dict[str, str]:
    """Asana user gid -> GitHub login, from csh.users (emails looked up once, in one call)."""
    if not csh.users:
        return {}
    gids = {}
    if any("@" in ref for ref in csh.users.values()):
        users = asana.workspace_users(asana_config.workspace)
        gids = {str(u.get("email") or "").casefold(): str(u["gid"]) for u in users}
    logins = {}
    for login, ref in csh.users.items():
        gid = gids.get(ref.casefold()) if "@" in ref else ref
        if gid:
            logins[gid] = login
    return logins


def _top_level_urls(trees: Mapping[str, Sequence[LoggedTask] | None]) -> list[str]:
    """Issue URLs of the tasks directly under a community's CSH task."""
    return [
        t.task.github_url
        for tasks in trees.values()
        for t in tasks or ()
        if t.depth == 1 and t.task.github_url
    ]


def _named(
    github: GitHubClient | str | None, urls: Iterable[str], csh: CshConfig
) -> tuple[dict[str, str | None], list[str]]:
    if github is None:
        return {}, []
    if isinstance(github, str):
        return {}, [NOT_CHECKED + github]
    try:
        return named_communities(github, urls, csh), []
    except ApiFailure as failure:
        if failure.status != 403:
            raise
        return {}, [NOT_CHECKED + str(failure)]
