"""One line per checked item: ``ok: ...``, ``fix: ...`` (what to change) or ``note: ...``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "fix", "note"]


@dataclass(frozen=True)
class Finding:
    """The outcome of checking one item."""

    status: Status
    text: str

    @property
    def line(self) -> str:
        """The finding as printed: ``fix: <what to change>``."""
        return f"{self.status}: {self.text}"


def ok(text: str) -> Finding:
    """An item that is as it should be."""
    return Finding("ok", text)


def fix(text: str) -> Finding:
    """An item that must be fixed, saying how."""
    return Finding("fix", text)


def note(text: str) -> Finding:
    """Something worth knowing that needs no fix (e.g. a skipped section)."""
    return Finding("note", text)


def needs_fixing(findings: Sequence[Finding]) -> bool:
    """True when any finding must be fixed."""
    return any(f.status == "fix" for f in findings)


def tally(findings: Sequence[Finding]) -> str:
    """A one-line count, e.g. ``12 ok, 2 to fix, 1 note``."""
    counts = {s: sum(1 for f in findings if f.status == s) for s in ("ok", "fix", "note")}
    notes = counts["note"]
    return f"{counts['ok']} ok, {counts['fix']} to fix, {notes} {'note' if notes == 1 else 'notes'}"
