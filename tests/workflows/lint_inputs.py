"""Files for the linters that cannot read composite actions or scripts inside YAML.

`python -m tests.workflows.lint_inputs DIR FILE...` writes into DIR, for .ci/lint-workflows:

- for each composite action, a workflow that runs its steps (`on: workflow_call` with the
  action's inputs as string inputs), so that actionlint, which reads only workflows, checks the
  action's expressions, step ids and `uses:` too;
- for each `run:` step of every file, a bash script as the runner would run it, for shellcheck.

It prints the paths it wrote, one a line: workflows first, then `--` and the scripts.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.workflows.runner import load_yaml


def action_as_workflow(action: dict[str, Any], source: str) -> str:
    """A workflow whose one job runs the composite action's steps."""
    inputs = {name: {"type": "string", "required": False} for name in action.get("inputs") or {}}
    workflow = {
        "name": f"{action.get('name', source)} (generated from {source} for actionlint)",
        "on": {"workflow_call": {"inputs": inputs}},
        "permissions": {},
        "jobs": {
            "action": {
                "runs-on": "ubuntu-latest",
                "permissions": {},
                "steps": action["runs"]["steps"],
            }
        },
    }
    return f"# Generated from {source}: do not edit.\n" + yaml.safe_dump(workflow, sort_keys=False)


def scripts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(step name, script as bash runs it) for every `run:` step."""
    if "runs" in data:
        steps = data["runs"].get("steps", [])
    else:
        steps = [s for job in data["jobs"].values() for s in job.get("steps", [])]
    found = []
    for step in steps:
        if "run" in step:
            # `shell: bash` runs `bash --noprofile --norc -eo pipefail`; no shell, `bash -e`.
            flags = "set -eo pipefail" if step.get("shell") == "bash" else "set -e"
            found.append((step.get("name", "run"), f"{flags}\n{step['run']}"))
    return found


def main(out: Path, files: list[Path]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    workflows, shell = [], []
    for path in files:
        data = load_yaml(path)
        slug = re.sub(r"[^\w]+", "-", str(path)).strip("-")
        if "runs" in data:
            target = out / f"{slug}.yml"
            target.write_text(action_as_workflow(data, str(path)), encoding="utf-8")
            workflows.append(target)
        for number, (name, script) in enumerate(scripts(data)):
            target = out / f"{slug}-{number}.sh"
            text = f"#!/usr/bin/env bash\n# {path}: {name}\n{script}"
            target.write_text(text, encoding="utf-8")
            shell.append(target)
    print("\n".join(str(p) for p in [*workflows, "--", *shell]))


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(arg) for arg in sys.argv[2:]])
