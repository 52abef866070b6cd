"""Render an agenda context with the bundled Jinja template or a user's own.

Jinja runs sandboxed with `StrictUndefined`. The context holds only data, already escaped by
`build_context`; no text from GitHub is ever template source. A broken user template is a
usage error naming its file and line, never a traceback.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.loaders import split_template_path

from sync.errors import UsageError
from sync.templating import Source, bundled_source, environment

BUNDLED_TEMPLATE = "agenda.md.j2"

_Source = Source


def render_agenda(context: Mapping[str, Any], template_path: Path | None = None) -> str:
    """The agenda as Markdown: `context` rendered by the bundled or the user's template."""
    if template_path is None:
        return environment().get_template(BUNDLED_TEMPLATE).render(context)
    _inside_workspace(template_path)
    loaded: set[str] = set()
    env = environment(_user_source(template_path.parent, loaded))
    try:
        return env.get_template(template_path.name).render(context)
    except TemplateSyntaxError as err:
        raise UsageError(_where(err.filename or str(template_path), err.lineno, err)) from None
    except UsageError:
        raise
    except Exception as err:  # whatever the template does wrong, the user gets one line
        raise UsageError(_runtime_problem(err, loaded, template_path)) from None


def bundled_template_source() -> str:
    """The text of the bundled agenda template, a starting point for a custom one."""
    return bundled_source(BUNDLED_TEMPLATE)[0]


def _inside_workspace(path: Path) -> None:
    """Refuse a template outside the working directory (the checked-out repository), also
    through a symlink: the template is the config's to choose, not any file on the runner."""
    workspace = Path.cwd().resolve()
    if not path.resolve().is_relative_to(workspace):
        raise UsageError(
            f"office_hours.template: {path} is outside the working directory {workspace}; "
            "keep the template in the repository"
        )


def _user_source(root: Path, loaded: set[str]) -> Callable[[str], _Source]:
    """Read templates from the user template's folder, noting each file read in `loaded`."""

    def load(name: str) -> _Source:
        path = root.joinpath(*split_template_path(name))  # refuses ".." out of the folder
        _inside_workspace(path)  # and a symlink out of the workspace
        try:
            data = path.read_bytes()
        except OSError as err:
            raise UsageError(f"{path}: cannot read the template ({err.strerror})") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            raise UsageError(f"{path}:{line}: the template is not UTF-8 text") from None
        loaded.add(str(path))
        return text, str(path), lambda: True

    return load


def _runtime_problem(err: Exception, loaded: set[str], template_path: Path) -> str:
    """`<file>:<line>: <what>` for an error raised while the template ran."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename in loaded]
    if not frames:
        return _where(str(template_path), None, err)
    return _where(frames[-1].filename, frames[-1].lineno, err)


def _where(file: str, line: int | None, err: Exception) -> str:
    what = err.message if isinstance(err, TemplateError) and err.message else str(err)
    if not isinstance(err, TemplateError):
        what = f"{type(err).__name__}: {what}"
    where = file if line is None else f"{file}:{line}"
    return f"{where}: {' '.join(what.split())}"
