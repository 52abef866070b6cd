"""Hidden markers: how a later run finds what an earlier one wrote for a session. Pure.

State lives in GitHub, not in files: the agenda issue carries the session date in a marker
around the region the bot owns (text outside it is the humans' and is kept), and records an
escalation by another marker; a grooming comment and an escalation issue carry their own.
"""

from __future__ import annotations

import re
from datetime import date

_PREFIX = "<!-- community-sync:office-hours"


def agenda_start(session: date) -> str:
    """Opens the agenda region of the session's issue; finding it finds the issue."""
    return f"{_PREFIX}-agenda session={session.isoformat()} -->"


AGENDA_END = f"{_PREFIX}-agenda-end -->"


def escalated(session: date) -> str:
    """Recorded in the agenda issue once the session's escalation went out."""
    return f"{_PREFIX}-escalated session={session.isoformat()} -->"


def escalation_issue(session: date) -> str:
    """Carried by an escalation issue (when there is no Slack webhook)."""
    return f"{_PREFIX}-escalation session={session.isoformat()} -->"


def grooming(session: date) -> str:
    """Carried by the grooming comment on a topic, one per topic and session."""
    return f"{_PREFIX}-grooming session={session.isoformat()} -->"


def invitation(session: date) -> str:
    """Carried by the comment inviting an author to bring their work to the session."""
    return f"{_PREFIX}-invitation session={session.isoformat()} -->"


def reminded(session: date) -> str:
    """Recorded in the agenda issue once the session's Slack reminder went out."""
    return f"{_PREFIX}-reminded session={session.isoformat()} -->"


def discussed(session: date) -> str:
    """Carried by the comment telling a topic's author it was discussed at the session."""
    return f"{_PREFIX}-discussed session={session.isoformat()} -->"


def agenda_body(session: date, agenda: str, previous: str | None = None) -> str:
    """The issue body with `agenda` in the owned region; the rest of `previous` is kept."""
    region = f"{agenda_start(session)}\n{agenda.strip()}\n{AGENDA_END}"
    if not previous or not previous.strip():
        return region + "\n"
    if agenda_start(session) not in previous:  # an issue opened by hand: keep what it says
        return f"{normalize(previous).rstrip()}\n\n{region}\n"
    before, _, rest = normalize(previous).partition(agenda_start(session))
    _, found, after = rest.partition(AGENDA_END)
    return f"{before}{region}{after if found else chr(10)}"


def with_marker(body: str, marker: str) -> str:
    """`body` with `marker` appended on its own line (unchanged when already there)."""
    text = normalize(body)
    return text if marker in text else f"{text.rstrip()}\n{marker}\n"


def normalize(body: str) -> str:
    """A body as GitHub stores it for comparison: LF line ends."""
    return body.replace("\r\n", "\n")


def same_body(a: str, b: str) -> bool:
    """Whether two bodies differ only in line ends and surrounding whitespace."""
    return normalize(a).strip() == normalize(b).strip()


_RECORDING = re.compile(
    r"^[ \t>*_-]*recording[*_]*:[*_]*[ \t]*<?(https?://[^\s<>]+?)>?[ \t]*$", re.I | re.M
)


def recording_url(session: date, body: str) -> str | None:
    """The URL of the last `Recording: URL` line a person wrote in the agenda issue, if any."""
    text = normalize(body)
    before, _, rest = text.partition(agenda_start(session))
    _, found, after = rest.partition(AGENDA_END)
    people = before + (after if found else "")  # the bot's own region never counts
    urls = _RECORDING.findall(people)
    return str(urls[-1]) if urls else None
