"""Mentions in outside text (issue titles, task names, bodies) that must not ping anyone.

GitHub turns ``@login`` and ``@org/team`` into a mention, and notifies, wherever the tool
writes such text: an agenda issue, a report issue, a comment. Mentions the tool writes on
purpose (grooming requests, invitees, call-outs) are built from logins, not from this text,
and stay. A zero-width space after the ``@`` reads the same and links nobody.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"
# As GitHub finds mentions: an @ that does not follow a word character, `@` or a backtick
# (so e-mail addresses and code stay as they are), then a login or org/team name.
_MENTION = re.compile(r"(?<![\w@`/])@(?=[A-Za-z0-9])")


def neutralise_mentions(text: str) -> str:
    """`text` with every would-be mention broken by a zero-width space after its ``@``."""
    return _MENTION.sub("@" + ZERO_WIDTH_SPACE, text)
