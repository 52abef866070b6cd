"""GitHub through PyGithub (REST) and a plain GraphQL POST, with the project's retry policy.

PyGithub's own retries are switched off (``retry=None``) so that one policy, with an injectable
clock, decides for every call. GraphQL answers errors with HTTP 200 and an ``errors`` array;
rate-limit errors among them are retried, the others fail with GitHub's own message.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import requests

from sync import http_log
from sync.errors import ApiFailure
from sync.retry import RetryPolicy, Transient

T = TypeVar("T")
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_GRAPHQL_URL = "https://api.github.com/graphql"
PROJECTS_HINT = (
    "GitHub Projects need a GitHub App token (organization Projects permission) or a PAT with "
    "the 'project' scope; the Actions GITHUB_TOKEN cannot read or write Projects"
)


class GitHubClient:
    """REST (PyGithub) and GraphQL access, every call under one retry policy."""

    def __init__(
        self,
        token: str,
        api_url: str,
        graphql_url: str,
        policy: RetryPolicy,
        *,
        timeout: float = 30.0,
        write_interval: float = 1.0,
    ) -> None:
        self._token = token
        self._rest: Any = None
        self._rest_lock = threading.Lock()
        self.graphql_url = graphql_url
        # 0 (tests, benchmarks): no client-side spacing of writes at all, nor content pacing.
        self.write_interval = write_interval
        self.policy = policy
        self.timeout = timeout
        self.api_url = api_url
        self._session = requests.Session()
        self._session.headers.update(
            {"Authorization": f"Bearer {token}", "User-Agent": "community-sync"}
        )
        self._session.hooks["response"].append(_log_graphql_response)

    @property
    def rest(self) -> Any:
        """The PyGithub client, made at the first REST call: PyGithub loads ~180 modules, and a
        reconcile in sync, all GraphQL, makes none."""
        with self._rest_lock:
            if self._rest is None:
                self._rest = self._make_rest()
            return self._rest

    def _make_rest(self) -> Any:
        from github import Github

        _watch_rest_requests()
        return Github(
            auth=_timed_token(self._token),
            base_url=self.api_url.rstrip("/"),
            # PyGithub takes whole seconds; int() would turn a sub-second timeout into 0,
            # which requests refuses on every call.
            timeout=math.ceil(self.timeout),
            retry=None,
            per_page=100,
            lazy=True,
            user_agent="community-sync",
            # Reads go out back to back; writes (comments) are spaced as GitHub asks of
            # integrations that create content, to stay clear of its secondary rate limits.
            seconds_between_requests=None,
            seconds_between_writes=self.write_interval or None,
        )

    def call(
        self,
        fn: Callable[[], T],
        *,
        what: str,
        idempotent: bool = True,
        recover: Callable[[], T | None] | None = None,
    ) -> T:
        """Run a PyGithub call under the retry policy."""
        return self.policy.run(
            http_log.counted(lambda: _classified(fn)),
            what=what,
            idempotent=idempotent,
            recover=recover,
        )

    # -- typed REST operations: nothing outside github/ touches PyGithub ----------------------
    def comment(self, repo: str, number: int, body: str, *, marker: str | None = None) -> int:
        """Comment on an issue or pull request; return the comment's id. After a failure that
        may have posted it anyway, the issue's comments are searched for ``marker`` (default:
        the body's first line) before the comment is sent again."""
        issue = self.rest.get_repo(repo).get_issue(number)
        wanted = marker or body.splitlines()[0]

        def look() -> int | None:
            return next((int(c.id) for c in issue.get_comments() if wanted in (c.body or "")), None)

        return self.call(
            lambda: int(issue.create_comment(body).id),
            what=f"comment on {repo}#{number}",
            idempotent=False,
            recover=look,
        )

    def comment_bodies(self, repo: str, number: int) -> list[str]:
        """The bodies of every comment on an issue or pull request."""
        issue = self.rest.get_repo(repo).get_issue(number)
        return self.call(
            lambda: [c.body or "" for c in issue.get_comments()],
            what=f"read the comments of {repo}#{number}",
        )

    def edit_comment(self, repo: str, number: int, comment_id: int, body: str) -> None:
        """Replace the body of a comment."""
        comment = self.rest.get_repo(repo).get_issue(number).get_comment(comment_id)
        self.call(lambda: comment.edit(body), what=f"edit comment {comment_id} on {repo}#{number}")

    def set_issue_state(self, repo: str, number: int, state: str) -> None:
        """Open or close an issue (``state``: "open" or "closed")."""
        issue = self.rest.get_repo(repo).get_issue(number)
        verb = "reopen" if state == "open" else "close"
        self.call(lambda: issue.edit(state=state), what=f"{verb} {repo}#{number}")

    def edit_issue_body(self, repo: str, number: int, body: str) -> None:
        """Replace an issue's body."""
        issue = self.rest.get_repo(repo).get_issue(number)
        self.call(lambda: issue.edit(body=body), what=f"update {repo}#{number}")

    def create_issue(
        self,
        repo: str,
        title: str,
        body: str,
        labels: Sequence[str],
        recover: Callable[[], T | None],
        made: Callable[[int, str, str, str], T],
    ) -> T:
        """Open an issue; ``made(number, url, title, body)`` describes it. After a failure that
        may have opened it anyway, ``recover`` looks for it before it is sent again."""
        handle = self.rest.get_repo(repo)

        def create() -> T:
            issue = handle.create_issue(title=title, body=body, labels=list(labels))
            return made(issue.number, issue.html_url, issue.title, issue.body or "")

        return self.call(
            create, what=f'create issue "{title}" in {repo}', idempotent=False, recover=recover
        )

    def role_name(self, repo: str, login: str) -> str | None:
        """The login's role on a repository (admin, maintain, write, triage, read, none); None
        when GitHub does not know the account."""
        target = self.rest.get_repo(repo)
        try:
            role = self.call(
                lambda: target.get_collaborator_role_name(login),
                what=f"read {login}'s role on {repo}",
            )
        except ApiFailure as failure:
            if failure.status == 404:
                return None
            raise
        return str(role) if role else None

    def graphql(
        self,
        query: str,
        variables: dict[str, Any],
        *,
        what: str,
        idempotent: bool = True,
        allow_missing: bool = False,
    ) -> dict[str, Any]:
        """Run a GraphQL query or mutation and return its ``data``.

        With ``allow_missing``, NOT_FOUND errors are not failures: the missing object is null.
        """
        return self.policy.run(
            http_log.counted(lambda: self._graphql_once(query, variables, allow_missing)),
            what=what,
            idempotent=idempotent,
        )

    def get(self, url: str, *, what: str, follow: bool = True) -> tuple[int, dict[str, Any], str]:
        """GET a REST URL (absolute, or a path under the API root): (status, body, Location).
        With ``follow=False`` a redirect is returned, not followed; 3xx, 404 and 410 are
        answers here, not failures."""
        full = url if "://" in url else self.api_url.rstrip("/") + "/" + url.lstrip("/")

        def once() -> tuple[int, dict[str, Any], str]:
            try:
                response = self._session.get(full, timeout=self.timeout, allow_redirects=follow)
            except requests.exceptions.ConnectionError:
                raise Transient("GitHub", "connection failed", processed=False) from None
            except requests.exceptions.Timeout:
                raise Transient("GitHub", "no answer before the timeout") from None
            status, body = response.status_code, _json(response)
            if status not in (301, 302, 307, 308, 404, 410):
                _raise_for_http(status, response.headers, body, time.time())
            return status, body, str(response.headers.get("Location") or "")

        return self.policy.run(once, what=what)

    def _graphql_once(
        self, query: str, variables: dict[str, Any], allow_missing: bool
    ) -> dict[str, Any]:
        payload = {"query": query, "variables": variables}
        try:
            response = self._session.post(self.graphql_url, json=payload, timeout=self.timeout)
        except requests.exceptions.ConnectionError as exc:
            sent = not isinstance(exc, requests.exceptions.ConnectTimeout) and _was_sent(exc)
            raise Transient("GitHub", "connection failed", processed=sent) from None
        except requests.exceptions.Timeout:
            raise Transient("GitHub", "no answer before the timeout") from None
        body = _json(response)
        _raise_for_http(response.status_code, response.headers, body, time.time())
        if "data" not in body and not body.get("errors"):
            # A proxy's page or an empty answer: read as data, it would say "no such issue".
            raise Transient("GitHub", f"answered HTTP {response.status_code} without GraphQL data")
        errors = body.get("errors") or []
        if allow_missing:
            errors = [
                e for e in errors if not (isinstance(e, dict) and e.get("type") == "NOT_FOUND")
            ]
        if errors:
            _raise_for_graphql_errors(errors, response.headers, time.time())
        data: dict[str, Any] = body.get("data") or {}
        return data


