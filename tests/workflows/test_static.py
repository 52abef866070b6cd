"""What the workflows and composite actions must say, read from the YAML: triggers, event
types, minimal permissions, concurrency, pinned actions, no credentials left on disk, no
`${{ }}` in a script, documented inputs and outputs, and pinned dependencies."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from tests.workflows.runner import ROOT, load_yaml, triggers
from tests.workflows.tables import ACTIONS, readme_tables

_spec = importlib.util.spec_from_file_location("lock", ROOT / "scripts" / "lock.py")
assert _spec is not None and _spec.loader is not None
lock = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lock)

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# examples/community-sync.yml is the example config, no workflow.
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yml") if p.name != "community-sync.yml")
ACTION_FILES = [ROOT / "actions" / name / "action.yml" for name in ACTIONS]
ALL_FILES = WORKFLOWS + EXAMPLES + ACTION_FILES
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+(\.\d+)*$")
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ISSUE_TYPES = [
    "opened", "edited", "labeled", "unlabeled", "assigned", "unassigned",
    "closed", "reopened", "transferred", "deleted",
]  # fmt: skip
CSH_IF = (
    "contains(github.event.issue.labels.*.name, 'CSH')"
    " || (github.event.action == 'unlabeled' && github.event.label.name == 'CSH')"
    ' || contains(fromJSON(\'["deleted", "transferred", "edited", "closed", "reopened",'
    ' "assigned", "unassigned"]\'), github.event.action)'
)
READ = {"contents": "read"}
ISSUES = {"contents": "read", "issues": "write"}

# (file, job) -> the job's permissions: nothing more than each needs.
PERMISSIONS = {
    ("ci.yml", "ci"): READ,
    ("csh-sync.yml", "sync"): ISSUES,
    ("csh-reconcile.yml", "reconcile"): ISSUES,
    ("csh-hours.yml", "hours"): {"contents": "read", "issues": "read"},
    ("csh-hours.yml", "publish"): ISSUES,
    ("office-hours.yml", "queue"): READ,
    ("office-hours.yml", "sessions"): READ,
    ("office-hours.yml", "remind"): READ,
    ("community-sync.yml", "run"): ISSUES,
    ("caller-workflow.yml", "csh"): ISSUES,
    ("caller-workflow.yml", "office-hours"): ISSUES,
    ("central-workflow.yml", "reconcile"): ISSUES,
    ("central-workflow.yml", "hours"): ISSUES,
    ("central-workflow.yml", "office-hours"): ISSUES,
    ("central-workflow.yml", "remind"): ISSUES,
    ("central-workflow.yml", "by-hand"): ISSUES,
}
CONCURRENCY = {
    "ci.yml": ("ci-${{ github.ref }}", True),
    "csh-sync.yml": (
        "csh-sync-${{ github.repository }}-${{ github.event.issue.number }}",
        False,
    ),
    "csh-reconcile.yml": ("csh-reconcile-${{ github.repository }}", False),
    "csh-hours.yml": ("csh-hours-${{ github.repository }}", False),
    "office-hours.yml": (
        "office-hours-${{ github.event_name == 'issues' && format('issue-{0}', "
        "github.event.issue.number) || 'sessions' }}",
        False,
    ),
}


def load(name: str) -> dict[str, Any]:
    return load_yaml(ROOT / ".github" / "workflows" / name)


def steps_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step of a workflow (all jobs) or of a composite action."""
    if "runs" in data:
        return list(data["runs"].get("steps", []))
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def uses_lines(path: Path) -> list[str]:
    """Each `uses:` value with its trailing comment, as written."""
    found = re.findall(r"^\s*(?:-\s+)?uses:\s*(.+?)\s*$", path.read_text("utf-8"), re.M)
    return [line for line in found if not line.startswith(("$/", "./"))]


# -- triggers --------------------------------------------------------------------------------
def test_the_workflows_are_the_expected_ones() -> None:
    assert [p.name for p in WORKFLOWS] == [
        "ci.yml", "community-sync.yml", "csh-hours.yml", "csh-reconcile.yml", "csh-sync.yml",
        "office-hours.yml",
    ]  # fmt: skip


