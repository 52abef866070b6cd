"""Every GraphQL document community-sync sends, by operation name (read by the conformance
tests; it lives with them so that no gateway imports a feature)."""

from __future__ import annotations


def all_documents() -> dict[str, str]:
    """Operation name -> GraphQL document text."""
    from sync.check import github_facts as check
    from sync.github import issues
    from sync.hours import issues as hours
    from sync.office_hours import queries as office_hours

    documents: dict[str, str] = {}
    for module in (issues, office_hours, hours, check):
        documents.update(module.QUERIES)
    return documents
