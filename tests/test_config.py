"""Loading `.github/community-sync.yml`: values, defaults, and every kind of error."""

from __future__ import annotations

import dataclasses
import time as clock
from datetime import date, time
from pathlib import Path
from textwrap import dedent

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.config import (
    MAX_NODES,
    NOT_FOUND,
    SECTION_MISSING,
    AsanaFields,
    Config,
    ConfigError,
    Escalation,
    ExtraField,
    GitHubConfig,
    Grooming,
    Invitees,
    load_config,
    parse_config,
)

FIXTURES = Path(__file__).parent / "fixtures" / "config"
FULL = FIXTURES / "full.yml"
ENV = {"GITHUB_REPOSITORY": "example-org/from-env"}

OFFICE_HOURS = """\
office_hours:
  repository: example-org/community
  board: {owner: example-org, number: 9}
  schedule: {first_session: 2026-01-07}
"""


def parse(text: str, env: dict[str, str] | None = None) -> Config:
    return parse_config(dedent(text), "cfg.yml", ENV if env is None else env)


def error(text: str, env: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse(text, env)
    return caught.value


# ---- the full example from CONTRACT.md -----------------------------------------------------


def test_full_example_from_the_contract_is_verbatim() -> None:
    contract = Path("/work/shared/CONTRACT.md")
    if not contract.exists():
        pytest.skip("the contract is not next to this checkout")
    assert FULL.read_text(encoding="utf-8") in contract.read_text(encoding="utf-8")


def test_full_example_github_and_asana() -> None:
    config = load_config(FULL, {})
    assert config.path == FULL
    assert config.github == GitHubConfig(("example-org/support",))
    assert config.require("asana").workspace == "1200000000000001"
    assert config.require("asana").project == "1200000000000002"
    assert config.require("asana").fields == AsanaFields("GitHub URL", "GitHub Hours")
    assert config.require("asana").rate_limit_per_minute == 1500


def test_full_example_csh() -> None:
    csh = load_config(FULL, {}).require("csh")
    assert (csh.label, csh.community_label_prefix) == ("CSH", "community:")
    board = csh.board
    assert board is not None
    assert (board.owner, board.number, board.hours_field) == ("example-org", 57, "Hours spent")
    assert board.community_field == "Community"
    assert board.require_hours_to_close is True
    assert board.extra_fields == (
        ExtraField("Priority", "Priority"),
        ExtraField("Estimate", "Estimate"),
        ExtraField("Start date", "start_on"),
        ExtraField("End date", "due_on"),
    )
    (community,) = csh.communities
    assert community.key == "example-university"
    assert community.name == "Example University"
    assert community.asana_task == "1200000000000010"
    assert community.contracted_hours == 40.0
    assert community.period is not None
    assert (community.period.start, community.period.end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert dict(csh.users) == {"octocat": "octocat@example.org"}


def test_full_example_office_hours() -> None:
    oh = load_config(FULL, {}).require("office_hours")
    assert oh.repository == "example-org/community"
    assert (oh.board.owner, oh.board.number, oh.board.status_field) == ("example-org", 9, "Status")
    assert (oh.board.up_next, oh.board.discussed) == ("Up Next", "Discussed")
    s = oh.schedule
    assert (s.first_session, s.every_days, s.start) == (date(2026, 1, 7), 14, time(16, 0))
    assert (s.timezone, s.duration_minutes, s.prepare_days) == ("UTC", 60, 7)
    assert (oh.min_topics, oh.topic_minutes, oh.qa_minutes) == (3, 15, 45)
    assert oh.extra_timezones == ("America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata")
    assert oh.recording_notice is True
    assert oh.template == Path("templates/agenda.md.j2")
    assert oh.topic_label == "office-hours"
    assert oh.escalation == Escalation(
        "#office-hours-planning", "office-hours-planning", "needs-community"
    )
    assert oh.grooming == Grooming(("some-login",), 200)
    assert oh.invitees == Invitees(30, ("new-plugin", "enhancement"))


def test_config_is_frozen_and_users_read_only() -> None:
    config = load_config(FULL, {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.github = GitHubConfig()  # type: ignore[misc]
    csh = config.require("csh")
    with pytest.raises(TypeError):
        csh.users["someone"] = "x"  # type: ignore[index]


# ---- defaults ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "~\n", "---\n"])
def test_empty_file_means_every_section_absent(text: str) -> None:
    config = parse(text)
    assert config.github.repositories == ("example-org/from-env",)
    assert (config.asana, config.csh, config.office_hours) == (None, None, None)


def test_no_repositories_anywhere_is_an_empty_tuple_until_required() -> None:
    config = parse("", env={})
    assert config.github.repositories == ()
    with pytest.raises(ConfigError, match=r"^cfg\.yml: github\.repositories: no repositories"):
        config.require("github")


def test_explicit_repositories_win_over_the_environment() -> None:
    config = parse("github:\n  repositories: [a/b, c/d.e_f-g]\n")
    assert config.require("github").repositories == ("a/b", "c/d.e_f-g")


def test_null_section_counts_as_absent() -> None:
    config = parse("asana:\ncsh: ~\ngithub:\n")
    assert (config.asana, config.csh) == (None, None)
    assert config.github.repositories == ("example-org/from-env",)


def test_section_defaults() -> None:
    config = parse(
        'asana: {workspace: "1", project: "2"}\ncsh: {}\n' + OFFICE_HOURS,
    )
    asana, csh, oh = config.require("asana"), config.require("csh"), config.require("office_hours")
    assert asana.fields == AsanaFields("GitHub URL", "GitHub Hours")
    assert asana.rate_limit_per_minute is None
    assert (csh.label, csh.board, csh.community_label_prefix) == ("CSH", None, "community:")
    assert (csh.communities, dict(csh.users)) == ((), {})
    assert (oh.min_topics, oh.topic_minutes, oh.qa_minutes) == (3, 15, 45)
    assert (oh.extra_timezones, oh.recording_notice, oh.template) == ((), True, None)
    assert oh.topic_label == "office-hours"
    assert (oh.escalation, oh.grooming, oh.invitees) == (Escalation(), Grooming(), Invitees())
    s = oh.schedule
    assert (s.every_days, s.start, s.timezone) == (14, time(16, 0), "UTC")
    assert (s.duration_minutes, s.prepare_days) == (60, 7)
    assert (oh.board.status_field, oh.board.up_next, oh.board.discussed) == (
        "Status",
        "Up Next",
        "Discussed",
    )


def test_csh_board_defaults() -> None:
    board = parse("csh:\n  board: {owner: org, number: 1}\n").require("csh").board
    assert board is not None
    assert (board.hours_field, board.community_field) == ("Hours spent", None)
    assert (board.require_hours_to_close, board.extra_fields) == (True, ())


@pytest.mark.parametrize("section", ["asana", "csh", "office_hours"])
def test_require_reports_a_missing_section(section: str) -> None:
    config = parse("")
    with pytest.raises(ConfigError) as caught:
        config.require(section)  # type: ignore[call-overload]
    assert str(caught.value) == f"cfg.yml: {section}: {SECTION_MISSING}"
    assert (caught.value.line, caught.value.key) == (None, section)


def test_require_rejects_unknown_section_names() -> None:
    with pytest.raises(ValueError, match="unknown config section"):
        parse("").require("jira")  # type: ignore[call-overload]


# ---- values people write in more than one way ----------------------------------------------


def test_unquoted_gids_become_strings() -> None:
    text = """\
    asana: {workspace: 1200000000000001, project: 1200000000000002}
    csh:
      communities: [{key: k, name: N, asana_task: 1200000000000010}]
      users: {octocat: 1200000000000099}
    """
    config = parse(text)
    assert config.require("asana").workspace == "1200000000000001"
    csh = config.require("csh")
    assert csh.communities[0].asana_task == "1200000000000010"
    assert dict(csh.users) == {"octocat": "1200000000000099"}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("16:00", time(16, 0)),
        ('"16:00"', time(16, 0)),
        ("9:30", time(9, 30)),
        ("'07:05'", time(7, 5)),
    ],
)
def test_start_time_quoted_or_base_60(written: str, expected: time) -> None:
    text = OFFICE_HOURS.replace("2026-01-07}", f"2026-01-07, start: {written}}}")
    assert parse(text).require("office_hours").schedule.start == expected


def test_dates_may_be_quoted_strings() -> None:
    text = OFFICE_HOURS.replace("2026-01-07", '"2026-01-07"')
    assert parse(text).require("office_hours").schedule.first_session == date(2026, 1, 7)


def test_numbers_in_yaml_spellings() -> None:
    text = """\
    asana: {workspace: "1", project: "2", rate_limit_per_minute: 1_500}
    csh:
      communities: [{key: k, name: N, asana_task: "3", contracted_hours: 12.5}]
    """
    config = parse(text)
    assert config.require("asana").rate_limit_per_minute == 1500
    assert config.require("csh").communities[0].contracted_hours == 12.5


def test_logins_may_start_with_at() -> None:
    text = OFFICE_HOURS + "  grooming: {engineers: ['@some-login', other]}\n"
    assert parse(text).require("office_hours").grooming.engineers == ("some-login", "other")


def test_anchors_aliases_and_merge_keys() -> None:
    text = """\
    csh:
      board: &board {owner: org, number: 5}
      communities:
        - &base {key: a, name: A, asana_task: "1", period: {start: 2026-01-01, end: 2026-12-31}}
        - <<: *base
          key: b
          name: B
          asana_task: "2"
    office_hours:
      repository: org/repo
      board: {<<: *board, status_field: Column}
      schedule: {first_session: 2026-01-07}
    """
    config = parse(text)
    a, b = config.require("csh").communities
    assert (b.key, b.name, b.asana_task, b.period) == ("b", "B", "2", a.period)
    board = config.require("office_hours").board
    assert (board.owner, board.number, board.status_field) == ("org", 5, "Column")


def test_merge_sources_earlier_ones_win_and_explicit_keys_win_over_all() -> None:
    text = "csh:\n  <<: [{label: One, users: {a: 1}}, {label: Two, community_label_prefix: p}]\n"
    csh = parse(text + "  users: {b: 2}\n").require("csh")
    assert (csh.label, csh.community_label_prefix, dict(csh.users)) == ("One", "p", {"b": "2"})


def test_community_lookups() -> None:
    text = """\
    csh:
      communities:
        - {key: example-university, name: Example University, asana_task: "10"}
        - {key: other, name: Other Org, asana_task: "11"}
    """
    csh = parse(text).require("csh")
    assert csh.community_by_key_or_name("EXAMPLE-university") is csh.communities[0]
    assert csh.community_by_key_or_name(" example university ") is csh.communities[0]
    assert csh.community_by_key_or_name("other org") is csh.communities[1]
    assert csh.community_by_key_or_name("nobody") is None
    assert csh.community_by_task("11") is csh.communities[1]
    assert csh.community_by_task("12") is None


def test_a_name_equal_to_its_own_key_is_fine() -> None:
    text = 'csh: {communities: [{key: acme, name: ACME, asana_task: "1"}]}'
    assert parse(text).require("csh").communities[0].name == "ACME"


# ---- errors: each names file, line and key path --------------------------------------------

ERRORS = [
    # (id, yaml, line, key, words in the message)
    ("syntax", "csh:\n  label: [a, b\nasana: x\n", 3, "", "invalid YAML"),
    ("tab", "csh:\n\tlabel: x\n", 2, "", "invalid YAML"),
    ("two documents", "csh: {}\n---\nasana: {}\n", 2, "", "single document"),
    ("control char", "csh:\n  label: a\x01\n", 2, "", "#x0001"),
    ("top is a list", "- csh\n", 1, "", "got a list, expected a mapping"),
    ("top is text", "hello\n", 1, "", "expected a mapping"),
    ("unknown top key", "csh: {}\njira: {}\n", 2, "jira", "unknown key 'jira'"),
    ("unknown nested key", "csh:\n  lable: X\n", 2, "csh.lable", "did you mean 'label'?"),
    (
        "unknown key lists allowed",
        "asana:\n  workspace: '1'\n  project: '2'\n  foo: 1\n",
        4,
        "asana.foo",
        "expected one of: fields, max_subtask_depth, project, rate_limit_per_minute, workspace",
    ),
    (
        "duplicate key",
        "csh:\n  label: A\n  board: ~\n  label: B\n",
        4,
        "csh.label",
        "duplicate key",
    ),
    ("duplicate section", "csh: {}\nasana: ~\ncsh: {}\n", 3, "csh", "duplicate key 'csh'"),
    ("duplicate in flow", "csh: {label: A, label: B}\n", 1, "csh.label", "duplicate key"),
    ("section not a mapping", "csh: [a]\n", 1, "csh", "got a list, expected a mapping"),
    ("text not a list", "csh:\n  label:\n    - a\n", 3, "csh.label", "got a list, expected text"),
    ("boolean for text", "csh:\n  label: no\n", 2, "csh.label", "boolean 'no', expected text"),
    ("empty text", "csh:\n  label: ''\n", 2, "csh.label", "expected non-empty text"),
    ("missing required", "asana:\n  workspace: '1'\n", 2, "asana.project", "missing required key"),
    (
        "missing required in flow",
        "csh:\n  board:\n    {number: 5}\n",
        3,
        "csh.board.owner",
        "missing required key",
    ),
    ("null required", "asana: {workspace: ~, project: '2'}\n", 1, "asana.workspace", "missing"),
    ("gid not digits", "asana: {workspace: abc, project: '2'}\n", 1, "asana.workspace", "gid"),
    (
        "number is text",
        "csh:\n  board:\n    owner: org\n    number: five\n",
        4,
        "csh.board.number",
        "got 'five', expected a whole number of at least 1",
    ),
    (
        "number is a float",
        "csh: {board: {owner: o, number: 1.5}}\n",
        1,
        "csh.board.number",
        "expected a whole number",
    ),
    (
        "number out of range",
        "asana:\n  workspace: '1'\n  project: '2'\n  rate_limit_per_minute: 0\n",
        4,
        "asana.rate_limit_per_minute",
        "from 1 to 100000",
    ),
    (
        "bool is text",
        "csh: {board: {owner: o, number: 1, require_hours_to_close: maybe}}\n",
        1,
        "csh.board.require_hours_to_close",
        "expected true or false",
    ),
    (
        "bad repository",
        "github:\n  repositories:\n    - a/b\n    - not a repo\n",
        4,
        "github.repositories[1]",
        "owner/name",
    ),
    ("empty repositories", "github:\n  repositories: []\n", 2, "github.repositories", "list"),
    (
        "duplicate repository",
        "github: {repositories: [a/b, A/B]}\n",
        1,
        "github.repositories[1]",
        "also at github.repositories[0]",
    ),
    ("tagged value", "csh: !custom {label: x}\n", 1, "csh", "tagged '!custom'"),
    ("bad user", "csh:\n  users:\n    octocat: nobody\n", 3, "csh.users.octocat", "email or gid"),
    ("bad login", "csh:\n  users:\n    'a b': x@y.z\n", 3, "csh.users.a b", "GitHub login"),
    ("merge of text", "csh:\n  <<: text\n", 2, "csh", "a mapping to merge"),
]


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in ERRORS],
)
def test_errors_name_file_line_and_key(text: str, line: int, key: str, words: str) -> None:
    err = error(text)
    prefix = f"cfg.yml:{line}: {key}: " if key else f"cfg.yml:{line}: "
    assert str(err).startswith(prefix), str(err)
    assert words in str(err)
    assert (err.file, err.line, err.key) == ("cfg.yml", line, key)
    assert "\n" not in str(err)


