"""What office hours tell people: the escalation (Slack or issue) and the grooming comment. Pure.

Text from GitHub is escaped for where it goes: Markdown for issues and comments, Slack's
`&`, `<`, `>` for the webhook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sync.config import OfficeHoursConfig
from sync.mentions import neutralise_mentions
from sync.office_hours import markers
from sync.office_hours.agenda import (
    WEEKDAYS,
    Person,
    Shipped,
    Topic,
    is_bot,
)
from sync.office_hours.schedule import Session
from sync.templating import code_span, escape_table_cell

SLACK_SECTION_LIMIT = 3000  # characters in a section block's text


@dataclass(frozen=True, slots=True)
class Concern:
    """Why a session's agenda needs people's attention."""

    topics: int
    min_topics: int
    community: tuple[Topic, ...]  # topics labeled `community_label`
    shipped: tuple[Shipped, ...] = ()  # topic candidates from what shipped, when short

    @property
    def short(self) -> bool:
        """Whether the session has fewer topics than it aims for."""
        return self.topics < self.min_topics


def concern(
    config: OfficeHoursConfig, topics: Sequence[Topic], shipped: Sequence[Shipped] = ()
) -> Concern | None:
    """The session's concern, or None when the agenda is fine as it is."""
    label = config.escalation.community_label.casefold()
    community = tuple(t for t in topics if any(lb.casefold() == label for lb in t.labels))
    short = len(topics) < config.min_topics
    found = Concern(len(topics), config.min_topics, community, tuple(shipped) if short else ())
    return found if found.short or community else None


def when(session: Session) -> str:
    """E.g. `Wednesday 2026-01-21, 16:00 UTC`."""
    day = WEEKDAYS[session.date.weekday()]
    return f"{day} {session.date.isoformat()}, {session.start:%H:%M} {session.start.tzinfo}"


def _short_line(found: Concern) -> str:
    return f"It has {found.topics} of the {found.min_topics} topics it aims for."


