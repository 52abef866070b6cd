"""Opt-in enforcement of the services' request limits, as the real ones answer them.

Off by default, so other tests are unaffected; a test or benchmark switches a limit on through
``world.server.limits`` and may give it a virtual clock (seconds, like ``time.monotonic``)
shared with the program under test, so a minute-long window costs no wall time.

- Asana counts requests per token in minute-long windows (150 a minute on free plans, 1,500
  on paid ones) and answers the rest with 429 and ``Retry-After`` (whole seconds): the request
  is not processed.
- GitHub limits content creation (issues, comments, mutations) to 80 requests a minute and
  500 an hour per token, answering 403 with "secondary rate limit" in the message and, here,
  ``Retry-After`` (seconds until the oldest counted request leaves the window).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sync.emulator.core import Fault, Request, Response, secondary_limit

ASANA_MESSAGE = "You have made too many requests recently. Please, be chill."
GITHUB_CONTENT_LIMITS = ((60.0, 80), (3600.0, 500))  # (window seconds, content requests)


@dataclass
class RateLimits:
    """Which limits are enforced, and the requests counted against them."""

    asana_per_minute: int | None = None  # None: Asana answers every request
    github_content: bool = False  # True: GitHub's 80/min and 500/hour content-creation limits
    clock: Callable[[], float] = time.monotonic
    refused: int = 0  # requests answered with a rate-limit error
    _asana: dict[str, tuple[int, int]] = field(default_factory=dict)  # token: (window, count)
    _github: dict[str, deque[float]] = field(default_factory=dict)  # token: content times

    def check(self, service: str, request: Request) -> Response | None:
        """The refusal for a request over a limit (it is then not processed), else None."""
        token = (request.header("Authorization") or "").partition(" ")[2].strip()
        refusal: Response | None = None
        if service == "asana" and self.asana_per_minute is not None:
            refusal = self._asana_check(token, self.asana_per_minute)
        elif service == "github" and self.github_content and creates_content(request):
            refusal = self._github_check(token)
        self.refused += refusal is not None
        return refusal

    def _asana_check(self, token: str, limit: int) -> Response | None:
        now = self.clock()
        window = math.floor(now / 60)
        seen, count = self._asana.get(token, (window, 0))
        count = count if seen == window else 0
        if count >= limit:
            wait = max(1, math.ceil((window + 1) * 60 - now))
            body = {"errors": [{"message": ASANA_MESSAGE}]}
            return Response(429, body, {"Retry-After": str(wait)})
        self._asana[token] = (window, count + 1)
        return None

    def _github_check(self, token: str) -> Response | None:
        now = self.clock()
        times = self._github.setdefault(token, deque())
        while times and now - times[0] >= GITHUB_CONTENT_LIMITS[-1][0]:
            times.popleft()
        for seconds, limit in GITHUB_CONTENT_LIMITS:
            inside = [t for t in times if now - t < seconds]
            if len(inside) >= limit:
                wait = max(1, math.ceil(inside[0] + seconds - now))
                return secondary_limit(Fault("github", kind="secondary", retry_after=wait))
        times.append(now)
        return None


def creates_content(request: Request) -> bool:
    """A request GitHub counts as creating content: a REST POST, or a GraphQL mutation."""
    if request.path == "/graphql":
        return request.method == "POST" and b"mutation" in request.body
    return request.method == "POST"
