"""Deliver the hours reports where people read them, and ask for missing hours, once each.

- A community's report goes to ``report.repository`` as one issue per period, found again by
  its hidden marker (open or closed) and updated in place, or to the Slack webhook whose URL
  is in the environment variable ``report.slack_webhook_env`` (a webhook cannot edit what it
  posted: each publish posts one message).
- The team's report goes to ``csh.team_report``: one issue, updated in place, whose body
  records (hidden marker) the flags already announced; flags new since then are announced in
  one comment. With a Slack team report the message carries the new flags, and the record
  lives in the body of a closed issue of the first of ``github.repositories``.
- With ``csh.ask_for_missing_hours``: one comment on each completed issue with no hours,
  asking its assignee to add them on the board (never twice: the comment's marker).

With ``--dry-run`` nothing is written; each write is printed as "would ...".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sync.actions_runtime import Runtime
from sync.config import CshConfig
from sync.config.model import Report
from sync.domain import split_issue_url
from sync.errors import ApiFailure, UsageError
from sync.github.client import GitHubClient
from sync.github.marked_issues import IssueRef, create_issue, edit_body, find_marked
from sync.hours import announce
from sync.hours.model import NO_HOURS, CommunityHours, LoggedTask
from sync.hours.render import flag_markdown
from sync.hours.slack_text import team_text
from sync.retry import RetryPolicy
from sync.slack import SlackWebhook

EVER = datetime(2008, 1, 1, tzinfo=UTC)  # before any GitHub issue: read them all

TEAM_TITLE = "Community Success Hours: team report"
RECORD_TITLE = "Community Success Hours: flags announced to the team"


@dataclass
class Publisher:
    """Where reports go, and how: the runtime, a GitHub client made on first use, the retry
    policy for Slack, and whether to write at all."""

    runtime: Runtime
    github: Callable[[], GitHubClient]
    policy: RetryPolicy
    dry_run: bool = False

    # -- a community's report -------------------------------------------------------------
    def community(self, row: CommunityHours, markdown: str, slack_text: str) -> str:
        """Deliver one community's report; return what happened (created/updated/...)."""
        community = row.community
        report = community.report
        if report is None:
            raise UsageError(
                f"--publish: csh.communities[{community.key}].report is not set; set "
                "{repository: OWNER/NAME} or {slack_webhook_env: NAME}"
            )
        if report.slack_webhook_env:
            return self._slack(report.slack_webhook_env, slack_text, f"{community.key} report")
        marker = announce.community_marker(community.key, row.span)
        period = _period_title(row)
        title = f"Community Success Hours: {community.name}{period}"
        repo = str(report.repository)
        # A period's issue is opened once the period has begun: the look need not go further.
        since = datetime.combine(row.span[0], time.min, UTC) if row.span else EVER
        found = self._find(repo, marker, since)
        action, _ = self._upsert(repo, found, marker, title, f"{marker}\n{markdown}", since)
        return action

    # -- the team's report ----------------------------------------------------------------
    def team(
        self, csh: CshConfig, rows: Sequence[CommunityHours], markdown: str, record_repo: str
    ) -> str:
        """Deliver the team's report, announcing each new flag once; return what happened."""
        report = _team_report(csh)
        flags = announce.team_flags(rows)
        if report.slack_webhook_env:
            return self._team_slack(report, rows, flags, record_repo)
        repo = str(report.repository)
        found = self._find(repo, announce.TEAM_REPORT)
        fresh = announce.new_flags(flags, found.body) if found else []
        body = f"{announce.TEAM_REPORT}\n{markdown}\n\n{announce.record(f.id for f in flags)}\n"
        if found is not None and fresh:
            self._comment(repo, found.number, _announcement(fresh), f"{found.ref}")
        action, _ = self._upsert(repo, found, announce.TEAM_REPORT, TEAM_TITLE, body)
        self.runtime.info(f"{len(fresh) if found else len(flags)} new flags announced")
        return action

    def _team_slack(
        self,
        report: Report,
        rows: Sequence[CommunityHours],
        flags: Sequence[announce.TeamFlag],
        record_repo: str,
    ) -> str:
        if not record_repo:
            raise UsageError(
                "--publish: a Slack team report keeps its record in an issue of the first of "
                "github.repositories: set github.repositories or GITHUB_REPOSITORY"
            )
        found = self._find(record_repo, announce.TEAM_RECORD)
        fresh = announce.new_flags(flags, found.body if found else "")
        text = team_text(rows, fresh)
        action = self._slack(str(report.slack_webhook_env), text, "team report")
        body = (
            f"{announce.TEAM_RECORD}\nThe record of the CSH flags community-sync has announced "
            f"to the team in Slack. Kept up to date by `hours --publish`; do not delete.\n\n"
            f"{announce.record(f.id for f in flags)}\n"
        )
        _, made = self._upsert(record_repo, found, announce.TEAM_RECORD, RECORD_TITLE, body)
        if found is None and made is not None and not self.dry_run:
            self._close(made)
        return action

    # -- asking for missing hours ---------------------------------------------------------
    def ask_for_hours(self, rows: Sequence[CommunityHours], hours_field: str) -> int:
        """Comment once on each completed issue with no hours; return how many were asked."""
        asked = 0
        for row in rows:
            by_gid = {t.task.gid: t for t in row.tasks}
            for flag in row.flags:
                logged = by_gid.get(flag.subject)
                if flag.kind == NO_HOURS and logged and flag.url and split_issue_url(flag.url):
                    asked += self._ask(logged, row.community.name, hours_field)
        return asked

    def _ask(self, logged: LoggedTask, community: str, hours_field: str) -> int:
        owner, name, number = split_issue_url(str(logged.task.github_url)) or ("", "", 0)
        repo = f"{owner}/{name}"
        try:
            if self._has_comment(repo, number, announce.ASK_FOR_HOURS):
                return 0
            body = ask_text(logged, community, hours_field)
            self._comment(repo, number, body, f"{repo}#{number}")
        except ApiFailure as failure:
            if failure.status not in (403, 404, 410):
                raise
            self.runtime.warning(f"{repo}#{number}: cannot ask for its hours ({failure})")
            return 0
        return 1

    # -- GitHub and Slack -----------------------------------------------------------------
    def _find(self, repo: str, marker: str, since: datetime | None = None) -> IssueRef | None:
        # The team's issues live for years and are not edited when nothing changed: read all.
        return find_marked(self.github(), repo, marker, since or EVER)

    def _upsert(
        self,
        repo: str,
        issue: IssueRef | None,
        marker: str,
        title: str,
        body: str,
        since: datetime | None = None,
    ) -> tuple[str, IssueRef | None]:
        """Create the issue holding ``marker`` (``issue`` None: there is none) or update its
        body; return what happened and the issue."""
        if issue is None:
            if self.dry_run:
                self.runtime.out(f'would create issue "{title}" in {repo}')
                return "created", None
            made = create_issue(self.github(), repo, title, body, marker, since or EVER)
            self.runtime.info(f"created {made.ref}: {made.url}")
            return "created", made
        if _lf(issue.body).strip() == _lf(body).strip():
            self.runtime.info(f"{issue.ref} is up to date")
            return "unchanged", issue
        if self.dry_run:
            self.runtime.out(f"would update {issue.ref}")
            return "updated", issue
        edit_body(self.github(), issue, body)
        self.runtime.info(f"updated {issue.ref}: {issue.url}")
        return "updated", issue

    def _has_comment(self, repo: str, number: int, marker: str) -> bool:
        return any(marker in body for body in self.github().comment_bodies(repo, number))

    def _comment(self, repo: str, number: int, body: str, ref: str) -> None:
        if self.dry_run:
            self.runtime.out(f"would comment on {ref}")
            return
        self.github().comment(repo, number, body, marker=body.splitlines()[0])
        self.runtime.info(f"commented on {ref}")

    def _close(self, issue: IssueRef) -> None:
        self.github().set_issue_state(issue.repo, issue.number, "closed")

    def _slack(self, variable: str, text: str, what: str) -> str:
        url = (self.runtime.env.get(variable) or "").strip()
        if not url:
            raise UsageError(f"--publish: {variable} is not set; set it to the Slack webhook URL")
        self.runtime.add_secret(url)
        key = url.rstrip("/").rsplit("/", 1)[-1]
        if len(key) >= 8:  # an error may quote the webhook's path without its host
            self.runtime.add_secret(key)
        if self.dry_run:
            self.runtime.out(f"would post the {what} to Slack (webhook in {variable})")
            return "created"
        SlackWebhook(url, self.policy).post({"text": text}, what=f"post the {what} to Slack")
        self.runtime.info(f"posted the {what} to Slack (webhook in {variable})")
        return "created"


