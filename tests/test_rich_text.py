"""GitHub Markdown -> Asana html_notes (and the plain-text fallback)."""

from __future__ import annotations

import cProfile
import inspect
import pstats
import sys
from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import rich_text
from sync.rich_text import (
    MAX_HTML_CHARS,
    allowed_tag_violations,
    markdown_to_html_notes,
    markdown_to_plain_notes,
)

URL = "https://github.com/example-org/support/issues/7"
LINK = f'<a href="{URL}">{URL}</a>'
TRUNCATED = "<em>(description truncated at 60,000 characters; see the issue for the full text)</em>"


def notes(markdown: str) -> str:
    return markdown_to_html_notes(markdown, issue_url=URL)


def body_of(markdown: str) -> str:
    """The part of the html_notes between <body> and the closing issue link."""
    html = notes(markdown)
    assert allowed_tag_violations(html) == []
    assert html.startswith("<body>")
    assert html.endswith(f"\n\n{LINK}</body>")
    return html.removeprefix("<body>").removesuffix(f"\n\n{LINK}</body>")


def valid(html: str) -> str:
    assert allowed_tag_violations(html) == []
    return html


# --- one construct at a time ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("one\ntwo\n\nthree", "one\ntwo\n\nthree"),
        ("hard  \nbreak", "hard\nbreak"),
        ("hard\\\nbreak", "hard\nbreak"),
        ("# Title", "<h1>Title</h1>"),
        ("## Part", "<h2>Part</h2>"),
        ("### Small", "<strong>Small</strong>"),
        ("###### Tiny *one*", "<strong>Tiny <em>one</em></strong>"),
        ("Title\n=====\n\nPart\n----", "<h1>Title</h1>\n\n<h2>Part</h2>"),
        (
            "*em* _em_ **strong** __strong__ ~~gone~~ `a < b`",
            "<em>em</em> <em>em</em> <strong>strong</strong> <strong>strong</strong> "
            "<s>gone</s> <code>a &lt; b</code>",
        ),
        ("***both***", "<em><strong>both</strong></em>"),
        ("```python\nif a < b:\n    pass\n```", "<pre>if a &lt; b:\n    pass</pre>"),
        ("    x = 1\n    y = 2", "<pre>x = 1\ny = 2</pre>"),
        ("```\n```", "<pre></pre>"),
        ("> quoted\n> on\n>\n> two", "<blockquote>quoted\non\n\ntwo</blockquote>"),
        ("> outer\n>> inner", "<blockquote>outer\n\n<blockquote>inner</blockquote></blockquote>"),
        ("- a\n- b", "<ul><li>a</li><li>b</li></ul>"),
        ("1. a\n2. b", "<ol><li>a</li><li>b</li></ol>"),
        ("3. starts at three", "<ol><li>starts at three</li></ol>"),
        (
            "- a\n  - b\n    1. c\n- d",
            "<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>",
        ),
        ("- a\n\n  more\n- b", "<ul><li>a\nmore</li><li>b</li></ul>"),
        ("- a\n  - b\n\n  after", "<ul><li>a<ul><li>b</li></ul>after</li></ul>"),
        (
            "- [ ] todo\n- [x] done\n- [X] Done",
            "<ul><li>☐ todo</li><li>☑ done</li><li>☑ Done</li></ul>",
        ),
        ("- [ ] **bold** task", "<ul><li>☐ <strong>bold</strong> task</li></ul>"),
        ("[ ] not in a list", "[ ] not in a list"),
        ("- [ ]", "<ul><li>[ ]</li></ul>"),
        ("before\n\n---\n\nafter", "before\n\n<hr/>\n\nafter"),
        ("para\n- list", "para\n\n<ul><li>list</li></ul>"),
    ],
)
def test_markdown_constructs(markdown: str, expected: str) -> None:
    assert body_of(markdown) == expected


