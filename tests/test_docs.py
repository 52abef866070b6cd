"""The setup guide and the README as a newcomer follows them: links resolve, the YAML they show
parses, the Asana picture is there, and the main path runs a dry run before the workflows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "docs" / "setup.md"]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_relative_links_resolve(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(((?!https?:|#)[^)#\s]+)(?:#[^)]*)?\)", text)
    assert targets
    missing = [t for t in targets if not (path.parent / t).exists()]
    assert missing == []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_the_yaml_shown_parses(path: Path) -> None:
    for block in blocks(path.read_text(encoding="utf-8"), "yaml"):
        yaml.safe_load(block)


def test_setup_draws_the_asana_side() -> None:
    text = (ROOT / "docs" / "setup.md").read_text(encoding="utf-8")
    [picture] = blocks(text, "mermaid")
    assert picture.startswith("flowchart")
    for name in ("asana.project", "asana_task", "GitHub URL", "GitHub Hours", "labeled CSH"):
        assert name in picture


def test_setup_runs_a_dry_run_before_the_workflows_and_documents_releases() -> None:
    text = (ROOT / "docs" / "setup.md").read_text(encoding="utf-8")
    assert text.index("### First, a dry run") < text.index("### One repository")
    assert "community-sync reconcile --dry-run" in text
    releases = text[text.index("## 8. Releases and pins") :]
    assert "git push -f origin v1" in releases
    assert re.search(r"@0{40} # v\d", text)  # the examples pin by full SHA
    for block in blocks(text, "yaml"):
        assert "$/" not in block  # self-references only work inside community-sync
