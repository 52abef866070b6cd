"""A small stand-in for the GitHub Actions runner: runs this repository's workflow jobs,
reusable workflows and composite actions on this machine, step by step.

What it does as the runner does: evaluates `if:`, `with:`, `env:` and outputs as expressions;
runs each `run:` step with bash (`--noprofile --norc -eo pipefail` for `shell: bash`) and the
step's resolved environment plus the runner's own variables (GITHUB_EVENT_PATH, GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH, ...); reads the file commands back (outputs, env, path,
summary); passes inputs, secrets and outputs between a caller, a reusable workflow and a
composite action; resolves `./` against the workspace and `$/` against this repository.

What it does not: third-party actions (`owner/repo@sha`) are recorded and not run (checkout,
setup-python, cache, app token); the test prepares their effect (the workspace) or gives their
outputs (`stand_in_outputs`). One step is skipped on purpose: a composite action's step with
`id: install` (pip install), whose effect, the `community-sync` command in `$CS_HOME/venv/bin`,
is stood in for by a shim that runs the package under test (`run_install=True` runs it for
real, for the test of the install itself).

It is stricter than the runner where that catches glue errors: an unknown `with:` key, a
missing required input, a `${{ }}` it cannot evaluate, or a reusable workflow that asks for
more permissions than its caller grants all raise HarnessError.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import subprocess
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.workflows.expressions import condition, interpolate, to_string

ROOT = Path(__file__).resolve().parents[2]
SHA = re.compile(r"^[0-9a-f]{40}$")
BASH_SHELL = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]  # `shell: bash`
DEFAULT_SHELL = ["bash", "-e"]  # no `shell:` on a Linux runner
LEVELS = {"none": 0, "read": 1, "write": 2}


class HarnessError(AssertionError):
    """The workflow cannot run as written (a glue error the runner would hit or hide)."""


def load_yaml(path: Path) -> dict[str, Any]:
    """A workflow or action file; the `on:` key (YAML 1.1's boolean true) is read as 'on'."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise HarnessError(f"{path}: not a mapping")
    if True in data:
        data["on"] = data.pop(True)
    return data


def triggers(workflow: Mapping[str, Any]) -> dict[str, Any]:
    """The workflow's `on:` as a mapping of event name to its settings (None when bare)."""
    on = workflow.get("on")
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on or {})


@dataclass
class StepResult:
    """One step as it ran (or why it did not)."""

    name: str
    outcome: str  # success, failure or skipped
    uses: str | None = None
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    children: list[StepResult] = field(default_factory=list)
    note: str = ""
    given: dict[str, str] = field(default_factory=dict)  # a third-party action's `with:`

    def walk(self) -> list[StepResult]:
        """This step and every step of the composite action it ran, in order."""
        return [self, *(s for child in self.children for s in child.walk())]


@dataclass
class JobResult:
    """A job: whether it ran, its steps, outputs and job summary."""

    job: str
    ran: bool
    outcome: str = "skipped"
    steps: list[StepResult] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    called: list[JobResult] = field(default_factory=list)

    def all_steps(self) -> list[StepResult]:
        """Every step, composite steps and the steps of a called workflow included."""
        found = [s for step in self.steps for s in step.walk()]
        return found + [s for job in self.called for s in job.all_steps()]

    @property
    def log(self) -> str:
        """Everything the steps printed, as the job log would show it (unmasked)."""
        return "".join(s.stdout + s.stderr for s in self.all_steps())

    def ran_commands(self) -> list[str]:
        """The `run:` steps that ran, by name."""
        return [s.name for s in self.all_steps() if s.outcome != "skipped" and not s.uses]


