"""The agenda: its context, its escaping and its rendering, against expected Markdown."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from sync.config import OfficeHoursConfig, parse_config
from sync.errors import UsageError
from sync.mentions import neutralise_mentions
from sync.office_hours.agenda import (
    DASH,
    Person,
    Topic,
    build_context,
    is_bot,
)
from sync.office_hours.render import bundled_template_source, render_agenda
from sync.office_hours.schedule import Session, session_on
from sync.templating import code_span, escape_markdown, escape_table_cell

EXPECTED = Path(__file__).parent / "expected"
UPDATE = os.environ.get("UPDATE_EXPECTED") == "1"  # rewrite expected/*.md from the output


@pytest.fixture(autouse=True)
def _workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the test's own folder: a user template must lie inside the working directory."""
    monkeypatch.chdir(tmp_path)


CONFIG = """
office_hours:
  repository: example-org/community
  board: {owner: example-org, number: 9, status_field: Status, up_next: Up Next,
          discussed: Discussed}
  schedule: {first_session: 2026-01-07, every_days: 14, start: "16:00", timezone: UTC,
             duration_minutes: 90, prepare_days: 7}
  min_topics: 3
  topic_minutes: 15
  qa_minutes: 45
  extra_timezones: [America/Los_Angeles, Europe/Berlin, Asia/Kolkata]
  recording_notice: true
  escalation: {channel: "#office-hours-planning", community_label: needs-community}
  invitees: {stale_pr_days: 30, proposal_labels: [new-plugin, enhancement]}
"""

MERGED = ["monalisa", "octocat", "dependabot[bot]", "Hubot", "renovate", "@MonaLisa"]
CANDIDATES = [
    Person("alice", "pull request example-org/support#40 open for 45 days"),
    Person("dependabot[bot]", "pull request example-org/support#41 open for 90 days"),
    Person("Alice", "issue example-org/support#44 labeled new-plugin"),
    Person("bob", "issue example-org/support#45 labeled enhancement"),
]


def office_hours(text: str = CONFIG) -> OfficeHoursConfig:
    return parse_config(text, "community-sync.yml", {}).require("office_hours")


CONFIG_OH = office_hours()


def session(config: OfficeHoursConfig, day: date) -> Session:
    found = session_on(config.schedule, day)
    assert found is not None
    return found


def topic(number: int, title: str, author: str = "octocat", **changes: Any) -> Topic:
    kind = changes.pop("kind", "issue")
    path = "pull" if kind == "pull request" else "issues"
    url = f"https://github.com/example-org/support/{path}/{number}"
    base = Topic(title, url, author, kind, (), number, "example-org/support", 400)
    return replace(base, **changes)


THREE = [
    topic(12, "Run plugins in parallel", "octocat"),
    topic(15, "Add a tap for Asana", "hubot", kind="pull request"),
    topic(18, "Roadmap: state backends", "monalisa", labels=("roadmap",)),
]


def context(
    topics: Sequence[Topic],
    config: OfficeHoursConfig = CONFIG_OH,
    day: date = date(2026, 11, 25),
    merged: Sequence[str] = MERGED,
) -> dict[str, Any]:
    return build_context(config, session(config, day), topics, merged, CANDIDATES)


def span(times: str) -> str:
    """'0:00 0:15' as the agenda writes it: the two ends joined by an en dash."""
    return DASH.join(times.split())


def check_expected(name: str, text: str) -> None:
    path = EXPECTED / f"{name}.md"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def inline_text(token: Token) -> str:
    """The literal text a reader sees; fails on anything but text and links."""
    assert token.children is not None
    kinds = {child.type for child in token.children}
    assert kinds <= {"text", "link_open", "link_close"}, kinds
    return "".join(child.content for child in token.children if child.type == "text")


def table_rows(markdown: str) -> list[list[Token]]:
    """The inline tokens of each body row of the document's tables."""
    rows: list[list[Token]] = []
    in_body = False
    for token in MD.parse(markdown):
        in_body = token.type != "tbody_close" and (in_body or token.type == "tbody_open")
        if in_body and token.type == "tr_open":
            rows.append([])
        elif in_body and token.type == "inline":
            rows[-1].append(token)
    return rows


# ---- agendas against expected Markdown -----------------------------------------------------


def test_normal_session_with_three_topics() -> None:
    ctx = context(THREE)
    assert (ctx["short_of_topics"], ctx["invitees"], ctx["needs_community"]) == (False, [], [])
    assert [t["timebox"] for t in ctx["topics"]] == [
        span("0:00 0:15"),
        span("0:15 0:30"),
        span("0:30 0:45"),
    ]
    assert ctx["qa_timebox"] == span("0:45 1:30")
    check_expected("normal", render_agenda(ctx))


