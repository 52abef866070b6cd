"""The project's error types: each knows its exit code and says what to fix in one line."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class SyncError(Exception):
    """Base class: a failure that is reported as one clear line, never as a traceback."""

    exit_code = EXIT_FAILURE
    title = "community-sync failed"


class UsageError(SyncError):
    """Bad usage, bad config, bad event payload or a missing token (exit 2)."""

    exit_code = EXIT_USAGE
    title = "Usage error"


class MissingTokenError(UsageError):
    """A required environment variable is not set."""

    title = "Missing token"

    def __init__(self, variable: str, purpose: str) -> None:
        super().__init__(f"{variable} is not set; set it to {purpose}")
        self.variable = variable


class EventError(UsageError):
    """The event payload cannot be used."""

    title = "Bad event payload"

    def __init__(self, path: str, key: str, message: str) -> None:
        where = f"{path}: {key}: " if key else f"{path}: "
        super().__init__(where + message)


class ApiFailure(SyncError):
    """An API call failed for good (after retries, or a 4xx that retrying cannot fix)."""

    title = "API failure"

    def __init__(self, service: str, message: str, status: int | None = None) -> None:
        prefix = f"{service} API error" + (f" {status}" if status else "")
        super().__init__(f"{prefix}: {message}")
        self.service = service
        self.status = status
        self.detail = message  # without the "<service> API error <status>: " prefix


class AmbiguousWrite(ApiFailure):
    """A non-idempotent write failed in a way that may still have taken effect (5xx, timeout).

    The caller must look before writing again, or it may duplicate what it created.
    """

    title = "Write outcome unknown"