COMMUNITY = "    - {key: %s, name: %s, asana_task: '%s'}\n"


def test_duplicate_community_key_ignoring_case() -> None:
    text = "csh:\n  communities:\n" + COMMUNITY % ("a", "A", 1) + COMMUNITY % ("b", "B", 2)
    text += "    - key: A\n      name: C\n      asana_task: '3'\n"
    err = error(text)
    assert str(err).startswith("cfg.yml:5: csh.communities[2].key: community key or name 'A'")
    assert "also at csh.communities[0].key" in str(err)


def test_community_name_clashing_with_another_key() -> None:
    text = "csh:\n  communities:\n" + COMMUNITY % ("a", "A", 1) + COMMUNITY % ("b", "a", 2)
    assert str(error(text)).startswith("cfg.yml:4: csh.communities[1].name: ")


def test_duplicate_asana_task() -> None:
    text = "csh:\n  communities:\n" + COMMUNITY % ("a", "A", 1) + COMMUNITY % ("b", "B", 1)
    assert str(error(text)).startswith("cfg.yml:4: csh.communities[1].asana_task: ")


def test_duplicate_extra_field() -> None:
    text = """\
    csh:
      board:
        owner: o
        number: 1
        extra_fields:
          - {github: Priority, asana: Priority}
          - github: Size
            asana: priority
    """
    err = error(text)
    assert str(err).startswith("cfg.yml:8: csh.board.extra_fields[1].asana: Asana field")


