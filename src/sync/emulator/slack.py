"""The emulated Slack incoming webhook: keeps the messages, answers like Slack."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.emulator.core import Request, Response


@dataclass
class SlackState:
    """Messages received per webhook path."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    archived: bool = False


class SlackService:
    """``POST /services/T.../B.../secret`` with ``{"text": ..., "blocks": [...]}``."""

    name = "slack"

    def __init__(self, state: SlackState) -> None:
        self.state = state

    def handle(self, request: Request) -> Response:
        """Accept a message, or answer Slack's plain-text errors."""
        if request.method != "POST" or not request.path.startswith("/services/"):
            return Response(404, b"no_service")
        if self.state.archived:
            return Response(410, b"channel_is_archived")
        try:
            payload = request.json()
        except Exception:
            return Response(400, b"invalid_payload")
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            return Response(400, b"invalid_payload")
        self.state.messages.append(payload)
        return Response(200, b"ok", {"Content-Type": "text/plain"})

    def auth_error(self) -> Response:
        """Slack webhooks authenticate by their secret URL; a wrong one is not found."""
        return Response(404, b"no_service")
