"""Command line: parse argv, build the context, run one command, map errors to exit codes."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from sync import __version__
from sync.actions_runtime import Runtime
from sync.config import ConfigError
from sync.context import Context, make_runtime, secret_values
from sync.errors import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, SyncError, UsageError
from sync.retry import RetryPolicy

Command = Callable[[argparse.Namespace, Context], int]
DEFAULT_CONFIG = ".github/community-sync.yml"


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as a UsageError (one line, annotated) instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


class _CommandParser(_Parser):
    """A sub-command's parser: it also takes the global flags, so they work on either side."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _add_global_flags(self, top=False)


def _add_global_flags(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Add --config, --dry-run, -v and -q (after a sub-command they only override when given)."""

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    group = parser.add_argument_group("global options (before or after the command)")
    group.add_argument(
        "--config", default=default(DEFAULT_CONFIG), help=f"default: {DEFAULT_CONFIG}"
    )
    group.add_argument(
        "--dry-run",
        action="store_true",
        default=default(False),
        help="read everything, write nothing, print the plan",
    )
    verbosity = group.add_mutually_exclusive_group()
    verbosity.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="also print each HTTP request and planner decision (secrets masked)",
    )
    verbosity.add_argument(
        "-q", "--quiet", action="store_true", default=default(False), help="only results and errors"
    )


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser: every sub-command by name, the one ``argv`` names in full."""
    from sync import commands

    parser = _Parser(
        prog="community-sync",
        description="Mirror CSH issues from GitHub to Asana, report hours, run office hours.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_global_flags(parser, top=True)
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_CommandParser
    )
    commands.register(sub, chosen_command(sys.argv[1:] if argv is None else argv))
    return parser


def chosen_command(argv: Sequence[str]) -> str | None:
    """The sub-command argv names: its first word that is no option or --config's value."""
    words = iter(argv)
    for word in words:
        if word == "--config":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse argv: global flags may come before or after the (nested) sub-command."""
    args = build_parser(argv).parse_args(argv)
    if args.verbose and args.quiet:
        raise UsageError("-v and -q cannot be combined (see community-sync --help)")
    return args


class _RuntimeLogHandler(logging.Handler):
    """Writes ``sync.*`` log records to the runtime's stderr, secrets scrubbed."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(logging.DEBUG)
        self.runtime = runtime

    def emit(self, record: logging.LogRecord) -> None:
        topic = record.name.removeprefix("sync.").removeprefix("sync")
        text = f"{topic or 'debug'}: {record.getMessage()}"
        self.runtime.stderr.write(self.runtime.scrub(text) + "\n")


@contextmanager
def _logging(runtime: Runtime) -> Iterator[None]:
    """Send the ``sync`` loggers to stderr for one run: debug lines only with -v."""
    logger = logging.getLogger("sync")
    handler = _RuntimeLogHandler(runtime)
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if runtime.verbose else logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


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
        args = parse(argv)
    except UsageError as exc:
        return _fail(runtime, str(exc), exc.title, exc.exit_code)
    except SystemExit as exc:  # --help and --version print and stop
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    runtime.quiet, runtime.verbose = args.quiet, args.verbose
    context = Context(runtime=runtime, config_path=Path(args.config), dry_run=args.dry_run)
    if policy is not None:
        context.policy = policy
    with _logging(runtime):
        return _run_handler(args, context)


def _run_handler(args: argparse.Namespace, context: Context) -> int:
    """Run the chosen command; map its failures to one line and an exit code."""
    runtime = context.runtime
    handler: Command = args.handler
    if runtime.verbose and context.policy.log is RetryPolicy.log:
        context.policy.log = logging.getLogger("sync.retry").debug
    try:
        return handler(args, context)
    except ConfigError as exc:
        return _fail(runtime, str(exc), "Configuration error", EXIT_USAGE)
    except SyncError as exc:
        return _fail(runtime, str(exc), exc.title, exc.exit_code)
    except KeyboardInterrupt:
        return _fail(runtime, "interrupted", "Interrupted", 130)
    except BrokenPipeError:  # the reader of stdout went away: main() ends quietly
        raise
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
    try:
        code = run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`check | head -1`): what it read is all it wanted. Point
        # stdout at devnull so the interpreter's final flush does not fail a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)
