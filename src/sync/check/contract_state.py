"""``check``'s contract lines: each community's hours against its contract, as the team
report words them (sync.hours.contract), closest to its contract first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sync.asana.client import AsanaClient
from sync.config import Config
from sync.errors import SyncError
from sync.hours.collect import collect_hours
from sync.hours.contract import contract_first, contract_line

PREFIX = "contract: "


def contract_lines(config: Config, asana: Callable[[], AsanaClient], today: date) -> list[str]:
    """One ``contract: ...`` line per community (none without communities); when the hours
    cannot be read, one line saying why (the findings say what to fix)."""
    csh = config.csh
    if config.asana is None or csh is None or not csh.communities:
        return []
    try:
        data = collect_hours(asana(), config.asana, csh, csh.communities, today, None)
    except SyncError as err:
        return [f"{PREFIX}hours not read ({err})"]
    return [PREFIX + contract_line(row) for row in contract_first(data.rows)]