# -- -v request lines ------------------------------------------------------------------------
# PyGithub has no per-request hook, but its token auth is asked for headers as each request
# starts and its own logger ("github.Requester") records each answer: together they give the
# line and its milliseconds without reaching into PyGithub's private connection objects.
_rest_started = threading.local()


def _timed_token(token: str) -> Any:
    """A PyGithub token auth that also notes when each REST request starts (for -v)."""
    from github import Auth

    class TimedToken(Auth.Token):
        def authentication(self, headers: dict[Any, Any]) -> None:
            super().authentication(headers)
            _rest_started.at = time.monotonic()

    return TimedToken(token)


class _RestRequestLog(logging.Handler):
    """Turns PyGithub's own debug record of a finished request into our request line."""

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if not (isinstance(args, tuple) and len(args) >= 7 and "==>" in str(record.msg)):
            return
        verb, url, status = args[0], args[3], args[6]
        started = getattr(_rest_started, "at", None)
        seconds = time.monotonic() - started if isinstance(started, float) else 0.0
        http_log.log_request("GitHub", str(verb), str(url), str(status), seconds)


_REST_LOG = _RestRequestLog()


def _watch_rest_requests() -> None:
    """Under -v, have PyGithub report each request to :class:`_RestRequestLog`."""
    logger = logging.getLogger("github.Requester")
    if _REST_LOG not in logger.handlers:
        logger.addHandler(_REST_LOG)
    verbose = http_log.enabled()
    logger.setLevel(logging.DEBUG if verbose else logging.NOTSET)
    # PyGithub's "github" logger prints to stderr itself: its raw record (bodies included)
    # must not reach it; our handler prints the one line instead.
    logger.propagate = not verbose