def test_period_end_before_start() -> None:
    text = """\
    csh:
      communities:
        - key: k
          name: N
          asana_task: "1"
          period:
            start: 2026-02-01
            end: 2026-01-31
    """
    err = error(text)
    assert str(err) == (
        "cfg.yml:8: csh.communities[0].period.end: got the date '2026-01-31', "
        "expected a date on or after start (2026-02-01)"
    )


@pytest.mark.parametrize(
    ("replacement", "key", "words"),
    [
        ("2026-01-07, timezone: Mars/Olympus}", "timezone", "IANA time zone"),
        ("2026-01-07, timezone: ../../etc/passwd}", "timezone", "IANA time zone"),
        ("2026-01-07, timezone: America}", "timezone", "IANA time zone"),
        ("2026-01-07, start: '25:00'}", "start", 'time "HH:MM"'),
        ("2026-01-07, start: 960}", "start", 'time "HH:MM"'),
        ("2026-13-45}", "first_session", "a date YYYY-MM-DD"),
        ("2026-01-07 10:00:00}", "first_session", "a date YYYY-MM-DD"),
        ("2026-01-07, every_days: 0}", "every_days", "from 1 to 366"),
    ],
)
def test_schedule_errors(replacement: str, key: str, words: str) -> None:
    err = error(OFFICE_HOURS.replace("2026-01-07}", replacement))
    assert str(err).startswith(f"cfg.yml:4: office_hours.schedule.{key}: "), str(err)
    assert words in str(err)


