"""The -v request line: paths without query secrets, and the retry count of each attempt."""

from __future__ import annotations

import contextlib
import logging

import pytest

from sync import http_log


def test_secret_query_values_are_masked_and_the_rest_kept() -> None:
    url = "https://h.example/api/1.0/tasks?opt_fields=gid,name&access_token=abc123&offset=eyJ9"

    assert (
        http_log.safe_path(url) == "/api/1.0/tasks?opt_fields=gid,name&access_token=***&offset=eyJ9"
    )
    assert http_log.safe_path("https://h.example/x?sig=zzz&Code=1") == "/x?sig=***&Code=***"
    assert http_log.safe_path("https://h.example") == "/"


def test_each_attempt_knows_its_retry_number(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[int] = []

    def send() -> None:
        seen.append(http_log.retries())
        http_log.log_request("Asana", "get", "https://h/x?token=t0ps3cret", 200, 0.0123)
        if len(seen) < 3:
            raise RuntimeError("again")

    attempt = http_log.counted(send)
    with caplog.at_level(logging.DEBUG, logger="sync.http"):
        for _ in range(3):
            with contextlib.suppress(RuntimeError):
                attempt()

    assert seen == [0, 1, 2]
    assert http_log.retries() == 0  # outside a call again
    assert [r.getMessage() for r in caplog.records] == [
        "Asana GET /x?token=*** 200 12 ms, 0 retries",
        "Asana GET /x?token=*** 200 12 ms, 1 retry",
        "Asana GET /x?token=*** 200 12 ms, 2 retries",
    ]
