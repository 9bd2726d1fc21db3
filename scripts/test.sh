#!/usr/bin/env bash
# Run the whole test suite in parallel (pytest-xdist). Extra arguments go to pytest,
# e.g. `bash scripts/test.sh -m "not slow"` or `bash scripts/test.sh tests/test_libreoffice.py -n 0`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
cd "$REPO_ROOT"
exec "$VENV_DIR/bin/python" -m pytest -n auto "$@"
