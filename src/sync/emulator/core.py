"""HTTP plumbing shared by the emulated services: routing, auth, recording and fault injection.

The emulator is one loopback HTTP server that hosts several services under path prefixes
(``/github``, ``/asana/api/1.0``, ``/slack``). Each service is a plain object with a
``handle(request) -> Response`` method over parsed requests, so the services themselves never
touch sockets and can be unit-tested directly.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class Request:
    """One parsed HTTP request, as a service sees it (path is relative to the service prefix)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    base_url: str = ""

    def arg(self, name: str, default: str | None = None) -> str | None:
        """Return the first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """Parse the body as JSON; raise ApiError(400) when it is not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ApiError(400, {"message": f"Problems parsing JSON: {exc}"}) from exc

    def header(self, name: str) -> str | None:
        """Return a header value, case-insensitively."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None


@dataclass
class Response:
    """What a service answers: a status, a JSON-able body (or raw bytes) and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        """Serialise the body for the wire."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


class ApiError(Exception):
    """Raised by service code to answer with an error status and body."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


class Service(Protocol):
    """An emulated API: answers parsed requests."""

    name: str

    def handle(self, request: Request) -> Response:
        """Answer one request."""
        ...

    def auth_error(self) -> Response:
        """The response the real service gives for a missing or bad token."""
        ...


class RateLimiter(Protocol):
    """Answers a request over an enforced rate limit with the service's refusal."""

    def check(self, service: str, request: Request) -> Response | None:
        """The refusal, or None when the request may be processed."""
        ...


Handler = Callable[..., Response]


class Router:
    """Maps (method, path regex) to handler functions; path groups become keyword arguments."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Register a handler; ``pattern`` is a regex matched against the whole path."""
        self._routes.append((method, re.compile(pattern + r"/?\Z"), handler))

    def dispatch(self, request: Request) -> Response:
        """Call the handler for the request, or answer 404/405."""
        allowed = False
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path)
            if match is None:
                continue
            if method != request.method:
                allowed = True
                continue
            return handler(request, **match.groupdict())
        if allowed:
            raise ApiError(405, {"message": "Method Not Allowed"})
        raise ApiError(404, {"message": "Not Found"})


@dataclass
class Recorded:
    """One request as the emulator saw it, for tests and benchmarks to count."""

    service: str
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    status: int
    fault: str | None = None
    at: float = 0.0  # time.monotonic() when answered, to measure request rates

    @property
    def is_write(self) -> bool:
        """True for a request that changes state (GraphQL mutations count as writes)."""
        if self.service == "github" and self.path == "/graphql":
            return b"mutation" in self.body
        return self.method in WRITE_METHODS

    def json(self) -> Any:
        """The request body as JSON (None when empty)."""
        return json.loads(self.body) if self.body else None


@dataclass
class Fault:
    """A fault to inject into matching requests, ``times`` times.

    kind: ``status`` answers ``status`` (with ``retry_after`` when set) without processing;
    ``after`` processes the request, then answers ``status`` (a write that happened although
    the client saw an error); ``delay`` sleeps ``seconds`` before answering; ``reset`` closes
    the connection without an answer; ``secondary`` answers as GitHub's secondary rate limit
    does (403, or ``status`` 429, GitHub's message, quota headers that are not spent, and
    ``Retry-After`` only when ``retry_after`` is set).
    """

    service: str
    kind: str = "status"
    method: str | None = None
    path: str | None = None
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0
    times: int = 1
    body: Any = None

    def matches(self, service: str, method: str, path: str) -> bool:
        """True when this fault applies to the request."""
        if self.times <= 0 or service != self.service:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.path is None or re.search(self.path, path) is not None


