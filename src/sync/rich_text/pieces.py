"""The pieces a Markdown body is parsed into, and that the writers turn into text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class _Open:
    tag: str
    href: str = ""  # only on <a>
    marker: str = ""  # only on <li>: "- " or "3. ", for the plain-text writer


@dataclass(frozen=True, slots=True)
class _Close:
    tag: str
    href: str = ""  # only on </a>: the plain-text writer prints it after the link text


@dataclass(frozen=True, slots=True)
class _Text:
    text: str  # unescaped


@dataclass(frozen=True, slots=True)
class _Cut:
    """A block or a line ends here: a good place to truncate."""


_CUT = _Cut()
_Piece: TypeAlias = _Open | _Close | _Text | _Cut
