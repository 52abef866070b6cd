"""Sub-commands: each module adds its parser and a handler ``(args, context) -> exit code``.

Only the chosen command's module is imported: each pulls in an SDK or the templates, which
``--help`` and the other commands do not need. The rest appear in ``--help`` from the table.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> (its module, the one line of help its own parser gives)
COMMANDS: dict[str, tuple[str, str]] = {
    "issue": ("sync.commands.issue", "mirror one issues/sub_issues event to Asana"),
    "reconcile": ("sync.commands.reconcile", "repair everything the events missed"),
    "hours": ("sync.commands.hours", "CSH hours used per community against its contract"),
    "office-hours": (
        "sync.commands.office_hours",
        "prepare, fill and reset office hours sessions",
    ),
    "check": ("sync.commands.check", "check the config against GitHub and Asana"),
    "demo": ("sync.commands.demo", "run every command against the local emulator"),
}


def register(sub: Any, chosen: str | None = None) -> None:
    """Add the chosen command's full parser, and every other command by name and help only.

    ``chosen`` is the command named on the command line: its module is imported and adds its
    full parser; every other command is added by name and help only, enough for ``--help``
    and for argparse to tell a known command from a typo.
    """
    for name, (module, help_text) in COMMANDS.items():
        if name == chosen:
            import_module(module).add_parser(sub)
        else:
            sub.add_parser(name, help=help_text)
