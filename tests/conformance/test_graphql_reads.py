"""Every key the program reads from a GraphQL answer is a field of the type it reads it on
(GitHub's real schema) and one its document selects, unless it is a listed optional probe.

Each test runs real commands against the emulator with the answers wrapped
(:mod:`tests.conformance.graphql_reads`), covering the mirror (with and without a board), the
hours report, check and office hours; a document no flow here sends (e.g. IssueTreeByNode) is
only checked by test_graphql_documents.py.
"""

from __future__ import annotations

import pytest

from sync.emulator.seed import REPO, seed_hours
from tests.conformance.graphql_reads import (
    SELECTED,
    UNKNOWN,
    UNSELECTED,
    Reads,
    classify,
    recording,
    unselected,
)
from tests.e2e.conftest import Harness, harness  # noqa: F401 - the fixture
from tests.e2e.test_busy_board import crowd_the_board, fill_in
from tests.e2e.test_check import checked  # noqa: F401 - the fixture
from tests.e2e.test_issue_events import new_issue
from tests.e2e.test_office_hours import OfficeHours, at, oh  # noqa: F401 - the fixture
from tests.reference import github_schema

# Keys a parser reads with .get() in answers whose documents leave them out, on purpose:
PROBES = (
    # An issue read by a fragment without comments (sub-issues, parents in the list) has no
    # link comment to find and its comments count as not all read (comments_complete=False).
    ("comments",),
    # ChildFields asks only subIssues.totalCount; the children come from the SubIssues query.
    ("subIssues", "nodes"),
    # With no board configured the documents skip board items (@include(if: $withBoard)).
    ("projectItems",),
)

DOCUMENT = """
query Q($id: ID!) {
  node(id: $id) { ... on Issue { ...F number } }
  viewer { me: login }
}
fragment F on Issue { labels(first: 5) { nodes { name } } }"""


@pytest.mark.parametrize(
    ("path", "missing"),
    [
        (("node", "number"), False),
        (("node", "labels", "nodes", "name"), False),
        (("viewer", "me"), False),
        (("viewer", "login"), True),  # only selected under an alias
        (("node", "title"), True),
        (("node", "labels", "totalCount"), True),
    ],
)
def test_unselected_follows_fragments_and_aliases(path: tuple[str, ...], missing: bool) -> None:
    assert unselected(DOCUMENT, path) is missing


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (("node", "labels", "nodes", "name"), SELECTED),
        (("node", "labels", "nodes", "__typename"), UNSELECTED),
        (("node", "title"), UNSELECTED),  # Issue has a title; the document does not ask for it
        (("node", "labels", "totalCount"), UNSELECTED),
        (("node", "fieldValues"), UNKNOWN),  # no Issue (nor any Node) has fieldValues
        (("viewer", "me", "login"), UNKNOWN),  # a String has no fields
        (("viewer", "projectV2", "title"), UNSELECTED),
    ],
)
def test_classify_knows_the_types_behind_the_selection(path: tuple[str, ...], status: str) -> None:
    assert classify(github_schema(), DOCUMENT, path) == status


def test_reads_report_what_is_neither_selected_nor_an_allowed_probe() -> None:
    reads = Reads()
    for path in [("node", "number"), ("node", "title"), ("node", "labels", "totalCount")]:
        reads.add(DOCUMENT, path)
    assert reads.problems(github_schema(), [("totalCount",)]) == ["Q: node.title (unselected)"]


def test_the_mirror_reads_only_what_it_selects(
    harness: Harness,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    h, gh = harness, harness.world.github
    crowd_the_board(h)  # so the follow-up page of field values is read too
    top = new_issue(h, title="Top")
    parent = new_issue(h, title="Parent", labels=["CSH"])
    child = new_issue(h, title="Child", labels=[], assignees=["octocat"])
    grandchild = new_issue(h, title="Grandchild", labels=[])
    gh.add_sub_issue(REPO, top.number, REPO, parent.number)
    gh.add_sub_issue(REPO, parent.number, REPO, child.number)
    gh.add_sub_issue(REPO, child.number, REPO, grandchild.number)
    fill_in(h, grandchild, 1.5, "example-university")
    fill_in(h, parent, 2.0, "example-university")

    with recording(monkeypatch) as reads:
        assert h.event("labeled", parent.number, label="CSH").code == 0
        assert h.cli("reconcile").code == 0

    assert reads.problems(github_schema(), PROBES) == []
    assert {"IssueTree", "SubIssues", "ItemFieldValues", "ListCshIssues"} <= reads.operations()


def test_the_mirror_without_a_board_reads_only_what_it_selects(
    harness: Harness,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    h = harness
    text = h.config.read_text(encoding="utf-8")
    start, end = text.index("  board:"), text.index("  community_label_prefix")
    h.config.write_text(text[:start] + text[end:], encoding="utf-8")
    parent, child = new_issue(h, title="Parent"), new_issue(h, title="Child", labels=[])
    h.world.github.add_sub_issue(REPO, parent.number, REPO, child.number)

    with recording(monkeypatch) as reads:
        assert h.event("labeled", parent.number, label="CSH").code == 0
        assert h.cli("reconcile").code == 0

    assert reads.problems(github_schema(), PROBES) == []
    assert {"IssueTree", "ListCshIssues"} <= reads.operations()


def test_the_hours_report_reads_only_what_it_selects(
    harness: Harness,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_hours(harness.world, harness.seeded)

    with recording(monkeypatch) as reads:
        assert harness.cli("hours", "--date", "2026-07-02").code == 0

    assert reads.problems(github_schema(), PROBES) == []
    assert "HoursIssues" in reads.operations()


def test_check_reads_only_what_it_selects(
    checked: Harness,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with recording(monkeypatch) as reads:
        assert checked.cli("check").code == 0

    assert reads.problems(github_schema(), PROBES) == []
    assert {"CheckBoard", "CheckRepository"} <= reads.operations()


def test_office_hours_reads_only_what_it_selects(
    oh: OfficeHours,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with recording(monkeypatch) as reads:
        assert oh.run("agenda", "--publish").code == 0
        assert oh.run("rotate", now=at(2026, 1, 21, 18)).code == 0
        assert oh.run("queue").code == 0

    assert reads.problems(github_schema(), PROBES) == []
    seen = reads.operations()
    assert {"OfficeHoursBoard", "OfficeHoursCards", "SessionIssues", "AddOfficeHoursCard"} <= seen
    assert {"LabeledIssues", "LabeledPulls", "MergedPulls"} <= seen