def ask_text(logged: LoggedTask, community: str, hours_field: str) -> str:
    """The one comment asking an issue's assignee to add its hours on the board."""
    who = f"@{logged.login}" if logged.login else "Hello"
    return (
        f"{announce.ASK_FOR_HOURS}\n{who}, this issue is completed but no hours are logged "
        f'for it. Please add the hours you spent to its "{hours_field}" field on the CSH '
        f"board, so that {community}'s Community Success Hours report counts them. "
        "(community-sync asks once.)"
    )


def _announcement(fresh: Sequence[announce.TeamFlag]) -> str:
    ids = ",".join(f.id for f in fresh)
    lines = [f"<!-- community-sync:hours-new-flags ids={ids} -->", "New since the last report:"]
    lines += [f"- {f.community}: {flag_markdown(f.flag)}" for f in fresh]
    return "\n".join(lines)


def _team_report(csh: CshConfig) -> Report:
    if csh.team_report is None:
        raise UsageError(
            "--publish without --community: csh.team_report is not set; set "
            "{repository: OWNER/NAME} or {slack_webhook_env: NAME}"
        )
    return csh.team_report


def _period_title(row: CommunityHours) -> str:
    return f", {row.span[0].isoformat()} to {row.span[1].isoformat()}" if row.span else ""


def _lf(body: str) -> str:
    """A body as GitHub stores it for comparison: LF line ends."""
    return body.replace("\r\n", "\n")
