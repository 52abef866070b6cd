"""The writes of one office hours run: printed as they happen, or with --dry-run only printed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sync.actions_runtime import Runtime

T = TypeVar("T")


@dataclass
class Writes:
    """Runs each write after naming it in one line (`create issue ...`), unless dry-run."""

    runtime: Runtime
    dry_run: bool
    report_to_stdout: bool = True  # False when stdout carries something else (the agenda)
    lines: list[str] = field(default_factory=list)

    def apply(self, line: str, write: Callable[[], T]) -> T | None:
        """Name one change and make it; with dry-run print the line and return None."""
        return self.apply_many([line], write)

    def apply_many(self, lines: Sequence[str], write: Callable[[], T]) -> T | None:
        """Name several changes made by one call (a batched request) and make them."""
        self.lines.extend(lines)
        if self.dry_run:
            for line in lines:
                self.runtime.out(line)
            return None
        result = write()
        for line in lines:
            (self.runtime.out if self.report_to_stdout else self.runtime.info)(line)
        return result

    @property
    def count(self) -> int:
        """How many changes were named."""
        return len(self.lines)
