"""Every GraphQL document community-sync sends, by operation name (for conformance tests)."""

from __future__ import annotations


def all_documents() -> dict[str, str]:
    """Operation name -> GraphQL document text."""
    from sync.github import issues

    documents: dict[str, str] = {}
    for module in (issues,):
        documents.update(module.QUERIES)
    return documents