class Emulator:
    """The loopback server hosting the emulated services, with a request log and faults."""

    def __init__(self, services: Iterable[tuple[str, Service]], *, tokens: dict[str, set[str]]):
        self._services = list(services)
        self.tokens = tokens
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        # Opt-in rate limits (see sync.emulator.rate_limits): None enforces none.
        self.limits: RateLimiter | None = None
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, port: int = 0) -> Emulator:
        """Start serving on 127.0.0.1 (any free port by default) in a daemon thread."""
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        # stop() waits for the serve loop to poll; the default 0.5 s cost every test that much.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.05)
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Emulator:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The server's root URL."""
        assert self._server is not None, "emulator not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- counting and faults ---------------------------------------------------------------
    def inject(self, service: str, **kwargs: Any) -> Fault:
        """Add a fault (see :class:`Fault`) and return it."""
        fault = Fault(service=service, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Drop every pending fault."""
        with self.lock:
            self.faults.clear()

    def reset_log(self) -> None:
        """Forget the recorded requests."""
        with self.lock:
            self.requests.clear()

    def count(self, service: str | None = None, *, writes: bool = False) -> int:
        """Count recorded requests, optionally of one service and only writes."""
        with self.lock:
            return sum(
                1
                for r in self.requests
                if (service is None or r.service == service) and (not writes or r.is_write)
            )

    def take_fault(self, service: str, method: str, path: str) -> Fault | None:
        """Consume and return the first fault matching the request, if any."""
        with self.lock:
            for fault in self.faults:
                if fault.matches(service, method, path):
                    fault.times -= 1
                    return fault
        return None

    # -- dispatch --------------------------------------------------------------------------
    def route(self, full_path: str) -> tuple[str, Service, str] | None:
        """Find the service whose prefix starts the path; return (prefix, service, rest)."""
        for prefix, service in self._services:
            if full_path == prefix or full_path.startswith(prefix + "/"):
                return prefix, service, full_path[len(prefix) :] or "/"
        return None

    def authorized(self, service: Service, request: Request) -> bool:
        """True when the request carries a token this service accepts."""
        accepted = self.tokens.get(service.name)
        if accepted is None:
            return True
        auth = request.header("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        return scheme.lower() in {"bearer", "token"} and token.strip() in accepted


def _make_handler(emulator: Emulator) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle's algorithm on, the second waits
        # for the client's delayed ACK (~40 ms a request).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the console quiet; the request log is the record."""

        def _serve(self) -> None:
            _serve_one(emulator, self)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

    return _Handler


def _read_request(handler: BaseHTTPRequestHandler, path: str, base_url: str) -> Request:
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    split = urlsplit(handler.path)
    return Request(
        method=handler.command,
        path=path,
        query=parse_qs(split.query, keep_blank_values=True),
        headers=dict(handler.headers.items()),
        body=body,
        base_url=base_url,
    )


def _serve_one(emulator: Emulator, handler: BaseHTTPRequestHandler) -> None:
    full_path = urlsplit(handler.path).path
    routed = emulator.route(full_path)
    host = handler.headers.get("Host") or "127.0.0.1"
    if routed is None:
        length = int(handler.headers.get("Content-Length") or 0)
        handler.rfile.read(length)
        _write(handler, Response(404, {"message": "Not Found"}))
        return
    prefix, service, rest = routed
    request = _read_request(handler, rest, f"http://{host}{prefix}")
    fault = emulator.take_fault(service.name, request.method, rest)
    if fault is not None and fault.kind == "reset":
        _record(emulator, service.name, request, 0, "reset")
        handler.close_connection = True
        handler.connection.close()
        return
    if fault is not None and fault.kind == "delay":
        time.sleep(fault.seconds)
    if fault is not None and fault.kind in ("status", "secondary"):
        refused = _fault_response(fault)
        _record(emulator, service.name, request, refused.status, fault.kind)
        _write(handler, refused)
        return
    limited = emulator.limits.check(service.name, request) if emulator.limits else None
    if limited is not None:
        _record(emulator, service.name, request, limited.status, "rate-limit")
        _write(handler, limited)
        return
    response = _answer(emulator, service, request)
    if fault is not None and fault.kind == "after":
        response = _fault_response(fault)
    _record(emulator, service.name, request, response.status, fault.kind if fault else None)
    _write(handler, response)


def _answer(emulator: Emulator, service: Service, request: Request) -> Response:
    if not emulator.authorized(service, request):
        return service.auth_error()
    try:
        with emulator.lock:
            return service.handle(request)
    except ApiError as err:
        return Response(err.status, err.body, dict(err.headers))


def _fault_response(fault: Fault) -> Response:
    if fault.kind == "secondary":
        return secondary_limit(fault)
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = f"{fault.retry_after:g}"
    body = fault.body if fault.body is not None else {"errors": [{"message": "injected fault"}]}
    return Response(fault.status, body, headers)


SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {request_id}."
)
SECONDARY_DOCS = (
    "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits"
)


def secondary_limit(fault: Fault) -> Response:
    """GitHub's answer to a client over a secondary limit: the primary quota is not spent, so
    ``x-ratelimit-reset`` says nothing about when to retry; ``Retry-After`` comes only at times."""
    headers = {
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": "4990",
        "X-RateLimit-Used": "10",
        "X-RateLimit-Reset": str(int(time.time()) + 3600),
        "X-RateLimit-Resource": "core",
        "X-GitHub-Request-Id": "0400:3A2B:1C0FFEE:2B1DFAD:65A00001",
    }
    if fault.retry_after is not None:
        headers["Retry-After"] = f"{fault.retry_after:g}"
    body = {
        "message": SECONDARY_MESSAGE.format(request_id=headers["X-GitHub-Request-Id"]),
        "documentation_url": SECONDARY_DOCS,
    }
    return Response(fault.status if fault.status == 429 else 403, body, headers)


def _record(
    emulator: Emulator, service: str, request: Request, status: int, fault: str | None
) -> None:
    entry = Recorded(service, request.method, request.path, request.query, request.body, status)
    entry.fault, entry.at = fault, time.monotonic()
    with emulator.lock:
        emulator.requests.append(entry)


def _write(handler: BaseHTTPRequestHandler, response: Response) -> None:
    payload = response.encoded()
    handler.send_response(response.status)
    headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(payload)
