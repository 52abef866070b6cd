"""The README's tables of the composite actions' inputs, made from their action.yml.

`python -m tests.workflows.tables` prints them; tests/workflows/test_static.py checks that the
README holds exactly these, so action.yml and the README cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.workflows.runner import ROOT, load_yaml

ACTIONS = ("csh-sync", "office-hours")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def inputs_table(action: dict[str, Any]) -> str:
    """A Markdown table: input, required, default, description."""
    rows = ["| input | required | default | description |", "|---|---|---|---|"]
    for name, spec in (action.get("inputs") or {}).items():
        required = "yes" if spec.get("required") else "no"
        default = spec.get("default")
        shown = "—" if default is None else f"`{default}`" if default != "" else '`""`'
        rows.append(f"| `{name}` | {required} | {shown} | {_cell(spec['description'])} |")
    return "\n".join(rows)


def readme_tables(root: Path = ROOT) -> str:
    """Both actions' tables, each under its `uses:` path, as the README shows them."""
    parts = []
    for name in ACTIONS:
        action = load_yaml(root / "actions" / name / "action.yml")
        parts.append(f"#### `actions/{name}`\n\n{inputs_table(action)}")
    return "\n\n".join(parts)


if __name__ == "__main__":
    print(readme_tables())