def test_two_topics_is_short_and_suggests_invitees() -> None:
    ctx = context(THREE[:2])
    assert (ctx["short_of_topics"], ctx["missing_topics"]) == (True, 1)
    assert [p["mention"] for p in ctx["invitees"]] == ["@alice", "@bob"]
    check_expected("short_of_topics", render_agenda(ctx))


def test_topic_needing_the_community() -> None:
    topics = [*THREE[:2], replace(THREE[2], labels=("roadmap", "Needs-Community"))]
    ctx = context(topics)
    assert [t["position"] for t in ctx["needs_community"]] == [3]
    check_expected("needs_community", render_agenda(ctx))


def test_dst_week_in_los_angeles() -> None:
    config = office_hours(
        CONFIG.replace("2026-01-07", "2026-01-14").replace(
            "timezone: UTC", "timezone: America/Los_Angeles"
        )
    )
    ctx = context(THREE, config, date(2026, 11, 4))  # three days after summer time ended
    texts = [t["text"] for t in ctx["times"]]
    assert texts == [
        span("16:00 17:30") + " America/Los_Angeles",
        span("00:00 01:30") + " UTC (2026-11-05)",
        span("01:00 02:30") + " Europe/Berlin (2026-11-05)",
        span("05:30 07:00") + " Asia/Kolkata (2026-11-05)",
    ]
    check_expected("dst_week", render_agenda(ctx))


HOSTILE = [
    "{{ 7*7 }} and {{ config }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "<script>alert('x')</script> <b>bold</b> &amp; &#169;",
    "a | b || c \\| d",
    "`code` ``two`` ```fence``` \\",
    "[link](https://evil.example) ![img](x.png) *em* __strong__ ~~gone~~ $x^2$",
    "line one\n# line two\r\n| 1 | 2 |\n---",
]


def test_hostile_titles_render_literally_with_the_table_intact() -> None:
    topics = [topic(n, title) for n, title in enumerate(HOSTILE, start=100)]
    rendered = render_agenda(context(topics, merged=[]))
    assert "49" not in rendered and "loop" in rendered
    rows = table_rows(rendered)
    assert len(rows) == len(HOSTILE)
    assert all(len(cells) == 5 for cells in rows)
    for cells, each in zip(rows, topics, strict=True):
        assert inline_text(cells[1]) == f"{' '.join(each.title.split())} ({each.ref})"
    check_expected("hostile_titles", rendered)


# ---- the context ---------------------------------------------------------------------------


def test_contributors_are_people_once_in_first_seen_order() -> None:
    topics = [*THREE, topic(20, "Bump a dependency", "dependabot[bot]", kind="pull request")]
    assert context(topics)["contributors"] == ["@octocat", "@hubot", "@monalisa"]
    assert context([])["contributors"] == ["@monalisa", "@octocat", "@Hubot"]


@pytest.mark.parametrize(
    ("login", "bot"),
    [
        ("dependabot[bot]", True),
        ("Renovate", True),
        ("ghost", True),
        ("", True),
        ("octocat", False),
    ],
)
def test_is_bot(login: str, bot: bool) -> None:
    assert is_bot(login) is bot


def test_invitees_appear_only_when_short_of_topics() -> None:
    assert "Suggested invitees" not in render_agenda(context(THREE))
    assert "@bob: issue example-org/support#45 labeled enhancement" in render_agenda(context([]))


def test_no_topics_and_no_optional_sections() -> None:
    config = replace(CONFIG_OH, recording_notice=False, qa_minutes=0, extra_timezones=())
    rendered = render_agenda(context([], config, merged=[]))
    assert "No topics yet." in rendered and table_rows(rendered) == []
    for heading in ("## Q&A", "## Recording", "## Contributors", "- 16:00"):
        assert heading not in rendered
    assert "This session has 0 of the 3 topics it aims for." in rendered


def test_a_plan_longer_than_the_session_says_so() -> None:
    config = replace(CONFIG_OH, schedule=replace(CONFIG_OH.schedule, duration_minutes=60))
    rendered = render_agenda(context(THREE, config))
    assert "The plan takes 90 minutes, 30 more than the session's 60" in rendered


def test_a_link_that_is_not_http_is_not_linked() -> None:
    ctx = context([replace(THREE[0], url="javascript:alert(1)")])
    assert ctx["topics"][0]["link"] == "Run plugins in parallel"


def test_untitled_topic_and_unknown_author() -> None:
    row = context([topic(7, " \n ", author="")])["topics"][0]
    assert (row["title"], row["author"]) == ("(untitled)", "(unknown)")