def test_bad_extra_timezone_names_its_index() -> None:
    err = error(OFFICE_HOURS + "  extra_timezones:\n    - Europe/Berlin\n    - Nowhere/City\n")
    assert str(err).startswith("cfg.yml:7: office_hours.extra_timezones[1]: got 'Nowhere/City'")


def test_malformed_github_repository_variable() -> None:
    err = error("", env={"GITHUB_REPOSITORY": "just-a-name"})
    assert str(err) == (
        "cfg.yml: github.repositories: GITHUB_REPOSITORY is 'just-a-name', expected owner/name"
    )


def test_error_fields_and_one_line_format() -> None:
    err = ConfigError("f.yml", 3, "a.b", "got x, expected y")
    assert str(err) == "f.yml:3: a.b: got x, expected y"
    assert str(ConfigError("f.yml", None, "", "broken")) == "f.yml: broken"


# ---- hostile input -------------------------------------------------------------------------

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_alias_bomb_fails_fast() -> None:
    started = clock.monotonic()
    with pytest.raises(ConfigError, match=f"more than {MAX_NODES} values"):
        parse_config(BILLION_LAUGHS, "bomb.yml", {})
    assert clock.monotonic() - started < 2


def test_alias_bomb_inside_a_known_list_fails_fast() -> None:
    text = BILLION_LAUGHS.replace("a: &a", "x: &a") + "office_hours: {extra_timezones: *i}\n"
    with pytest.raises(ConfigError, match=r"^bomb\.yml:\d+: expands to more than"):
        parse_config(text, "bomb.yml", {})


