"""Descriptions that show they are unchanged, so that a run in sync need not render them.

Rendering an issue body (Markdown -> Asana rich text) is most of a reconcile's CPU time: about
0.1 ms for a one-line body, about 1 ms for a real one, for every issue on every run. So the
description the mirror writes ends its issue link's ``href`` with a signature,
``#community-sync-<key>-<seal>-<bytes>``: ``key`` is a digest of what the description is made
from (the body, the form's header, the issue URL, this renderer's version), ``seal`` a digest of
the description itself in canonical form (as ``html_equivalent`` compares, the signature left
out), ``bytes`` a digest of the description exactly as written (the signature's digests left
out). A task whose key matches the issue and whose description still matches its seal holds
exactly what rendering would give: nothing to render, nothing to write. Where Asana handed the
description back byte for byte, the ``bytes`` digest shows it at the cost of one hash; where it
rewrote the spelling (attribute order, entities, whitespace), the seal does, at the cost of
parsing it. Anything else (a body edited on GitHub, a description edited in Asana, a description
from before signatures) is rendered and compared as before. The signature is invisible in Asana
(a link's fragment) and changes nothing where the link leads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sync.mirror.compare import SIGNATURE, canonical_html

# Bump when the rendering of a given body changes, so that every description is made again.
RENDERER_VERSION = "1"
_UNSEALED = "-".join(["0" * 16] * 2)  # the two digests' place while the description is made


def notes_key(markdown: str, issue_url: str, header: Sequence[tuple[str, str]]) -> str:
    """The digest of what a description is made from."""
    source = json.dumps([RENDERER_VERSION, markdown, issue_url, [list(h) for h in header]])
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def signed_notes(markdown: str, issue_url: str, header: Sequence[tuple[str, str]]) -> str:
    """The description for an issue, its issue link carrying the signature."""
    from sync.rich_text import markdown_to_html_notes  # markdown-it: only when rendering

    key = notes_key(markdown, issue_url, header)
    unsealed = f"{key}-{_UNSEALED}"
    draft = markdown_to_html_notes(
        markdown, issue_url=issue_url, header=header, fragment=f"community-sync-{unsealed}"
    )
    return draft.replace(unsealed, f"{key}-{_seal(draft)}-{_digest(draft)}", 1)


def still_signed(html: str, key: str) -> bool:
    """True when ``html`` was made from the source whose digest is ``key`` and is unchanged."""
    at = html.rfind("#community-sync-")
    found = SIGNATURE.match(html, at) if at >= 0 else None
    if found is None or found.group(1) != key:
        return False
    written = found.group(3)
    if written is not None:
        as_made = f"{html[: found.start(2)]}{_UNSEALED}{html[found.end() :]}"
        if _digest(as_made) == written:
            return True  # byte for byte as written: no need to parse it
    return found.group(2) == _seal(html)


def _seal(html: str) -> str:
    return _digest(repr(canonical_html(html)))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