@dataclass
class Runner:
    """One machine for one job at a time: a workspace, a temp dir, secrets and contexts."""

    workspace: Path
    temp: Path
    repository: str
    secrets: dict[str, str] = field(default_factory=dict)
    machine_env: dict[str, str] = field(default_factory=dict)
    github_token: str = "ghs_actionsJobToken00000000000000000000"
    api_url: str = "https://api.github.com"
    graphql_url: str = "https://api.github.com/graphql"
    remote: dict[str, Path] = field(default_factory=dict)  # "owner/repo/path@ref" -> file
    install_stand_in: Callable[[Mapping[str, str]], None] | None = None
    run_install: bool = False  # run the `id: install` step for real (tests of the install)
    # Outputs a skipped third-party action is taken to have given, by its name before `@`.
    stand_in_outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    _count: itertools.count[int] = field(default_factory=itertools.count)

    # -- entry points ----------------------------------------------------------------------
    def run_job(
        self,
        workflow_path: Path,
        job_id: str,
        *,
        event_name: str,
        payload: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
    ) -> JobResult:
        """Run one job of a workflow for an event, as GitHub would start it."""
        workflow = load_yaml(workflow_path)
        if event_name not in triggers(workflow):
            raise HarnessError(f"{workflow_path.name} is not triggered by {event_name}")
        event_path = self.temp / f"event-{next(self._count)}.json"
        event_path.write_text(json.dumps(payload), encoding="utf-8")
        github = self._github(event_name, dict(payload), event_path)
        given = inputs if inputs is not None else payload.get("inputs") or {}
        typed = self._typed_inputs(workflow, event_name, given)
        secrets = dict(self.secrets)
        identity = {"workflow_repository": self.repository, "workflow_sha": github["sha"]}
        return self._job(workflow, job_id, github, typed, secrets, None, identity)

    # -- jobs ------------------------------------------------------------------------------
    def _job(
        self,
        workflow: Mapping[str, Any],
        job_id: str,
        github: dict[str, Any],
        inputs: dict[str, Any],
        secrets: dict[str, str],
        permissions: Mapping[str, str] | None,
        identity: Mapping[str, str] | None = None,
    ) -> JobResult:
        job = workflow["jobs"][job_id]
        contexts = {**self._contexts(github, inputs, secrets), "job": dict(identity or {})}
        if not condition(job.get("if"), contexts):
            return JobResult(job_id, ran=False)
        granted = job.get("permissions", workflow.get("permissions", {}))
        if permissions is not None:
            _check_within(granted, permissions, job_id)
        combos = _matrix(job.get("strategy", {}).get("matrix"))
        results = [
            self._job_once(workflow, job_id, job, github, inputs, secrets, granted, combo)
            for combo in combos
        ]
        if len(results) == 1:
            return results[0]
        merged = JobResult(job_id, ran=True, outcome="success")
        for result in results:
            merged.called.append(result)
            merged.summary += result.summary
            merged.outputs.update(result.outputs)
            if result.outcome == "failure":
                merged.outcome = "failure"
        return merged

    def _job_once(
        self,
        workflow: Mapping[str, Any],
        job_id: str,
        job: Mapping[str, Any],
        github: dict[str, Any],
        inputs: dict[str, Any],
        secrets: dict[str, str],
        granted: Mapping[str, str],
        matrix: dict[str, Any],
    ) -> JobResult:
        contexts = {**self._contexts(github, inputs, secrets), "matrix": matrix}
        if "uses" in job:
            return self._call(job_id, job, contexts, granted)
        result = JobResult(job_id, ran=True, outcome="success")
        env = {**_env(workflow.get("env"), contexts), **_env(job.get("env"), contexts)}
        steps: dict[str, Any] = {}
        state = _JobState(env=env, summary=[])
        for number, step in enumerate(job["steps"]):
            record = self._step(step, number, {**contexts, "steps": steps}, state, github)
            result.steps.append(record)
            if step.get("id"):
                steps[step["id"]] = {"outputs": record.outputs, "outcome": record.outcome}
            if record.outcome == "failure":
                state.status = "failure"
                result.outcome = "failure"
        result.summary = "".join(state.summary)
        outputs_contexts = {**contexts, "steps": steps}
        result.outputs = {
            k: to_string(interpolate(v, outputs_contexts))
            for k, v in (job.get("outputs") or {}).items()
        }
        return result

    def _call(
        self,
        job_id: str,
        job: Mapping[str, Any],
        contexts: dict[str, Any],
        granted: Mapping[str, str],
    ) -> JobResult:
        """A job that calls a reusable workflow: inputs, secrets, permissions, outputs."""
        path = self._workflow_file(job["uses"])
        called = load_yaml(path)
        call = triggers(called).get("workflow_call")
        if "workflow_call" not in triggers(called):
            raise HarnessError(f"{path.name} cannot be called: no workflow_call trigger")
        call = call or {}
        given = {k: interpolate(v, contexts) for k, v in (job.get("with") or {}).items()}
        declared = call.get("inputs") or {}
        _check_keys(given, declared, f"{job_id} -> {path.name} with")
        inputs = _apply_input_defaults(declared, given, f"{path.name}")
        passed = job.get("secrets") or {}
        if passed == "inherit":
            secrets = dict(contexts["secrets"])
        else:
            _check_keys(passed, call.get("secrets") or {}, f"{job_id} -> {path.name} secrets")
            secrets = {k: to_string(interpolate(v, contexts)) for k, v in passed.items()}
        github = contexts["github"]
        identity = _identity(job["uses"], contexts)
        result = JobResult(job_id, ran=True, outcome="success")
        jobs: dict[str, Any] = {}
        for inner in called["jobs"]:
            inner_result = self._job(called, inner, github, inputs, secrets, granted, identity)
            result.called.append(inner_result)
            result.summary += inner_result.summary
            jobs[inner] = {"outputs": inner_result.outputs, "result": inner_result.outcome}
            if inner_result.outcome == "failure":
                result.outcome = "failure"
        out_contexts = {**contexts, "jobs": jobs}
        result.outputs = {
            k: to_string(interpolate(v["value"], out_contexts))
            for k, v in (call.get("outputs") or {}).items()
        }
        return result

    # -- steps -----------------------------------------------------------------------------
    def _step(
        self,
        step: Mapping[str, Any],
        number: int,
        contexts: dict[str, Any],
        state: _JobState,
        github: dict[str, Any],
        action_path: Path | None = None,
    ) -> StepResult:
        name = str(step.get("name") or step.get("uses") or step.get("run", "")[:40])
        if not condition(step.get("if"), contexts, status=state.status):
            return StepResult(name, "skipped", uses=step.get("uses"))
        uses = step.get("uses")
        if uses and not (uses.startswith("./") or uses.startswith("$/")):
            if not SHA.match(uses.rpartition("@")[2]):
                raise HarnessError(f"{uses}: not pinned to a commit")
            given = {  # not run, but every expression must evaluate
                key: to_string(interpolate(value, contexts))
                for key, value in (step.get("with") or {}).items()
            }
            outputs = dict(self.stand_in_outputs.get(uses.partition("@")[0], {}))
            note = "third-party action: not run, its effect is prepared by the test"
            return StepResult(name, "success", uses=uses, outputs=outputs, note=note, given=given)
        env = {**state.env, **_env(step.get("env"), contexts)}
        if uses:
            return self._composite(name, uses, step, contexts, state, github, env)
        if action_path is not None and step.get("id") == "install" and not self.run_install:
            if self.install_stand_in is not None:
                self.install_stand_in(env)
            return StepResult(name, "skipped", note="install: stood in by the test harness")
        return self._run(name, step, env, state, github, action_path)

    def _run(
        self,
        name: str,
        step: Mapping[str, Any],
        env: dict[str, str],
        state: _JobState,
        github: dict[str, Any],
        action_path: Path | None,
    ) -> StepResult:
        """A `run:` step: bash with the step's env and the runner's variables."""
        script = step["run"]
        if "${{" in script:
            raise HarnessError(f"step {name!r}: ${{{{ }}}} inside run: is never allowed")
        shell = step.get("shell")
        if shell not in (None, "bash"):
            raise HarnessError(f"step {name!r}: shell {shell!r} is not modelled")
        files = {n: self.temp / f"{n}-{uuid.uuid4().hex}" for n in ("output", "env", "path")}
        summary = self.temp / f"summary-{uuid.uuid4().hex}"
        for path in [*files.values(), summary]:
            path.write_text("", encoding="utf-8")
        script_path = self.temp / f"step-{uuid.uuid4().hex}.sh"
        script_path.write_text(script, encoding="utf-8")
        runner_env = {
            **self._runner_env(github),
            **env,
            "GITHUB_OUTPUT": str(files["output"]),
            "GITHUB_ENV": str(files["env"]),
            "GITHUB_PATH": str(files["path"]),
            "GITHUB_STEP_SUMMARY": str(summary),
            "PATH": os.pathsep.join([*state.path, _base_path()]),
        }
        if action_path is not None:
            runner_env["GITHUB_ACTION_PATH"] = str(action_path)
        shell_argv = BASH_SHELL if shell == "bash" else DEFAULT_SHELL
        proc = subprocess.run(
            [*shell_argv, str(script_path)],
            cwd=self.workspace / step.get("working-directory", "."),
            env=runner_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        state.env.update(_read_file_command(files["env"]))
        state.path[:0] = reversed(files["path"].read_text(encoding="utf-8").split())
        state.summary.append(summary.read_text(encoding="utf-8"))
        outcome = "success" if proc.returncode == 0 else "failure"
        outputs = _read_file_command(files["output"])
        note = f"exit {proc.returncode}: {shlex.join(shell_argv)}"
        return StepResult(name, outcome, None, proc.stdout, proc.stderr, outputs, note=note)

    def _composite(
        self,
        name: str,
        uses: str,
        step: Mapping[str, Any],
        contexts: dict[str, Any],
        state: _JobState,
        github: dict[str, Any],
        env: dict[str, str],
    ) -> StepResult:
        """A local composite action: its inputs, its steps, then its outputs."""
        base = ROOT if uses.startswith("$/") else self.workspace
        action_dir = base / uses[2:]
        action = load_yaml(action_dir / "action.yml")
        if action["runs"].get("using") != "composite":
            raise HarnessError(f"{uses}: only composite actions are modelled")
        given = {
            k: to_string(interpolate(v, contexts)) for k, v in (step.get("with") or {}).items()
        }
        declared = action.get("inputs") or {}
        _check_keys(given, declared, f"{uses} with")
        inner_github = {**github, "action_path": str(action_dir)}
        base_contexts = {**contexts, "github": inner_github}
        inputs = {
            key: given[key]
            if key in given
            else to_string(interpolate(spec.get("default", ""), base_contexts))
            for key, spec in declared.items()
        }
        for key, spec in declared.items():
            if spec.get("required") and key not in given:
                raise HarnessError(f"{uses}: required input {key!r} is not given")
        inner = _JobState(env=dict(env), summary=state.summary, path=state.path)
        steps: dict[str, Any] = {}
        record = StepResult(name, "success", uses=uses)
        for number, inner_step in enumerate(action["runs"]["steps"]):
            if "run" in inner_step and "shell" not in inner_step:
                raise HarnessError(f"{uses}: a composite run step needs `shell:`")
            inner_contexts = {**base_contexts, "inputs": inputs, "steps": steps}
            result = self._step(inner_step, number, inner_contexts, inner, inner_github, action_dir)
            record.children.append(result)
            if inner_step.get("id"):
                steps[inner_step["id"]] = {"outputs": result.outputs, "outcome": result.outcome}
            if result.outcome == "failure":
                inner.status = "failure"
                record.outcome = "failure"
        state.env.update({k: v for k, v in inner.env.items() if k not in env})
        out_contexts = {**base_contexts, "inputs": inputs, "steps": steps}
        record.outputs = {
            k: to_string(interpolate(v["value"], out_contexts))
            for k, v in (action.get("outputs") or {}).items()
        }
        return record

    # -- contexts and environment ----------------------------------------------------------
    def _github(self, event_name: str, payload: dict[str, Any], event_path: Path) -> dict[str, Any]:
        owner = self.repository.split("/")[0]
        return {
            "event_name": event_name,
            "event": payload,
            "event_path": str(event_path),
            "repository": self.repository,
            "repository_owner": owner,
            "token": self.github_token,
            "api_url": self.api_url,
            "graphql_url": self.graphql_url,
            "server_url": "https://github.com",
            "workspace": str(self.workspace),
            "ref": "refs/heads/main",
            "sha": "0" * 40,
            "run_id": "1",
        }

    def _contexts(
        self, github: dict[str, Any], inputs: dict[str, Any], secrets: dict[str, str]
    ) -> dict[str, Any]:
        return {
            "github": github,
            "inputs": inputs,
            "secrets": {**secrets, "GITHUB_TOKEN": self.github_token},
            "vars": {},
            "env": {},
            "needs": {},
            "runner": {"os": "Linux", "arch": "X64", "temp": str(self.temp)},
        }

    def _runner_env(self, github: Mapping[str, Any]) -> dict[str, str]:
        """What the runner sets for every step, plus the machine's own environment."""
        home = self.temp / "home"
        home.mkdir(exist_ok=True)
        return {
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_EVENT_NAME": github["event_name"],
            "GITHUB_EVENT_PATH": github["event_path"],
            "GITHUB_REPOSITORY": github["repository"],
            "GITHUB_REPOSITORY_OWNER": github["repository_owner"],
            "GITHUB_API_URL": self.api_url,
            "GITHUB_GRAPHQL_URL": self.graphql_url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REF": github["ref"],
            "GITHUB_SHA": github["sha"],
            "GITHUB_RUN_ID": github["run_id"],
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "RUNNER_TEMP": str(self.temp),
            **self.machine_env,
        }

    def _typed_inputs(
        self, workflow: Mapping[str, Any], event_name: str, given: Mapping[str, Any]
    ) -> dict[str, Any]:
        """`inputs` for a workflow_dispatch (typed by its declaration); empty otherwise."""
        if event_name != "workflow_dispatch":
            return {}
        declared = (triggers(workflow).get("workflow_dispatch") or {}).get("inputs") or {}
        _check_keys(given, declared, "workflow_dispatch inputs")
        return _apply_input_defaults(declared, given, "workflow_dispatch")

    def _workflow_file(self, uses: str) -> Path:
        if uses.startswith("./") or uses.startswith("$/"):
            return (ROOT if uses.startswith("$/") else self.workspace) / uses[2:]
        if uses in self.remote:
            return self.remote[uses]
        raise HarnessError(f"{uses}: unknown remote reusable workflow")


@dataclass
class _JobState:
    env: dict[str, str]
    summary: list[str]
    path: list[str] = field(default_factory=list)
    status: str = "success"


def _identity(uses: str, contexts: Mapping[str, Any]) -> dict[str, str]:
    """`job.workflow_repository` and `job.workflow_sha` inside a called workflow."""
    if uses.startswith(("./", "$/")):
        return dict(contexts.get("job") or {})
    path, _, ref = uses.partition("@")
    return {"workflow_repository": "/".join(path.split("/")[:2]), "workflow_sha": ref}


def _env(block: Mapping[str, Any] | None, contexts: Mapping[str, Any]) -> dict[str, str]:
    return {k: to_string(interpolate(v, contexts)) for k, v in (block or {}).items()}


def _base_path() -> str:
    return os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"])


def _check_keys(given: Mapping[str, Any], declared: Mapping[str, Any], where: str) -> None:
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise HarnessError(f"{where}: unknown {unknown}; declared: {sorted(declared)}")


def _apply_input_defaults(
    declared: Mapping[str, Any], given: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """Typed inputs: given values converted by their declared type, else the defaults."""
    values: dict[str, Any] = {}
    for key, spec in declared.items():
        spec = spec or {}
        if key in given:
            value = given[key]
        elif spec.get("required"):
            raise HarnessError(f"{where}: required input {key!r} is not given")
        else:
            value = spec.get("default", False if spec.get("type") == "boolean" else "")
        if spec.get("type") == "boolean" and isinstance(value, str):
            value = value.strip().lower() == "true"
        elif spec.get("type") == "number":
            value = float(value)
        elif spec.get("type") in ("string", "choice", None) and not isinstance(value, str):
            value = to_string(value)
        values[key] = value
    return values


def _check_within(asked: Mapping[str, str], granted: Mapping[str, str], job: str) -> None:
    """A called workflow's job may ask for at most what its caller grants (else it fails)."""
    for scope, level in (asked or {}).items():
        if LEVELS[level] > LEVELS[(granted or {}).get(scope, "none")]:
            raise HarnessError(f"{job} asks for {scope}: {level}; its caller grants less")


def _matrix(matrix: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not matrix:
        return [{}]
    keys = [k for k in matrix if k not in ("include", "exclude")]
    if set(matrix) - set(keys):
        raise HarnessError("matrix include/exclude is not modelled")
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*matrix.values())]


def _read_file_command(path: Path) -> dict[str, str]:
    """`name=value` lines and `name<<DELIMITER` blocks, as GITHUB_OUTPUT and GITHUB_ENV hold."""
    values: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            block = list(itertools.takewhile(lambda text, d=delimiter: text != d, lines))
            values[key] = "\n".join(block)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        elif line.strip():
            raise HarnessError(f"{path.name}: not a file command line: {line!r}")
    return values