# -- Slack -----------------------------------------------------------------------------------
def slack_escape(text: str) -> str:
    """Escape text for Slack's mrkdwn: only `&`, `<` and `>` are special."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(
    config: OfficeHoursConfig, session: Session, found: Concern, agenda_url: str | None
) -> dict[str, Any]:
    """The webhook payload: a plain `text` fallback and the same in blocks."""
    title = f"Office hours {session.date.isoformat()} needs attention"
    lines = [_short_line(found)] if found.short else []
    lines += [
        f'{t.ref} "{t.title}" needs community members in the room: {t.url}' for t in found.community
    ]
    if found.short:
        lines.append(f"Label an issue or pull request {config.topic_label} to add a topic.")
    lines += [f"Shipped since the last session: {_shipped_line(item)}" for item in found.shipped]
    agenda = f"Agenda: {agenda_url}" if agenda_url else "Agenda: not published yet"
    text = f"{title}: " + " ".join(lines) + f" {agenda}"
    section = "\n".join(f"• {slack_escape(line)}" for line in lines)
    context = slack_escape(f"{when(session)} · {agenda}")
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": section[:SLACK_SECTION_LIMIT]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
    ]
    return {"text": slack_escape(text), "blocks": blocks}


# -- GitHub issue ----------------------------------------------------------------------------
def escalation_title(session: Session) -> str:
    """The title of the escalation issue."""
    return f"Office hours {session.date.isoformat()} needs attention"


def escalation_body(
    config: OfficeHoursConfig, session: Session, found: Concern, agenda_url: str | None
) -> str:
    """The Markdown body of the escalation issue, with its marker."""
    agenda = f"[office hours {session.date}]({agenda_url})" if agenda_url else "office hours"
    channel = (
        f" ({escape_table_cell(config.escalation.channel)})" if config.escalation.channel else ""
    )
    lines = [f"The agenda of {agenda} ({when(session)}) needs attention{channel}:", ""]
    if found.short:
        label = code_span(config.topic_label)
        lines.append(f"- {_short_line(found)} Label an issue or pull request {label} to add one.")
    lines += [f"- {_topic_link(t)} needs community members in the room." for t in found.community]
    if found.shipped:
        lines += ["", "Shipped since the last session, candidate topics:"]
        lines += [f"- {_shipped_link(item)}" for item in found.shipped]
    return "\n".join([markers.escalation_issue(session.date), *lines]) + "\n"


def _shipped_line(item: Shipped) -> str:
    """A candidate in plain text, e.g. `release v1.2 (o/r@v1.2) by @a: URL`."""
    return f'{item.kind} "{item.title}" ({item.ref}) by {item.author or "unknown"}: {item.url}'


def _shipped_link(item: Shipped) -> str:
    title = escape_table_cell(item.title) or escape_table_cell(item.ref)
    author = escape_table_cell(item.author) or "unknown"
    return f"{item.kind} [{title}]({item.url}) ({escape_table_cell(item.ref)}), by {author}"


def _topic_link(topic: Topic) -> str:
    title = escape_table_cell(neutralise_mentions(topic.title))
    return f"[{title or topic.ref}]({topic.url}) ({topic.ref})"


# -- grooming --------------------------------------------------------------------------------
def needs_grooming(config: OfficeHoursConfig, topics: Sequence[Topic]) -> list[Topic]:
    """The issues among `topics` whose description is shorter than `min_body_chars`."""
    limit = config.grooming.min_body_chars
    return [t for t in topics if t.kind == "issue" and t.body_chars < limit]


def grooming_comment(
    config: OfficeHoursConfig, session: Session, topic: Topic, agenda_url: str | None
) -> str:
    """The one comment asking the engineers to groom a topic's description."""
    people = [f"@{login}" for login in config.grooming.engineers if not is_bot(login)]
    who = " ".join(people) + ": t" if people else "T"
    agenda = f"[office hours {session.date}]({agenda_url})" if agenda_url else "office hours"
    return (
        f"{markers.grooming(session.date)}\n"
        f"{who}his topic is on the agenda of {agenda} ({when(session)}), and its "
        f"description is short ({topic.body_chars} characters; "
        f"{config.grooming.min_body_chars} or more help people prepare). Please groom it: "
        "what is the question or proposal, what has been tried, and what should the session "
        "decide?\n"
    )


# -- invitations -----------------------------------------------------------------------------
def to_invite(people: Sequence[Person]) -> list[Person]:
    """The invitees that can be invited: people (not apps), each once, with an item to name."""
    first: dict[str, Person] = {}
    for person in people:
        if person.node_id and not is_bot(person.login):
            first.setdefault(person.login.strip().removeprefix("@").casefold(), person)
    return list(first.values())


def invitation_comment(
    config: OfficeHoursConfig, session: Session, person: Person, agenda_url: str | None
) -> str:
    """The one comment inviting an author to bring their pull request or proposal."""
    login = escape_table_cell(person.login.strip().removeprefix("@"))
    agenda = f"[office hours {session.date}]({agenda_url})" if agenda_url else "office hours"
    join = f" Join at <{config.meeting_url}>." if config.meeting_url else ""
    return (
        f"{markers.invitation(session.date)}\n"
        f"@{login}: {agenda} ({when(session)}) has room for more topics, and this "
        f"({escape_table_cell(person.reason)}) would make a good one. You are welcome to bring "
        f"it and talk it through with the maintainers.{join} To put it on the agenda, label it "
        f"{code_span(config.topic_label)}.\n"
    )


# -- after the session -----------------------------------------------------------------------
def discussed_comment(session: Session, agenda_url: str | None, recording_url: str | None) -> str:
    """The one comment telling a topic's author that it was discussed, and where to read more."""
    text = f"Discussed at office hours {session.date.isoformat()}"
    text += f": see the [agenda]({agenda_url})." if agenda_url else "."
    if recording_url:
        text += f" Recording: <{recording_url}>"
    return f"{markers.discussed(session.date)}\n{text}\n"
