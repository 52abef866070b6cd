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
from sync.hours.model import WRONG_COMMUNITY, CommunityHours, LoggedTask
from sync.hours.read import read_community_tasks
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
) -> HoursData:
    """Read every community's task tree and summarize it; ``github`` checks the communities
    issues name (a string instead says why they cannot be checked; None skips the check)."""
    fields = resolve_fields(asana.project_fields(asana_config.project), asana_config, None)
    trees = {c.key: read_community_tasks(asana, c.asana_task, fields.url_gid) for c in communities}
    named, notes = _named(github, _top_level_urls(trees), csh)
    rows = tuple(summarize(c, trees[c.key], fields.hours_gid, today, named) for c in communities)
    return HoursData(rows, fields.hours_gid, tuple(notes))


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