def test_table_rows_become_lines_with_a_bold_header() -> None:
    markdown = "| Name | Hours |\n|:-----|------:|\n| *Ana* | 2 |\n| Bo | |"
    assert body_of(markdown) == "<strong>Name | Hours</strong>\n<em>Ana</em> | 2\nBo | "


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "[docs](https://example.org/a?x=1&y=2)",
            '<a href="https://example.org/a?x=1&amp;y=2">docs</a>',
        ),
        ("<https://example.org>", '<a href="https://example.org">https://example.org</a>'),
        ("<me@example.org>", '<a href="mailto:me@example.org">me@example.org</a>'),
        ("[mail](mailto:me@example.org)", '<a href="mailto:me@example.org">mail</a>'),
        ("[](https://example.org)", '<a href="https://example.org">https://example.org</a>'),
        ("[PR](../pull/3)", '<a href="https://github.com/example-org/support/pull/3">PR</a>'),
        ("[top](#top)", f'<a href="{URL}#top">top</a>'),
        ("[ftp](ftp://example.org/file)", "ftp"),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("[x](JaVaScRiPt:alert(1))", "[x](JaVaScRiPt:alert(1))"),
        (
            "see https://example.org/a_(b). or http://x.org, ok",
            'see <a href="https://example.org/a_(b)">https://example.org/a_(b)</a>. or '
            '<a href="http://x.org">http://x.org</a>, ok',
        ),
        ("`https://example.org` in code", "<code>https://example.org</code> in code"),
        (
            "![logo](https://example.org/logo.png)",
            '<a href="https://example.org/logo.png">logo</a>',
        ),
        (
            "![](https://example.org/x.png)",
            '<a href="https://example.org/x.png">https://example.org/x.png</a>',
        ),
        ("![chart](data:image/png;base64,AAAA)", "[image: chart]"),
        ("![chart](ftp://example.org/c.png)", "[image: chart]"),
        (
            "[![badge](https://img.example/b.svg)](https://ci.example)",
            '<a href="https://ci.example">badge</a>',
        ),
    ],
)
def test_links_and_images(markdown: str, expected: str) -> None:
    assert body_of(markdown) == expected


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("<!-- Describe your request -->\nvisible", "visible"),
        ("a <!-- hidden --> b", "a  b"),
        ("<!--\nmulti\nline\n-->\n\nafter", "after"),
        ("<!-- never closed\n\nstill hidden", ""),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("x <script>alert(1)</script>", "x &lt;script&gt;alert(1)&lt;/script&gt;"),
        (
            "<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <code>c</code> <kbd>K</kbd> "
            "<del>d</del> <u>u</u>",
            "<strong>b</strong> <strong>s</strong> <em>i</em> <em>e</em> <code>c</code> "
            "<code>K</code> <s>d</s> <u>u</u>",
        ),
        ("H<sub>2</sub>O x<sup>2</sup>", "H2O x2"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("a <b>never closed", "a <strong>never closed</strong>"),
        ("a </b> stray", "a  stray"),
        ("*a <b>b* c</b>", "<em>a <strong>b</strong></em> c"),
        ('<b class="x" onclick="evil()">b</b>', "<strong>b</strong>"),
        (
            '<a href="https://example.org" target="_blank">raw</a>',
            '<a href="https://example.org">raw</a>',
        ),
        ('x <a href="javascript:alert(1)">raw</a>', "x raw"),
        (
            "x <iframe src=https://e.example></iframe>",
            "x &lt;iframe src=https://e.example&gt;&lt;/iframe&gt;",
        ),
        ("<div align=center>\nhello\n</div>", "hello"),
        (
            '<img width="300" alt="screenshot" src="https://github.com/user-attachments/assets/1">',
            '<a href="https://github.com/user-attachments/assets/1">screenshot</a>',
        ),
        ('<img src="javascript:alert(1)" alt="x">', "[image: x]"),
        (
            "<details>\n<summary>Logs</summary>\n\n```\nboom\n```\n</details>",
            "Logs\n\n<pre>boom</pre>",
        ),
        ("<p>a&nbsp;b &copy; 2026</p>", "a\xa0b © 2026"),
        ("<![CDATA[ x ]]>", "&lt;![CDATA[ x ]]&gt;"),
        ("<?php echo 1; ?>", "&lt;?php echo 1; ?&gt;"),
    ],
)
def test_raw_html_is_reduced_or_escaped(markdown: str, expected: str) -> None:
    html = notes(markdown)
    assert valid(html) == (
        f"<body>{expected}\n\n{LINK}</body>" if expected else f"<body>{LINK}</body>"
    )


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("a & b &amp; c", "a &amp; b &amp; c"),
        ("&lt;b&gt; <&> \"q\" 'a'", "&lt;b&gt; &lt;&amp;&gt; \"q\" 'a'"),
        ("end ]]> here", "end ]]&gt; here"),
        ("nul\x00 ctrl\x01\x08\x0b\x0c\x1f ok", "nul\ufffd ctrl ok"),
        ("lone \ud800 surrogate \ufffe \uffff", "lone  surrogate  "),
        ("&#0; &#1; &#xD800;", "\ufffd \ufffd \ufffd"),
        ("`<code> & ]]>`", "<code>&lt;code&gt; &amp; ]]&gt;</code>"),
        ("emoji 🎉 and 中文", "emoji 🎉 and 中文"),
    ],
)
def test_text_is_escaped_and_illegal_characters_are_dropped(markdown: str, expected: str) -> None:
    assert body_of(markdown) == expected


