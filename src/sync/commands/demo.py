"""``community-sync demo``: every command end to end against the bundled emulator."""

from __future__ import annotations

import argparse
from typing import Any

from sync.context import Context


def add_parser(sub: Any) -> None:
    """Register the demo command."""
    parser = sub.add_parser("demo", help="run every command against the local emulator")
    parser.add_argument("--serve", action="store_true", help="keep the emulator running")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> int:
    """Start the emulator, seed a small world, run the commands and print what they did."""
    from sync.demo import run_demo

    return run_demo(context.runtime, serve=args.serve)
