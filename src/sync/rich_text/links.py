"""Which URLs may be linked, and how relative and bare URLs become links."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def link_target(url: str, base_url: str) -> str | None:
    """The absolute http(s) or mailto URL that `url` points to, or None if it must not be linked."""
    url = url.strip()
    if not url:
        return None
    try:
        target = urljoin(base_url, url)
        parts = urlsplit(target)
    except ValueError:  # e.g. a broken IPv6 host
        return None
    scheme = parts.scheme.lower()
    if scheme not in _LINK_SCHEMES or (scheme != "mailto" and not parts.netloc):
        return None
    return target


def issue_base_url(issue_url: str) -> str:
    """The URL relative links are resolved against: the issue's, if it is http(s)."""
    target = link_target(issue_url, "")
    return target if target and not target.lower().startswith("mailto:") else ""


def trim_url(url: str) -> str:
    """Drop the trailing punctuation that GitHub also leaves out of a bare link."""
    opened, closed = url.count("("), url.count(")")
    end = len(url)
    while end:
        if url[end - 1] in ".,:;!?*_~'":
            end -= 1
        elif url[end - 1] == ")" and closed > opened:
            end, closed = end - 1, closed - 1
        else:
            break
    return url[:end]
