"""Slack incoming webhooks: post one message, under the project's retry policy.

The webhook URL is a secret (it is the credential): it never appears in a message, an error or
a log line. Slack answers errors in plain text (`invalid_payload`, `channel_not_found`, ...).
"""

from __future__ import annotations

from typing import Any

import requests

from sync.errors import ApiFailure
from sync.retry import RetryPolicy, Transient

HINTS = {
    400: "Slack refused the message",
    403: "the webhook may not post to its channel",
    404: "the webhook does not exist any more: check SLACK_WEBHOOK_URL",
    410: "the webhook's channel is archived: make a new webhook",
}


class SlackWebhook:
    """One incoming webhook; it is bound to one channel."""

    def __init__(self, url: str, policy: RetryPolicy, *, timeout: float = 30.0) -> None:
        self._url = url
        self.policy = policy
        self.timeout = timeout

    def post(self, payload: dict[str, Any], *, what: str) -> None:
        """Send a message; a 5xx or timeout is not resent, as it may have been delivered."""
        self.policy.run(lambda: self._post_once(payload), what=what, idempotent=False)

    def _post_once(self, payload: dict[str, Any]) -> None:
        try:
            response = requests.post(self._url, json=payload, timeout=self.timeout)
        except requests.exceptions.ConnectTimeout:
            raise Transient("Slack", "no connection before the timeout", processed=False) from None
        except requests.exceptions.RequestException as exc:
            # The exception's text holds the URL: say only what kind of failure it was.
            raise Transient("Slack", f"request failed ({type(exc).__name__})") from None
        _check(response)


def _check(response: requests.Response) -> None:
    status = response.status_code
    answer = " ".join(response.text.split())[:200]
    if status < 300:
        return
    if status == 429:
        after = response.headers.get("Retry-After")
        wait = float(after) if after and after.replace(".", "", 1).isdigit() else None
        raise Transient(
            "Slack", "rate limited (429)", status=429, retry_after=wait, processed=False
        )
    if status >= 500:
        raise Transient("Slack", f"server error {status}: {answer}", status=status)
    hint = HINTS.get(status, "the webhook refused the message")
    raise ApiFailure("Slack", f"{answer or 'error'} ({hint})", status)
