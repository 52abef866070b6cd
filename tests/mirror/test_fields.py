"""Resolving the configured Asana fields to gids."""

from __future__ import annotations

import pytest

from sync.asana.tasks import fields_from_records, resolve_fields
from sync.config import parse_config
from sync.errors import UsageError

CONFIG = """
asana:
  workspace: "1"
  project: "100"
  fields: {github_url: %s, github_hours: %s}
"""

PROJECT_FIELDS = [
    {"gid": "11", "name": "GitHub URL", "type": "text"},
    {"gid": "12", "name": "GitHub Hours", "type": "number"},
    {"gid": "13", "name": "Notes", "type": "text"},
]


def asana(url: str = "GitHub URL", hours: str = "GitHub Hours"):  # type: ignore[no-untyped-def]
    config = parse_config(
        CONFIG % (f'"{url}"', f'"{hours}"'), "c.yml", {"GITHUB_REPOSITORY": "o/r"}
    )
    return config.asana


def test_names_resolve_to_gids() -> None:
    fields = resolve_fields(PROJECT_FIELDS, asana(), None)
    assert (fields.url_gid, fields.hours_gid) == ("11", "12")
    assert fields.names["12"] == "GitHub Hours"


def test_wrong_type_and_missing_field_name_the_config_key() -> None:
    with pytest.raises(UsageError, match=r"asana\.fields\.github_hours: the Asana field 'Notes'"):
        resolve_fields(PROJECT_FIELDS, asana(hours="Notes"), None)
    with pytest.raises(UsageError, match=r"asana\.fields\.github_url: no custom field 'Link'"):
        resolve_fields(PROJECT_FIELDS, asana(url="Link"), None)


def test_fields_come_from_task_records_when_they_show_them() -> None:
    record = {"gid": "1", "custom_fields": PROJECT_FIELDS}
    fields = fields_from_records([{"gid": "0", "custom_fields": []}, record], asana(), None)
    assert fields is not None and fields.url_gid == "11"


def test_without_records_only_gids_need_no_look_up() -> None:
    assert fields_from_records([], asana(), None) is None
    fields = fields_from_records([], asana("11", "12"), None)
    assert fields is not None and (fields.url_gid, fields.hours_gid) == ("11", "12")
