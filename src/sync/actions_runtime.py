"""GitHub Actions I/O: the event file, outputs, step summary, annotations, masking and groups.

Outside Actions (``GITHUB_ACTIONS`` unset) annotations print as plain ``warning: ...`` lines.
Workflow commands (``::add-mask::``, annotations) go to stderr, which the runner reads as it
reads stdout, so that stdout carries a command's document alone (``hours --format json``).
Every secret registered with :meth:`Runtime.add_secret` is masked in Actions and scrubbed from
everything this module writes.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sync.errors import EventError, UsageError


def escape_data(text: str) -> str:
    """Escape an annotation message the way the Actions runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape an annotation property (title, file): also ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Runtime:
    """Where output goes: stdout/stderr plus the Actions files when running in Actions."""

    env: Mapping[str, str]
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    secrets: list[str] = field(default_factory=list)
    quiet: bool = False
    verbose: bool = False

    @property
    def in_actions(self) -> bool:
        """True when running inside a GitHub Actions job."""
        return self.env.get("GITHUB_ACTIONS") == "true"

    def add_secret(self, value: str | None) -> None:
        """Register a secret: masked in Actions logs and scrubbed from our own output.

        A value with surrounding whitespace (a secret pasted with its newline) also registers
        its stripped core: an SDK refusing such a header quotes it escaped, e.g. ``'...\\n'``.
        """
        if value and value.strip() != value:
            self.add_secret(value.strip())
        if not value or value in self.secrets:
            return
        self.secrets.append(value)
        if self.in_actions:
            self.command(f"::add-mask::{value}")

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
        """Write one workflow command line (to stderr: stdout is for results alone)."""
        self.stderr.write(line + "\n")
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
            self.stdout.write(f"::group::{escape_data(self.scrub(title))}\n")
        try:
            yield
        finally:
            if self.in_actions:
                self.stdout.write("::endgroup::\n")

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
