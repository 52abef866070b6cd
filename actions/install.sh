#!/usr/bin/env bash
# Install community-sync into "$CS_HOME/venv", as both composite actions do (their install step
# runs this file), and as .ci/run checks the pinned versions.
#
# Two parts, so that a warm run takes about a second (docs/performance.md):
#   - the dependencies, in a tree of their own ($CS_DEPS), which the actions keep with
#     actions/cache keyed on this file, install_project.py, the lock, the runner and the exact
#     Python. The tree is used only when the stamp file in it, written last by a complete
#     install, names the same lock, install scripts and Python; anything else (no stamp, a
#     different one, a partial restore) is removed and installed afresh. What a restored tree
#     may be trusted for: docs/reliability.md, "The action's dependency cache".
#   - community-sync itself, always built and installed from this checkout (CS_ROOT) into a
#     fresh virtual environment, never from the cache, so a new action version never runs an
#     old copy (install_project.py; the venv sees the tree through a .pth file).
#
# Nothing from the caller's checkout may run. The working directory is $CS_HOME (under
# runner.temp), never the workspace, and Python runs isolated (-I: neither the current
# directory nor PYTHON* variables nor the user site reach sys.path), so a `pip/` or `venv/`
# folder in the repository shadows nothing. The dependencies come from
# actions/requirements.lock with --require-hashes: whatever an index serves must match the
# lock's hashes, or it is not installed. The project goes in without dependencies, built by the
# locked setuptools in the venv, so no unhashed package is ever downloaded.
#
# Environment: PYTHON (the interpreter the venv is made from), CS_ROOT (this checkout of
# community-sync), CS_HOME (where the venv goes); CS_DEPS (the dependency tree the actions
# cache; default $CS_HOME/deps). pip's own PIP_* settings (an index, a wheelhouse) apply as
# usual.
set -euo pipefail
: "${PYTHON:?}" "${CS_ROOT:?}" "${CS_HOME:?}"
deps="${CS_DEPS:-$CS_HOME/deps}"
mkdir -p "$CS_HOME"
cd "$CS_HOME"
rm -rf venv installed-from

# What the tree must have been made from: these scripts, the lock and this exact Python.
sources=("$CS_ROOT/actions/install.sh" "$CS_ROOT/actions/install_project.py"
  "$CS_ROOT/actions/requirements.lock")
if command -v sha256sum >/dev/null; then
  digest="$(cat "${sources[@]}" | sha256sum | cut -d' ' -f1)"
else
  digest="$(cat "${sources[@]}" | shasum -a 256 | cut -d' ' -f1)"
fi
python_id="$("$PYTHON" -I -c 'import platform, sys, sysconfig
print(sys.implementation.name, platform.python_version(), sysconfig.get_platform(),
      sysconfig.get_config_var("SOABI"))')"
stamp="community-sync dependencies: sources $digest, python $python_id"

# A venv without pip of its own (4 s less, docs/performance.md), made afresh every time.
"$PYTHON" -I -m venv --without-pip venv
fresh=false
if [ "$(cat "$deps/stamp" 2>/dev/null)" != "$stamp" ]; then
  if [ -e "$deps" ]; then
    echo "::notice title=community-sync install::the cached dependencies do not match; installing them afresh"
  fi
  rm -rf "$deps"
  # Into the tree with this Python's pip for the new venv's Python, from the hashed lock only
  # (wheels only; no cache of pip's: the tree is the cache).
  "$PYTHON" -I -m pip --python "$CS_HOME/venv/bin/python" --disable-pip-version-check \
    --no-input install --quiet --no-cache-dir --require-hashes --only-binary :all: \
    --target "$deps" -r "$CS_ROOT/actions/requirements.lock"
  fresh=true
fi
venv_python="$CS_HOME/venv/bin/python"
"$venv_python" -I "$CS_ROOT/actions/install_project.py" "$CS_ROOT" "$deps"
if [ "$fresh" = true ]; then
  # pip's own check once, on the environment the tree was made for: the lock holds every
  # dependency pyproject.toml asks for (install_project.py checks the project's on every run).
  "$PYTHON" -I -m pip --python "$venv_python" --disable-pip-version-check check >/dev/null
  printf '%s\n' "$stamp" > "$deps/stamp"  # last: only a complete install is ever reused
fi
printf '%s\n' "$CS_ROOT" > "$CS_HOME/installed-from"
