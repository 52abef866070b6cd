"""Every GraphQL document the office hours commands send, by operation name."""

from __future__ import annotations

from sync.office_hours import activity, board, releases, session_issues

QUERIES: dict[str, str] = {
    **board.QUERIES,
    **activity.QUERIES,
    **session_issues.QUERIES,
    **releases.QUERIES,
}
