"""GitHub Actions I/O: the event file, outputs, step summary, annotations, masking and groups.

Outside Actions (``GITHUB_ACTIONS`` unset) annotations print as plain ``warning: ...`` lines.
Workflow commands (``::add-mask::``, annotations) go to stderr, which the runner reads as it
reads stdout, so that stdout carries a command's document alone (``hours --format json``).
Every secret registered with :meth:`Runtime.add_secret` is masked in Actions and scrubbed from
everything this module writes. In Actions, nothing written to stdout or stderr (outside text
such as a task name or an issue title included) can be read by the runner as a workflow
command: only the commands this module writes itself are (see :class:`CommandGuard`).
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

from sync.errors import EventError, UsageError

MIN_SECRET_CHARS = 8
"""Shorter values (or lines of a secret) are not masked: masking a 1-character value would hide
that character everywhere. Tokens are never that short; context.py refuses such tokens."""
_BREAK = re.compile(r"(\r\n|\r|\n)")  # where the runner's line reader ends a line
_ZWSP = "\u200b"  # not whitespace to the runner's TrimStart: breaks `::` and `##[` invisibly


def escape_data(text: str) -> str:
    """Escape an annotation message the way the Actions runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape an annotation property (title, file): also ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class CommandGuard:
    """A text stream from which the Actions runner reads no workflow command.

    The runner reads a line as a command when its first non-blank characters are ``::``
    (``::error::``, ``::add-mask::``, ``::stop-commands::``), and the older ``##[name]`` form
    anywhere in a line (actions/runner, ActionCommand.TryParseV2 and TryParse). A zero-width
    space after such a line's first ``:`` and inside every ``##[`` reads the same and stops both.
    The commands the tool means to send go through :meth:`command`, unchanged.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.blank_line = True  # only blanks written on the current line so far
        self.tail = ""  # the current line's last two characters, for a `##[` split by writes

    def write(self, text: str) -> int:
        """Write `text` with every would-be command defused."""
        self.stream.write("".join(self._defuse(part) for part in _BREAK.split(text)))
        return len(text)

    def command(self, line: str) -> None:
        """Write one workflow command of our own, as a line of its own."""
        if not self.blank_line:
            self.stream.write("\n")
        self.stream.write(line.rstrip("\n") + "\n")
        self.blank_line, self.tail = True, ""

    def flush(self) -> None:
        """Flush the underlying stream."""
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)  # getvalue(), fileno(), encoding, ...

    def _defuse(self, part: str) -> str:
        if _BREAK.fullmatch(part):
            self.blank_line, self.tail = True, ""
            return part
        if not part:
            return part
        joint = self.tail + part[:2]
        if "##[" in joint and joint.index("##[") < len(self.tail):
            part = _ZWSP + part
        part = part.replace("##[", "##" + _ZWSP + "[")
        if self.blank_line:
            stripped = part.lstrip()
            if stripped.startswith(":"):
                start = len(part) - len(stripped) + 1
                part = part[:start] + _ZWSP + part[start:]
            self.blank_line = not stripped
        self.tail = (self.tail + part)[-2:]
        return part


def guarded(stream: TextIO) -> TextIO:
    """`stream` behind a CommandGuard, unless it is one already or a regular file (a file a
    command's output is redirected to is data the runner never reads: it stays as written)."""
    if isinstance(stream, CommandGuard):
        return stream
    try:
        if stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return stream
    except (AttributeError, OSError, ValueError):  # StringIO and the like: no file descriptor
        pass
    return cast(TextIO, CommandGuard(stream))


def _command(stream: TextIO, line: str) -> None:
    """Write a workflow command of our own past the guard."""
    if isinstance(stream, CommandGuard):
        stream.command(line)
    else:
        stream.write(line + "\n")


def secret_lines(value: str) -> list[str]:
    """What to mask of a secret: the value stripped or, when it spans lines, each line (the
    runner reads its log line by line); parts shorter than MIN_SECRET_CHARS are left out."""
    parts = [line.strip() for line in value.strip().splitlines()] or [""]
    return [p for p in dict.fromkeys(parts) if len(p) >= MIN_SECRET_CHARS]


@dataclass
class Runtime:
    """Where output goes: stdout/stderr plus the Actions files when running in Actions."""

    env: Mapping[str, str]
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    secrets: list[str] = field(default_factory=list)
    masked: set[str] = field(default_factory=set, repr=False)  # what the runner was told to mask
    quiet: bool = False
    verbose: bool = False

    def __post_init__(self) -> None:
        if self.in_actions:
            self.stdout, self.stderr = guarded(self.stdout), guarded(self.stderr)

    @property
    def in_actions(self) -> bool:
        """True when running inside a GitHub Actions job."""
        return self.env.get("GITHUB_ACTIONS") == "true"

    def add_secret(self, value: str | None) -> None:
        """Register a secret: masked in Actions logs and scrubbed from our own output.

        Its stripped core is registered (a secret pasted with its newline: an SDK refusing such
        a header quotes it escaped, e.g. ``'...\\n'``) and, for a multi-line value, each line,
        each masked with a command of its own: the runner's mask command takes one line.
        """
        if not value:
            return
        if len(value) >= MIN_SECRET_CHARS and value not in self.secrets:
            self.secrets.append(value)  # scrubbed as given too, but never sent whole to the runner
        for part in secret_lines(value):
            if part in self.masked:
                continue
            self.masked.add(part)
            if part not in self.secrets:
                self.secrets.append(part)
            if self.in_actions:
                self.command(f"::add-mask::{escape_data(part)}")

    def scrub(self, text: str) -> str:
        """Replace every registered secret in text by ``***``."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        # Issue text may hold lone surrogates (JSON can escape them), which no UTF-8 stream or
        # file takes: show them escaped rather than fail after the work is done.
        return text.encode("utf-8", "backslashreplace").decode("utf-8")

    # -- plain output ----------------------------------------------------------------------
    def out(self, text: str) -> None:
        """Print a result line (plans, reports) to stdout."""
        self.stdout.write(self.scrub(text) + "\n")
        self.stdout.flush()

    def info(self, text: str) -> None:
        """Print a progress line to stderr unless quiet."""
        if not self.quiet:
            self.stderr.write(self.scrub(text) + "\n")

    def debug(self, text: str) -> None:
        """Print a detail line to stderr only with -v."""
        if self.verbose:
            self.stderr.write(self.scrub(text) + "\n")

    def command(self, line: str) -> None:
        """Write one workflow command line of our own, past the guard (to stderr: stdout is
        for results alone)."""
        _command(self.stderr, line)
        self.stderr.flush()

    # -- annotations -----------------------------------------------------------------------
    def annotate(self, level: str, message: str, title: str | None = None) -> None:
        """Emit an ``::error``/``::warning``/``::notice`` annotation (plain text outside)."""
        message = self.scrub(message)
        if self.in_actions:
            props = f" title={escape_property(self.scrub(title))}" if title else ""
            self.command(f"::{level}{props}::{escape_data(message)}")
        else:
            self.stderr.write(f"{level}: {message}\n")
            self.stderr.flush()

    def warning(self, message: str) -> None:
        """Warn about something the user should fix or know."""
        self.annotate("warning", message)

    def error(self, message: str, title: str | None = None) -> None:
        """Report an error."""
        self.annotate("error", message, title)

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        """Fold the lines printed inside into a collapsible group in Actions logs."""
        # On stdout, with the lines they fold: the runner does not keep two streams in order.
        if self.in_actions:
            _command(self.stdout, f"::group::{escape_data(self.scrub(title))}")
        try:
            yield
        finally:
            if self.in_actions:
                _command(self.stdout, "::endgroup::")

    # -- files -----------------------------------------------------------------------------
    def set_output(self, name: str, value: str) -> None:
        """Write a step output to ``GITHUB_OUTPUT`` (multi-line safe); no-op outside Actions."""
        path = self.env.get("GITHUB_OUTPUT")
        if not path:
            return
        value = self.scrub(value)
        with open(path, "a", encoding="utf-8") as fh:
            if "\n" in value or "\r" in value:
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
                fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                fh.write(f"{name}={value}\n")

    def summary(self, markdown: str) -> None:
        """Append Markdown to the job summary (``GITHUB_STEP_SUMMARY``) when set."""
        path = self.env.get("GITHUB_STEP_SUMMARY")
        if path:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(self.scrub(markdown).rstrip("\n") + "\n\n")


def read_event(path: str | None, name: str | None) -> tuple[str, dict[str, Any]]:
    """Load the triggering event: its name and its JSON payload (exit 2 when unusable)."""
    if not path:
        raise UsageError("no event file: pass --event PATH or set GITHUB_EVENT_PATH")
    if not name:
        raise UsageError("no event name: pass --event-name NAME or set GITHUB_EVENT_NAME")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EventError(path, "", "event file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EventError(path, "", f"cannot read event file ({exc.__class__.__name__})") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventError(f"{path}:{exc.lineno}", "", f"not valid JSON: {exc.msg}") from None
    except (RecursionError, ValueError) as exc:  # nested too deeply; an integer too long
        what = "nested too deeply" if isinstance(exc, RecursionError) else "a number too long"
        raise EventError(path, "", f"not a usable JSON event ({what})") from None
    if not isinstance(payload, dict):
        raise EventError(path, "", "expected a JSON object")
    return name, payload
