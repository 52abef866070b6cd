"""Sub-commands: each module adds its parser and a handler ``(args, context) -> exit code``."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add every sub-command to the parser's sub-parsers."""
    from sync.commands import check, demo, hours, issue, office_hours, reconcile

    for module in (issue, reconcile, hours, office_hours, check, demo):
        module.add_parser(sub)
