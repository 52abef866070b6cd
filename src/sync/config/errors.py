"""The config error, and the messages more than one module uses."""

from __future__ import annotations

NOT_FOUND = "config file not found; pass --config PATH or create .github/community-sync.yml"
SECTION_MISSING = "section missing, it is needed by this command"


class ConfigError(Exception):
    """A config problem; str() is '<file>:<line>: <key.path>: <what is wrong>, <expected>'."""

    def __init__(self, file: str, line: int | None, key: str, message: str) -> None:
        super().__init__(file, line, key, message)
        self.file = file
        self.line = line
        self.key = key
        self.message = message

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = ": ".join([where, *([self.key] if self.key else []), self.message])
        return " ".join(text.splitlines())
