"""The pieces a Markdown body is parsed into, and that the writers turn into text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class Open:
    tag: str
    href: str = ""  # only on <a>
    marker: str = ""  # only on <li>: "- " or "3. ", for the plain-text writer


@dataclass(frozen=True, slots=True)
class Close:
    tag: str
    href: str = ""  # only on </a>: the plain-text writer prints it after the link text


@dataclass(frozen=True, slots=True)
class Text:
    text: str  # unescaped


@dataclass(frozen=True, slots=True)
class Cut:
    """A block or a line ends here: a good place to truncate."""


CUT = Cut()
Piece: TypeAlias = Open | Close | Text | Cut
