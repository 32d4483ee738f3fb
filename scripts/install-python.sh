#!/usr/bin/env bash
# Create/refresh .venv from uv.lock (runtime + dev dependencies).
# Fast when the environment is already in sync.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if command -v uv >/dev/null 2>&1; then
    uv=(uv)
else
    echo "install-python.sh: uv not found, installing it with pip" >&2
    export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
    python3 -m pip install --quiet uv ||
        python3 -m pip install --quiet --user --break-system-packages uv
    hash -r
    if command -v uv >/dev/null 2>&1; then
        uv=(uv)
    else
        # pip put the binary somewhere off PATH (e.g. ~/.local/bin); the module still works.
        uv=(python3 -m uv)
    fi
fi

UV_PYTHON_DOWNLOADS=never "${uv[@]}" sync --frozen