def _log_graphql_response(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
    """A requests response hook: one request line per GraphQL POST."""
    request = response.request
    seconds = response.elapsed.total_seconds()
    method, url = request.method or "POST", request.url or ""
    http_log.log_request("GitHub", method, url, response.status_code, seconds)


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _was_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """False when the connection was refused (nothing reached the server)."""
    text = repr(exc)
    return not ("NewConnectionError" in text or "Connection refused" in text)


def _retry_after(headers: Any, now: float) -> float | None:
    """Seconds to wait from Retry-After, or from X-RateLimit-Reset when the quota is spent."""
    value = headers.get("Retry-After") or headers.get("retry-after")
    if value is not None:
        try:
            return float(value)
        except ValueError:
            return None
    if str(headers.get("X-RateLimit-Remaining", "")) == "0":
        try:
            return max(0.0, float(headers["X-RateLimit-Reset"]) - now)
        except (KeyError, ValueError):
            return None
    return None


def _raise_for_http(status: int, headers: Any, body: dict[str, Any], now: float) -> None:
    """Classify an HTTP answer (pure: ``now`` is the wall clock, for the rate-limit reset)."""
    if status < 400:
        return
    message = str(body.get("message") or f"HTTP {status}")
    if status == 429 or (status == 403 and _is_rate_limit(message, headers)):
        raise Transient(
            "GitHub",
            f"rate limited ({status}): {message}",
            status=status,
            retry_after=_retry_after(headers, now),
            processed=False,
        )
    if status >= 500:
        raise Transient("GitHub", f"server error {status}: {message}", status=status)
    if status == 401:
        message = "Bad credentials: check GITHUB_TOKEN"
    raise ApiFailure("GitHub", message, status)


def _is_rate_limit(message: str, headers: Any) -> bool:
    lowered = message.lower()
    return (
        "rate limit" in lowered
        or headers.get("Retry-After") is not None
        or str(headers.get("X-RateLimit-Remaining", "")) == "0"
    )


def _raise_for_graphql_errors(errors: list[Any], headers: Any, now: float) -> None:
    kinds = {str(e.get("type", "")) for e in errors if isinstance(e, dict)}
    messages = "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))
    if "RATE_LIMITED" in kinds:
        raise Transient(
            "GitHub",
            f"GraphQL rate limited: {messages}",
            retry_after=_retry_after(headers, now),
            processed=False,
            status=403,
        )
    if "FORBIDDEN" in kinds and _about_projects(errors):
        raise ApiFailure("GitHub", f"{messages}. {PROJECTS_HINT}", 403)
    if "FORBIDDEN" in kinds:
        raise ApiFailure("GitHub", messages, 403)
    raise ApiFailure("GitHub", f"GraphQL: {messages}")


def _about_projects(errors: list[Any]) -> bool:
    """True when a FORBIDDEN error concerns Projects (board, items, their mutations)."""
    for error in errors:
        if isinstance(error, dict):
            where = " ".join(str(p) for p in error.get("path") or []) + str(error.get("message"))
            if "project" in where.lower():
                return True
    return False


def _classified(fn: Callable[[], T]) -> T:
    from github import GithubException

    try:
        return fn()
    except GithubException as exc:
        data = exc.data if isinstance(exc.data, dict) else {}
        _raise_for_http(exc.status, exc.headers or {}, data, time.time())
        raise ApiFailure("GitHub", str(data.get("message") or exc.status), exc.status) from None
    except requests.exceptions.ConnectionError as exc:
        raise Transient("GitHub", "connection failed", processed=_was_sent(exc)) from None
    except requests.exceptions.Timeout:
        raise Transient("GitHub", "no answer before the timeout") from None
