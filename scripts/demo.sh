#!/usr/bin/env bash
# Set up the environment, then run the demo (`perfeval demo`). Extra arguments go to it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
cd "$REPO_ROOT"
exec "$VENV_DIR/bin/perfeval" demo "$@"