def test_csh_sync_runs_on_every_issue_event_that_can_change_a_task() -> None:
    workflow = load("csh-sync.yml")
    assert triggers(workflow) == {"issues": {"types": ISSUE_TYPES}}
    assert workflow["jobs"]["sync"]["if"] == CSH_IF


EVERY_15_MINUTES = "8,23,38,53 * * * *"  # docs/performance.md: what a run in sync costs


def test_csh_reconcile_runs_every_15_minutes_off_the_hour_and_by_hand_with_dry_run() -> None:
    on = triggers(load("csh-reconcile.yml"))
    assert on["schedule"] == [{"cron": EVERY_15_MINUTES}]
    assert on["workflow_dispatch"]["inputs"]["dry-run"] == {
        "description": "Read everything, write nothing, print what would change",
        "required": False,
        "type": "boolean",
        "default": False,
    }


def test_csh_hours_runs_weekly_and_by_hand_for_one_community() -> None:
    on = triggers(load("csh-hours.yml"))
    assert on["schedule"] == [{"cron": "17 7 * * 1"}, {"cron": "41 6 1 * *"}]
    assert on["workflow_dispatch"]["inputs"]["community"]["type"] == "string"
    assert on["workflow_dispatch"]["inputs"]["publish"]["type"] == "boolean"


def test_office_hours_runs_daily_on_a_label_and_by_hand() -> None:
    workflow = load("office-hours.yml")
    on = triggers(workflow)
    assert on["schedule"] == [{"cron": "17 6 * * *"}, {"cron": "41 * * * *"}]
    assert on["issues"] == {"types": ["labeled"]}
    assert set(on["workflow_dispatch"]["inputs"]) == {"date", "force", "dry-run"}
    assert "pull_request_target" not in on  # pull requests are queued by the schedule
    jobs = workflow["jobs"]
    # any label event on an issue carrying the topic label: a later label event replaces the
    # pending run of an earlier one in the issue's concurrency group, and must queue it
    assert jobs["queue"]["if"] == (
        "github.event_name == 'issues' && github.event.action == 'labeled'"
        " && contains(github.event.issue.labels.*.name, 'office-hours')"
    )
    assert jobs["sessions"]["if"] == (
        "(github.event_name == 'schedule' && github.event.schedule == '17 6 * * *')"
        " || github.event_name == 'workflow_dispatch'"
    )
    assert jobs["remind"]["if"] == (
        "github.event_name == 'schedule' && github.event.schedule == '41 * * * *'"
    )
    steps = jobs["sessions"]["steps"]
    commands = [s["with"]["command"] for s in steps if s.get("uses", "").startswith("$/")]
    assert commands == ["rotate", "queue", "publish"]


def test_ci_runs_the_ci_script() -> None:
    workflow = load("ci.yml")
    assert triggers(workflow) == {"push": {"branches": ["main"]}, "pull_request": None}
    assert workflow["jobs"]["ci"]["steps"][-1]["run"] == "bash .ci/run"


