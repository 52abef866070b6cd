"""GraphQL documents kept as ``.graphql`` files beside the module that sends them.

A package's ``fragments.graphql`` holds the fragments its documents share (a fragment only one
document uses stays in that document's file); `document` reads one operation's file and
appends exactly the shared fragments it uses (GitHub refuses a document with an unused
fragment). Plain text handling: graphql-core is only the emulator's (the demo extra).
"""

from __future__ import annotations

import functools
import re
from importlib import resources

_FRAGMENT = re.compile(r"^fragment (\w+) on ", re.MULTILINE)
_SPREAD = re.compile(r"\.\.\.\s*(?!on\b)([A-Za-z_]\w*)")
_COMMENT = re.compile(r"^\s*#.*\n", re.MULTILINE)


@functools.cache
def _file(package: str, name: str) -> str:
    text = resources.files(package).joinpath(f"{name}.graphql").read_text(encoding="utf-8")
    return _COMMENT.sub("", text)


@functools.cache
def _fragments(package: str) -> dict[str, str]:
    """Fragment name -> its definition's text, from the package's fragments.graphql."""
    text = _file(package, "fragments")
    found = list(_FRAGMENT.finditer(text))
    ends = [match.start() for match in found[1:]] + [len(text)]
    return {m[1]: text[m.start() : end].strip() + "\n" for m, end in zip(found, ends, strict=True)}


def fragments_for(package: str, text: str) -> str:
    """The definitions of every fragment `text` spreads, directly or through another."""
    own = {match[1] for match in _FRAGMENT.finditer(text)}
    wanted = [name for name in _SPREAD.findall(text) if name not in own]
    seen: list[str] = []
    while wanted:
        name = wanted.pop(0)
        if name not in seen:
            seen.append(name)
            wanted += _SPREAD.findall(_fragments(package)[name])
    return "".join(_fragments(package)[name] for name in seen)


@functools.cache
def document(package: str, name: str) -> str:
    """The operation ``name`` of `package` (its ``name.graphql``) with the fragments it uses."""
    operation = _file(package, name)
    return operation + fragments_for(package, operation)
