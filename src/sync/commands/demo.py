"""``community-sync demo``: every command end to end against the bundled emulator."""

from __future__ import annotations

import argparse
from typing import Any

from sync.context import Context
from sync.errors import UsageError

# The emulator answers GraphQL with graphql-core, which only the `demo` extra installs.
DEMO_EXTRA = 'community-sync demo needs the demo extra: pip install "community-sync[demo]"'


def add_parser(sub: Any) -> None:
    """Register the demo command."""
    parser = sub.add_parser("demo", help="run every command against the local emulator")
    parser.add_argument("--serve", action="store_true", help="keep the emulator running")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> int:
    """Start the emulator, seed a small world, run the commands and print what they did."""
    try:
        from sync.demo import run_demo
    except ModuleNotFoundError as missing:
        if (missing.name or "").partition(".")[0] != "graphql":
            raise
        raise UsageError(DEMO_EXTRA) from None
    return run_demo(context.runtime, serve=args.serve)
