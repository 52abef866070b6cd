"""Every GraphQL document community-sync sends, by operation name (for conformance tests)."""

from __future__ import annotations


def all_documents() -> dict[str, str]:
    """Operation name -> GraphQL document text."""
    from sync.github import issues
    from sync.office_hours import queries as office_hours

    documents: dict[str, str] = {}
    for module in (issues, office_hours):
        documents.update(module.QUERIES)
    return documents