# ---- escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# not a heading", "\\# not a heading"),
        ("1. not a list", "1\\. not a list"),
        ("- not a list\n+ nor this", "\\- not a list\n\\+ nor this"),
        ("title\n===", "title\n\\==="),
        ("    not code", "not code"),
        ("> not a quote", "\\> not a quote"),
        ("<b> &amp; Q&A", "\\<b> \\&amp; Q&A"),
        (
            "a|b `c` *d* _e_ [f] ~g~ $h$ \\",
            "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\] \\~g\\~ \\$h\\$ \\\\",
        ),
        ("one\n\n\ntwo", "one\ntwo"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_escape_table_cell_folds_lines() -> None:
    assert escape_table_cell(" a |\n b\r\n# c ") == "a \\| b # c"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("plain", "`plain`"), ("a`b", "``a`b``"), ("`x`", "`` `x` ``"), ("a\nb", "`a b`")],
)
def test_code_span(text: str, expected: str) -> None:
    assert code_span(text) == expected


def _literal(text: str) -> str:
    """What CommonMark shows for literal text: NUL is replaced, as the spec requires."""
    return text.replace("\0", "\ufffd")


@given(st.text())
def test_escape_markdown_renders_as_one_paragraph_of_the_text(text: str) -> None:
    escaped = escape_markdown(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    blocks = [t.type for t in MD.parse(escaped) if t.type != "inline"]
    assert blocks == (["paragraph_open", "paragraph_close"] if lines else [])
    inline = [t for t in MD.parse(escaped) if t.type == "inline"]
    shown = "".join(
        "\n" if c.type == "softbreak" else c.content for t in inline for c in t.children or []
    )
    assert {c.type for t in inline for c in t.children or []} <= {"text", "softbreak"}
    assert shown == _literal("\n".join(lines))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(), max_size=6))
def test_any_titles_render_one_table_row_each(titles: list[str]) -> None:
    topics = [topic(n, title) for n, title in enumerate(titles, start=1)]
    rows = table_rows(render_agenda(context(topics)))
    assert len(rows) == len(titles)
    for cells, title in zip(rows, titles, strict=True):
        assert len(cells) == 5
        shown = _literal(neutralise_mentions(" ".join(title.split()))) or "(untitled)"
        assert inline_text(cells[1]) == f"{shown} (example-org/support#{cells[0].content})"


# ---- templates -----------------------------------------------------------------------------


def test_bundled_template_is_package_data() -> None:
    resource = resources.files("sync").joinpath("templates", "agenda.md.j2")
    assert resource.is_file()
    assert bundled_template_source() == resource.read_text(encoding="utf-8")


def test_a_user_template_replaces_the_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "row.j2").write_text("{{ topic.position }}. {{ topic.link }}\n")
    path = tmp_path / "agenda.md.j2"
    path.write_text("# {{ title }}\n{% for topic in topics %}{% include 'row.j2' %}{% endfor %}")
    rendered = render_agenda(context([topic(1, "{{ 7*7 }} <i>")]), path)
    expected = "# Office hours 2026-11-25\n1. [{{ 7\\*7 }} \\<i>](https://github.com/example-org/support/issues/1)\n"
    assert rendered == expected


@pytest.mark.parametrize(
    ("source", "line", "what"),
    [
        ("# {{ title }}\n\n{% for topic in topics %}\n", 3, "Unexpected end of template"),
        ("# {{ title }}\n{{ nope }}\n", 2, "'nope' is undefined"),
        ("{{ title }}\n{{ topics[0].nope }}\n", 2, "has no attribute 'nope'"),
        ("\n\n{{ title.__class__.__mro__ }}\n", 3, "unsafe"),
        ("{{ title }}\n{{ topics + 1 }}\n", 2, "TypeError"),
        ("{% if %}", 1, "Expected an expression"),
    ],
)
def test_a_broken_user_template_names_its_line(
    tmp_path: Path, source: str, line: int, what: str
) -> None:
    path = tmp_path / "agenda.md.j2"
    path.write_text(source)
    with pytest.raises(UsageError) as caught:
        render_agenda(context(THREE), path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: ") and what in message
    assert "\n" not in message


def test_an_error_in_an_included_template_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "part.j2").write_text("ok\n{{ missing }}\n")
    path = tmp_path / "agenda.md.j2"
    path.write_text("{% include 'part.j2' %}")
    with pytest.raises(UsageError, match=r"part\.j2:2: 'missing' is undefined"):
        render_agenda(context(THREE), path)


def test_an_unreadable_user_template(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the template"):
        render_agenda(context(THREE), tmp_path / "absent.md.j2")
    path = tmp_path / "latin1.md.j2"
    path.write_bytes(b"# ok\n\xe9\n")
    with pytest.raises(UsageError, match=r"latin1\.md\.j2:2: the template is not UTF-8"):
        render_agenda(context(THREE), path)
