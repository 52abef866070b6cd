"""`agenda --publish`: the session's agenda issue, its one escalation, and grooming requests.

Safe to run any number of times, late or twice at once in a row: each step first looks for
the marker an earlier run left (the agenda issue by the session date, the escalation in the
agenda issue's body or an escalation issue, grooming comments on the topics) and writes only
what is missing or changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from sync.config import OfficeHoursConfig
from sync.github.client import GitHubClient
from sync.github.marked_issues import IssueRef, create_issue, edit_body
from sync.office_hours import markers, notices
from sync.office_hours.agenda import Person, Shipped
from sync.office_hours.board import Card
from sync.office_hours.schedule import Session
from sync.office_hours.session_issues import (
    SessionIssues,
    comment,
    commented,
    find_session_issues,
    lookup_since,
)
from sync.office_hours.writes import Writes
from sync.slack import SlackWebhook


@dataclass(frozen=True, slots=True)
class Publication:
    """What to publish for one session: the rendered agenda and its Up Next cards."""

    config: OfficeHoursConfig
    session: Session
    agenda: str
    cards: Sequence[Card]
    invitees: Sequence[Person] = ()  # suggested when short of topics
    shipped: Sequence[Shipped] = ()  # topic candidates, when short of topics

    @property
    def title(self) -> str:
        """The agenda issue's title."""
        return f"Office hours {self.session.date.isoformat()}"

    @property
    def since(self) -> datetime:
        """Issues of this session were last updated no earlier than this."""
        return lookup_since(self.config.schedule, self.session)


@dataclass(frozen=True, slots=True)
class Published:
    """What publish did: `created`/`updated`/`unchanged`, the issue, the escalation."""

    action: str
    issue: IssueRef | None  # None only in a dry run that would create it
    escalation: str  # "none", "slack", "issue", or "already sent"
    groomed: int
    invited: int = 0


def publish(
    gh: GitHubClient, pub: Publication, slack: SlackWebhook | None, writes: Writes
) -> Published:
    """Create or refresh the agenda issue, escalate once, ask for grooming once per topic."""
    found = find_session_issues(gh, pub.config.repository, pub.session.date, pub.title, pub.since)
    issue, action = _write_agenda(gh, pub, found.agenda, writes)
    escalation = _escalate(gh, pub, issue, found, slack, writes)
    if escalation in ("slack", "issue") and issue is not None:
        issue = _record_escalation(gh, pub, issue, writes)
    groomed = _groom(gh, pub, issue, writes)
    invited = _invite(gh, pub, issue, writes) if pub.config.invitees.invite else 0
    return Published(action, issue, escalation, groomed, invited)


def _write_agenda(
    gh: GitHubClient, pub: Publication, existing: IssueRef | None, writes: Writes
) -> tuple[IssueRef | None, str]:
    """Create the agenda issue, or refresh its owned region when the agenda changed."""
    repo, day = pub.config.repository, pub.session.date
    if existing is None:
        body, marker = markers.agenda_body(day, pub.agenda), markers.agenda_start(day)
        line = f'create issue "{pub.title}" in {repo}'
        created = writes.apply(
            line, lambda: create_issue(gh, repo, pub.title, body, marker, pub.since)
        )
        return created, "created"
    body = markers.agenda_body(day, pub.agenda, existing.body)
    if markers.same_body(body, existing.body):
        return existing, "unchanged"
    line = f"update {existing.ref}: the agenda of {day}"
    writes.apply(line, lambda: edit_body(gh, existing, body))
    return replace(existing, body=body), "updated"


def _escalate(
    gh: GitHubClient,
    pub: Publication,
    issue: IssueRef | None,
    found: SessionIssues,
    slack: SlackWebhook | None,
    writes: Writes,
) -> str:
    """Raise the session's concern once: to Slack, else as an issue labeled `issue_label`."""
    concern = notices.concern(pub.config, [c.topic for c in pub.cards if c.topic], pub.shipped)
    if concern is None:
        return "none"
    recorded = issue is not None and markers.escalated(pub.session.date) in issue.body
    if recorded or found.escalation is not None:
        return "already sent"
    url = issue.url if issue else None
    if slack is None:
        body = notices.escalation_body(pub.config, pub.session, concern, url)
        _escalation_issue(gh, pub, body, writes)
        return "issue"
    payload = notices.slack_message(pub.config, pub.session, concern, url)
    line = f"send Slack message to {pub.config.escalation.channel or 'the webhook channel'}"
    writes.apply(line, lambda: slack.post(payload, what="send the escalation to Slack"))
    return "slack"


def _escalation_issue(gh: GitHubClient, pub: Publication, body: str, writes: Writes) -> None:
    config, title = pub.config, notices.escalation_title(pub.session)
    label = config.escalation.issue_label
    marker = markers.escalation_issue(pub.session.date)
    line = f'create issue "{title}" in {config.repository} labeled {label}'
    writes.apply(
        line,
        lambda: create_issue(gh, config.repository, title, body, marker, pub.since, [label]),
    )


def _record_escalation(
    gh: GitHubClient, pub: Publication, issue: IssueRef, writes: Writes
) -> IssueRef:
    body = markers.with_marker(issue.body, markers.escalated(pub.session.date))
    writes.apply(f"update {issue.ref}: note the escalation", lambda: edit_body(gh, issue, body))
    return replace(issue, body=body)


def _groom(gh: GitHubClient, pub: Publication, issue: IssueRef | None, writes: Writes) -> int:
    """Ask for grooming on each short topic issue that has no request for this session yet."""
    ids = {c.topic.ref: c.content_id for c in pub.cards if c.topic and c.content_id}
    topics = [c.topic for c in pub.cards if c.topic and c.topic.ref in ids]
    short = notices.needs_grooming(pub.config, topics)
    if not short:
        return 0
    done = commented(gh, [ids[t.ref] for t in short], markers.grooming(pub.session.date))
    todo = [t for t in short if ids[t.ref] not in done]
    url = issue.url if issue else None
    for topic in todo:
        body = notices.grooming_comment(pub.config, pub.session, topic, url)
        line = f"comment on {topic.ref}: ask for its description to be groomed"
        writes.apply(line, partial(comment, gh, topic.repo, topic.number, body))
    return len(todo)


def _invite(gh: GitHubClient, pub: Publication, issue: IssueRef | None, writes: Writes) -> int:
    """Invite suggested invitees on their pull request or proposal: once a session, capped."""
    people = notices.to_invite(pub.invitees)
    if not people:
        return 0
    marker = markers.invitation(pub.session.date)
    done = commented(gh, [p.node_id for p in people], marker)
    room = max(0, pub.config.invitees.max_per_session - len(done))
    todo = [p for p in people if p.node_id not in done][:room]
    url = issue.url if issue else None
    for person in todo:
        body = notices.invitation_comment(pub.config, pub.session, person, url)
        line = f"comment on {person.repo}#{person.number}: invite @{person.login} to the session"
        writes.apply(line, partial(comment, gh, person.repo, person.number, body))
    return len(todo)