def test_ci_runs_the_readmes_test_command_as_written() -> None:
    """What the README tells a newcomer to run is what CI runs, character for character."""
    readme = (ROOT / "README.md").read_text("utf-8").splitlines()
    [at] = [i for i, line in enumerate(readme) if line.startswith("# 2. Run the tests")]
    command = readme[at + 1]
    assert command.startswith("python3 -m venv .venv && ") and "python -m pytest" in command
    script = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert command in script  # run as a line of its own, exactly as written
    [extract] = [line for line in script if line.startswith("readme_command=")]
    found = subprocess.run(
        ["bash", "-c", f'{extract}\nprintf "%s" "$readme_command"'],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert found == command  # and the drift check reads the same README line
    # The pin check runs against the environment the actions install, not the developer's.
    text = "\n".join(script)
    assert "bash actions/install.sh" in text
    assert 'python scripts/lock.py --installed "$pinned/venv/bin/python"' in text


def test_the_reusable_workflow_is_only_called() -> None:
    workflow = load("community-sync.yml")
    call = triggers(workflow)["workflow_call"]
    assert set(triggers(workflow)) == {"workflow_call"}
    assert call["inputs"]["command"]["required"] is True
    assert set(call["secrets"]) == {
        "ASANA_TOKEN", "COMMUNITY_SYNC_GITHUB_TOKEN", "COMMUNITY_SYNC_APP_PRIVATE_KEY",
        "SLACK_WEBHOOK_URL",
    }  # fmt: skip
    assert not any(spec.get("required") for spec in call["secrets"].values())


def minutes(field: str) -> set[int]:
    """The minutes a cron minute field names (lists, ranges and steps)."""
    found: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        first, _, last = ("0-59" if span == "*" else span).partition("-")
        found |= set(range(int(first), int(last or (59 if step else first)) + 1, int(step or 1)))
    return found


def test_minutes_reads_the_cron_forms_in_use() -> None:
    assert minutes("23") == {23}
    assert minutes("8,23,38,53") == {8, 23, 38, 53}
    assert minutes("*/15") == {0, 15, 30, 45}
    assert minutes("5-7") == {5, 6, 7}


@pytest.mark.parametrize("path", WORKFLOWS + EXAMPLES, ids=lambda p: p.name)
def test_schedules_avoid_the_top_of_the_hour(path: Path) -> None:
    for entry in triggers(load_yaml(path)).get("schedule") or []:
        assert 0 not in minutes(entry["cron"].split()[0]), entry


@pytest.mark.parametrize(
    "path",
    [ROOT / ".github" / "workflows" / "csh-reconcile.yml", *ROOT.glob("examples/**/*.yml")],
    ids=lambda p: p.name,
)
def test_every_shipped_reconcile_runs_every_15_minutes(path: Path) -> None:
    """The workflows and templates that schedule `reconcile` all do it every 15 minutes."""
    workflow = load_yaml(path)
    if "jobs" not in workflow:
        return  # the example config
    crons = [entry["cron"] for entry in triggers(workflow).get("schedule") or []]
    reconciles = [
        job for job in workflow["jobs"].values()
        if "reconcile" in str(job.get("with", {}).get("command"))
        or any(s.get("with", {}).get("command") == "reconcile" for s in job.get("steps", []))
    ]  # fmt: skip
    if not reconciles:
        return
    assert EVERY_15_MINUTES in crons, path.name
    for job in reconciles:
        assert job.get("if") in (None, f"github.event.schedule == '{EVERY_15_MINUTES}'")


# -- permissions and concurrency -------------------------------------------------------------
@pytest.mark.parametrize("path", WORKFLOWS + EXAMPLES, ids=lambda p: p.name)
def test_permissions_are_none_by_default_and_minimal_per_job(path: Path) -> None:
    workflow = load_yaml(path)
    assert workflow["permissions"] == {}
    for job_id, job in workflow["jobs"].items():
        assert job.get("permissions") == PERMISSIONS[(path.name, job_id)], job_id


def test_every_job_has_a_time_limit() -> None:
    for path in WORKFLOWS:
        for job_id, job in load_yaml(path)["jobs"].items():
            assert "uses" in job or job.get("timeout-minutes"), f"{path.name}: {job_id}"


@pytest.mark.parametrize("name", sorted(CONCURRENCY))
def test_concurrency_groups_keep_runs_that_could_collide_apart(name: str) -> None:
    group, cancel = CONCURRENCY[name]
    assert load(name)["concurrency"] == {"group": group, "cancel-in-progress": cancel}


def test_the_reusable_workflow_serialises_its_runs() -> None:
    job = load("community-sync.yml")["jobs"]["run"]
    assert job["concurrency"] == {
        "group": "community-sync-call-${{ inputs.command }}"
        "-${{ github.event.issue.number || 'all' }}",
        "cancel-in-progress": False,
    }


# -- steps -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_third_party_actions_are_pinned_to_a_commit_with_its_version(path: Path) -> None:
    for line in uses_lines(path):
        assert PINNED.match(line), f"{path.name}: {line}"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_checkouts_leave_no_credentials_behind(path: Path) -> None:
    for step in steps_of(load_yaml(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, step


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_expression_is_pasted_into_a_script(path: Path) -> None:
    for step in steps_of(load_yaml(path)):
        assert "${{" not in step.get("run", ""), step.get("name")


def test_this_repositorys_actions_are_used_from_this_commit() -> None:
    """`$/` runs the actions at the workflow's own commit: no checkout can swap them. The
    reusable workflow runs in its caller's repository, so it checks out its own first."""
    for path in WORKFLOWS:
        uses = [s.get("uses", "") for s in steps_of(load_yaml(path))]
        ours = [u for u in uses if "actions/csh-sync" in u or "actions/office-hours" in u]
        prefix = "./.community-sync/" if path.name == "community-sync.yml" else "$/"
        assert all(u.startswith(prefix + "actions/") for u in ours), f"{path.name}: {ours}"
        assert not any(u.startswith("./") and not u.startswith("./.community-sync/") for u in uses)


def test_the_reusable_workflow_checks_out_its_own_commit() -> None:
    steps = load("community-sync.yml")["jobs"]["run"]["steps"]
    [own] = [s for s in steps if s.get("with", {}).get("path") == ".community-sync"]
    assert own["with"]["repository"] == "${{ job.workflow_repository }}"
    assert own["with"]["ref"] == "${{ job.workflow_sha }}"
    assert steps.index(own) < min(
        i for i, s in enumerate(steps) if s.get("uses", "").startswith("./.community-sync/")
    )


@pytest.mark.parametrize("path", WORKFLOWS + EXAMPLES, ids=lambda p: p.name)
def test_every_use_of_an_action_gives_known_inputs_and_the_required_ones(path: Path) -> None:
    for step in steps_of(load_yaml(path)):
        uses = step.get("uses", "")
        local = uses.removeprefix("$/").removeprefix("./.community-sync/")
        if local == uses or not local.startswith("actions/"):
            continue
        declared = load_yaml(ROOT / local / "action.yml")["inputs"]
        given = set(step.get("with") or {})
        assert given <= set(declared), f"{path.name}: {sorted(given - set(declared))}"
        required = {k for k, spec in declared.items() if spec.get("required")}
        assert required <= given, f"{path.name}: missing {sorted(required - given)}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_call_the_reusable_workflow_with_what_it_declares(path: Path) -> None:
    call = triggers(load("community-sync.yml"))["workflow_call"]
    for job in load_yaml(path)["jobs"].values():
        assert job["uses"].startswith(
            "example-org/community-sync/.github/workflows/community-sync.yml@"
        )
        assert set(job.get("with") or {}) <= set(call["inputs"])
        assert job["secrets"] != "inherit"  # only the secrets it needs
        assert set(job["secrets"]) <= set(call["secrets"])


# -- the composite actions -------------------------------------------------------------------
@pytest.mark.parametrize("path", ACTION_FILES, ids=lambda p: p.parent.name)
def test_actions_document_kebab_case_inputs_and_their_outputs(path: Path) -> None:
    action = load_yaml(path)
    assert action["runs"]["using"] == "composite"
    for name, spec in action["inputs"].items():
        assert KEBAB.match(name), name
        assert spec["description"].strip(), name
        assert "required" in spec, name
        assert spec.get("required") or "default" in spec, name
    assert {"command", "github-token", "config", "dry-run", "python-version"} <= set(
        action["inputs"]
    )
    assert action["inputs"]["config"]["default"] == ".github/community-sync.yml"
    assert action["inputs"]["dry-run"]["default"] == "false"
    for name, spec in action["outputs"].items():
        assert spec["description"].strip(), name
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
    assert {"action", "changes"} <= set(action["outputs"])


def test_the_contracts_outputs_are_exposed() -> None:
    csh = load_yaml(ROOT / "actions" / "csh-sync" / "action.yml")["outputs"]
    office_hours = load_yaml(ROOT / "actions" / "office-hours" / "action.yml")["outputs"]
    assert set(csh) == {"action", "asana_task_gid", "changes"}
    assert set(office_hours) == {
        "action",
        "changes",
        "session",
        "topics",
        "escalation",
        "issue_url",
    }
    assert load_yaml(ROOT / "actions" / "csh-sync" / "action.yml")["inputs"]["asana-token"][
        "required"
    ]


@pytest.mark.parametrize("path", ACTION_FILES, ids=lambda p: p.parent.name)
def test_every_input_reaches_the_script_through_env(path: Path) -> None:
    action = load_yaml(path)
    run = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    passed = {m for value in run["env"].values() for m in re.findall(r"inputs\.([\w-]+)", value)}
    assert passed == set(action["inputs"]) - {"python-version"}
    assert run["shell"] == "bash"
    for step in action["runs"]["steps"]:
        assert "run" not in step or step["shell"] == "bash", step["name"]


def test_both_actions_install_the_same_way() -> None:
    csh, office_hours = (load_yaml(p)["runs"]["steps"] for p in ACTION_FILES)
    assert csh[:4] == office_hours[:4]
    assert [s.get("id") for s in csh[:4]] == ["prepare", "python", None, "install"]
    assert csh[3]["run"].strip() == 'bash "$CS_ROOT/actions/install.sh"'
    assert csh[3]["env"]["CS_DEPS"] == "${{ steps.prepare.outputs.deps }}"
    # Only the dependency tree is cached, under an exact key: no restore-keys, whose nearest
    # match would be a tree made from another lock or Python (install.sh would remove it).
    assert csh[2]["uses"].startswith("actions/cache@")
    assert csh[2]["with"] == {
        "path": "${{ steps.prepare.outputs.deps }}",
        "key": "${{ steps.prepare.outputs.deps-cache-key }}"
        "-py${{ steps.python.outputs.python-version }}",
    }
    # The key's digest covers what install.sh's stamp covers (test_install checks the values).
    for source in ("install.sh", "install_project.py", "requirements.lock"):
        assert f'"$root/actions/{source}"' in csh[0]["run"]
        assert f'"$CS_ROOT/actions/{source}"' in (ROOT / "actions" / "install.sh").read_text()


def test_the_install_script_is_isolated_hashed_and_installs_the_project_without_deps() -> None:
    script = (ROOT / "actions" / "install.sh").read_text("utf-8")
    assert 'cd "$CS_HOME"' in script  # never the workspace
    assert '"$PYTHON" -I -m venv' in script and '"$PYTHON" -I -m pip' in script
    assert (
        "--require-hashes --only-binary :all: \\\n"
        '    --target "$deps" -r "$CS_ROOT/actions/requirements.lock"'
    ) in script
    # The project: built and unpacked by the venv's own Python, isolated, by a script that
    # starts no process and imports no installer, so it cannot fetch anything.
    assert '"$venv_python" -I "$CS_ROOT/actions/install_project.py" "$CS_ROOT" "$deps"' in script
    project = (ROOT / "actions" / "install_project.py").read_text("utf-8")
    assert not re.search(r"^\s*(import|from) (subprocess|pip|runpy|urllib)\b", project, re.M)
    assert 'deps="${CS_DEPS:-$CS_HOME/deps}"' in script
    assert 'printf \'%s\\n\' "$stamp" > "$deps/stamp"  # last' in script


def test_the_readme_documents_every_input() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert readme_tables() in readme, "run python -m tests.workflows.tables and update README"


# -- pinned dependencies ---------------------------------------------------------------------
def constraints() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "actions" / "constraints.txt").read_text("utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            pins[name.lower().replace("_", "-")] = pinned
    return pins


def test_every_dependency_is_pinned_within_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    pins = constraints()
    needs = pyproject["project"]["dependencies"] + pyproject["build-system"]["requires"]
    for text in needs:
        requirement = Requirement(text)
        name = requirement.name.lower()
        assert name in pins, f"{name} has no pin in actions/constraints.txt"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]}: {text}"


def test_the_demo_extra_is_pinned_apart_and_hashed() -> None:
    """Users do not install the demo extra (graphql-core); .ci/run adds its own hashed pins."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    demo_text = (ROOT / "actions" / "demo-constraints.txt").read_text("utf-8")
    demo_pins = lock.pins(demo_text)
    needs = [Requirement(text) for text in pyproject["project"]["optional-dependencies"]["demo"]]
    assert {r.name.lower() for r in needs} == set(demo_pins) == {"graphql-core"}
    for requirement in needs:
        assert requirement.specifier.contains(demo_pins[requirement.name.lower()])
        assert requirement.name.lower() not in constraints(), "the actions would install it"
    demo_lock = (ROOT / "actions" / "demo-requirements.lock").read_text("utf-8")
    assert lock.disagreements(demo_text, demo_lock) == []
    run = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "-r actions/demo-requirements.lock" in run


def test_the_hashed_lock_is_the_constraints_with_hashes() -> None:
    """actions/requirements.lock is made from actions/constraints.txt by scripts/lock.py."""
    lock_text = (ROOT / "actions" / "requirements.lock").read_text("utf-8")
    constraints_text = (ROOT / "actions" / "constraints.txt").read_text("utf-8")
    assert lock.disagreements(constraints_text, lock_text) == []
    entries = lock.locked(lock_text)
    assert set(entries) == set(constraints())
    for name, (_, hashes) in entries.items():
        assert hashes and len(set(hashes)) == len(hashes), name
    # Only `name==version` lines and their hashes: pip reads nothing else from it.
    body = [line for line in lock_text.splitlines() if not line.startswith("#")]
    for line in body:
        assert re.fullmatch(r"[a-z0-9-]+==[\w.]+ \\|    --hash=sha256:[0-9a-f]{64}( \\)?", line)


def test_the_lock_check_finds_a_disagreement() -> None:
    assert lock.disagreements("a==1\nb==2\n", "a==1 \\\n    --hash=sha256:" + "0" * 64) == [
        "b: pinned but not locked"
    ]
    assert lock.disagreements("a==2\n", "a==1 \\\n    --hash=sha256:" + "0" * 64) == [
        "a: locked 1, pinned 2"
    ]


# -- tokens: each command's own scopes, the App token first, secrets in an environment -------
APP_SCOPES = {  # command -> (issues, pull-requests, organization-projects) of its App token
    "issue": ("write", "", "read"),
    "reconcile": ("write", "", "read"),
    "hours": ("read", "", "read"),
    "agenda": ("read", "read", "read"),
    "publish": ("write", "read", "read"),
    "rotate": ("read", "read", "write"),
    "queue": ("read", "read", "write"),
}


@pytest.mark.parametrize("command", sorted(APP_SCOPES))
def test_the_reusable_workflows_app_token_has_only_its_commands_scopes(command: str) -> None:
    from tests.workflows.expressions import interpolate

    steps = load("community-sync.yml")["jobs"]["run"]["steps"]
    [app] = [s for s in steps if s.get("id") == "app-token"]
    contexts = {"inputs": {"command": command}, "github": {"repository_owner": "o"}}
    scopes = tuple(
        interpolate(app["with"][f"permission-{name}"], contexts)
        for name in ("issues", "pull-requests", "organization-projects")
    )
    assert scopes == APP_SCOPES[command]
    assert app["with"]["permission-contents"] == "read"


OWN_JOBS = [
    ("csh-sync.yml", "sync"),
    ("csh-reconcile.yml", "reconcile"),
    ("csh-hours.yml", "hours"),
    ("office-hours.yml", "queue"),
    ("office-hours.yml", "sessions"),
]


@pytest.mark.parametrize(("name", "job_id"), OWN_JOBS)
def test_own_workflows_prefer_an_app_token_and_keep_secrets_in_an_environment(
    name: str, job_id: str
) -> None:
    job = load(name)["jobs"][job_id]
    assert job["environment"] == "community-sync"
    [app] = [s for s in job["steps"] if s.get("id") == "app-token"]
    assert app["if"] == "vars.COMMUNITY_SYNC_APP_ID != ''"
    assert job["steps"].index(app) == 0
    given = [s.get("with", {}) for s in job["steps"]]
    tokens = [w["github-token"] for w in given if "github-token" in w]
    assert tokens and all(t.startswith("${{ steps.app-token.outputs.token || ") for t in tokens)
