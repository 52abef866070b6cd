"""`reconcile`'s job summary: counts in words and the plan, with reasons, as a `<details>` list."""

from __future__ import annotations

from collections import Counter

from sync.commands.reconcile import count_phrases, markdown_text
from sync.emulator.seed import REPO
from tests.e2e.conftest import Harness
from tests.e2e.test_issue_events import new_issue


def test_summary_lists_what_was_created_and_deleted_and_why(harness: Harness) -> None:
    h = harness
    kept = new_issue(h, title="Kept <b>bold</b> request")
    dropped = new_issue(h, title="Dropped request")
    assert h.cli("reconcile").code == 0
    h.world.github.close_issue(REPO, dropped.number, "not_planned")
    new_issue(h, title="Later request")

    result = h.cli("reconcile")

    assert result.code == 0, result.stderr
    summary = result.summary
    assert "Created 1 task, deleted 1 task, posted 1 link comment." in summary
    details = summary[summary.index("<details>") : summary.index("</details>")]
    assert "<summary>What it did: 3 changes</summary>" in details
    assert '- create task "Later request" under "Example University' in details
    deletion = next(line for line in details.splitlines() if line.startswith("- delete task"))
    assert "not\\_planned" in deletion  # the reason, escaped for Markdown
    assert f"{REPO}#{kept.number}" not in details  # unchanged issues are not listed


def test_dry_run_summary_says_what_would_happen(harness: Harness) -> None:
    new_issue(harness, title="Planned request")

    result = harness.cli("--dry-run", "reconcile")

    assert "### CSH reconcile (dry run)" in result.summary
    assert "Would create 1 task, would post 1 link comment." in result.summary
    assert "<summary>What it would do: 2 changes</summary>" in result.summary
    assert "would create 1 task, would post 1 link comment" in result.stderr


def test_an_unchanged_run_has_no_plan_list(harness: Harness) -> None:
    new_issue(harness, title="Stable request")
    harness.cli("reconcile")

    result = harness.cli("reconcile")

    assert "Asana was already in step." in result.summary
    assert "<details>" not in result.summary


def test_counts_read_as_words() -> None:
    counts = Counter({"comments": 30, "created": 30, "added to project": 1, "reopened": 2})

    assert count_phrases(counts, dry=False) == (
        "created 30 tasks, added 1 task to the project, posted 30 link comments, reopened 2 issues"
    )
    assert count_phrases(Counter({"deleted": 1}), dry=True) == "would delete 1 task"


def test_titles_cannot_inject_html_or_markdown() -> None:
    text = markdown_text('create task "</details><img src=x> [x](http://e) *b*"')

    assert "<" not in text and ">" not in text
    assert "\\[x\\](http://e)" in text and "\\*b\\*" in text
