"""GitHub's JSON shapes for the emulated state, shared by the REST API and webhook payloads.

Every function takes the API root (``base_url``) the ``url`` fields should point at: the
emulator's own address for REST answers, ``https://api.github.com`` for webhook payloads.
``html_url`` fields always point at github.com, as the state is not tied to a server.
"""

from __future__ import annotations

from sync.emulator.github_json_issues import comment_json, issue_json, sub_issues_summary
from sync.emulator.github_json_pulls import pull_json
from sync.emulator.github_json_repos import (
    API_URL,
    REPO_CREATED_AT,
    WEB_URL,
    html_url,
    iso,
    issue_api_url,
    label_json,
    org_json,
    reactions_json,
    repo_json,
    user_json,
)

__all__ = [
    "API_URL",
    "REPO_CREATED_AT",
    "WEB_URL",
    "comment_json",
    "html_url",
    "iso",
    "issue_api_url",
    "issue_json",
    "label_json",
    "org_json",
    "pull_json",
    "reactions_json",
    "repo_json",
    "sub_issues_summary",
    "user_json",
]
