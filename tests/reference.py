"""Access to ../shared/reference (the real APIs' descriptions), loaded once per session."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(os.environ.get("COMMUNITY_SYNC_REFERENCE", ROOT.parent / "shared" / "reference"))


def reference_path(*parts: str) -> Path:
    """A file under the reference folder; skip the test when the folder is absent."""
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data not found at {path} (set COMMUNITY_SYNC_REFERENCE)")
    return path


@functools.cache
def github_schema() -> Any:
    """GitHub's public GraphQL schema, as graphql-core builds it (validation pre-accepted:
    the published SDL has deprecation mismatches GitHub itself serves)."""
    from graphql import build_schema

    sdl = reference_path("github", "graphql", "schema.graphql").read_text(encoding="utf-8")
    schema = build_schema(sdl, assume_valid_sdl=True)
    schema._validation_errors = []
    return schema
