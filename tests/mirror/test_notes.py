"""Signed descriptions: a run in sync knows a description is unchanged without rendering it,
and anything that changed it, on either side, is still seen."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from sync.emulator.asana_rules import rewrite_rich_text
from sync.mirror import notes as notes_module
from sync.mirror.compare import html_equivalent
from sync.mirror.desired import Rules, desired_for_tree
from sync.mirror.notes import notes_key, signed_notes, still_signed
from sync.mirror.planner import plan_tasks
from sync.rich_text import markdown_to_html_notes
from tests.mirror.conftest import FIELDS, issue, task

URL = "https://github.com/example-org/support/issues/7"
BODY = "Please **help** with [profiles](https://docs.example.org).\n\n- one\n- two"
HEADER = (("Community", "Example University"),)


def test_a_signed_description_is_recognised_without_rendering() -> None:
    html = signed_notes(BODY, URL, HEADER)
    assert still_signed(html, notes_key(BODY, URL, HEADER))
    assert f'<a href="{URL}#community-sync-' in html  # the signature rides on the issue link


def test_as_written_it_is_recognised_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    html = signed_notes(BODY, URL, HEADER)

    def unparsable(_html: str | None) -> None:
        raise AssertionError("parsed a description Asana handed back byte for byte")

    monkeypatch.setattr(notes_module, "canonical_html", unparsable)
    assert still_signed(html, notes_key(BODY, URL, HEADER))


def test_a_signature_from_before_the_bytes_digest_is_still_recognised() -> None:
    html = signed_notes(BODY, URL, HEADER)
    older = re.sub(r"(#community-sync-[0-9a-f]{16}-[0-9a-f]{16})-[0-9a-f]{16}", r"\1", html)
    assert older != html
    assert still_signed(older, notes_key(BODY, URL, HEADER))


def test_as_asana_stores_it_rewritten_it_is_still_recognised() -> None:
    html = signed_notes(BODY, URL, HEADER)
    rewritten = rewrite_rich_text(html)
    assert rewritten != html
    assert still_signed(rewritten, notes_key(BODY, URL, HEADER))


@pytest.mark.parametrize(
    ("body", "url", "header"),
    [
        (BODY + " Edited.", URL, HEADER),
        (BODY, URL.replace("/7", "/8"), HEADER),
        (BODY, URL, (("Community", "Other College"),)),
    ],
)
def test_a_change_on_github_is_seen(body: str, url: str, header: tuple[tuple[str, str]]) -> None:
    html = signed_notes(BODY, URL, HEADER)
    assert not still_signed(html, notes_key(body, url, header))


@pytest.mark.parametrize(
    "stored", [lambda html: html, rewrite_rich_text], ids=["as written", "rewritten"]
)
def test_a_description_edited_in_asana_is_seen(stored: Callable[[str], str]) -> None:
    html = stored(signed_notes(BODY, URL, HEADER))
    edited = html.replace("<strong>help</strong>", "<strong>help us</strong>")
    assert edited != html
    assert not still_signed(edited, notes_key(BODY, URL, HEADER))


def test_a_description_from_before_signatures_needs_no_rewrite() -> None:
    unsigned = markdown_to_html_notes(BODY, issue_url=URL, header=HEADER)
    assert not still_signed(unsigned, notes_key(BODY, URL, HEADER))
    assert html_equivalent(unsigned, signed_notes(BODY, URL, HEADER))


def test_a_new_renderer_version_renders_again(monkeypatch: pytest.MonkeyPatch) -> None:
    html = signed_notes(BODY, URL, HEADER)
    monkeypatch.setattr(notes_module, "RENDERER_VERSION", "next")
    assert not still_signed(html, notes_key(BODY, URL, HEADER))


def test_planning_a_task_in_sync_renders_nothing(rules: Rules) -> None:
    node = issue()
    first = desired_for_tree(node, None, rules).tasks[0]
    have = task("900", first.url, name=first.name, html_notes=first.html_notes)
    have.custom_fields.update(first.custom_fields)
    again = desired_for_tree(node, None, rules)
    assert plan_tasks(again, {first.url: [have]}, "100", FIELDS) == []
    assert "html_notes" not in vars(again.tasks[0])  # never rendered
