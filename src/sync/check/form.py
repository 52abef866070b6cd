"""The CSH issue form's Community options against ``csh.communities``."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sync.check.findings import Finding, fix, note, ok
from sync.config import CshConfig

FORM_PATH = Path(".github/ISSUE_TEMPLATE/csh-request.yml")


def check_form_file(csh: CshConfig, path: Path = FORM_PATH) -> list[Finding]:
    """Read the form at ``path`` (relative to the working directory) and check it."""
    if not path.is_file():
        return [
            note(
                f"{path}: no CSH issue form; to offer one, copy community-sync's "
                f"csh-request.yml (installed at {shipped_form()}) there and set its Community "
                f"options to {_options(csh)}"
            )
        ]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return [fix(f"{path}: cannot read the form ({err.__class__.__name__})")]
    return check_form(csh, text, str(path))


def shipped_form() -> str:
    """Where the installed package keeps the CSH issue form to copy."""
    return str(resources.files("sync").joinpath("templates", "ISSUE_TEMPLATE", "csh-request.yml"))


def check_form(csh: CshConfig, text: str, where: str) -> list[Finding]:
    """The form applies the CSH label and offers exactly the configured communities."""
    try:
        form = yaml.safe_load(text)
    except yaml.YAMLError as err:
        return [fix(f"{where}: not valid YAML ({' '.join(str(err).split())})")]
    if not isinstance(form, dict):
        return [fix(f"{where}: not an issue form (expected a mapping with a body)")]
    return [_label(csh, form, where), _community_options(csh, form, where)]


def _label(csh: CshConfig, form: Mapping[str, Any], where: str) -> Finding:
    labels = form.get("labels") or []
    labels = [labels] if isinstance(labels, str) else labels
    if any(str(label).casefold() == csh.label.casefold() for label in labels):
        return ok(f'{where}: applies the "{csh.label}" label')
    return fix(f'{where}: add "{csh.label}" to its labels, so that new requests are mirrored')


def _community_options(csh: CshConfig, form: Mapping[str, Any], where: str) -> Finding:
    dropdown = _community_dropdown(form)
    if dropdown is None:
        return fix(f"{where}: no Community dropdown; add one with the options {_options(csh)}")
    options = [str(o) for o in (dropdown.get("attributes") or {}).get("options") or []]
    unknown = [o for o in options if csh.community_by_key_or_name(o) is None]
    offered = {o.casefold() for o in options}
    missing = [
        c.key for c in csh.communities if not {c.key.casefold(), c.name.casefold()} & offered
    ]
    if not unknown and not missing:
        return ok(f"{where}: its Community options match csh.communities")
    problems = [f"missing {', '.join(missing)}"] if missing else []
    problems += [f"unknown {', '.join(unknown)}"] if unknown else []
    return fix(
        f"{where}: Community options out of step ({'; '.join(problems)}); set them to "
        f"{_options(csh)}"
    )


def _community_dropdown(form: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for item in form.get("body") or []:
        if not isinstance(item, dict) or item.get("type") != "dropdown":
            continue
        label = str((item.get("attributes") or {}).get("label", ""))
        if item.get("id") == "community" or label.casefold() == "community":
            return item
    return None


def _options(csh: CshConfig) -> str:
    return "[" + ", ".join(c.key for c in csh.communities) + "]"
