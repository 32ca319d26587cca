#!/usr/bin/env bash
# The quick start: install Healer into .venv and run its main job, `healer serve`, on the
# embedded defaults (SQLite ./healer.db, CodeRuns as files in ./coderuns, replayed context).
# Extra arguments go to `healer serve` (e.g. --port 9000). It prints what runs at start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
exec .venv/bin/healer serve "$@"