def test_recursive_anchor() -> None:
    with pytest.raises(ConfigError, match=r"^cfg\.yml:1: expands to more than"):
        parse("csh: &x {label: *x}\n")


def test_deep_nesting() -> None:
    err = error("csh: " + "[" * 5000 + "]" * 5000 + "\n")
    assert str(err).startswith("cfg.yml:1: nested more than")


def test_merge_bomb() -> None:
    lines = ["m0: &m0 {label: x}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, 40)]
    with pytest.raises(ConfigError, match="expands to more than"):
        parse("\n".join(lines) + "\n")


# ---- reading files -------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yml"
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert (caught.value.file, caught.value.line, caught.value.key) == (str(path), None, "")
    assert caught.value.message == NOT_FOUND
    assert str(caught.value) == f"{path}: {NOT_FOUND}"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path, {})


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yml"
    path.write_bytes("csh:\n  label: Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_config(str(path), {})
    assert str(caught.value).startswith(f"{path}:2: byte 0xe9 is not UTF-8")


def test_load_config_accepts_a_string_path(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("csh: {label: Help}\n", encoding="utf-8")
    config = load_config(str(path), {})
    assert (config.path, config.require("csh").label) == (path, "Help")


# ---- property: nothing but ConfigError ever escapes ----------------------------------------

KEYS = sorted(
    {"github", "repositories", "asana", "workspace", "project", "fields", "csh", "label"}
    | {"board", "owner", "number", "communities", "key", "name", "asana_task", "period"}
    | {"start", "end", "users", "office_hours", "repository", "schedule", "first_session"}
    | {"timezone", "extra_timezones", "extra_fields", "contracted_hours", "<<", "grooming"}
)
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.dates()
    | st.sampled_from(["16:00", "UTC", "a/b", "2026-01-01", "x@y.z", "Europe/Berlin", ""])
    | st.text(max_size=12)
)
DOCUMENTS = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=30,
)


