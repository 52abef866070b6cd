"""One debug line per HTTP request (`-v`): method, path, status, milliseconds, retries.

The gateways call :func:`log_request` from their transport hooks; the lines go to the
``sync.http`` logger, which the command line sends to stderr (with every secret scrubbed) only
under ``-v``. A request's retry count is the attempt the gateway's retry loop is on, kept per
thread because reconcile reads Asana and GitHub side by side.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

T = TypeVar("T")
LOG = logging.getLogger("sync.http")
# Query parameters whose values may be credentials (a signed URL, an OAuth code): never shown.
SECRET_PARAMETERS = ("token", "key", "secret", "sig", "code", "password", "auth", "credential")
_state = threading.local()


def enabled() -> bool:
    """True when request lines are wanted (the command line ran with -v)."""
    return LOG.isEnabledFor(logging.DEBUG)


def safe_path(url: str) -> str:
    """The URL's path and query, with the values of secret-looking query parameters masked."""
    parts = urlsplit(url)
    if not parts.query:
        return parts.path or "/"
    pairs = [
        (key, "***" if any(word in key.lower() for word in SECRET_PARAMETERS) else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return f"{parts.path or '/'}?{urlencode(pairs, safe=',*:')}"


def retries() -> int:
    """How many times the request now being sent was tried before (0 on the first attempt)."""
    attempt: int = getattr(_state, "attempt", 0)
    return attempt


def counted(send: Callable[[], T]) -> Callable[[], T]:
    """Wrap one attempt of a retried call so requests it makes know their retry number."""
    attempts = 0

    def attempt() -> T:
        nonlocal attempts
        previous = retries()
        _state.attempt = attempts
        attempts += 1
        try:
            return send()
        finally:
            _state.attempt = previous

    return attempt


def log_request(service: str, method: str, url: str, status: int | str, seconds: float) -> None:
    """Log one request line: ``GitHub GET /repos/o/r/issues 200 12 ms, 0 retries``."""
    if enabled():
        n = retries()
        LOG.debug(
            "%s %s %s %s %d ms, %d %s",
            service,
            method.upper(),
            safe_path(url),
            status,
            round(seconds * 1000),
            n,
            "retry" if n == 1 else "retries",
        )
