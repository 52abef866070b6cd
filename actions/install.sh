#!/usr/bin/env bash
# Install community-sync into "$CS_HOME/venv", as both composite actions do (their install step
# runs this file), and as .ci/run checks the pinned versions.
#
# Nothing from the caller's checkout may run. The working directory is $CS_HOME (under
# runner.temp), never the workspace, and Python runs isolated (-I: neither the current
# directory nor PYTHON* variables nor the user site reach sys.path), so a `pip/` or `venv/`
# folder in the repository shadows nothing. The runtime dependencies come from
# actions/requirements.lock with --require-hashes: whatever a restored cache or an index
# serves must match the lock's hashes, or it is not installed. The project itself goes in last
# with --no-deps, built by the locked setuptools without build isolation, so no unhashed
# package is ever downloaded.
#
# Environment: PYTHON (the interpreter the venv is made from), CS_ROOT (this checkout of
# community-sync), CS_HOME (where the venv goes); CS_PIP_CACHE (pip's cache, which the action
# restores with actions/cache; default ~/.cache/community-sync/pip). pip's own PIP_* settings
# (an index, a wheelhouse) apply as usual.
set -euo pipefail
: "${PYTHON:?}" "${CS_ROOT:?}" "${CS_HOME:?}"
cache="${CS_PIP_CACHE:-$HOME/.cache/community-sync/pip}"
mkdir -p "$CS_HOME"
cd "$CS_HOME"
rm -rf venv installed-from
# A venv without pip of its own (4 s less, docs/performance.md), filled by the pip of $PYTHON.
"$PYTHON" -I -m venv --without-pip venv
pip_into_venv() {
  "$PYTHON" -I -m pip --python "$CS_HOME/venv/bin/python" --disable-pip-version-check \
    --no-input "$@"
}
locked=(install --quiet --require-hashes --only-binary :all: -r "$CS_ROOT/actions/requirements.lock")
if ! PIP_CACHE_DIR="$cache" pip_into_venv "${locked[@]}"; then
  # Whatever failed (a cached file that does not match its hash included), the cache is not
  # trusted a second time: one more try straight from the index.
  echo "::warning title=community-sync install::retrying without pip's cache"
  rm -rf "$cache"
  pip_into_venv "${locked[@]}" --no-cache-dir
fi
pip_into_venv install --quiet --no-deps --no-build-isolation --no-cache-dir "$CS_ROOT"
pip_into_venv check >/dev/null  # the lock holds every dependency pyproject.toml asks for
printf '%s\n' "$CS_ROOT" > "$CS_HOME/installed-from"
