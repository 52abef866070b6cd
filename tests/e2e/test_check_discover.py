"""`check --discover` on a large organisation reads one workspace, the project named and users
only when asked: its cost does not grow with the number of workspaces, projects or users."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Harness, Result

PROJECT = "Community Success Hours (GitHub)"


@pytest.fixture
def large(harness: Harness) -> Harness:
    """The seeded world inside a busy organisation: more workspaces, projects with their own
    custom fields, and users."""
    asana, seeded = harness.world.asana, harness.seeded
    for name in ("Partner Org", "Sandbox"):
        other = asana.add_workspace(name)
        asana.add_project(f"{name} planning", other)
    for n in range(40):
        project = asana.add_project(f"Team {n}", seeded.workspace)
        asana.add_field_to_project(
            project, asana.add_custom_field(seeded.workspace, f"F{n}", "text")
        )
    for n in range(30):
        asana.add_user(f"person{n}@example.org", f"Person {n}", seeded.workspace)
    return harness


def discover(h: Harness, *flags: str) -> tuple[Result, int]:
    """Run `check --discover` with flags; return its result and the Asana requests it sent."""
    h.world.server.reset_log()
    result = h.cli("check", "--discover", *flags)
    return result, h.world.server.count("asana")


def test_with_a_config_it_reads_the_configured_workspace_and_project_only(large: Harness) -> None:
    result, requests = discover(large)

    assert result.code == 0, result.stderr
    seeded, out = large.seeded, result.stdout.splitlines()
    assert out[:2] == [
        f'workspace {seeded.workspace} "Example Org"',
        f'  project {seeded.project} "{PROJECT}"',
    ]
    assert f'    field {seeded.url_field} "GitHub URL" (text)' in out
    assert not any("Team" in line or "user " in line for line in out)
    assert requests == 3  # the workspaces (one list), the project, its custom fields
    assert "note: pass --users" in result.stderr


def test_without_a_config_several_workspaces_are_listed_by_name_only(large: Harness) -> None:
    large.config.unlink()

    result, requests = discover(large)

    assert result.code == 0, result.stderr
    workspaces = [line for line in result.stdout.splitlines() if line.startswith("workspace ")]
    assert [w.split('"')[1] for w in workspaces] == ["Example Org", "Partner Org", "Sandbox"]
    assert "  project" not in result.stdout
    assert requests == 1
    assert "note: pass --workspace" in result.stderr


def test_named_workspace_lists_its_projects_without_reading_each(large: Harness) -> None:
    large.config.unlink()

    result, requests = discover(large, "--workspace", "example org")

    assert result.code == 0, result.stderr
    projects = [line for line in result.stdout.splitlines() if line.startswith("  project ")]
    assert len(projects) == 42  # the two seeded ones and the 40 teams
    assert "    field" not in result.stdout
    assert requests == 2  # the workspaces (one list), its projects
    assert "note: pass --project" in result.stderr


def test_named_project_and_users_when_asked(large: Harness) -> None:
    large.config.unlink()
    flags = ("--workspace", large.seeded.workspace, "--project", PROJECT, "--users")

    result, requests = discover(large, *flags)

    assert result.code == 0, result.stderr
    out = result.stdout.splitlines()
    assert f'    field {large.seeded.hours_field} "GitHub Hours" (number)' in out
    assert sum(line.startswith("  user ") for line in out) == 33
    assert "    # some-github-login: person7@example.org" in out
    assert f"  project: '{large.seeded.project}'" in result.stdout
    assert requests == 4  # the workspaces, its projects, the project's fields, its users


def test_a_project_named_by_gid_needs_no_workspace(large: Harness) -> None:
    large.config.unlink()

    result, requests = discover(large, "--project", large.seeded.project)

    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f'workspace {large.seeded.workspace} "Example Org"'
    assert requests == 3  # the workspaces, the project, its fields


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (("--workspace", "Nope"), 'workspace "Nope" not found; the token sees: "Example Org"'),
        (("--workspace", "Sandbox", "--project", "Team 1"), 'project "Team 1" not found'),
        (("--project", "999"), "project 999: the Asana token cannot see it"),
    ],
)
def test_a_name_the_token_cannot_see_is_bad_usage(
    large: Harness, flags: tuple[str, ...], words: str
) -> None:
    large.config.unlink()
    result, _ = discover(large, *flags)
    assert result.code == 2 and words in result.stderr, result.stderr


def test_discover_flags_without_discover_are_bad_usage(large: Harness) -> None:
    result = large.cli("check", "--users")
    assert result.code == 2 and "go with --discover" in result.stderr