def test_quotes_in_urls_cannot_break_out_of_the_attribute() -> None:
    html = valid(notes('[x](https://example.org/"onmouseover="alert(1))'))
    assert "onmouseover=" not in html.replace("%22onmouseover=%22", "")
    raw = valid(notes("<a href='https://example.org/\"onmouseover=\"alert(1)'>x</a>"))
    assert '<a href="https://example.org/&quot;onmouseover=&quot;alert(1)">x</a>' in raw


# --- header, empty bodies, the issue link -----------------------------------------------------

HEADER = [
    ("Community", "Example University"),
    ("Contact people", "@alice\n@bob <bob@example.org>"),
    ("FreshDesk link", "https://example.freshdesk.com/a/tickets/42"),
]


def test_header_lines_come_first() -> None:
    html = markdown_to_html_notes("Please help.", issue_url=URL, header=HEADER)
    assert valid(html) == (
        "<body><strong>Community:</strong> Example University\n"
        "<strong>Contact people:</strong> @alice, @bob &lt;bob@example.org&gt;\n"
        "<strong>FreshDesk link:</strong> "
        '<a href="https://example.freshdesk.com/a/tickets/42">'
        "https://example.freshdesk.com/a/tickets/42</a>\n\n"
        f"Please help.\n\n{LINK}</body>"
    )


def test_header_values_are_escaped_and_kept_short() -> None:
    html = markdown_to_html_notes("", issue_url=URL, header=[("A&B", "<x>" + "y" * 5000)])
    assert valid(html).startswith("<body><strong>A&amp;B:</strong> &lt;x&gt;yyy")
    assert "y…" in html
    assert len(html) < 1_300


@pytest.mark.parametrize("markdown", ["", "   \n\n\t", "<!-- only a comment -->"])
def test_an_empty_body_gives_just_header_and_link(markdown: str) -> None:
    assert notes(markdown) == f"<body>{LINK}</body>"
    with_header = markdown_to_html_notes(markdown, issue_url=URL, header=HEADER[:1])
    assert with_header == f"<body><strong>Community:</strong> Example University\n\n{LINK}</body>"


def test_an_issue_url_that_is_not_http_is_shown_as_text() -> None:
    html = markdown_to_html_notes("[rel](x.md)", issue_url="javascript:alert(1)")
    assert valid(html) == "<body>rel\n\njavascript:alert(1)</body>"


def test_the_issue_link_is_escaped() -> None:
    url = "https://example.org/issues/1?a=1&b=2"
    html = markdown_to_html_notes("x", issue_url=url)
    assert valid(html).endswith(
        '<a href="https://example.org/issues/1?a=1&amp;b=2">'
        "https://example.org/issues/1?a=1&amp;b=2</a></body>"
    )


# --- long and deep bodies ---------------------------------------------------------------------


def cut_body(html: str) -> str:
    """The body part of a truncated html_notes, checking the note and the link."""
    valid(html)
    assert len(html) <= MAX_HTML_CHARS
    assert html.endswith(f"\n\n{TRUNCATED}\n\n{LINK}</body>")
    return html.removeprefix("<body>").removesuffix(f"\n\n{TRUNCATED}\n\n{LINK}</body>")


