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
from sync.office_hours.agenda import WEEKDAYS, Topic, code_span, escape_table_cell, is_bot
from sync.office_hours.schedule import Session

SLACK_SECTION_LIMIT = 3000  # characters in a section block's text


@dataclass(frozen=True, slots=True)
class Concern:
    """Why a session's agenda needs people's attention."""

    topics: int
    min_topics: int
    community: tuple[Topic, ...]  # topics labeled `community_label`

    @property
    def short(self) -> bool:
        """Whether the session has fewer topics than it aims for."""
        return self.topics < self.min_topics


def concern(config: OfficeHoursConfig, topics: Sequence[Topic]) -> Concern | None:
    """The session's concern, or None when the agenda is fine as it is."""
    label = config.escalation.community_label.casefold()
    community = tuple(t for t in topics if any(lb.casefold() == label for lb in t.labels))
    found = Concern(len(topics), config.min_topics, community)
    return found if found.short or community else None


def _when(session: Session) -> str:
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
    agenda = f"Agenda: {agenda_url}" if agenda_url else "Agenda: not published yet"
    text = f"{title}: " + " ".join(lines) + f" {agenda}"
    section = "\n".join(f"• {slack_escape(line)}" for line in lines)
    context = slack_escape(f"{_when(session)} · {agenda}")
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
    lines = [f"The agenda of {agenda} ({_when(session)}) needs attention{channel}:", ""]
    if found.short:
        label = code_span(config.topic_label)
        lines.append(f"- {_short_line(found)} Label an issue or pull request {label} to add one.")
    lines += [f"- {_topic_link(t)} needs community members in the room." for t in found.community]
    return "\n".join([markers.escalation_issue(session.date), *lines]) + "\n"


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
        f"{who}his topic is on the agenda of {agenda} ({_when(session)}), and its "
        f"description is short ({topic.body_chars} characters; "
        f"{config.grooming.min_body_chars} or more help people prepare). Please groom it: "
        "what is the question or proposal, what has been tried, and what should the session "
        "decide?\n"
    )