def _outcome_is_config_or_config_error(text: str) -> None:
    try:
        result = parse_config(text, "fuzz.yml", ENV)
    except ConfigError as err:
        assert str(err).startswith("fuzz.yml")
        assert "\n" not in str(err)
    else:
        assert isinstance(result, Config)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_config_error(text: str) -> None:
    _outcome_is_config_or_config_error(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_config_shaped_documents_raise_only_config_error(document: object) -> None:
    _outcome_is_config_or_config_error(yaml.safe_dump(document))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2000), st.text(max_size=20))
def test_mutated_full_example_raises_only_config_error(at: int, junk: str) -> None:
    text = FULL.read_text(encoding="utf-8")
    _outcome_is_config_or_config_error(text[:at] + junk + text[at + len(junk) :])


# ---- keys added with the ownership, hours-per-period and office-hours work -------------------


def test_recurring_period_spans_the_month_quarter_or_year_containing_today() -> None:
    from datetime import date

    from sync.config import Period

    monthly = Period(date(2026, 1, 31), every="month")
    assert monthly.span(date(2026, 2, 27)) == (date(2026, 1, 31), date(2026, 2, 27))
    assert monthly.span(date(2026, 2, 28)) == (date(2026, 2, 28), date(2026, 3, 30))
    quarterly = Period(date(2026, 1, 1), every="quarter")
    assert quarterly.span(date(2026, 5, 15)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert quarterly.span(date(2025, 6, 1)) == (date(2026, 1, 1), date(2026, 3, 31))
    yearly = Period(date(2026, 7, 1), every="year")
    assert yearly.span(date(2028, 6, 30)) == (date(2027, 7, 1), date(2028, 6, 30))
    fixed = Period(date(2026, 1, 1), date(2026, 12, 31))
    assert fixed.span(date(2030, 1, 1)) == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("period", "needle"),
    [
        ("{start: 2026-01-01}", "exactly one of 'end' and 'every'"),
        ("{start: 2026-01-01, end: 2026-02-01, every: month}", "exactly one of"),
        ("{start: 2026-01-01, every: fortnight}", "month, quarter or year"),
    ],
)
def test_a_period_is_fixed_or_recurring(period: str, needle: str) -> None:
    found = error(
        f"""
        asana: {{workspace: "1", project: "2"}}
        csh:
          communities: [{{key: k, name: N, asana_task: "3", period: {period}}}]
        """
    )
    assert "csh.communities[0].period" in str(found)
    assert needle in str(found)


def test_a_report_names_a_repository_or_a_webhook_variable_never_a_url() -> None:
    found = error(
        """
        asana: {workspace: "1", project: "2"}
        csh:
          team_report: {slack_webhook_env: "https://hooks.slack.com/services/X"}
        """
    )
    assert "csh.team_report.slack_webhook_env" in str(found)
    assert "environment variable name" in str(found)
    assert "exactly one of" in str(
        error('asana: {workspace: "1", project: "2"}\ncsh: {team_report: {}}\n')
    )


def test_trusted_authors_is_members_or_any() -> None:
    found = error('asana: {workspace: "1", project: "2"}\ncsh: {trusted_authors: everyone}\n')
    assert "csh.trusted_authors" in str(found) and "members or any" in str(found)
    csh = parse('asana: {workspace: "1", project: "2"}\ncsh: {}\n').require("csh")
    assert (csh.trusted_authors, csh.max_deletes, csh.max_reopens) == ("members", 10, 5)
    assert csh.announce_over_contract is False
