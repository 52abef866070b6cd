"""Command line: parse argv, build the context, run one command, map errors to exit codes."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from sync import __version__
from sync.actions_runtime import Runtime
from sync.config import ConfigError
from sync.context import Context, make_runtime, secret_values
from sync.errors import EXIT_FAILURE, EXIT_USAGE, SyncError, UsageError
from sync.retry import RetryPolicy

Command = Callable[[argparse.Namespace, Context], int]
DEFAULT_CONFIG = ".github/community-sync.yml"


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as a UsageError (one line, annotated) instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    from sync import commands

    parser = _Parser(
        prog="community-sync",
        description="Mirror CSH issues from GitHub to Asana, report hours, run office hours.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=f"default: {DEFAULT_CONFIG}")
    parser.add_argument("--dry-run", action="store_true", help="read everything, write nothing")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", help="more detail")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only results and errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.register(sub)
    return parser


def run(
    argv: Sequence[str] | None = None,
    runtime: Runtime | None = None,
    policy: RetryPolicy | None = None,
) -> int:
    """Run the program and return its exit code (never raises for expected failures).

    ``runtime`` and ``policy`` let a caller (the demo, tests) supply the I/O and the retry
    clock; by default they are the process's own."""
    runtime = runtime or make_runtime()
    for value in secret_values(runtime.env):  # also when the caller built the runtime
        runtime.add_secret(value)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        return _fail(runtime, str(exc), exc.title, exc.exit_code)
    except SystemExit as exc:  # --help and --version print and stop
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    runtime.quiet, runtime.verbose = args.quiet, args.verbose
    context = Context(runtime=runtime, config_path=Path(args.config), dry_run=args.dry_run)
    if policy is not None:
        context.policy = policy
    handler: Command = args.handler
    try:
        return handler(args, context)
    except ConfigError as exc:
        return _fail(runtime, str(exc), "Configuration error", EXIT_USAGE)
    except SyncError as exc:
        return _fail(runtime, str(exc), exc.title, exc.exit_code)
    except KeyboardInterrupt:
        return _fail(runtime, "interrupted", "Interrupted", 130)
    except Exception as exc:
        if runtime.verbose:
            runtime.stderr.write(runtime.scrub(traceback.format_exc()))
        detail = f"unexpected {exc.__class__.__name__}: {exc}"
        return _fail(runtime, detail + " (run with -v for details)", "Internal error", EXIT_FAILURE)


def _fail(runtime: Runtime, message: str, title: str, code: int) -> int:
    runtime.error(message, title=title)
    runtime.summary(f"### community-sync: {title}\n\n{runtime.scrub(message)}")
    return code


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    sys.exit(run(argv))
