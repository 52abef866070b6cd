"""Run every check the config calls for; a section absent from the config is skipped, noted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sync.asana.client import AsanaClient
from sync.check.asana_facts import read_asana
from sync.check.asana_rules import check_asana
from sync.check.findings import Finding, note
from sync.check.form import FORM_PATH, check_form_file
from sync.check.github_facts import BoardFacts, read_board, read_repository
from sync.check.github_rules import (
    check_csh_board,
    check_office_hours_board,
    check_repositories,
)
from sync.check.structure import check_structure
from sync.config import Config, CshConfig, OfficeHoursConfig
from sync.github.client import GitHubClient


def check_config(
    config: Config,
    asana: Callable[[], AsanaClient],
    github: Callable[[], GitHubClient],
    form_path: Path = FORM_PATH,
) -> list[Finding]:
    """Every finding, Asana first; clients are made only when a section needs them."""
    structure = check_structure(config)
    csh, office = config.csh, config.office_hours
    if csh is None and office is None and config.asana is None:
        return structure  # an empty config: nothing else to say
    csh_board = _csh_board(csh, github)
    findings = structure + _asana(config, asana, csh_board)
    if csh is None:
        findings.append(note("csh: section absent, CSH repositories, board and form not checked"))
    else:
        findings += _csh(config, csh, csh_board, github, form_path)
    if office is None:
        findings.append(note("office_hours: section absent, office hours not checked"))
    else:
        findings += _office_hours(office, github)
    return findings


def _asana(
    config: Config, asana: Callable[[], AsanaClient], csh_board: BoardFacts | None
) -> list[Finding]:
    if config.asana is None:
        return [note("asana: section absent, Asana not checked")]
    facts = read_asana(asana(), config.asana, config.csh)
    return check_asana(config.asana, config.csh, facts, csh_board)


def _csh_board(csh: CshConfig | None, github: Callable[[], GitHubClient]) -> BoardFacts | None:
    if csh is None or csh.board is None:
        return None
    return read_board(github(), csh.board.owner, csh.board.number)


def _csh(
    config: Config,
    csh: CshConfig,
    board: BoardFacts | None,
    github: Callable[[], GitHubClient],
    form_path: Path,
) -> list[Finding]:
    repositories = config.github.repositories
    if repositories:
        gh = github()
        facts = [read_repository(gh, name, csh.label) for name in repositories]
        findings = check_repositories(facts, csh.label, "github.repositories")
    else:
        findings = [note("github.repositories: none (and no GITHUB_REPOSITORY), not checked")]
    if board is None:
        findings.append(note("csh.board: absent; communities come from labels and the form"))
    else:
        findings += check_csh_board(csh, board)
    return findings + check_form_file(csh, form_path)


def _office_hours(office: OfficeHoursConfig, github: Callable[[], GitHubClient]) -> list[Finding]:
    gh = github()
    repository = read_repository(gh, office.repository, office.topic_label)
    findings = check_repositories([repository], office.topic_label, "office_hours.repository")
    board = read_board(gh, office.board.owner, office.board.number)
    return findings + check_office_hours_board(office, board)