def test_a_body_that_fits_is_not_truncated() -> None:
    html = notes("word " * 10_000)
    assert "truncated" not in html
    assert len(html) < MAX_HTML_CHARS


def test_long_bodies_are_cut_after_a_whole_paragraph() -> None:
    paragraphs = [f"Paragraph {n} & more." for n in range(5_000)]
    body = cut_body(notes("\n\n".join(paragraphs)))
    kept = body.split("\n\n")
    assert kept == [p.replace("&", "&amp;") for p in paragraphs[: len(kept)]]
    assert len(body) > MAX_HTML_CHARS - 500  # cut near the limit, not far before it


def test_long_lists_are_cut_between_items_and_closed() -> None:
    body = cut_body(notes("- item <&>\n  - sub\n" * 2_000))
    assert body.startswith("<ul><li>item &lt;&amp;&gt;<ul><li>sub</li></ul></li>")
    assert body.endswith("</li></ul>")


def test_long_code_blocks_are_cut_at_a_line_end() -> None:
    body = cut_body(notes("```\n" + "log line & <x>\n" * 8_000 + "```"))
    assert body.endswith("\nlog line &amp; &lt;x&gt;</pre>")


def test_a_single_huge_line_is_cut_inside_the_text_but_never_inside_an_entity() -> None:
    body = cut_body(notes("**" + "&" * 60_000 + "**"))
    assert body.startswith("<strong>&amp;&amp;")
    assert body.endswith("&amp;</strong>")


def test_truncation_keeps_header_and_link() -> None:
    html = markdown_to_html_notes("x\n\n" * 22_000, issue_url=URL, header=HEADER)
    assert html.startswith("<body><strong>Community:</strong> Example University\n")
    cut_body(html)


def test_input_beyond_what_github_allows_is_cut_before_parsing() -> None:
    # Only a comment follows "start": the output would be short, but the end was never read.
    html = notes("start\n\n<!-- " + "x" * 70_000 + " -->\n\nend")
    assert cut_body(html) == "start"


@pytest.mark.parametrize(
    "markdown",
    [
        "> " * 1_000 + "deep",
        "".join("  " * level + "- item\n" for level in range(1_000)),
        "- " * 1_000 + "deep",
        "> - " * 500 + "deep",
        "1. " * 1_000 + "deep",
    ],
)
def test_deep_block_nesting_is_cut_with_a_note(markdown: str) -> None:
    html = valid(notes(markdown))
    assert "<em>(deeply nested content was left out; see the issue for the full text)</em>" in html
    assert html.endswith(f"{LINK}</body>")


@pytest.mark.parametrize(
    "markdown",
    [
        "*" * 5_000 + "a" + "*" * 5_000,
        "[" * 5_000 + "a" + "](http://x.org)" * 5_000,
        "<b>" * 5_000 + "x" + "</b>" * 5_000,
        "<b>\n" * 5_000 + "x",
        "~~" * 5_000 + "x" + "~~" * 5_000,
        "<details>" * 5_000 + "x",
    ],
)
def test_deep_inline_nesting_stays_valid(markdown: str) -> None:
    html = valid(notes(markdown))
    assert html.endswith(f"{LINK}</body>")


