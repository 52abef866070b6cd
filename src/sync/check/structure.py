"""Judge the config's shape before any API is asked: is there anything to run at all. Pure."""

from __future__ import annotations

from sync.check.findings import Finding, fix
from sync.config import Config

DISCOVER_HINT = "`community-sync check --discover` lists the gids"


def check_structure(config: Config) -> list[Finding]:
    """``fix`` lines for an empty config, a CSH section without communities or without Asana."""
    where = str(config.path)
    if config.asana is None and config.csh is None and config.office_hours is None:
        return [
            fix(
                f"{where}: the config is empty (no asana, csh or office_hours section); start "
                "from examples/community-sync.yml of the community-sync repository, every key "
                f"commented ({DISCOVER_HINT} for Asana)"
            )
        ]
    findings: list[Finding] = []
    if config.csh is not None and not config.csh.communities:
        findings.append(
            fix(
                "csh.communities: none configured, so no issue can be filed under a community; "
                "add one entry per community (key, name, asana_task: its "
                f'"Community Success Hours" task; {DISCOVER_HINT})'
            )
        )
    if config.csh is not None and config.asana is None:
        findings.append(
            fix(
                "asana: section absent, but csh needs it "
                f"(workspace, project, fields; {DISCOVER_HINT})"
            )
        )
    return findings