def calls(markdown: str) -> int:
    """Python function calls one conversion makes: work, counted the same on every machine."""
    profile = cProfile.Profile()
    profile.enable()
    notes(markdown)
    profile.disable()
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize(
    "shape",
    [
        lambda n: "*" * (n // 2) + "a" + "*" * (n // 2),
        lambda n: "<b>" * (n // 7) + "a" + "</b>" * (n // 7),
        lambda n: "[a](http://x.org/) *b* " * (n // 23),
        lambda n: "![" * (n // 2),
    ],
    ids=["nested emphasis", "nested raw html", "links", "unclosed images"],
)
def test_conversion_work_grows_linearly(shape: Callable[[int], str]) -> None:
    # Twice the input may cost twice the work, not four times (bench/rich_text_work.py).
    small, large = calls(shape(8_000)), calls(shape(16_000))
    assert large < 2.3 * small, (small, large)


def test_emphasis_nests_at_most_twenty_elements_deep() -> None:
    html = body_of("*" * 3_000 + "a" + "*" * 3_000)
    assert html.count("<strong>") + html.count("<em>") == 20
    assert "a" in html


def test_a_body_too_costly_to_parse_is_shown_as_plain_text_with_a_note() -> None:
    markdown = "Intro with *stars*\n\n" + "![" * 12_000 + "\n\nthe end <b>"
    html = valid(notes(markdown))
    assert html.startswith("<body>Intro with *stars*\n\n![![")
    assert "the end &lt;b&gt;\n\n<em>(shown without formatting" in html
    assert html.endswith(f"see the issue as written)</em>\n\n{LINK}</body>")


def test_deep_nesting_needs_little_stack() -> None:
    # markdown-it recurses once per level up to maxNesting; our walk does not recurse at all.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 400)
    try:
        valid(notes("> " * 5_000 + "x"))
        valid(notes("[" * 2_000 + "a" + "]" * 2_000))
    finally:
        sys.setrecursionlimit(limit)


def test_the_longest_body_github_allows_renders() -> None:
    section = (
        "## Section\n\nSome *text* with a [link](https://example.org) and `code` & more.\n\n"
        "- item one\n- item **two**\n  - nested https://example.org/x\n\n"
        "```\nlog line 1\nlog line 2\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "> quote <b>bold</b> <!-- note -->\n\n"
    )
    markdown = (section * (65_536 // len(section) + 1))[:65_536]
    valid(notes(markdown))  # about 0.3 s here (timings belong in benchmarks, not tests)
    assert markdown_to_plain_notes(markdown, issue_url=URL).endswith(URL)


# --- plain-text fallback ----------------------------------------------------------------------


def test_plain_notes_are_readable_text() -> None:
    markdown = (
        "# Title\n\nSome *em* and [a link](https://example.org) and <https://x.org>.\n\n"
        "- [ ] one\n- two\n  - nested\n\n  after\n\n3. three\n4. four\n\n"
        "> quoted\n> - in a list\n\n```\ncode <x>\n```\n\n---\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "Text<!-- hidden --> <b>bold</b> &amp; ![pic](https://example.org/p.png)"
    )
    plain = markdown_to_plain_notes(markdown, issue_url=URL, header=HEADER[:1])
    assert plain == (
        "Community: Example University\n\n"
        "Title\n\nSome em and a link (https://example.org) and https://x.org.\n\n"
        "- ☐ one\n- two\n  - nested\n  after\n\n3. three\n4. four\n\n"
        "> quoted\n>\n> - in a list\n\ncode <x>\n\n----------\n\na | b\n1 | 2\n\n"
        "Text bold & pic (https://example.org/p.png)\n\n"
        f"{URL}"
    )


def test_plain_notes_of_an_empty_body_are_just_the_link() -> None:
    assert markdown_to_plain_notes("", issue_url=URL) == URL


def test_plain_notes_are_cut_at_the_same_limit() -> None:
    plain = markdown_to_plain_notes("line of text\n\n" * 10_000, issue_url=URL)
    assert len(plain) <= MAX_HTML_CHARS
    assert plain.endswith(
        "line of text\n\n(description truncated at 60,000 characters; "
        f"see the issue for the full text)\n\n{URL}"
    )


# --- the oracle -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<body><p>x</p></body>", "<p> is not allowed"),
        ("<body>a<br/>b</body>", "<br> is not allowed"),
        ("<body><h3>x</h3></body>", "<h3> is not allowed"),
        ("<body><img src='x'/></body>", "<img> is not allowed"),
        ('<body><strong class="x">x</strong></body>', "attribute 'class' on <strong>"),
        ('<body><a href="javascript:alert(1)">x</a></body>', "is not an http, https or mailto URL"),
        ('<body><a title="t" href="https://x.org">x</a></body>', "attribute 'title' on <a>"),
        ("<body>a<hr></hr>b</body>", "<hr> must be written <hr/>"),
        ("<body><strong>x</body>", "not well-formed XML"),
        ("<body>a & b</body>", "not well-formed XML"),
        ("<body>&nbsp;</body>", "not well-formed XML"),
        ("<div>x</div>", "the root element is <div>"),
        ("plain text", "not well-formed XML"),
    ],
)
def test_allowed_tag_violations_reports_what_asana_refuses(html: str, problem: str) -> None:
    assert any(problem in violation for violation in allowed_tag_violations(html))


def test_allowed_tag_violations_accepts_every_allowed_tag() -> None:
    html = (
        "<body><h1>a</h1><h2>b</h2><strong>c</strong><em>d</em><u>e</u><s>f</s><code>g</code>"
        "<ol><li>h</li></ol><ul><li>i</li></ul>"
        '<a href="https://x.org">j</a><a href="mailto:a@x.org">k</a>'
        "<hr/><blockquote>l</blockquote><pre>m</pre></body>"
    )
    assert allowed_tag_violations(html) == []


# --- properties -------------------------------------------------------------------------------

MARKDOWN_BITS = st.sampled_from(
    [
        "\n",
        "\n\n",
        " ",
        "  \n",
        "# ",
        "## ",
        "### ",
        "> ",
        "- ",
        "1. ",
        "- [ ] ",
        "- [x] ",
        "    ",
        "```",
        "~~~",
        "`",
        "*",
        "**",
        "_",
        "~~",
        "[",
        "]",
        "(",
        ")",
        "![",
        "](",
        "http://x.org/a?b=1&c=2",
        "https://e.org",
        "javascript:alert(1)",
        "mailto:a@b.org",
        "<",
        ">",
        "&",
        "&amp;",
        "&#0;",
        "&nbsp;",
        ";",
        '"',
        "'",
        "]]>",
        "<!--",
        "-->",
        "<b>",
        "</b>",
        "<i>",
        "<br>",
        "<details>",
        "<summary>",
        "<script>",
        "</div>",
        '<a href="https://x.org">',
        "</a>",
        '<img src="https://x.org/i.png" alt="i">',
        "|",
        "|---|",
        "---",
        "===",
        "\\",
        "\x00",
        "\x0b",
        "\ud800",
        "\ufffe",
        "word",
        "é",
        "🎉",
    ]
)
MARKDOWNISH = st.lists(MARKDOWN_BITS | st.text(max_size=5), max_size=60).map("".join)
HEADERS = st.lists(st.tuples(st.text(max_size=20), st.text(max_size=40)), max_size=3)


@settings(max_examples=300, deadline=None)
@given(text=st.text() | MARKDOWNISH, header=HEADERS)
def test_any_text_gives_valid_html_notes_that_end_with_the_issue_link(
    text: str, header: list[tuple[str, str]]
) -> None:
    html = markdown_to_html_notes(text, issue_url=URL, header=header)
    assert allowed_tag_violations(html) == []
    assert ElementTree.fromstring(html).tag == "body"
    assert html.endswith(f"{LINK}</body>")
    assert len(html) <= MAX_HTML_CHARS


@settings(max_examples=200, deadline=None)
@given(text=st.text() | MARKDOWNISH)
def test_any_text_gives_plain_notes_that_end_with_the_issue_url(text: str) -> None:
    plain = markdown_to_plain_notes(text, issue_url=URL)
    assert plain.endswith(URL)
    assert "\x00" not in plain


@settings(max_examples=200, deadline=None)
@given(text=st.lists(MARKDOWN_BITS, min_size=50, max_size=400).map("".join), header=HEADERS)
def test_truncated_output_is_valid_and_within_the_limit(
    text: str, header: list[tuple[str, str]]
) -> None:
    # A small limit makes the cut happen at every kind of place.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rich_text, "MAX_HTML_CHARS", 700)
        html = markdown_to_html_notes(text, issue_url=URL, header=header[:1])
        plain = markdown_to_plain_notes(text, issue_url=URL, header=header[:1])
    assert allowed_tag_violations(html) == []
    assert html.endswith(f"{LINK}</body>")
    assert len(html) <= 700
    assert len(plain) <= 700
    assert plain.endswith(URL)
